"""LiqPay checkout API v3 messages: the data/signature envelope and the checkout parameters."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

CURRENCIES = ("UAH", "EUR", "USD")
LANGUAGES = ("uk", "en")
CENT = Decimal("0.01")
# Digits only, at most 12 before the point and 2 after: no signs, exponents, underscores or spaces.
AMOUNT_TEXT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
URL = re.compile(r"https?://[^\s\"<>]+", re.IGNORECASE)
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class BadMessage(ValueError):
    """The envelope cannot be read or its parameters are wrong; the text says what is wrong."""


def to_json(value: Any) -> str:
    """Compact UTF-8 JSON in which Decimal amounts are numbers with exactly their digits (json would need float)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(f"{json.dumps(str(key), ensure_ascii=False)}:{to_json(item)}" for key, item in value.items())
            + "}"
        )
    return json.dumps(value, ensure_ascii=False)


def encode(params: dict[str, Any]) -> str:
    return base64.b64encode(to_json(params).encode("utf-8")).decode("ascii")


def sign(private_key: str, data: str) -> str:
    # SHA-1 is what the protocol prescribes; the private key on both sides makes it a keyed digest.
    digest = hashlib.sha1((private_key + data + private_key).encode("utf-8"), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode("ascii")


def signed(private_key: str, params: dict[str, Any]) -> dict[str, str]:
    data = encode(params)
    return {"data": data, "signature": sign(private_key, data)}


def signature_matches(private_key: str, data: str, signature: str) -> bool:
    return hmac.compare_digest(sign(private_key, data).encode("utf-8"), signature.encode("utf-8"))


def decode(data: str) -> dict[str, Any]:
    """The parameters inside `data`; amounts written as JSON numbers come back as Decimal, never float."""
    try:
        text = base64.b64decode(data.encode("ascii"), validate=True).decode("utf-8")
        params = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except (UnicodeError, binascii.Error, ValueError) as error:
        raise BadMessage("data is not base64 of UTF-8 JSON") from error
    if not isinstance(params, dict):
        raise BadMessage("data must be a JSON object")
    return params


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def parse_amount(value: Any, field: str = "amount") -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise BadMessage(f"{field} must be a number or a string of digits")
    if not AMOUNT_TEXT.fullmatch(str(value)):
        raise BadMessage(f"{field} must be a positive number with at most 2 decimals (got {str(value)[:40]!r})")
    amount = Decimal(str(value)).quantize(CENT)
    if amount <= 0:
        raise BadMessage(f"{field} must be greater than 0")
    return amount


def check_version(params: dict[str, Any]) -> None:
    if params.get("version") not in (3, "3"):
        raise BadMessage("version must be 3")


def text(params: dict[str, Any], field: str, *, limit: int) -> str:
    value = params.get(field)
    if not isinstance(value, str) or not value.strip():
        raise BadMessage(f"{field} must be a non-empty string")
    if len(value) > limit:
        raise BadMessage(f"{field} must be at most {limit} characters")
    return value


@dataclass(frozen=True)
class Checkout:
    public_key: str
    order_id: str
    amount: Decimal
    currency: str
    description: str
    result_url: str
    server_url: str
    language: str
    expires_at: float | None  # seconds since the epoch


def parse_checkout(params: dict[str, Any]) -> Checkout:
    """The checkout parameters, or BadMessage listing every problem (one per line)."""
    problems: list[str] = []

    def field(read, *args, **kwargs):
        try:
            return read(*args, **kwargs)
        except BadMessage as error:
            problems.append(str(error))
            return None

    field(check_version, params)
    if params.get("action") != "pay":
        problems.append('action must be "pay"')
    amount = field(parse_amount, params.get("amount"))
    currency = params.get("currency")
    if currency not in CURRENCIES:
        problems.append(f"currency must be one of {', '.join(CURRENCIES)}")
    description = field(text, params, "description", limit=2000)
    order_id = field(text, params, "order_id", limit=255)
    urls = {name: field(_optional_url, params, name) for name in ("result_url", "server_url")}
    language = params.get("language", "uk")
    if language not in LANGUAGES:
        problems.append('language must be "uk" or "en"')
    expires_at = field(_optional_date, params, "expired_date")
    if problems:
        raise BadMessage("\n".join(problems))
    return Checkout(
        public_key=str(params["public_key"]),
        order_id=order_id,
        amount=amount,
        currency=str(currency),
        description=description,
        result_url=urls["result_url"] or "",
        server_url=urls["server_url"] or "",
        language=str(language),
        expires_at=expires_at,
    )


def _optional_url(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > 2000 or not URL.fullmatch(value):
        raise BadMessage(f"{name} must be an http(s) URL")
    return value


def _optional_date(params: dict[str, Any], name: str) -> float | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        moment = datetime.strptime(str(value), DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise BadMessage(f'{name} must be "YYYY-MM-DD HH:MM:SS" (UTC)') from None
    return moment.timestamp()
