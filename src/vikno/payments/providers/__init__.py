"""Card acquirers behind one contract (`base.CardProvider`), chosen by `settings.PAYMENT_CARD_PROVIDER`."""

from django.conf import settings

from vikno.payments.providers.base import CardProvider


def card_provider(name: str | None = None) -> CardProvider:
    from vikno.payments.providers.liqpay import LiqPay  # one module per acquirer; only LiqPay's protocol so far

    registry: dict[str, type[CardProvider]] = {LiqPay.name: LiqPay}
    chosen = name or settings.PAYMENT_CARD_PROVIDER
    if chosen not in registry:
        raise LookupError(f"no card provider named {chosen!r}; known: {', '.join(registry)}")
    return registry[chosen]()
