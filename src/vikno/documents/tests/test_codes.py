"""Verification codes: well-formed, forgiving input, and every single mistyped character is caught."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vikno.documents import codes

payloads = st.text(alphabet=codes.ALPHABET, min_size=codes.LENGTH - 1, max_size=codes.LENGTH - 1)
valid_codes = payloads.map(lambda payload: payload + codes.check_character(payload))


def test_a_new_code_is_twelve_characters_of_the_alphabet_with_a_right_check_character():
    for _ in range(200):
        code = codes.generate()
        assert len(code) == 12
        assert set(code) <= set(codes.ALPHABET)
        assert codes.is_valid(code)
        assert re.fullmatch(r"[2-9A-Y]{4}-[2-9A-Y]{4}-[2-9A-Y]{4}", codes.display(code))


def test_the_alphabet_leaves_out_the_characters_people_confuse():
    assert len(codes.ALPHABET) == 29  # a prime, for the check
    for confusable in "01OILUZ":
        assert confusable not in codes.ALPHABET


def test_a_known_code():
    assert codes.check_character("K7QF3MHP2W9") == "J"
    assert codes.display("K7QF3MHP2W9J") == "K7QF-3MHP-2W9J"


@pytest.mark.parametrize(
    "typed",
    ["K7QF-3MHP-2W9J", "k7qf-3mhp-2w9j", " K7QF 3MHP 2W9J ", "K7QF3MHP2W9J", "K7QF–3MHP–2W9J", "k7qf_3mhp.2w9j"],
)
def test_what_people_type_is_normalised(typed):
    assert codes.parse(typed) == "K7QF3MHP2W9J"


def test_cyrillic_look_alikes_count_as_latin_letters():
    # К, М, Н, Р and С typed with the Ukrainian layout on.
    assert codes.normalise("к7qf-3мhp") == "K7QF3MHP"
    assert codes.parse("К7QF-3МНР-2W9J") == "K7QF3MHP2W9J"  # К, М, Н and Р in Cyrillic


@pytest.mark.parametrize(
    "typed", ["", "K7QF-3MHP-2W9", "K7QF-3MHP-2W9JJ", "K7QF-3MHP-2W9K", "K7QF-3MHP-2W0J", "💥" * 12]
)
def test_malformed_codes_are_refused(typed):
    assert codes.parse(typed) is None


def test_the_check_character_needs_eleven_characters_of_the_alphabet():
    with pytest.raises(ValueError):
        codes.check_character("K7QF3MHP2W")
    with pytest.raises(ValueError):
        codes.check_character("K7QF3MHP2W0")


@given(code=valid_codes, position=st.integers(0, codes.LENGTH - 1), replacement=st.sampled_from(codes.ALPHABET))
def test_every_single_character_change_is_detected(code, position, replacement):
    assert codes.is_valid(code)
    changed = code[:position] + replacement + code[position + 1 :]
    assert codes.is_valid(changed) == (changed == code)


def test_every_single_character_change_of_a_code_is_detected_exhaustively():
    code = codes.generate()
    for position in range(codes.LENGTH):
        for replacement in codes.ALPHABET:
            changed = code[:position] + replacement + code[position + 1 :]
            assert codes.is_valid(changed) == (changed == code)


@given(code=valid_codes, first=st.integers(0, codes.LENGTH - 2), second=st.integers(0, codes.LENGTH - 2))
def test_swapping_two_different_characters_of_the_first_eleven_is_detected(code, first, second):
    chars = list(code)
    chars[first], chars[second] = chars[second], chars[first]
    swapped = "".join(chars)
    assert codes.is_valid(swapped) == (swapped == code)
