"""The Ukrainian national taxpayer number of a person (РНОКПП, formerly ІПН): ten digits with a check digit.

The first five digits are the date of birth as days since 31 December 1899, the ninth is odd for men and even
for women, and the tenth is a check digit over the first nine.
"""

import datetime as dt
import re

_WEIGHTS = (-1, 5, 7, 9, 4, 6, 10, 5, 7)
_EPOCH = dt.date(1899, 12, 31)
_FORMAT = re.compile(r"\d{10}")


def check_digit(first_nine: str) -> int:
    return sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True)) % 11 % 10


def is_valid(value: str) -> bool:
    return bool(_FORMAT.fullmatch(value)) and check_digit(value[:9]) == int(value[9])


def birth_date(value: str) -> dt.date:
    """The date of birth a valid number encodes."""
    return _EPOCH + dt.timedelta(days=int(value[:5]))


def make(born: dt.date, serial: int, *, female: bool) -> str:
    """A valid number for a date of birth (for demo data and tests; real numbers come from the tax registry)."""
    sex_digit = (serial % 5) * 2 + (0 if female else 1)
    first_nine = f"{(born - _EPOCH).days:05d}{serial % 1000:03d}{sex_digit}"
    return first_nine + str(check_digit(first_nine))
