"""Orders and their payments in one SQLite file; every change is one transaction under one lock."""

from __future__ import annotations

import secrets
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

from liqpay import Checkout

ACQ_ID = 414963
FINAL = ("success", "failure", "reversed")

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    public_key TEXT NOT NULL,
    order_id TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,            -- the capability in the checkout page's address
    amount TEXT NOT NULL,                  -- Decimal text, 2 places
    currency TEXT NOT NULL,
    description TEXT NOT NULL,
    result_url TEXT NOT NULL,
    server_url TEXT NOT NULL,
    language TEXT NOT NULL,
    expires_at REAL,                       -- seconds since the epoch
    created_at REAL NOT NULL,
    -- new: no card yet (the API does not know the payment); then 3ds_verify, processing, success, failure, reversed
    status TEXT NOT NULL DEFAULT 'new',
    payment_id INTEGER UNIQUE,
    liqpay_order_id TEXT,
    card_mask TEXT,                        -- first 6 and last 2 digits only; never the number or the CVV
    card_type TEXT,
    is_3ds INTEGER NOT NULL DEFAULT 0,
    lose_callback INTEGER NOT NULL DEFAULT 0,
    err_code TEXT,
    err_description TEXT,
    paid_at REAL,                          -- when the card was submitted (create_date)
    changed_at REAL,                       -- when the status was last set (end_date)
    deadline REAL,                         -- processing: when the bank "times out"
    refund_amount TEXT NOT NULL DEFAULT '0.00',
    UNIQUE (public_key, order_id)
);
"""


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()  # one connection shared by the request threads and the timers
        with self._lock, self._db:
            self._db.executescript(SCHEMA)

    def _get(self, where: str, *args: Any) -> dict[str, Any] | None:
        row = self._db.execute(f"SELECT * FROM orders WHERE {where}", args).fetchone()  # noqa: S608 (fixed columns)
        return dict(row) if row else None

    def by_token(self, token: str) -> dict[str, Any] | None:
        with self._lock:
            return self._get("token = ?", token)

    def by_order(self, public_key: str, order_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._get("public_key = ? AND order_id = ?", public_key, order_id)

    def open_order(self, checkout: Checkout, now: float) -> tuple[dict[str, Any], bool]:
        """The merchant's order with this order_id, created when new (and then True)."""
        with self._lock, self._db:
            existing = self._get("public_key = ? AND order_id = ?", checkout.public_key, checkout.order_id)
            if existing:
                return existing, False
            token = secrets.token_urlsafe(24)
            self._db.execute(
                "INSERT INTO orders (public_key, order_id, token, amount, currency, description, result_url,"
                " server_url, language, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    checkout.public_key,
                    checkout.order_id,
                    token,
                    str(checkout.amount),
                    checkout.currency,
                    checkout.description,
                    checkout.result_url,
                    checkout.server_url,
                    checkout.language,
                    checkout.expires_at,
                    now,
                ),
            )
            created = self._get("token = ?", token)
            assert created is not None
            return created, True

    def submit_card(self, token: str, *, now: float, **payment: Any) -> dict[str, Any] | None:
        """Start the payment of a new order (None when it is not new any more: one payment per order)."""
        columns = ("status", "card_mask", "card_type", "is_3ds", "lose_callback", "err_code", "err_description")
        with self._lock, self._db:
            (last,) = self._db.execute("SELECT COALESCE(MAX(payment_id), 1000000) FROM orders").fetchone()
            changed = self._db.execute(
                f"UPDATE orders SET {', '.join(f'{c} = ?' for c in columns)}, payment_id = ?, liqpay_order_id = ?,"  # noqa: S608
                " paid_at = ?, changed_at = ?, deadline = ? WHERE token = ? AND status = 'new'",
                (
                    *(payment.get(c) for c in columns),
                    last + 1,
                    f"SANDBOX{last + 1}{secrets.token_hex(4).upper()}",
                    now,
                    now,
                    payment.get("deadline"),
                    token,
                ),
            ).rowcount
            return self._get("token = ?", token) if changed else None

    def finish(self, token: str, *, from_status: str, now: float, status: str, err: tuple[str, str] | None = None):
        """Move a payment on from `from_status` (None when it is not there any more, e.g. finished meanwhile)."""
        code, description = err or (None, None)
        with self._lock, self._db:
            changed = self._db.execute(
                "UPDATE orders SET status = ?, err_code = ?, err_description = ?, changed_at = ?"
                " WHERE token = ? AND status = ?",
                (status, code, description, now, token, from_status),
            ).rowcount
            return self._get("token = ?", token) if changed else None

    def due_timeouts(self, now: float) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT token FROM orders WHERE status = 'processing' AND deadline <= ?", (now,))
            return [token for (token,) in rows.fetchall()]

    def deadlines(self) -> list[float]:
        with self._lock:
            return [d for (d,) in self._db.execute("SELECT deadline FROM orders WHERE status = 'processing'")]

    def refund(self, public_key: str, order_id: str, amount: Decimal, now: float) -> tuple[dict[str, Any], str | None]:
        """The order after the refund, or the order (possibly empty) and the error code that refused it."""
        with self._lock, self._db:
            order = self._get("public_key = ? AND order_id = ?", public_key, order_id)
            if not order or order["status"] == "new":
                return {}, "payment_not_found"
            if order["status"] != "success":
                return order, "wrong_state"
            refunded = Decimal(order["refund_amount"]) + amount
            if refunded > Decimal(order["amount"]):
                return order, "refund_amount_exceeded"
            reversed_ = refunded == Decimal(order["amount"])
            self._db.execute(
                "UPDATE orders SET refund_amount = ?, status = ?, changed_at = ? WHERE id = ?",
                (
                    str(refunded),
                    "reversed" if reversed_ else "success",
                    now if reversed_ else order["changed_at"],
                    order["id"],
                ),
            )
            return self._get("id = ?", order["id"]) or {}, None


def status_object(order: dict[str, Any]) -> dict[str, Any]:
    """What the API answers and the callback carries about a payment (amounts stay Decimal: exact JSON numbers)."""
    result: dict[str, Any] = {
        "action": "pay",
        "payment_id": order["payment_id"],
        "status": order["status"],
        "version": 3,
        "type": "buy",
        "paytype": "card",
        "public_key": order["public_key"],
        "acq_id": ACQ_ID,
        "order_id": order["order_id"],
        "liqpay_order_id": order["liqpay_order_id"],
        "description": order["description"],
        "sender_card_mask2": order["card_mask"],
        "sender_card_type": order["card_type"],
        "amount": Decimal(order["amount"]),
        "currency": order["currency"],
        "create_date": round(order["paid_at"] * 1000),
        "end_date": round(order["changed_at"] * 1000),
        "transaction_id": order["payment_id"],
        "is_3ds": bool(order["is_3ds"]),
        "refund_amount": Decimal(order["refund_amount"]),
    }
    if order["status"] == "failure":
        result["err_code"] = order["err_code"]
        result["err_description"] = order["err_description"]
    return result
