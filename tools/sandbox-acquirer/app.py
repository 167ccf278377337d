"""What the sandbox does for each request, independent of the HTTP plumbing (server.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import callbacks
import cards
import liqpay
import pages
from store import FINAL, Store, status_object
from texts import t

Order = dict[str, Any]


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def redirect(location: str) -> Response:
    return Response(303, headers={"Location": location})


def api_answer(payload: dict[str, Any]) -> Response:
    # Always HTTP 200, as LiqPay does: the outcome is in "result" (and "err_code").
    return Response(200, liqpay.to_json(payload).encode(), "application/json; charset=utf-8")


def api_error(code: str, description: str) -> Response:
    return api_answer({"result": "error", "status": "error", "err_code": code, "err_description": description})


class Refused(Exception):
    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


class App:
    def __init__(self, store: Store, merchants: dict[str, str], timeout_seconds: float, log: Callable[[str], None]):
        self.store, self.merchants, self.timeout_seconds, self.log = store, merchants, timeout_seconds, log

    # --- Reading a signed message -----------------------------------------------------------------------------

    def read(self, form: dict[str, str]) -> dict[str, Any]:
        data, signature = form.get("data", ""), form.get("signature", "")
        if not data or not signature:
            raise Refused("err_data", "the request must carry the form fields data and signature")
        try:
            params = liqpay.decode(data)
        except liqpay.BadMessage as error:
            raise Refused("err_data", str(error)) from None
        public_key = params.get("public_key")
        private_key = self.merchants.get(public_key) if isinstance(public_key, str) else None
        if private_key is None:
            raise Refused("public_key_not_found", "public_key is not a merchant of this sandbox")
        if not liqpay.signature_matches(private_key, data, signature):
            raise Refused("err_signature", "the signature does not match data (signed with another private key?)")
        return params

    # --- The checkout form the service's page posts -----------------------------------------------------------

    def checkout(self, form: dict[str, str]) -> Response:
        language = _language_of(form)
        try:
            request = liqpay.parse_checkout(self.read(form))
        except (Refused, liqpay.BadMessage) as error:
            return self.bad_request(language, str(error))
        now = time.time()
        expired = request.expires_at is not None and request.expires_at <= now
        if expired and self.store.by_order(request.public_key, request.order_id) is None:
            return self.bad_request(language, "expired_date is in the past")
        order, created = self.store.open_order(request, now)
        if not created:
            if Decimal(order["amount"]) != request.amount or order["currency"] != request.currency:
                detail = f"order_id {request.order_id!r} already exists with the amount {pages.money(order)}"
                return self.bad_request(language, detail)
            if order["status"] in FINAL:
                return self.already(order)
        self.log(f"checkout {request.public_key} {request.order_id!r}: {'new' if created else 'resumed'}")
        return redirect(f"/checkout/{order['token']}")

    def bad_request(self, language: str, detail: str) -> Response:
        return Response(400, pages.message(language, "bad_request", t("bad_request_text", language), detail=detail))

    def already(self, order: Order) -> Response:
        """409: this order has had its payment (one payment per order_id)."""
        lang, link = order["language"], order["result_url"]
        if order["status"] in ("success", "reversed"):
            return Response(409, pages.message(lang, "already_paid", t("already_paid_text", lang), link=link))
        if order["status"] == "failure":
            return Response(409, pages.message(lang, "already_failed", t("start_again", lang), link=link))
        return Response(409, pages.message(lang, "in_progress", link=link))

    # --- The cardholder's pages -------------------------------------------------------------------------------

    def order_page(self, method: str, token: str, step: str, form: dict[str, str]) -> Response:
        self.settle()
        order = self.store.by_token(token)
        if order is None:
            return Response(404, pages.message("uk", "not_found"))
        if step == "/cancel":  # back to the service; the order stays as it is
            return redirect(order["result_url"]) if order["result_url"] else self.cancelled(order)
        if step == "/3ds":
            if order["status"] != "3ds_verify":
                stay = method == "GET" or order["status"] == "new"
                return redirect(f"/checkout/{token}") if stay else self.already(order)
            return Response(200, pages.three_ds(order)) if method == "GET" else self.confirm_3ds(order, form)
        if order["status"] == "3ds_verify" and method == "GET":
            return redirect(f"/checkout/{token}/3ds")
        if order["status"] != "new":
            return Response(200, pages.outcome(order)) if method == "GET" else self.already(order)
        if order["expires_at"] is not None and order["expires_at"] <= time.time():
            lang = order["language"]
            return Response(410, pages.message(lang, "expired", t("start_again", lang), link=order["result_url"]))
        return Response(200, pages.checkout(order)) if method == "GET" else self.pay(order, form)

    def cancelled(self, order: Order) -> Response:
        return Response(200, pages.message(order["language"], "cancelled", t("cancelled_text", order["language"])))

    def pay(self, order: Order, form: dict[str, str]) -> Response:
        expiry = form.get("expiry", "")
        number, problems = cards.check(form.get("card", ""), expiry, form.get("cvv", ""), datetime.now(UTC))
        if problems:
            return Response(400, pages.checkout(order, problems, expiry=expiry[:7]))
        outcome, now = cards.outcome(number), time.time()
        payment: dict[str, Any] = {
            "card_mask": cards.mask(number),
            "card_type": cards.card_type(number),
            "is_3ds": outcome == "3ds",
            "lose_callback": outcome == "lost_callback",
            "status": {"success": "success", "lost_callback": "success", "3ds": "3ds_verify"}.get(outcome, "failure"),
        }
        if outcome == "timeout":
            payment.update(status="processing", deadline=now + self.timeout_seconds)
        elif payment["status"] == "failure":
            payment.update(err_code="limit", err_description=cards.ERRORS["limit"])
        paid = self.store.submit_card(order["token"], now=now, **payment)
        if paid is None:  # another request paid it meanwhile
            return self.already(self.store.by_token(order["token"]) or order)
        self.log(f"payment {paid['payment_id']} {paid['order_id']!r}: card {paid['card_mask']} -> {paid['status']}")
        if paid["status"] == "processing":
            self.watch(paid["deadline"])
        if paid["status"] == "3ds_verify":
            return redirect(f"/checkout/{paid['token']}/3ds")
        self.notify(paid)
        return self.leave(paid)

    def confirm_3ds(self, order: Order, form: dict[str, str]) -> Response:
        right = form.get("code", "").replace(" ", "") == cards.THREE_DS_CODE
        err = None if right else ("3ds_failed", cards.ERRORS["3ds_failed"])
        status = "success" if right else "failure"
        done = self.store.finish(order["token"], from_status="3ds_verify", now=time.time(), status=status, err=err)
        if done is None:
            return self.already(self.store.by_token(order["token"]) or order)
        self.log(f"payment {done['payment_id']} {done['order_id']!r}: 3-D Secure -> {done['status']}")
        self.notify(done)
        return self.leave(done)

    def leave(self, order: Order) -> Response:
        """Back to the service, even while the bank is silent (it must then wait or ask the API)."""
        return redirect(order["result_url"] or f"/checkout/{order['token']}")

    # --- The bank that times out --------------------------------------------------------------------------------

    def watch(self, deadline: float) -> None:
        timer = threading.Timer(max(0.0, deadline - time.time()) + 0.05, self.settle)
        timer.daemon = True
        timer.start()

    def settle(self) -> None:
        """Fail the payments whose bank has timed out (on every read and by the timers, whichever comes first)."""
        now = time.time()
        for token in self.store.due_timeouts(now):
            err = ("timeout", cards.ERRORS["timeout"])
            order = self.store.finish(token, from_status="processing", now=now, status="failure", err=err)
            if order:  # None: another thread settled it
                self.log(f"payment {order['payment_id']} {order['order_id']!r}: bank timed out -> failure")
                self.notify(order)

    def notify(self, order: Order) -> None:
        if not order["server_url"] or order["status"] not in FINAL:
            return
        label = f"payment {order['payment_id']} {order['status']}"
        if order["status"] == "success" and order["lose_callback"]:
            self.log(f"callback {label}: lost on purpose (test card 4000 0000 0000 0077)")
            return
        private_key = self.merchants.get(order["public_key"])
        if private_key is None:
            self.log(f"callback {label}: not sent, the merchant {order['public_key']} is not configured any more")
            return
        callbacks.send(order["server_url"], liqpay.signed(private_key, status_object(order)), self.log, label)

    # --- The server-to-server API -------------------------------------------------------------------------------

    def api(self, form: dict[str, str]) -> Response:
        try:
            params = self.read(form)
            liqpay.check_version(params)
            action = params.get("action")
            if action not in ("status", "refund"):
                raise liqpay.BadMessage('action must be "status" or "refund"')
            order_id = liqpay.text(params, "order_id", limit=255)
            amount = liqpay.parse_amount(params.get("amount")) if action == "refund" else Decimal(0)
        except Refused as error:
            return api_error(error.code, error.description)
        except liqpay.BadMessage as error:
            return api_error("err_data", str(error))
        self.settle()
        public_key = params["public_key"]
        if action == "status":
            order = self.store.by_order(public_key, order_id)
            if not order or order["status"] == "new":
                return api_error("payment_not_found", "payment not found")
            return api_answer({"result": "ok", **status_object(order)})
        order, error_code = self.store.refund(public_key, order_id, amount, time.time())
        if error_code == "payment_not_found":
            return api_error(error_code, "payment not found")
        if error_code == "wrong_state":
            return api_error(error_code, f"only a successful payment can be refunded; this one is {order['status']}")
        if error_code:
            left = Decimal(order["amount"]) - Decimal(order["refund_amount"])
            return api_error(error_code, f"the refund exceeds what is left to refund: {left} {order['currency']}")
        self.log(f"payment {order['payment_id']} {order_id!r}: refunded {amount}, total {order['refund_amount']}")
        if order["status"] == "reversed":
            self.notify(order)
        return api_answer({"result": "ok", **status_object(order)})


def _language_of(form: dict[str, str]) -> str:
    """The order's language for an error page, when the data can be read at all."""
    try:
        language = liqpay.decode(form.get("data", "")).get("language")
    except liqpay.BadMessage:
        return "uk"
    return language if language in liqpay.LANGUAGES else "uk"
