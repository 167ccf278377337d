"""The contract every card acquirer implements; one module per acquirer (`liqpay.py`), chosen by settings.

The portal never trusts a browser about money: it learns a payment's outcome from a callback whose signature the
provider module has checked, or by asking the provider itself (`status`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from vikno.payments.constants import PaymentState


class ProviderError(Exception):
    """The provider could not be asked now (network, its own error): try again later; nothing changed."""


class Forged(Exception):
    """A message claiming to come from the provider whose signature does not match."""


class Malformed(Exception):
    """A message that cannot be read (bad encoding, missing fields, an amount with a fraction of a kopiyka)."""


class RefundRefused(Exception):
    """The provider answered, and will not refund (already refunded, more than was paid, not paid)."""


@dataclass(frozen=True)
class Checkout:
    """How the payer's browser reaches the provider's page: a form posted to `url` with `fields`."""

    url: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Report:
    """What the provider says about one payment, after its signature was checked.

    `state` is the provider's status in the portal's terms: PAID, FAILED, REFUNDED, PENDING (not final yet), or
    None when the provider knows no payment by that order (nothing was tried yet)."""

    order_id: str
    state: PaymentState | None
    provider_status: str
    amount: int | None = None  # kopiyky
    currency: str = ""
    provider_payment_id: str = ""
    card_mask: str = ""
    refunded_amount: int = 0
    payload: dict = field(default_factory=dict)


class CardProvider(ABC):
    name: str

    @abstractmethod
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
    ) -> Checkout: ...

    @abstractmethod
    def read_callback(self, fields: Mapping[str, str]) -> Report:
        """The provider's server callback as posted; raises Forged or Malformed."""

    @abstractmethod
    def status(self, *, order_id: str) -> Report:
        """Ask the provider; raises ProviderError when it cannot be asked now."""

    @abstractmethod
    def refund(self, *, order_id: str, amount: int) -> Report:
        """Return `amount` kopiyky of a paid order; raises RefundRefused or ProviderError."""
