"""Spotting personal data in a question before it is published."""

import pytest
from django.utils import translation

from vikno.messaging.feedback import personal_data


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Пишіть на olena.shevchenko@example.com, будь ласка", "email", "olena.shevchenko@example.com"),
        ("Мій номер +380 67 123 45 67.", "phone", "+380 67 123 45 67"),
        ("Мій номер +380671234567", "phone", "+380671234567"),
        ("телефон (067) 123-45-67", "phone", "(067) 123-45-67"),
        ("телефон 067 123 45 67", "phone", "067 123 45 67"),
        ("телефон 0671234567", "phone", "0671234567"),
        ("call +48 601 234 567 please", "phone", "+48 601 234 567"),
        ("мій РНОКПП 3012345678, що робити?", "tax_number", "3012345678"),
        ("паспорт КВ 123456 загубився", "passport", "КВ 123456"),
        ("паспорт КВ123456 загубився", "passport", "КВ123456"),
        ("закордонний FA123456", "passport", "FA123456"),
        ("ID-картка 001234567", "passport", "001234567"),
        ("картка 4111 1111 1111 1111 списали двічі", "card", "4111 1111 1111 1111"),
        ("картка 4111-1111-1111-1111", "card", "4111-1111-1111-1111"),
        ("картка 4111111111111111", "card", "4111111111111111"),
    ],
)
def test_each_kind_is_found_once_with_its_text(text, kind, found):
    findings = personal_data.find(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    assert text[findings[0].start : findings[0].end] == found
    assert personal_data.kinds(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Скільки коштує паспорт у 2026 році?",
        "Термін розгляду 30 днів з 12.03.2026, мито 1 500 грн.",
        "Чи можна подати заяву 01.01.2026 о 10:30?",
        "Моя заява 26-1234-5678-9 ще розглядається",
        "Закон № 1234-IV від 2003 року, стаття 12",
        "16 digits that fail the card check: 4111111111111112",
        "",
    ],
)
def test_ordinary_questions_are_not_flagged(text):
    assert personal_data.find(text) == []


def test_several_kinds_are_listed_in_a_fixed_order_each_once():
    text = "Я, тел. 0501112233 або 0671234567, пошта a@b.ua, РНОКПП 3012345678"
    assert personal_data.kinds(text) == ["email", "phone", "tax_number"]
    assert [f.kind for f in personal_data.find(text)] == ["phone", "phone", "email", "tax_number"]
    with translation.override("en"):
        assert personal_data.labels(["phone", "email"]) == "a phone number, an e-mail address"
