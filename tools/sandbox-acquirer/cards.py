"""The test cards, what each one does, and the checks a card form must pass."""

from __future__ import annotations

import re
from datetime import datetime

# number -> outcome; any other valid card is declined.
TEST_CARDS = {
    "4242424242424242": "success",
    "4000000000000002": "declined",
    "4000000000003063": "3ds",
    "4000000000000119": "timeout",
    "4000000000000077": "lost_callback",
}
THREE_DS_CODE = "111111"
# err_code -> err_description, as the API and the callback say them.
ERRORS = {
    "limit": "Card declined: limit exceeded",
    "3ds_failed": "3-D Secure verification failed",
    "timeout": "The bank did not answer in time",
}


def outcome(number: str) -> str:
    return TEST_CARDS.get(number, "declined")


def luhn_valid(number: str) -> bool:
    total = 0
    for position, digit in enumerate(int(d) for d in reversed(number)):
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def mask(number: str) -> str:
    return f"{number[:6]}*{number[-2:]}"


def card_type(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if 51 <= int(number[:2]) <= 55 or 2221 <= int(number[:4]) <= 2720:
        return "mc"
    return "unknown"


def check(card: str, expiry: str, cvv: str, now: datetime) -> tuple[str, dict[str, str]]:
    """The card number without spaces, and the problems found: field name -> message key."""
    number = re.sub(r"[ \t]", "", card)
    problems: dict[str, str] = {}
    if not re.fullmatch(r"[0-9]{16}", number):
        problems["card"] = "err_card_digits"
    elif not luhn_valid(number):
        problems["card"] = "err_card_luhn"
    found = re.fullmatch(r"(0[1-9]|1[0-2]) ?/ ?([0-9]{2})", expiry.strip())
    if not found:
        problems["expiry"] = "err_expiry_format"
    elif (2000 + int(found[2]), int(found[1])) < (now.year, now.month):
        problems["expiry"] = "err_expiry_past"
    if not re.fullmatch(r"[0-9]{3}", cvv.strip()):
        problems["cvv"] = "err_cvv"
    return number, problems
