"""SMS end to end through Kannel: the portal sends through smsbox to the fake mobile network, Kannel reports
delivery back, and people's SMS reach the portal through Kannel's get-url and are answered the same way."""

import time

import pytest
from django.conf import settings as django_settings

from vikno.applications import services
from vikno.applications.models import Application
from vikno.applications.tests.test_services import filled
from vikno.messaging.constants import Channel, DeliveryState
from vikno.messaging.models import Delivery, IncomingSms, SmsOptOut
from vikno.messaging.notifications import notify
from vikno.messaging.sms.optout import sms_opted_out
from vikno.messaging.tests.kannel import PASSWORD, Sms, kannel

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_run_at_once")]

PHONE = "+380671234567"


@pytest.fixture(scope="session")
def running_kannel(live_server, tmp_path_factory):
    with kannel(tmp_path_factory.mktemp("kannel"), live_server.url, django_settings.SMS_CALLBACK_TOKEN) as gateway:
        yield gateway


@pytest.fixture
def gateway(settings, running_kannel, live_server):
    settings.SMS_GATEWAY = "kannel"
    settings.KANNEL_SENDSMS_URL = running_kannel.sendsms_url
    settings.KANNEL_PASSWORD = PASSWORD
    settings.SITE_URL = live_server.url  # Kannel reports deliveries to the portal under test
    yield running_kannel
    running_kannel.hang_up()  # nothing this test sent reaches the next test's handset


def eventually(read, expected, seconds: float = 15):
    """What `read()` returns once it equals `expected` (or, after `seconds`, whatever it returns then)."""
    deadline = time.monotonic() + seconds
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


def state(delivery_id) -> str:
    return Delivery.objects.values_list("state", flat=True).get(pk=delivery_id)


@pytest.fixture
def texting_applicant(applicant):
    applicant.notify_by_sms, applicant.notify_by_email = True, False
    applicant.save()
    return applicant


def test_a_notification_reaches_the_phone_and_its_delivery_is_reported(gateway, texting_applicant):
    handset = gateway.handset()
    params = {"reference": "26-0000-0001-2", "service": "s", "organisation": "o", "status": "схвалено"}
    notify(recipient=texting_applicant, event="decision_made", key="decision:kannel", params=params)
    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert handset.received(1) == [Sms("Vikno", PHONE, "Vikno: рішення щодо заяви 26-0000-0001-2: схвалено.")]
    assert eventually(lambda: state(delivery.pk), DeliveryState.DELIVERED) == DeliveryState.DELIVERED
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.sent_at and delivery.delivered_at


def test_status_by_sms_answers_the_applicants_phone(gateway, applicant, service):
    """STATUS works for the phone on the applicant's profile, whether or not they chose SMS notifications."""
    application = services.application_submit(application=filled(applicant, service), actor=applicant)
    handset = gateway.handset(("380671234567", "1415", f"STATUS {application.reference}"))
    due = application.due_date.strftime("%d.%m.%Y")
    assert handset.received(1) == [
        Sms("Vikno", PHONE, f"Vikno: заява {application.reference}: Отримано. Рішення до {due}.")
    ]
    incoming = eventually(lambda: IncomingSms.objects.filter(command="status").first() is not None, True)
    assert incoming is True
    reply = IncomingSms.objects.get().reply
    assert eventually(lambda: state(reply.pk), DeliveryState.DELIVERED) == DeliveryState.DELIVERED


def test_status_from_another_phone_tells_nothing(gateway, applicant, service):
    application = services.application_submit(application=filled(applicant, service), actor=applicant)
    handset = gateway.handset(("380509999999", "1415", f"статус {application.reference}"))
    (answer,) = handset.received(1)
    assert answer == Sms(
        "Vikno",
        "+380509999999",
        f"Vikno: заяви {application.reference} для цього номера не знайдено. Довідка: ДОПОМОГА.",
    )
    assert "Отримано" not in answer.text and application.due_date.strftime("%d.%m.%Y") not in answer.text
    # The same answer for a reference nobody has: the phone learns nothing about which references exist.
    handset = gateway.handset(("380509999999", "1415", "STATUS 26-0000-0001-2"))
    assert handset.received(1)[0].text == "Vikno: заяви 26-0000-0001-2 для цього номера не знайдено. Довідка: ДОПОМОГА."
    assert Application.objects.get().state == "submitted"


def test_stop_ends_sms_notifications_and_help_explains(gateway, texting_applicant):
    handset = gateway.handset(("380671234567", "1415", "Stop"))
    assert handset.received(1) == [
        Sms(
            "Vikno",
            PHONE,
            "Vikno: ми більше не надсилатимемо вам SMS. Повідомлення є у кабінеті, там SMS можна увімкнути знову.",
        )
    ]
    assert sms_opted_out(phone_number=PHONE) and SmsOptOut.objects.count() == 1
    texting_applicant.refresh_from_db()
    assert texting_applicant.notify_by_sms is False
    params = {"reference": "26-0000-0001-2", "service": "s", "organisation": "o", "status": "схвалено"}
    told = notify(recipient=texting_applicant, event="decision_made", key="decision:after-stop", params=params)
    assert told.deliveries.count() == 0

    handset = gateway.handset(("380671234567", "1415", "допомога"))
    assert handset.received(1) == [
        Sms("Vikno", PHONE, "Vikno: СТАТУС <номер> — стан заяви; СТОП — без SMS; ДОПОМОГА — довідка.")
    ]
