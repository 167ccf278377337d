"""Human reference numbers with a check digit: `26-4837-2915-3` (year, eight random digits, Luhn check digit).

Random rather than sequential, so a reference tells nobody how many applications an authority receives and
cannot be guessed from a neighbour's. The check digit catches every single mistyped digit and almost every
swap of two neighbouring digits before a lookup is made.
"""

import re
import secrets

_SHAPE = re.compile(r"(\d{2})(\d{4})(\d{4})(\d)")


def luhn_digit(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # every second digit from the right, starting with the last one, is doubled
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def make(year: int) -> str:
    body = f"{year % 100:02d}{secrets.randbelow(10**8):08d}"
    return format_reference(body + str(luhn_digit(body)))


def format_reference(digits: str) -> str:
    match = _SHAPE.fullmatch(digits)
    if match is None:
        raise ValueError("a reference has eleven digits")
    return "-".join(match.groups())


def normalise(text: str) -> str | None:
    """The reference in its printed form, or None when the text is not one (wrong length or check digit)."""
    digits = re.sub(r"[\s\-–.]", "", text or "")
    if not re.fullmatch(r"\d{11}", digits) or luhn_digit(digits[:-1]) != int(digits[-1]):
        return None
    return format_reference(digits)


# Eleven digits in the printed groups, written with dashes, spaces or nothing between them, inside longer text.
_IN_TEXT = re.compile(r"(?<!\d)(\d{2})[\s\-–]?(\d{4})[\s\-–]?(\d{4})[\s\-–]?(\d)(?!\d)")


def find_in_text(text: str) -> list[str]:
    """Every valid reference written in a longer text (a bank transfer's payment purpose), in order, once each."""
    found = (normalise("".join(match.groups())) for match in _IN_TEXT.finditer(text or ""))
    return list(dict.fromkeys(ref for ref in found if ref is not None))
