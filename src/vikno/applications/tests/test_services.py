"""The applicant's services: draft, answers, files, submission (once), withdrawal, answering a request."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from vikno.applications import casework, services
from vikno.applications.constants import DRAFT, SUBMITTED, EventKind
from vikno.applications.exceptions import ActionRefused, AnswersIncomplete
from vikno.applications.models import Application, Attachment
from vikno.applications.selectors import definition_of
from vikno.applications.tests.factories import good_answers, pdf_bytes, png_bytes
from vikno.applications.uploads import UploadRefused
from vikno.audit.models import AuditRecord
from vikno.core import reference
from vikno.core.working_days import add_working_days

pytestmark = pytest.mark.django_db


def passport(name="passport.png", data=None, content_type="image/png"):
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), content_type=content_type)


def filled(applicant, service) -> Application:
    application = services.application_start(applicant=applicant, service=service)
    question = next(q for q in definition_of(application.definition).form.questions if q.name == "passport")
    attachment = services.attachment_add(application=application, question=question, upload=passport(), actor=applicant)
    values = good_answers(applicant.rnokpp, [str(attachment.pk)])
    return services.application_save_step(application=application, values=values)


def test_a_draft_is_prefilled_from_the_profile_and_resumed_not_duplicated(applicant, service):
    first = services.application_start(applicant=applicant, service=service)
    again = services.application_start(applicant=applicant, service=service)
    assert first.pk == again.pk
    assert Application.objects.count() == 1
    assert first.state == DRAFT
    assert first.reference is None
    assert first.answers == {
        "full_name": "Шевченко Олена",
        "birth_date": "1988-03-14",
        "rnokpp": applicant.rnokpp,
        "phone": "+380671234567",
        "email": "olena@example.com",
    }
    assert AuditRecord.objects.filter(action="applications.draft_started").count() == 1


def test_submitting_gives_a_reference_a_deadline_and_happens_once(applicant, service, at):
    at(dt.datetime(2026, 12, 30, 22, 30, tzinfo=dt.UTC))  # already 31 December in Kyiv
    application = filled(applicant, service)
    sent = services.application_submit(application=application, actor=applicant)
    again = services.application_submit(application=application, actor=applicant)
    assert sent.state == again.state == SUBMITTED
    assert sent.reference == again.reference
    assert reference.normalise(sent.reference) == sent.reference and sent.reference.startswith("26-")
    assert sent.due_date == add_working_days(dt.date(2026, 12, 31), 10)
    assert list(sent.events.values_list("kind", flat=True)) == [EventKind.SUBMITTED]
    assert AuditRecord.objects.filter(action="applications.submitted").count() == 1
    # Answers of the hidden "other purpose" step were never asked, so they are not part of the application.
    assert "purpose_other" not in sent.answers


def test_an_incomplete_draft_is_not_sent_and_names_the_first_step_to_fix(applicant, service):
    application = services.application_start(applicant=applicant, service=service)
    with pytest.raises(AnswersIncomplete) as refused:
        services.application_submit(application=application, actor=applicant)
    assert refused.value.step_id == "purpose"
    application.refresh_from_db()
    assert application.state == DRAFT and application.reference is None


@translation.override("en")
def test_a_condition_makes_its_question_required(applicant, service):
    application = filled(applicant, service)
    services.application_save_step(application=application, values={"purpose": "other"})
    with pytest.raises(AnswersIncomplete) as refused:
        services.application_submit(application=application, actor=applicant)
    assert refused.value.step_id == "purpose-other"
    assert [(p.anchor, p.message) for p in refused.value.problems] == [
        ("purpose_other", "Enter an answer to “Describe the purpose”")
    ]


@translation.override("en")
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("passport.pdf", b"MZ\x90\x00" + b"\x00" * 100, "The file must be a PDF, JPG, PNG"),
        ("photo.png", b"", "The file is empty"),
        ("scan.pdf", b"GIF89a" + b"\x00" * 50, "The file must be a PDF, JPG, PNG"),
    ],
)
def test_disguised_or_empty_files_are_refused(applicant, service, name, data, message):
    application = services.application_start(applicant=applicant, service=service)
    question = next(q for q in definition_of(application.definition).form.questions if q.name == "passport")
    with pytest.raises(UploadRefused) as refused:
        services.attachment_add(
            application=application, question=question, upload=passport(name, data), actor=applicant
        )
    assert str(refused.value) == message
    assert not Attachment.objects.exists()


@translation.override("en")
def test_files_over_the_limit_and_over_the_count_are_refused(applicant, service, settings):
    settings.VIKNO_UPLOAD_MAX_BYTES = 1000
    application = services.application_start(applicant=applicant, service=service)
    question = next(q for q in definition_of(application.definition).form.questions if q.name == "passport")
    with pytest.raises(UploadRefused) as too_big:
        services.attachment_add(
            application=application, question=question, upload=passport(data=pdf_bytes() + b"0" * 1000), actor=applicant
        )
    assert str(too_big.value) == "The file must be smaller than 1000\xa0bytes"
    for _ in range(2):
        services.attachment_add(application=application, question=question, upload=passport(), actor=applicant)
    with pytest.raises(UploadRefused) as too_many:
        services.attachment_add(application=application, question=question, upload=passport(), actor=applicant)
    assert str(too_many.value) == "You can upload no more than 2 files here. Remove one to add another."
    assert Attachment.objects.count() == 2


def test_the_applicant_answers_a_request_and_the_waiting_days_extend_the_deadline(applicant, service, officer, at):
    at(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    application = services.application_submit(application=filled(applicant, service), actor=applicant)
    assert application.due_date == dt.date(2026, 12, 15)
    casework.case_transition(application=application, official=officer, transition_id="start_review", version=2)
    application = casework.case_transition(
        application=application,
        official=officer,
        transition_id="request_information",
        version=3,
        text="Додайте скан другої сторінки паспорта.",
    )
    assert application.state == "awaiting_information"
    assert application.clock_stopped_on == dt.date(2026, 12, 1)
    request = application.information_requests.get()
    assert request.due_date == dt.date(2026, 12, 8)
    at(dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC))  # three working days later
    services.information_provide(
        application=application, request=request, answer="Додаю.", files=[passport()], actor=applicant
    )
    application.refresh_from_db()
    assert application.state == "in_review"
    assert application.due_date == dt.date(2026, 12, 18)
    assert application.clock_stopped_on is None
    request.refresh_from_db()
    assert request.answer == "Додаю." and request.answered_at is not None
    assert request.attachments.count() == 1
    with pytest.raises(ActionRefused):
        services.information_provide(application=application, request=request, answer="ще", files=[], actor=applicant)


def test_withdrawing_before_a_decision(applicant, service):
    application = services.application_submit(application=filled(applicant, service), actor=applicant)
    withdrawn = services.application_withdraw(application=application, actor=applicant, reason="Передумала")
    assert withdrawn.state == "withdrawn"
    assert withdrawn.outcome == "withdrawn"
    with pytest.raises(ActionRefused):
        services.application_withdraw(application=withdrawn, actor=applicant)


def test_a_new_version_of_the_definition_never_changes_an_application_already_filed(applicant, service, officer):
    from vikno.applications.definition_files import definition_export, definition_import, definition_publish
    from vikno.applications.models import ServiceDefinition

    filed = services.application_submit(application=filled(applicant, service), actor=applicant)
    first = filed.definition
    data = definition_export(first)
    data["workflow"]["deadline_working_days"] = 30
    data["workflow"]["transitions"] = [t for t in data["workflow"]["transitions"] if t["id"] != "start_review"]
    data["workflow"]["transitions"].append(
        {
            "id": "begin",
            "label": {"uk": "Почати", "en": "Begin"},
            "from": ["submitted"],
            "to": "in_review",
            "roles": ["supervisor"],
        }
    )
    second = definition_publish(definition=definition_import(data=data))
    first.refresh_from_db()
    assert (first.status, second.status, second.version) == ("retired", "published", 2)
    filed.refresh_from_db()
    assert filed.definition_id == first.pk
    # The case still follows version 1: its officer's transition is there, version 2's is not.
    moved = casework.case_transition(application=filed, official=officer, transition_id="start_review", version=2)
    assert moved.state == "in_review"
    # New applications take version 2.
    later = services.application_start(applicant=applicant, service=service)
    assert later.definition_id == second.pk
    assert ServiceDefinition.objects.filter(service=service).count() == 2


def test_files_no_longer_wanted_leave_private_storage_once_the_change_is_committed(
    applicant, service, django_capture_on_commit_callbacks
):
    from vikno.core.storage import private_storage

    application = services.application_start(applicant=applicant, service=service)
    question = next(q for q in definition_of(application.definition).form.questions if q.name == "passport")
    removed = services.attachment_add(application=application, question=question, upload=passport(), actor=applicant)
    kept = services.attachment_add(application=application, question=question, upload=passport(), actor=applicant)
    storage = private_storage()
    assert storage.exists(removed.file) and storage.exists(kept.file)
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(application=application, question=question, attachment_id=str(removed.pk))
    assert not storage.exists(removed.file)
    assert storage.exists(kept.file)
    with django_capture_on_commit_callbacks(execute=True):
        services.draft_discard(application=application, actor=applicant)
    assert not storage.exists(kept.file)
    assert not Attachment.objects.exists()
