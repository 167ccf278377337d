"""How an SMS text travels: GSM-7 when every character is in the GSM 03.38 alphabet (160 septets in one part,
153 per part of a longer message), otherwise UCS-2 (70 characters, 67 per part). Ukrainian text is UCS-2."""

import math
from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM7 = "GSM-7"
UCS2 = "UCS-2"


@dataclass(frozen=True)
class Encoded:
    encoding: str
    units: int  # septets (an extension character such as € takes two) or UTF-16 code units
    segments: int


def measure(text: str) -> Encoded:
    try:
        units, single, part = len(text.encode("gsm03.38")), 160, 153
        encoding = GSM7
    except UnicodeEncodeError:
        units, single, part = len(text.encode("utf-16-be")) // 2, 70, 67
        encoding = UCS2
    segments = 1 if units <= single else math.ceil(units / part)
    return Encoded(encoding, units, segments)
