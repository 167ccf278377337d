"""Verification codes of issued documents: twelve characters, the last a check character, shown as
``K7QF-3MHP-2W9J``.

The alphabet leaves out characters people confuse when they copy a code from paper (0 and O, 1, I and L, U
and V, 2 and Z). It has 29 characters, a prime number, so a weighted sum modulo 29 with weights 1…11 catches
every single mistyped character and every swap of two characters of the first eleven.
Input is forgiving: lower case, spaces and dashes are fine, and Cyrillic letters that look like Latin ones
(a keyboard left in the Ukrainian layout) count as those.
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXY"
LENGTH = 12
GROUP = 4
_BASE = len(ALPHABET)
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
# Cyrillic capitals that look like Latin ones, typed with the Ukrainian keyboard layout on.
_LOOKALIKES = str.maketrans("АВЕКМНРСТХ", "ABEKMHPCTX")
_SEPARATORS = str.maketrans("", "", " \t\r\n-‐‑‒–—_.")


def check_character(payload: str) -> str:
    """The check character for the first eleven characters of a code."""
    if len(payload) != LENGTH - 1 or any(char not in _VALUE for char in payload):
        raise ValueError("a code starts with eleven characters of the alphabet")
    return ALPHABET[sum((position + 1) * _VALUE[char] for position, char in enumerate(payload)) % _BASE]


def generate() -> str:
    """A new random code (about 53 bits of randomness), in its normalised form."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return payload + check_character(payload)


def normalise(text: str) -> str:
    """What the person typed, in the normalised form: upper case, no spaces or dashes (not yet checked)."""
    return text.upper().translate(_LOOKALIKES).translate(_SEPARATORS)


def is_valid(code: str) -> bool:
    """Whether a normalised code has the right length, only characters of the alphabet and the right check."""
    if len(code) != LENGTH or any(char not in _VALUE for char in code):
        return False
    return check_character(code[:-1]) == code[-1]


def parse(text: str) -> str | None:
    """The normalised code in what the person typed, or None when it is not a well-formed code."""
    code = normalise(text)
    return code if is_valid(code) else None


def display(code: str) -> str:
    """A normalised code in groups of four: ``K7QF-3MHP-2W9J``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
