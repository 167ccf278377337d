"""Money as an integer number of minor units (kopiyky) with a currency; never a float."""

from dataclasses import dataclass

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
