"""What the cardholder reads, in Ukrainian and English (the order's `language`). Developer-facing details of a
refused request (which parameter is wrong) stay in English, as the protocol's field names are."""

TEXTS: dict[str, dict[str, str]] = {
    "banner": {
        "en": "SANDBOX — no real money. A test payment page: no card is charged.",
        "uk": "ПІСОЧНИЦЯ (SANDBOX) — без справжніх грошей. Тестова сторінка оплати: з карток нічого не списується.",
    },
    "title_pay": {"en": "Pay by card", "uk": "Оплата карткою"},
    "purpose": {"en": "Payment for", "uk": "Призначення платежу"},
    "amount": {"en": "Amount", "uk": "Сума"},
    "card": {"en": "Card number", "uk": "Номер картки"},
    "card_hint": {"en": "16 digits; spaces are fine", "uk": "16 цифр; пробіли можна"},
    "expiry": {"en": "Expiry date (MM/YY)", "uk": "Термін дії (ММ/РР)"},
    "cvv": {"en": "CVV (3 digits on the back)", "uk": "CVV (3 цифри на звороті)"},
    "pay": {"en": "Pay {amount}", "uk": "Сплатити {amount}"},
    "cancel": {"en": "Cancel and return to the service", "uk": "Скасувати й повернутися до послуги"},
    "problems": {"en": "There is a problem", "uk": "Виправте помилки"},
    "err_card_digits": {"en": "Enter the card number: 16 digits", "uk": "Введіть номер картки: 16 цифр"},
    "err_card_luhn": {
        "en": "This card number is not valid: check the digits",
        "uk": "Такого номера картки не буває: перевірте цифри",
    },
    "err_expiry_format": {
        "en": "Enter the expiry date as MM/YY, for example 12/29",
        "uk": "Введіть термін дії як ММ/РР, наприклад 12/29",
    },
    "err_expiry_past": {"en": "This card has expired", "uk": "Термін дії картки минув"},
    "err_cvv": {"en": "Enter the CVV: 3 digits", "uk": "Введіть CVV: 3 цифри"},
    "test_cards": {"en": "Test cards", "uk": "Тестові картки"},
    "test_cards_hint": {
        "en": "Use any expiry date in the future and any 3-digit CVV.",
        "uk": "Підійде будь-який майбутній термін дії і будь-який тризначний CVV.",
    },
    "col_card": {"en": "Card", "uk": "Картка"},
    "col_outcome": {"en": "What happens", "uk": "Що станеться"},
    "card_success": {"en": "The payment succeeds", "uk": "Оплата успішна"},
    "card_declined": {"en": "Declined (limit exceeded)", "uk": "Відмова (перевищено ліміт)"},
    "card_3ds": {"en": "Asks for the 3-D Secure code 111111", "uk": "Запитує код 3-D Secure 111111"},
    "card_timeout": {"en": "The bank does not answer in time", "uk": "Банк не відповідає вчасно"},
    "card_lost_callback": {
        "en": "Succeeds, but the service is not notified (a lost callback)",
        "uk": "Успішна, але послугу не сповіщено (втрачене сповіщення)",
    },
    "card_other": {"en": "Any other valid card: declined", "uk": "Будь-яка інша дійсна картка: відмова"},
    "3ds_title": {"en": "3-D Secure check", "uk": "Перевірка 3-D Secure"},
    "3ds_intro": {
        "en": "Your bank asks you to confirm the payment with a one-time code.",
        "uk": "Ваш банк просить підтвердити платіж одноразовим кодом.",
    },
    "3ds_demo": {
        "en": "This is the sandbox: the demo code is 111111. Any other code fails the check.",
        "uk": "Це пісочниця: демонстраційний код — 111111. З будь-яким іншим кодом перевірка не пройде.",
    },
    "code": {"en": "One-time code", "uk": "Одноразовий код"},
    "confirm": {"en": "Confirm", "uk": "Підтвердити"},
    "finished": {"en": "Payment finished", "uk": "Оплату завершено"},
    "status_success": {"en": "The payment succeeded.", "uk": "Оплата пройшла успішно."},
    "status_failure": {"en": "The payment was declined: {reason}.", "uk": "Оплату відхилено: {reason}."},
    "status_reversed": {"en": "The payment was refunded.", "uk": "Платіж повернуто."},
    "reason_limit": {"en": "the card's limit is exceeded", "uk": "перевищено ліміт картки"},
    "reason_3ds_failed": {"en": "the 3-D Secure code was wrong", "uk": "неправильний код 3-D Secure"},
    "reason_timeout": {"en": "the bank did not answer in time", "uk": "банк не відповів вчасно"},
    "processing": {"en": "The bank is processing the payment", "uk": "Банк обробляє платіж"},
    "processing_text": {
        "en": "The bank has not answered yet. The service will learn the result as soon as it comes.",
        "uk": "Банк ще не відповів. Послуга дізнається результат, щойно він надійде.",
    },
    "back": {"en": "Return to the service", "uk": "Повернутися до послуги"},
    "already_paid": {"en": "This order has already been paid", "uk": "Це замовлення вже оплачено"},
    "already_paid_text": {"en": "No second payment was taken.", "uk": "Повторно гроші не списано."},
    "already_failed": {"en": "The payment for this order was declined", "uk": "Оплату цього замовлення відхилено"},
    "start_again": {"en": "Start a new payment at the service.", "uk": "Почніть нову оплату на сайті послуги."},
    "in_progress": {
        "en": "A payment for this order is already under way",
        "uk": "Оплата цього замовлення вже триває",
    },
    "expired": {"en": "The time to pay has run out", "uk": "Час на оплату минув"},
    "cancelled": {"en": "Payment cancelled", "uk": "Оплату скасовано"},
    "cancelled_text": {"en": "Nothing was charged.", "uk": "Нічого не списано."},
    "bad_request": {"en": "The payment request is not valid", "uk": "Запит на оплату недійсний"},
    "bad_request_text": {
        "en": "The service sent a payment request the acquirer cannot accept:",
        "uk": "Сайт послуги надіслав запит на оплату, який еквайр не може прийняти:",
    },
    "not_found": {"en": "Page not found", "uk": "Сторінку не знайдено"},
    "error": {"en": "Something went wrong", "uk": "Щось пішло не так"},
}


def t(key: str, language: str, **values: str) -> str:
    text = TEXTS[key].get(language) or TEXTS[key]["uk"]
    return text.format(**values) if values else text
