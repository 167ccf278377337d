"""The registration code of a Ukrainian legal entity (код ЄДРПОУ): eight digits, the last a check digit.

The check digit is the weighted sum of the first seven digits modulo 11. The weights are 1…7, or 7, 1…6 for
codes from 30000000 to 60000000. When the remainder is 10, the sum is taken again with every weight raised
by 2, and a remainder of 10 then counts as 0. (The algorithm of the State Statistics Service that keeps the
register.)
"""

import re

_BASE_WEIGHTS = (1, 2, 3, 4, 5, 6, 7)
_MIDDLE_WEIGHTS = (7, 1, 2, 3, 4, 5, 6)  # codes between 30 000 000 and 60 000 000
_FORMAT = re.compile(r"\d{8}")


def _weights(first_seven: str) -> tuple[int, ...]:
    return _MIDDLE_WEIGHTS if 30_000_000 <= int(first_seven) * 10 < 60_000_000 else _BASE_WEIGHTS


def check_digit(first_seven: str) -> int:
    """The check digit for the first seven digits of a code."""
    if not re.fullmatch(r"\d{7}", first_seven):
        raise ValueError("an EDRPOU code starts with seven digits")
    weights = _weights(first_seven)
    remainder = sum(int(d) * w for d, w in zip(first_seven, weights, strict=True)) % 11
    if remainder == 10:
        remainder = sum(int(d) * (w + 2) for d, w in zip(first_seven, weights, strict=True)) % 11 % 10
    return remainder


def is_valid(value: str) -> bool:
    """Whether the value is eight digits whose last is the right check digit."""
    return bool(_FORMAT.fullmatch(value)) and check_digit(value[:7]) == int(value[7])


def make(first_seven: str) -> str:
    """A valid code from its first seven digits (for demo data and tests; real codes come from the register)."""
    return first_seven + str(check_digit(first_seven))
