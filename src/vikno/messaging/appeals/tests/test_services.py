"""Registering, routing, shortening, extending and answering appeals: the statutory terms, who may do what, the
audit trail and what the citizen is told (once)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import translation

from vikno.audit.models import AuditRecord
from vikno.core import reference
from vikno.identity.tests.factories import citizen, official
from vikno.messaging.appeals import selectors, services
from vikno.messaging.appeals.constants import AppealKind, AppealState, AttachmentPart
from vikno.messaging.appeals.exceptions import AppealInvalid, AppealRefused
from vikno.messaging.appeals.models import Appeal
from vikno.messaging.appeals.tests.conftest import disguised, moment, pdf, png, submit
from vikno.messaging.models import Notification

pytestmark = pytest.mark.django_db


def notifications(appeal, event):
    return list(Notification.objects.filter(event=event, subject_type="appeal", subject_id=str(appeal.pk)))


# --- Registering -----------------------------------------------------------------------------------------


def test_an_appeal_is_registered_with_a_checked_reference_and_a_term_of_thirty_calendar_days(appeal, applicant):
    assert reference.normalise(appeal.reference) == appeal.reference
    assert appeal.reference.startswith("26-")
    assert appeal.state == AppealState.REGISTERED
    assert appeal.received_on == dt.date(2026, 3, 2)
    assert appeal.due_date == dt.date(2026, 4, 1)  # 30 calendar days, weekends and holidays included
    assert appeal.citizen_name == "Шевченко Олена"
    assert appeal.kind == AppealKind.COMPLAINT
    [file] = appeal.attachments.all()
    assert (file.name, file.content_type, file.part) == ("photo.png", "image/png", AttachmentPart.APPEAL)
    assert AuditRecord.objects.filter(action="appeals.registered", object_id=str(appeal.pk), actor=applicant).exists()


@override_settings(APPEAL_TERM_DAYS=20)
def test_the_term_is_configurable(received, applicant, authority):
    assert submit(applicant, authority).due_date == dt.date(2026, 3, 22)


def test_the_citizen_is_told_the_reference_and_the_due_date_once(appeal, applicant):
    [told] = notifications(appeal, "appeal_registered")
    assert told.recipient == applicant
    assert told.key == f"appeal:{appeal.pk}:registered"
    assert told.url == f"/cabinet/appeals/{appeal.pk}/"
    assert appeal.reference in told.title
    assert "1 квітня 2026" in told.body
    assert told.deliveries.count() == 1  # by e-mail (SMS is off unless the citizen turns it on)


def test_the_same_form_sent_twice_registers_one_appeal_and_tells_once(received, applicant, authority):
    first = submit(applicant, authority, submission_key="form-1")
    second = submit(applicant, authority, submission_key="form-1")
    assert first.pk == second.pk
    assert Appeal.objects.count() == 1
    assert len(notifications(first, "appeal_registered")) == 1
    assert submit(applicant, authority, submission_key="form-2").pk != first.pk


def test_a_reference_that_is_taken_is_drawn_again(received, applicant, authority, monkeypatch):
    first = submit(applicant, authority)
    drawn = iter([first.reference, first.reference, "26-1234-5678-2"])
    monkeypatch.setattr(reference, "make", lambda year: next(drawn))
    assert submit(applicant, authority).reference == "26-1234-5678-2"


def test_the_same_form_sent_twice_at_once_registers_one_appeal(received, applicant, authority, monkeypatch):
    first = submit(applicant, authority, submission_key="form-1")
    real = selectors.appeal_for_submission
    calls = []

    def not_yet_seen(**kwargs):
        # The second request looked before the first one committed: it saw nothing, then met the unique key.
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(selectors, "appeal_for_submission", not_yet_seen)
    assert submit(applicant, authority, submission_key="form-1").pk == first.pk
    assert Appeal.objects.count() == 1
    assert len(notifications(first, "appeal_registered")) == 1


def test_another_citizen_with_the_same_form_key_gets_an_appeal_of_their_own(received, applicant, authority):
    first = submit(applicant, authority, submission_key="form-1")
    other = submit(citizen(), authority, submission_key="form-1")
    assert other.pk != first.pk


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({"text": "   "}, {"text": "Enter your appeal"}),
        ({"text": "я" * 5001}, {"text": "Your appeal must be 5,000 characters or fewer"}),
        ({"subject": ""}, {"subject": "Enter a short summary of your appeal"}),
        ({"subject": "с" * 151}, {"subject": "The summary must be 150 characters or fewer"}),
        ({"kind": "petition-to-the-king"}, {"kind": "Choose what kind of appeal this is"}),
        ({"files": [disguised()]}, {"files": "“scan.pdf”: The file must be a PDF, JPG, PNG"}),
        ({"files": [png(f"{n}.png") for n in range(6)]}, {"files": "You can attach no more than 5 files"}),
        (
            {"kind": "", "subject": "", "text": ""},
            {
                "kind": "Choose what kind of appeal this is",
                "subject": "Enter a short summary of your appeal",
                "text": "Enter your appeal",
            },
        ),
    ],
)
def test_what_cannot_be_registered_is_refused_with_every_problem_and_nothing_is_kept(
    received, applicant, authority, fields, problems
):
    with translation.override("en"), pytest.raises(AppealInvalid) as refused:
        submit(applicant, authority, **fields)
    assert refused.value.problems == problems
    assert not Appeal.objects.exists()
    assert not Notification.objects.exists()


def test_exactly_the_longest_text_is_accepted(received, applicant, authority):
    assert len(submit(applicant, authority, text="я" * 5000).text) == 5000


def test_a_line_break_counts_as_one_character_as_on_the_page(received, applicant, authority):
    appeal = submit(applicant, authority, subject="  Два\tслова  ", text="я\r\n" * 2499 + "я!")
    assert len(appeal.text) == 5000 and "\r" not in appeal.text
    assert appeal.subject == "Два слова"


def test_control_characters_are_not_kept(received, applicant, authority):
    appeal = submit(applicant, authority, subject="Тема\x00", text="Текст\x00 з\x1b нулем\tі табуляцією")
    assert (appeal.subject, appeal.text) == ("Тема", "Текст з нулем\tі табуляцією")
    with pytest.raises(AppealInvalid):
        submit(applicant, authority, text="\x00\x00")


def test_an_unknown_authority_is_refused(received, applicant):
    with translation.override("en"), pytest.raises(AppealInvalid) as refused:
        submit(applicant, None)
    assert refused.value.problems == {"organisation": "Choose the authority you are writing to"}


def test_an_appeal_without_a_name_is_not_considered(received, authority):
    nameless = citizen(first_name="", last_name="")
    with translation.override("en"), pytest.raises(AppealRefused) as refused:
        submit(nameless, authority)
    assert refused.value.message == "Your account has no name. Appeals without a name are not considered."
    assert not Appeal.objects.exists()


def test_officials_do_not_write_appeals_as_citizens(received, officer, authority):
    with pytest.raises(AppealRefused):
        submit(officer, authority)


# --- Routing ---------------------------------------------------------------------------------------------


def test_assigning_starts_the_consideration(appeal, officer, second_officer):
    services.appeal_assign(appeal=appeal, official=officer, assignee=second_officer)
    appeal.refresh_from_db()
    assert appeal.assignee == second_officer
    assert appeal.state == AppealState.IN_PROGRESS
    assert AuditRecord.objects.filter(action="appeals.assigned", actor=officer).count() == 1
    services.appeal_assign(appeal=appeal, official=officer, assignee=second_officer)  # nothing changes
    assert AuditRecord.objects.filter(action="appeals.assigned").count() == 1


def test_an_official_of_another_authority_can_do_nothing(appeal, stranger):
    for action in (
        lambda: services.appeal_assign(appeal=appeal, official=stranger, assignee=stranger),
        lambda: services.appeal_set_short_term(appeal=appeal, official=stranger),
        lambda: services.appeal_extend(appeal=appeal, official=stranger, new_due_date=moment(40).date(), reason="x"),
        lambda: services.appeal_answer(appeal=appeal, official=stranger, text="Відповідь"),
    ):
        with pytest.raises(AppealRefused):
            action()
    appeal.refresh_from_db()
    assert (appeal.state, appeal.assignee, appeal.due_date, appeal.answer) == (
        AppealState.REGISTERED,
        None,
        dt.date(2026, 4, 1),
        "",
    )


def test_an_appeal_goes_only_to_a_handler_of_its_authority(appeal, officer, stranger, authority):
    editor = official("editor@vikno.example", authority, "editor")
    for outsider in (stranger, editor):
        with pytest.raises(AppealRefused):
            services.appeal_assign(appeal=appeal, official=officer, assignee=outsider)


# --- The short term --------------------------------------------------------------------------------------


def test_no_further_study_needed_brings_the_answer_within_fifteen_days(appeal, officer, at):
    at(moment(3))
    services.appeal_set_short_term(appeal=appeal, official=officer)
    appeal.refresh_from_db()
    assert appeal.short_term is True
    assert appeal.due_date == dt.date(2026, 3, 17)
    again = services.appeal_set_short_term(appeal=appeal, official=officer)
    assert again.due_date == dt.date(2026, 3, 17)
    assert AuditRecord.objects.filter(action="appeals.short_term").count() == 1


def test_the_short_term_can_be_set_on_its_last_day_but_not_after(appeal, officer, at):
    at(moment(16))
    with translation.override("en"), pytest.raises(AppealRefused) as refused:
        services.appeal_set_short_term(appeal=appeal, official=officer)
    assert refused.value.message == (
        "The appeal was received more than 15 days ago, so the short term can no longer apply. "
        "Answer it by 1 April 2026."
    )
    appeal.refresh_from_db()
    assert (appeal.short_term, appeal.due_date) == (False, dt.date(2026, 4, 1))
    at(moment(15))
    assert services.appeal_set_short_term(appeal=appeal, official=officer).due_date == dt.date(2026, 3, 17)


# --- Extension -------------------------------------------------------------------------------------------


def test_a_supervisor_extends_the_term_once_and_the_citizen_is_told_the_date_and_the_reason(
    appeal, supervisor, applicant, at
):
    at(moment(20))
    services.appeal_extend(
        appeal=appeal, official=supervisor, new_due_date=dt.date(2026, 4, 16), reason="Потрібен запит до архіву."
    )
    appeal.refresh_from_db()
    assert appeal.due_date == dt.date(2026, 4, 16)
    assert appeal.extended and appeal.extended_by == supervisor
    assert appeal.extension_reason == "Потрібен запит до архіву."
    [told] = notifications(appeal, "appeal_extended")
    assert told.recipient == applicant and told.key == f"appeal:{appeal.pk}:extended"
    assert "16 квітня 2026" in told.body and "Потрібен запит до архіву." in told.body
    audit = AuditRecord.objects.get(action="appeals.extended")
    assert audit.details == {"from": "2026-04-01", "to": "2026-04-16"}
    assert audit.reason == "Потрібен запит до архіву."

    with translation.override("en"), pytest.raises(AppealRefused) as refused:
        services.appeal_extend(appeal=appeal, official=supervisor, new_due_date=dt.date(2026, 4, 15), reason="Ще раз")
    assert (
        refused.value.message == "The term of this appeal has already been extended once. The law allows one extension."
    )
    appeal.refresh_from_db()
    assert appeal.due_date == dt.date(2026, 4, 16)
    assert len(notifications(appeal, "appeal_extended")) == 1


@pytest.mark.parametrize(
    ("new_due", "reason", "message", "field"),
    [
        (
            dt.date(2026, 4, 17),
            "Архів",
            "The new date can be no later than 16 April 2026, 45 days after the appeal was received",
            "new_due",
        ),
        (dt.date(2026, 4, 1), "Архів", "The new date must be later than 1 April 2026", "new_due"),
        (None, "Архів", "Enter the new date for the answer", "new_due"),
        (dt.date(2026, 4, 10), "  ", "Give the reason for the extension", "reason"),
        (dt.date(2026, 4, 10), "п" * 1001, "The reason must be 1,000 characters or fewer", "reason"),
    ],
)
def test_an_extension_never_reaches_beyond_forty_five_days_and_needs_a_reason(
    appeal, supervisor, new_due, reason, message, field
):
    with translation.override("en"), pytest.raises(AppealRefused) as refused:
        services.appeal_extend(appeal=appeal, official=supervisor, new_due_date=new_due, reason=reason)
    assert (refused.value.message, refused.value.field) == (message, field)
    appeal.refresh_from_db()
    assert not appeal.extended and appeal.due_date == dt.date(2026, 4, 1)
    assert not notifications(appeal, "appeal_extended")


def test_only_a_supervisor_extends(appeal, officer):
    with translation.override("en"), pytest.raises(AppealRefused) as refused:
        services.appeal_extend(appeal=appeal, official=officer, new_due_date=dt.date(2026, 4, 10), reason="Архів")
    assert refused.value.message == "Only a supervisor of the authority can extend the term of an appeal."


def test_a_term_that_has_ended_is_not_extended(appeal, supervisor, at):
    at(moment(31))
    with translation.override("en"), pytest.raises(AppealRefused) as refused:
        services.appeal_extend(appeal=appeal, official=supervisor, new_due_date=dt.date(2026, 4, 10), reason="Архів")
    assert refused.value.message.startswith("The term ended on 1 April 2026")


def test_a_short_term_appeal_may_still_be_extended_but_an_extended_one_is_not_shortened(appeal, officer, supervisor):
    services.appeal_set_short_term(appeal=appeal, official=officer)
    services.appeal_extend(appeal=appeal, official=supervisor, new_due_date=dt.date(2026, 4, 1), reason="Архів")
    appeal.refresh_from_db()
    assert appeal.due_date == dt.date(2026, 4, 1)

    other = submit(appeal.citizen, appeal.organisation)
    services.appeal_extend(appeal=other, official=supervisor, new_due_date=dt.date(2026, 4, 10), reason="Архів")
    with translation.override("en"), pytest.raises(AppealRefused) as refused:
        services.appeal_set_short_term(appeal=other, official=officer)
    assert refused.value.message == "The term of this appeal was extended; it can no longer be shortened."


# --- The answer ------------------------------------------------------------------------------------------


def test_the_answer_is_kept_and_told_to_the_citizen_once(appeal, officer, applicant, at):
    at(moment(10))
    services.appeal_answer(appeal=appeal, official=officer, text="  Субсидію призначено.  ", files=[pdf()])
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ANSWERED
    assert appeal.answer == "Субсидію призначено."
    assert (appeal.answered_by, appeal.assignee) == (officer, officer)
    assert appeal.answered_at == moment(10)
    assert not appeal.answered_late
    assert [(f.name, f.part) for f in appeal.attachments.filter(part=AttachmentPart.ANSWER)] == [
        ("letter.pdf", AttachmentPart.ANSWER)
    ]
    [told] = notifications(appeal, "appeal_answered")
    assert told.recipient == applicant and told.key == f"appeal:{appeal.pk}:answered"

    with translation.override("en"), pytest.raises(AppealRefused) as refused:
        services.appeal_answer(appeal=appeal, official=officer, text="Субсидію призначено.")
    assert refused.value.message == "This appeal has already been answered."
    assert len(notifications(appeal, "appeal_answered")) == 1
    assert AuditRecord.objects.filter(action="appeals.answered").count() == 1


def test_an_answer_after_the_due_date_is_marked_late(appeal, officer, at):
    at(moment(31))
    services.appeal_answer(appeal=appeal, official=officer, text="Вибачте за затримку.")
    appeal.refresh_from_db()
    assert appeal.answered_late
    assert AuditRecord.objects.get(action="appeals.answered").details == {"late": True, "files": 0}


@pytest.mark.parametrize(
    ("text", "files", "message", "field"),
    [
        ("", [], "Enter the answer", "answer"),
        ("в" * 10001, [], "The answer must be 10,000 characters or fewer", "answer"),
        ("Відповідь", [disguised("answer.pdf")], "“answer.pdf”: The file must be a PDF, JPG, PNG", "answer-files"),
    ],
)
def test_an_empty_or_oversized_answer_is_refused(appeal, officer, text, files, message, field):
    with translation.override("en"), pytest.raises(AppealRefused) as refused:
        services.appeal_answer(appeal=appeal, official=officer, text=text, files=files)
    assert (refused.value.message, refused.value.field) == (message, field)
    appeal.refresh_from_db()
    assert appeal.is_open and appeal.answer == ""
    assert not notifications(appeal, "appeal_answered")


def test_an_answered_appeal_is_not_reassigned_shortened_or_extended(appeal, officer, supervisor):
    services.appeal_answer(appeal=appeal, official=officer, text="Відповідь")
    for action in (
        lambda: services.appeal_assign(appeal=appeal, official=supervisor, assignee=supervisor),
        lambda: services.appeal_set_short_term(appeal=appeal, official=officer),
        lambda: services.appeal_extend(
            appeal=appeal, official=supervisor, new_due_date=dt.date(2026, 4, 10), reason="Архів"
        ),
    ):
        with pytest.raises(AppealRefused):
            action()
    appeal.refresh_from_db()
    assert (appeal.assignee, appeal.short_term, appeal.extended) == (officer, False, False)
