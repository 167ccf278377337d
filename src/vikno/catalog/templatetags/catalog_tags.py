from django import template

from vikno.core.money import Money

register = template.Library()


@register.filter
def money(minor_units: int | None, currency: str = "UAH") -> str:
    """Kopiyky as a readable amount: 27900 → "279 грн"."""
    if minor_units is None:
        return ""
    return Money(int(minor_units), currency).format()


@register.filter
def keywords(text: str) -> list[str]:
    return [word.strip() for word in (text or "").split(",") if word.strip()]
