"""EDRPOU codes of legal entities: eight digits, the last a check digit."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vikno.core import edrpou

# Codes of real public bodies and companies, as published in the register.
REAL_CODES = [
    "00032129",  # weights 1…7
    "00032945",
    "14360570",
    "20077720",
    "30327425",  # 30 000 000 – 60 000 000: weights 7, 1…6
    "32855961",
    "36041214",
    "39034697",
    "40046124",
    "43808820",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert edrpou.is_valid(code)
    assert edrpou.make(code[:7]) == code


@pytest.mark.parametrize(
    "code",
    [
        "32855968",  # wrong check digit
        "14360571",
        "1436057",  # seven digits
        "143605700",  # nine
        "1436O570",  # a letter O
        " 14360570",
        "",
    ],
)
def test_malformed_or_mistyped_codes_are_refused(code):
    assert not edrpou.is_valid(code)


@pytest.mark.parametrize(
    ("first_seven", "digit"),
    [
        ("0000019", 3),  # 1×6 + 9×7 = 69 = 6×11 + 3
        ("1000003", 0),  # 1×1 + 3×7 = 22 = 2×11
        ("3000003", 6),  # middle range, weights 7, 1…6: 3×7 + 3×6 = 39 = 3×11 + 6
        ("6000001", 2),  # past the middle range, weights 1…7 again: 6×1 + 1×7 = 13
        ("0000003", 5),  # 3×7 = 21, remainder 10: again with weights 3…9: 3×9 = 27 = 2×11 + 5
        ("3000000", 5),  # 3×7 = 21, remainder 10: again with weights 9, 3…8: 3×9 = 27 → 5
    ],
)
def test_check_digit_by_hand(first_seven, digit):
    assert edrpou.check_digit(first_seven) == digit


def test_a_second_remainder_of_ten_counts_as_zero():
    found = next(
        f"{n:07d}"
        for n in range(10_000_000)
        if sum(int(d) * w for d, w in zip(f"{n:07d}", (1, 2, 3, 4, 5, 6, 7), strict=True)) % 11 == 10
        and sum(int(d) * w for d, w in zip(f"{n:07d}", (3, 4, 5, 6, 7, 8, 9), strict=True)) % 11 == 10
    )
    assert edrpou.check_digit(found) == 0


def test_check_digit_needs_seven_digits():
    with pytest.raises(ValueError):
        edrpou.check_digit("123456")


@given(st.integers(min_value=0, max_value=9_999_999), st.integers(min_value=1, max_value=9))
def test_every_made_code_is_valid_and_a_changed_check_digit_is_not(first_seven, change):
    code = edrpou.make(f"{first_seven:07d}")
    assert edrpou.is_valid(code)
    wrong = code[:7] + str((int(code[7]) + change) % 10)
    assert not edrpou.is_valid(wrong)
