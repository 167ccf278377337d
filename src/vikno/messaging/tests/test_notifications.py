"""What applicants are told, on which channels, once: notifications made by the applications' services."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from vikno.applications import casework, services
from vikno.applications.exceptions import AnswersIncomplete
from vikno.applications.tests.test_services import filled
from vikno.messaging import sending
from vikno.messaging.constants import Channel, DeliveryState
from vikno.messaging.models import Delivery, Notification
from vikno.messaging.notifications import notify, sms_direct
from vikno.messaging.sms import segments
from vikno.messaging.sms.optout import sms_opt_out

pytestmark = pytest.mark.django_db


def submit(applicant, service, capture):
    with capture(execute=True):
        return services.application_submit(application=filled(applicant, service), actor=applicant)


def test_a_submitted_application_is_told_in_the_inbox_and_by_email(
    applicant, service, tasks_run_at_once, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        application = services.application_submit(application=filled(applicant, service), actor=applicant)
    notification = Notification.objects.get()
    assert notification.recipient == applicant
    assert notification.event == "application_submitted"
    assert notification.key == f"application:{application.pk}:submitted"
    assert notification.title == f"Ми отримали вашу заяву {application.reference}"
    assert application.reference in notification.body
    assert notification.url == f"/cabinet/applications/{application.pk}/"
    assert (notification.subject_type, notification.subject_id) == ("application", str(application.pk))
    # The applicant chose e-mail (the default) and not SMS: one delivery, handed to a worker only on commit.
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.to, delivery.state) == (Channel.EMAIL, "olena@example.com", DeliveryState.QUEUED)
    assert delivery.subject == notification.title
    assert f"http://127.0.0.1:8000/cabinet/applications/{application.pk}/" in delivery.text
    assert f'href="http://127.0.0.1:8000/cabinet/applications/{application.pk}/"' in delivery.html
    assert mail.outbox == []
    for callback in callbacks:  # the transaction commits: the worker sends it
        callback()
    assert [(message.to, message.subject) for message in mail.outbox] == [(["olena@example.com"], notification.title)]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{delivery.pk}@127.0.0.1>"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)


def test_telling_the_same_event_twice_sends_nothing_more(applicant, service, django_capture_on_commit_callbacks):
    application = submit(applicant, service, django_capture_on_commit_callbacks)
    params = {"reference": application.reference, "service": "x", "organisation": "y", "due_date": dt.date(2026, 12, 1)}
    with django_capture_on_commit_callbacks() as callbacks:
        again = notify(
            recipient=applicant,
            event="application_submitted",
            key=f"application:{application.pk}:submitted",
            params=params,
        )
    assert again == Notification.objects.get()
    assert Delivery.objects.count() == 1
    assert callbacks == []


def test_english_speakers_are_told_in_english_with_english_links(
    applicant, service, django_capture_on_commit_callbacks
):
    applicant.language = "en"
    applicant.save()
    application = submit(applicant, service, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    assert notification.title == f"We received your application {application.reference}"
    assert notification.url == f"/en/cabinet/applications/{application.pk}/"
    assert notification.action == "View your application"


def test_sms_go_to_those_who_chose_them_and_never_to_a_number_that_sent_stop(
    applicant, service, django_capture_on_commit_callbacks
):
    applicant.notify_by_sms, applicant.notify_by_email = True, False
    applicant.save()
    application = submit(applicant, service, django_capture_on_commit_callbacks)
    sms = Delivery.objects.get()
    assert (sms.channel, sms.to) == (Channel.SMS, "+380671234567")
    assert sms.text.startswith(f"Vikno: заяву {application.reference}")
    assert (sms.encoding, sms.segments) == (segments.UCS2, segments.measure(sms.text).segments)

    sms_opt_out(phone_number="+380671234567")
    params = {"reference": application.reference, "service": "s", "organisation": "o", "status": "ok"}
    told = notify(recipient=applicant, event="decision_made", key="decision:test", params=params)
    assert told.deliveries.count() == 0
    assert Delivery.objects.count() == 1


def test_a_rolled_back_change_tells_nobody(applicant, service, django_capture_on_commit_callbacks):
    application = filled(applicant, service)
    application.answers = {}
    application.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AnswersIncomplete):
        services.application_submit(application=application, actor=applicant)
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_each_official_step_tells_the_applicant_once(
    applicant, officer, service, signing_pki, tasks_run_at_once, django_capture_on_commit_callbacks
):
    application = submit(applicant, service, django_capture_on_commit_callbacks)

    def take(transition, **kw):
        application.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            casework.case_transition(
                application=application, official=officer, transition_id=transition, version=application.version, **kw
            )

    take("start_review")
    take("request_information", text="Додайте копію паспорта")
    request = application.information_requests.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.information_provide(
            application=application, request=request, answer="Додано", files=[], actor=applicant
        )
    take("approve")
    events = list(Notification.objects.order_by("created_at").values_list("event", "key"))
    assert events == [
        ("application_submitted", f"application:{application.pk}:submitted"),
        ("information_requested", f"application:{application.pk}:request:{request.pk}"),
        ("decision_made", f"application:{application.pk}:decision"),
        ("result_ready", f"application:{application.pk}:result"),
    ]
    # Every e-mail was sent by the immediate task backend: one per notification, each once.
    assert [message.subject for message in mail.outbox] == list(
        Notification.objects.order_by("created_at").values_list("title", flat=True)
    )
    application.refresh_from_db()
    result = Notification.objects.get(event="result_ready")
    assert application.result_document.display_code in result.body
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_the_sms_parts_are_counted_by_alphabet():
    assert segments.measure("Vikno: application 26-1234-5678-9 received.") == segments.Encoded("GSM-7", 43, 1)
    assert segments.measure("a" * 160).segments == 1
    assert segments.measure("a" * 161).segments == 2
    assert segments.measure("€" * 80) == segments.Encoded("GSM-7", 160, 1)  # each € takes two septets
    assert segments.measure("ї" * 70) == segments.Encoded("UCS-2", 70, 1)
    assert segments.measure("ї" * 71).segments == 2
    assert segments.measure("ї" * 135).segments == 3
    assert segments.measure("🙂").units == 2  # outside the basic plane: two UTF-16 units


def test_quiet_hours_hold_notifications_by_sms_until_morning_but_not_answers(settings, at, applicant):
    settings.SMS_QUIET_HOURS = (dt.time(21), dt.time(8))
    kyiv = timezone.get_default_timezone()
    at(dt.datetime(2026, 11, 30, 23, 15, tzinfo=kyiv))
    applicant.notify_by_sms, applicant.notify_by_email = True, False
    applicant.save()
    params = {"reference": "26-0000-0001-2", "service": "s", "organisation": "o", "status": "ok"}
    held = notify(recipient=applicant, event="decision_made", key="night", params=params).deliveries.get()
    answer = sms_direct(to="+380671234567", text="Vikno: ok", key="answer")
    assert sending.delivery_send(delivery_id=held.pk) == DeliveryState.QUEUED
    held.refresh_from_db()
    assert (held.next_attempt_at, held.attempts) == (dt.datetime(2026, 12, 1, 8, 0, tzinfo=kyiv), 0)
    assert sending.delivery_send(delivery_id=answer.pk) == DeliveryState.SENT
    at(dt.datetime(2026, 12, 1, 8, 0, tzinfo=kyiv))
    assert sending.delivery_send(delivery_id=held.pk) == DeliveryState.SENT


def test_quiet_hours_end_in_the_morning(settings):
    settings.SMS_QUIET_HOURS = (dt.time(21), dt.time(8))
    kyiv = timezone.get_default_timezone()
    late = dt.datetime(2026, 11, 30, 23, 15, tzinfo=kyiv)
    assert sending.quiet_hours_end(late) == dt.datetime(2026, 12, 1, 8, 0, tzinfo=kyiv)
    early = dt.datetime(2026, 12, 1, 6, 0, tzinfo=kyiv)
    assert sending.quiet_hours_end(early) == dt.datetime(2026, 12, 1, 8, 0, tzinfo=kyiv)
    assert sending.quiet_hours_end(dt.datetime(2026, 12, 1, 8, 0, tzinfo=kyiv)) is None
    assert sending.quiet_hours_end(dt.datetime(2026, 12, 1, 20, 59, tzinfo=kyiv)) is None
    settings.SMS_QUIET_HOURS = (dt.time(13), dt.time(14))
    assert sending.quiet_hours_end(dt.datetime(2026, 12, 1, 13, 30, tzinfo=kyiv)) == dt.datetime(
        2026, 12, 1, 14, 0, tzinfo=kyiv
    )
