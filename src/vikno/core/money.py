"""Money as an integer number of minor units (kopiyky) with a currency; never a float."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format

CURRENCY_SYMBOLS = {"UAH": "грн", "EUR": "€"}


@dataclass(frozen=True)
class Money:
    minor_units: int
    currency: str = "UAH"

    def __post_init__(self) -> None:
        if not isinstance(self.minor_units, int):
            raise TypeError("Money is counted in whole minor units")

    def format(self) -> str:
        """'1 234,50 грн' in Ukrainian, '1,234.50 грн' in English (by the active locale)."""
        major, minor = divmod(abs(self.minor_units), 100)
        sign = "-" if self.minor_units < 0 else ""
        whole = number_format(major, force_grouping=True)
        amount = whole if minor == 0 else f"{whole}{number_format(0.5, 1)[1]}{minor:02d}"
        return f"{sign}{amount} {CURRENCY_SYMBOLS.get(self.currency, self.currency)}"

    def __str__(self) -> str:
        return self.format()


def decimal_text(minor_units: int) -> str:
    """2574 → "25.74": the amount as providers and banks write it, by integer arithmetic."""
    sign = "-" if minor_units < 0 else ""
    major, minor = divmod(abs(minor_units), 100)
    return f"{sign}{major}.{minor:02d}"


def minor_units_of(value: object) -> int:
    """ "25.74", 25.74 read as a Decimal, or 25 → 2574. An amount with a fraction of a kopiyka is not rounded but
    refused (ValueError): money from outside must match to the kopiyka."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)) or len(str(value)) > 30:
        raise ValueError(f"not an amount: {str(value)[:40]!r}")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
        scaled = amount * 100
    except ArithmeticError as error:  # InvalidOperation, Overflow
        raise ValueError(f"not an amount: {value!r}") from error
    if not amount.is_finite() or abs(scaled) >= 10**15:
        raise ValueError(f"not an amount: {value!r}")
    if scaled != scaled.to_integral_value():
        raise ValueError(f"a fraction of a kopiyka: {value!r}")
    return int(scaled)
