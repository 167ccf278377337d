"""Phone numbers in one form (+380XXXXXXXXX for Ukrainian ones), so that a number typed at home, one from an eID and
one reported by the SMS gateway compare equal."""

import re


def normalise(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", value or "")
    if re.fullmatch(r"0\d{9}", digits):  # a Ukrainian number as people write it at home
        return "+38" + digits
    if re.fullmatch(r"380\d{9}", digits):
        return "+" + digits
    return digits
