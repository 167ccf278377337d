"""LiqPay's checkout API v3: signed `data` + `signature` pairs, a server callback and status/refund requests.

`data` is base64 of the JSON parameters; `signature` is base64 of SHA-1 over private key + data + private key.
The same module talks to the sandbox acquirer (tools/sandbox-acquirer), which speaks the same protocol.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal

import requests
from django.conf import settings

from vikno.core.money import decimal_text, minor_units_of
from vikno.payments.constants import PaymentState
from vikno.payments.providers.base import (
    CardProvider,
    Checkout,
    Forged,
    Malformed,
    ProviderError,
    RefundRefused,
    Report,
)

# LiqPay statuses in the portal's terms; every status not listed here is not final yet (3ds_verify, processing,
# wait_secure, …) and leaves the payment pending.
STATES = {
    "success": PaymentState.PAID,
    "failure": PaymentState.FAILED,
    "error": PaymentState.FAILED,
    "reversed": PaymentState.REFUNDED,
}
# What the payer typed or is called is not the portal's business: these never reach the event history.
PERSONAL = ("sender_first_name", "sender_last_name", "sender_phone", "ip", "sender_card_bank", "info")


def sign(private_key: str, data: str) -> str:
    digest = hashlib.sha1((private_key + data + private_key).encode(), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode()


def encode(params: dict) -> str:
    return base64.b64encode(json.dumps(params, ensure_ascii=False).encode()).decode()


def decode(data: str) -> dict:
    try:
        # Amounts are read as Decimal, never float: 25.74 stays 25.74.
        params = json.loads(base64.b64decode(data, validate=True), parse_float=Decimal)
    except (binascii.Error, ValueError) as error:
        raise Malformed("data is not base64 of a JSON object") from error
    if not isinstance(params, dict):
        raise Malformed("data is not base64 of a JSON object")
    return params


class LiqPay(CardProvider):
    name = "liqpay"

    def __init__(self) -> None:
        self.public_key = settings.LIQPAY_PUBLIC_KEY
        self.private_key = settings.LIQPAY_PRIVATE_KEY
        self.checkout_url = settings.LIQPAY_CHECKOUT_URL
        self.api_url = settings.LIQPAY_API_URL

    def _signed(self, params: dict) -> dict[str, str]:
        data = encode({"version": 3, "public_key": self.public_key, **params})
        return {"data": data, "signature": sign(self.private_key, data)}

    def checkout(
        self,
        *,
        order_id: str,
        amount: int,
        currency: str,
        description: str,
        language: str,
        result_url: str,
        server_url: str,
        expires_at: datetime,
    ) -> Checkout:
        fields = self._signed(
            {
                "action": "pay",
                "amount": decimal_text(amount),
                "currency": currency,
                "description": description,
                "order_id": order_id,
                "language": "en" if language == "en" else "uk",
                "result_url": result_url,
                "server_url": server_url,
                "expired_date": expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
        return Checkout(url=self.checkout_url, fields=fields)

    def read_callback(self, fields: Mapping[str, str]) -> Report:
        data, signature = fields.get("data", ""), fields.get("signature", "")
        if not data or not signature:
            raise Malformed("data and signature are required")
        if not hmac.compare_digest(sign(self.private_key, data).encode(), signature.encode()):
            raise Forged
        params = decode(data)
        if params.get("public_key") != self.public_key:
            raise Forged  # signed with our key but for another merchant: never ours
        return self._report(params)

    def _report(self, params: dict) -> Report:
        order_id = params.get("order_id")
        status = params.get("status")
        if not isinstance(order_id, str) or not order_id or not isinstance(status, str):
            raise Malformed("order_id and status are required")
        try:
            amount = minor_units_of(params["amount"]) if "amount" in params else None
            refunded = minor_units_of(params.get("refund_amount", 0))
        except ValueError as error:
            raise Malformed(str(error)) from error
        kept = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in params.items() if k not in PERSONAL}
        return Report(
            order_id=order_id,
            state=STATES.get(status, PaymentState.PENDING),
            provider_status=status,
            amount=amount,
            currency=str(params.get("currency", "")),
            provider_payment_id=str(params.get("payment_id", "")),
            card_mask=str(params.get("sender_card_mask2", "")),
            refunded_amount=refunded,
            payload=kept,
        )

    def _request(self, params: dict) -> dict:
        try:
            response = requests.post(self.api_url, data=self._signed(params), timeout=settings.PAYMENT_HTTP_TIMEOUT)
        except requests.RequestException as error:
            raise ProviderError(f"{type(error).__name__} asking the acquirer") from error
        if response.status_code >= 500:
            raise ProviderError(f"the acquirer answered {response.status_code}")
        try:
            answer = json.loads(response.content, parse_float=Decimal)
        except ValueError as error:
            raise ProviderError("the acquirer's answer is not JSON") from error
        if not isinstance(answer, dict):
            raise ProviderError("the acquirer's answer is not a JSON object")
        return answer

    def status(self, *, order_id: str) -> Report:
        answer = self._request({"action": "status", "order_id": order_id})
        if answer.get("err_code") == "payment_not_found":
            return Report(order_id=order_id, state=None, provider_status="payment_not_found", payload=answer)
        if answer.get("result") == "error" or "order_id" not in answer:
            raise ProviderError(f"the acquirer refused the status request: {answer.get('err_code', '')}")
        try:
            return self._report(answer)
        except Malformed as error:
            raise ProviderError(str(error)) from error

    def refund(self, *, order_id: str, amount: int) -> Report:
        answer = self._request({"action": "refund", "order_id": order_id, "amount": decimal_text(amount)})
        if answer.get("result") == "error":
            raise RefundRefused(str(answer.get("err_description") or answer.get("err_code") or "refused"))
        try:
            return self._report(answer)
        except Malformed as error:
            raise ProviderError(str(error)) from error
