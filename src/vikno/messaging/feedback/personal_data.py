"""Spotting what looks like personal data in a text a person wrote for publication: e-mail addresses, phone
numbers, card numbers, tax numbers (RNOKPP, ten digits) and passport or ID-card numbers.

It is a help for the moderator, not a guarantee: it finds the usual shapes and marks them; a moderator still reads
every question. Each kind is looked for in turn and what one kind found is not looked at again, so a phone number
is not also reported as a tax number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "email": _("an e-mail address"),
    "card": _("a card number"),
    "phone": _("a phone number"),
    "tax_number": _("a tax number"),
    "passport": _("a passport or ID card number"),
}


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


# Separators people put inside numbers: one space or hyphen (never a line break, a dot or a comma).
_SEP = r"[ \u00a0-]?"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")),
    # Four groups of four digits, or 13 to 19 digits in a row that pass the card check digit (below).
    ("card", re.compile(rf"(?<![\d\w])(?:\d{{4}}{_SEP}){{3}}\d{{4}}(?![\d\w])|(?<![\d\w])\d{{13,19}}(?![\d\w])")),
    # Ukrainian numbers written every usual way (+380 67 123 45 67, (067) 123-45-67, 0671234567), and any number
    # in international form (+ and 9 to 14 more digits).
    (
        "phone",
        re.compile(
            rf"(?<![\d\w+])(?:\+?3{_SEP}8{_SEP})?\(?0\d{{2}}\)?{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?![\d\w])"
            rf"|(?<![\d\w])\+\d(?:{_SEP}\(?\d\)?){{8,14}}(?![\d\w])"
        ),
    ),
    ("tax_number", re.compile(r"(?<![\d\w])\d{10}(?![\d\w])")),
    # An old passport (two letters of the series and six digits, as "КВ 123456" or "FA123456") or an ID card
    # (nine digits).
    (
        "passport",
        re.compile(
            r"(?<![\w])[A-ZА-ЯІЇЄҐ]{2}[ \u00a0№-]{0,2}\d{6}(?![\d\w])|(?<![\d\w])\d{9}(?![\d\w])",
        ),
    ),
]


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


def find(text: str) -> list[Finding]:
    """What in the text looks like personal data, in the order it appears."""
    found: list[Finding] = []
    masked = text
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(masked):
            value = match.group(0)
            if kind == "card" and " " not in value and "-" not in value and not _luhn(value):
                continue
            found.append(
                Finding(kind=kind, text=text[match.start() : match.end()], start=match.start(), end=match.end())
            )
            masked = masked[: match.start()] + "\x00" * (match.end() - match.start()) + masked[match.end() :]
    return sorted(found, key=lambda finding: finding.start)


def kinds(text: str) -> list[str]:
    """The kinds of personal data the text seems to hold, each once, in a fixed order."""
    present = {finding.kind for finding in find(text)}
    return [kind for kind, _pattern in PATTERNS if kind in present]


def labels(kind_list: list[str]) -> str:
    """The kinds in words, joined for a sentence: "a phone number, an e-mail address"."""
    return ", ".join(str(KIND_LABELS[kind]) for kind in kind_list)
