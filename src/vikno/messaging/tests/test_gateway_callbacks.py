"""The SMS gateway's callbacks refuse strangers and malformed calls with a clear answer, and never act twice."""

from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.conf import settings

from vikno.messaging import sending
from vikno.messaging.constants import Channel, DeliveryState
from vikno.messaging.models import Delivery, IncomingSms
from vikno.messaging.notifications import notify, sms_direct

pytestmark = pytest.mark.django_db

TOKEN = settings.SMS_CALLBACK_TOKEN


def incoming(client, remote="127.0.0.1", **params):
    query = {"token": TOKEN, "id": "k-1", "from": "380671234567", "to": "1415", "text": "HELP", "charset": "UTF-8"}
    query.update(params)
    return client.get("/sms/kannel/incoming?" + urlencode(query), REMOTE_ADDR=remote)


def report(client, delivery_id, status, remote="127.0.0.1", token=TOKEN):
    query = urlencode({"delivery": delivery_id, "status": status, "token": token})
    return client.get(f"/sms/kannel/delivery?{query}", REMOTE_ADDR=remote)


@pytest.fixture
def sent_sms():
    delivery = sms_direct(to="+380671234567", text="Vikno: test", key="test:1")
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.SENT)
    return delivery


def test_a_delivery_report_marks_the_sms_delivered_once(client, sent_sms):
    assert report(client, sent_sms.pk, 8).content == b"OK"  # accepted by the SMSC: still on its way
    assert Delivery.objects.get().state == DeliveryState.SENT
    answer = report(client, sent_sms.pk, 1)
    assert (answer.status_code, answer.content) == (200, b"OK")
    delivered = Delivery.objects.get()
    assert delivered.state == DeliveryState.DELIVERED and delivered.delivered_at is not None
    assert report(client, sent_sms.pk, 2).status_code == 200  # a late "failed" does not undo the delivery
    assert Delivery.objects.get().state == DeliveryState.DELIVERED


def test_a_report_for_an_sms_waiting_to_be_retried_settles_it(client, sent_sms):
    """The gateway took the SMS but its answer never reached us: the report arrives while a retry waits."""
    Delivery.objects.filter(pk=sent_sms.pk).update(state=DeliveryState.QUEUED, attempts=1)
    assert report(client, sent_sms.pk, 1).status_code == 200
    assert Delivery.objects.get().state == DeliveryState.DELIVERED
    assert sending.deliveries_due() == []


def test_a_report_for_an_sms_never_handed_over_is_refused(client, sent_sms):
    Delivery.objects.filter(pk=sent_sms.pk).update(state=DeliveryState.QUEUED, attempts=0)
    assert report(client, sent_sms.pk, 1).status_code == 404
    assert Delivery.objects.get().state == DeliveryState.QUEUED


def test_a_failed_report_marks_the_sms_undelivered(client, sent_sms):
    assert report(client, sent_sms.pk, 16).status_code == 200
    assert Delivery.objects.get().state == DeliveryState.FAILED


@pytest.mark.parametrize(
    ("remote", "token"),
    [("203.0.113.9", TOKEN), ("127.0.0.1", "guessed"), ("127.0.0.1", "")],
    ids=["another-address", "wrong-token", "no-token"],
)
def test_a_callback_not_from_the_gateway_is_refused(client, sent_sms, remote, token):
    answer = report(client, sent_sms.pk, 1, remote=remote, token=token)
    assert answer.status_code == 403
    assert answer.content.decode() == "Цю адресу може викликати лише SMS-шлюз."
    assert Delivery.objects.get().state == DeliveryState.SENT
    assert incoming(client, remote=remote, token=token).status_code == 403
    assert not IncomingSms.objects.exists()


def test_no_token_configured_refuses_everything(client, sent_sms, settings):
    settings.SMS_CALLBACK_TOKEN = ""
    assert report(client, sent_sms.pk, 1, token="").status_code == 403


@pytest.mark.parametrize(
    ("delivery", "status", "code", "message"),
    [
        ("not-a-uuid", "1", 400, "Ідентифікатор доставки недійсний."),
        (None, "3", 400, "Шлюз не надсилає звітів такого типу."),
        (None, "%d", 400, "Шлюз не надсилає звітів такого типу."),
        ("00000000-0000-4000-8000-000000000000", "1", 404, "З таким ідентифікатором SMS не надсилалося."),
    ],
    ids=["bad-id", "unknown-type", "unreplaced-placeholder", "unknown-delivery"],
)
def test_a_malformed_delivery_report_is_answered_with_what_is_wrong(client, sent_sms, delivery, status, code, message):
    answer = report(client, delivery or sent_sms.pk, status)
    assert (answer.status_code, answer.content.decode()) == (code, message)
    assert Delivery.objects.get().state == DeliveryState.SENT


def test_an_email_delivery_cannot_be_reported_as_an_sms(client, applicant):
    params = {"reference": "26-0000-0001-2", "service": "s", "organisation": "o", "status": "ok"}
    email = notify(recipient=applicant, event="decision_made", key="k", params=params).deliveries.get()
    assert email.channel == Channel.EMAIL
    assert report(client, email.pk, 1).status_code == 404


def test_an_incoming_sms_is_noted_and_answered_once(client):
    assert incoming(client).status_code == 200
    assert incoming(client).status_code == 200  # the gateway retried
    received = IncomingSms.objects.get()
    assert (received.phone, received.command, received.text) == ("+380671234567", "help", "HELP")
    assert Delivery.objects.get().key == "sms-reply:k-1"
    assert received.reply.to == "+380671234567"


def test_an_incoming_ucs2_sms_is_read_in_its_charset(client):
    text = quote_from_bytes("СТАТУС 26-0000-0001-2".encode("utf-16-be"))
    query = f"token={TOKEN}&id=k-2&from=380671234567&to=1415&text={text}&coding=2&charset=UTF-16BE"
    assert client.get("/sms/kannel/incoming?" + query, REMOTE_ADDR="127.0.0.1").status_code == 200
    received = IncomingSms.objects.get()
    assert (received.text, received.command) == ("СТАТУС 26-0000-0001-2", "status")
    assert received.reply.text == "Vikno: заяви 26-0000-0001-2 для цього номера не знайдено. Довідка: ДОПОМОГА."


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"id": ""}, "Повідомлення не має дійсного ідентифікатора шлюзу."),
        ({"id": "x" * 101}, "Повідомлення не має дійсного ідентифікатора шлюзу."),
        ({"from": "Vodafone"}, "Відправник — не дійсний номер телефону."),
        ({"from": ""}, "Відправник — не дійсний номер телефону."),
        ({"charset": "klingon"}, "Текст неможливо прочитати у вказаному кодуванні."),
        ({"charset": "utf\x008"}, "Текст неможливо прочитати у вказаному кодуванні."),
        ({"id": "k\x00"}, "Повідомлення не має дійсного ідентифікатора шлюзу."),
        ({"text": "x" * 1001}, "Текст задовгий."),
    ],
    ids=[
        "no-id",
        "long-id",
        "letters-for-a-number",
        "no-sender",
        "unknown-charset",
        "nul-charset",
        "nul-id",
        "too-long",
    ],
)
def test_a_malformed_incoming_sms_is_refused_with_what_is_wrong(client, params, message):
    answer = incoming(client, **params)
    assert (answer.status_code, answer.content.decode()) == (400, message)
    assert not IncomingSms.objects.exists() and not Delivery.objects.exists()


def test_an_undecodable_text_is_refused(client):
    query = f"token={TOKEN}&id=k-3&from=380671234567&text=%FF%FE%FD&charset=UTF-8"
    answer = client.get("/sms/kannel/incoming?" + query, REMOTE_ADDR="127.0.0.1")
    assert answer.status_code == 400
    assert not IncomingSms.objects.exists()


def test_an_empty_sms_gets_the_help_hint(client):
    assert incoming(client, text="").status_code == 200
    assert IncomingSms.objects.get().reply.text == (
        "Vikno: ми не зрозуміли повідомлення. Надішліть ДОПОМОГА, щоб дізнатися команди."
    )
