"""The consent texts the portal needs now (version 1 of each), and consent records for the notification choices
people made before consents were recorded."""

import uuid

from django.db import migrations
from django.utils import timezone

TEXTS = {
    "privacy_notice": (
        "Я ознайомився (ознайомилася) з повідомленням порталу про обробку персональних даних: які мої персональні "
        "дані зберігає «Вікно», з якою метою і скільки часу, хто може їх бачити, а також з моїми правами "
        "переглядати, виправляти й видаляти свої дані, відкликати згоди та скаржитися Уповноваженому Верховної "
        "Ради України з прав людини.",
        "I have read the portal's privacy notice: which personal data Vikno keeps about me, for what purposes and "
        "for how long, who can see it, and my rights to see, correct and erase my data, to withdraw consents and "
        "to complain to the Ukrainian Parliament Commissioner for Human Rights.",
    ),
    "email_notifications": (
        "Я погоджуюся, щоб «Вікно» надсилало на адресу електронної пошти, зазначену в моєму кабінеті, сповіщення "
        "про мої заяви, звернення, платежі та запитання: що сталося і що від мене очікують. Повідомлення в кабінеті "
        "зберігаються незалежно від цієї згоди. Я можу будь-коли відкликати її в кабінеті.",
        "I agree that Vikno sends notifications about my applications, appeals, payments and questions to the "
        "e-mail address in my account: what happened and what is expected of me. The messages in my account are "
        "kept whether or not I agree. I can withdraw this consent at any time in my account.",
    ),
    "sms_notifications": (
        "Я погоджуюся, щоб «Вікно» надсилало короткі сповіщення про мої заяви, звернення та платежі "
        "SMS-повідомленнями на підтверджений мною номер мобільного телефону, крім нічних годин. Мій номер "
        "передається оператору SMS лише для доставлення цих повідомлень. Я можу будь-коли відкликати згоду в "
        "кабінеті або надіславши SMS зі словом СТОП.",
        "I agree that Vikno sends short notifications about my applications, appeals and payments by SMS to the "
        "mobile number I confirmed, outside the night hours. My number is given to the SMS operator only to deliver "
        "them. I can withdraw this consent at any time in my account or by texting STOP.",
    ),
    "public_questions": (
        "Я погоджуюся, щоб моє запитання про послугу було оприлюднене на сторінці послуги разом із відповіддю "
        "органу після того, як посадова особа вилучить із нього всі персональні дані. Моє ім'я ніколи не "
        "оприлюднюється. Якщо я відкличу згоду, запитання, що чекають на розгляд, буде видалено, а оприлюднені "
        "залишаться без жодного зв'язку зі мною.",
        "I agree that my question about a service is published on the service's page with the authority's answer, "
        "after an official has taken any personal data out of it. My name is never published. If I withdraw this "
        "consent, my questions waiting for moderation are removed; published ones stay, with no link to me.",
    ),
}
BATCH = 1000


def seed(apps, schema_editor):
    ConsentText = apps.get_model("privacy", "ConsentText")
    Consent = apps.get_model("privacy", "Consent")
    User = apps.get_model("identity", "User")
    now = timezone.now()
    texts = {
        key: ConsentText.objects.create(key=key, version=1, text_uk=uk, text_en=en, published_at=now)
        for key, (uk, en) in TEXTS.items()
    }
    # Citizens' notification choices made before consents were recorded: recorded as such, from the day the
    # account was made (the only date known), so that the consents page and the channels agree.
    citizens = User.objects.filter(is_staff=False, is_active=True)
    channels = [
        ("email_notifications", citizens.filter(notify_by_email=True).exclude(email="")),
        ("sms_notifications", citizens.filter(notify_by_sms=True)),
    ]
    for key, people in channels:
        rows = []
        for person_id, joined in people.values_list("pk", "date_joined").iterator(chunk_size=BATCH):
            rows.append(
                Consent(
                    id=uuid.uuid4(),
                    person_id=person_id,
                    key=key,
                    text=texts[key],
                    given_at=joined,
                    given_how="recorded_from_settings",
                )
            )
            if len(rows) >= BATCH:
                Consent.objects.bulk_create(rows)
                rows = []
        Consent.objects.bulk_create(rows)


def unseed(apps, schema_editor):
    apps.get_model("privacy", "Consent").objects.all().delete()
    apps.get_model("privacy", "ConsentText").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_consents_and_requests"),
        ("identity", "0007_dpo_role"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
