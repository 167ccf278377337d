"""Officials' actions: roles, four eyes, forwarding, two officials at once, decisions and their signed result."""

import pytest
from django.utils import translation

from vikno.applications import casework, services
from vikno.applications.exceptions import ActionRefused, CaseChanged
from vikno.applications.models import Application, PendingDecision
from vikno.applications.tests.factories import published
from vikno.applications.tests.test_services import filled
from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.documents.selectors import document_open
from vikno.documents.verification import verify_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_pki", "tasks_run_at_once")]


@pytest.fixture
def case(applicant, service) -> Application:
    return services.application_submit(application=filled(applicant, service), actor=applicant)


def take(case, official, transition, **kw):
    case.refresh_from_db()
    return casework.case_transition(
        application=case, official=official, transition_id=transition, version=case.version, **kw
    )


def test_an_official_of_another_organisation_can_do_nothing(case, stranger):
    with pytest.raises(ActionRefused):
        take(case, stranger, "start_review")
    with pytest.raises(ActionRefused):
        casework.case_assign(application=case, official=stranger, assignee=stranger, version=None)
    case.refresh_from_db()
    assert case.state == "submitted" and case.assignee is None


def test_a_role_the_transition_does_not_name_is_refused(case, officer, supervisor, other_authority):
    take(case, officer, "start_review")
    with translation.override("en"), pytest.raises(ActionRefused) as refused:
        take(case, officer, "forward", organisation=other_authority)
    assert refused.value.message == "Your role does not allow this action."
    forwarded = take(case, supervisor, "forward", organisation=other_authority)
    assert forwarded.organisation == other_authority
    assert forwarded.state == "submitted"
    assert forwarded.assignee is None


def test_two_officials_at_once_the_second_is_told_and_nothing_is_overwritten(case, officer, second_officer):
    seen = case.version
    casework.case_assign(application=case, official=officer, assignee=officer, version=seen)
    with pytest.raises(CaseChanged):
        casework.case_assign(application=case, official=second_officer, assignee=second_officer, version=seen)
    case.refresh_from_db()
    assert case.assignee == officer
    assert case.version == seen + 1


def test_a_refusal_needs_reasons_and_issues_a_signed_refusal(case, officer, django_capture_on_commit_callbacks):
    take(case, officer, "start_review")
    with translation.override("en"), pytest.raises(ActionRefused) as refused:
        take(case, officer, "refuse", reasons="  ")
    assert refused.value.message == "Give the reasons for the decision, with the provisions of law it rests on"
    with django_capture_on_commit_callbacks(execute=True):
        take(case, officer, "refuse", reasons="Стаття 5 Закону: документи не відповідають вимогам.")
    case.refresh_from_db()
    assert case.outcome == "refusal"
    assert case.decision_reasons == "Стаття 5 Закону: документи не відповідають вимогам."
    document = case.result_document
    assert document.title == "Рішення про відмову"
    result = verify_pdf(data=document_open(document=document))
    assert result.status == "valid"
    assert AuditRecord.objects.filter(action="applications.refuse", object_id=str(case.pk)).count() == 1


def test_the_result_is_issued_once_even_when_the_task_runs_again(case, officer, django_capture_on_commit_callbacks):
    from vikno.applications.results import result_issue

    take(case, officer, "start_review")
    with django_capture_on_commit_callbacks(execute=True):
        take(case, officer, "approve")
    case.refresh_from_db()
    first = case.result_document
    result_issue(application_id=str(case.pk))
    case.refresh_from_db()
    assert case.result_document == first
    from vikno.documents.models import IssuedDocument

    assert IssuedDocument.objects.filter(source_id=str(case.pk)).count() == 1


def test_four_eyes_the_proposer_cannot_confirm_another_official_can(
    applicant, authority, officer, second_officer, django_capture_on_commit_callbacks
):
    data = published(PublicServiceFactory(competent_authority=authority)).workflow
    data["transitions"][3]["four_eyes"] = True
    service = PublicServiceFactory(competent_authority=authority)
    published(service, workflow=data)
    case = services.application_submit(application=filled(applicant, service), actor=applicant)
    take(case, officer, "start_review")
    proposed = take(case, officer, "approve")
    assert proposed.state == "in_review"
    assert PendingDecision.objects.filter(application=case, proposed_by=officer).exists()
    with pytest.raises(ActionRefused):
        casework.decision_confirm(application=case, official=officer, version=proposed.version)
    assert casework.transitions_for(official=second_officer, application=Application.objects.get(pk=case.pk)) == []
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = casework.decision_confirm(application=case, official=second_officer, version=proposed.version)
    assert confirmed.state == "approved"
    assert not PendingDecision.objects.exists()
    actions = list(AuditRecord.objects.filter(object_id=str(case.pk)).values_list("action", "actor__email"))
    assert ("applications.decision_proposed", "officer@vikno.example") in actions
    assert ("applications.approve", "officer2@vikno.example") in actions


def test_a_returned_proposal_leaves_the_case_where_it_was(applicant, authority, officer, second_officer):
    service = PublicServiceFactory(competent_authority=authority)
    workflow = published(PublicServiceFactory(competent_authority=authority)).workflow
    workflow["transitions"][4]["four_eyes"] = True
    published(service, workflow=workflow)
    case = services.application_submit(application=filled(applicant, service), actor=applicant)
    take(case, officer, "start_review")
    take(case, officer, "refuse", reasons="Підстава")
    case.refresh_from_db()
    with pytest.raises(ActionRefused):
        casework.decision_return(application=case, official=second_officer, version=case.version, comment="")
    casework.decision_return(application=case, official=second_officer, version=case.version, comment="Перевірте ще")
    case.refresh_from_db()
    assert case.state == "in_review" and case.outcome == ""
    assert not PendingDecision.objects.exists()


def test_a_result_whose_task_was_lost_is_issued_by_the_scheduled_sweep(case, officer, monkeypatch):
    import datetime as dt

    from vikno.applications.tasks import issue_missing_results
    from vikno.core import clock

    take(case, officer, "start_review")
    take(case, officer, "approve")  # no on-commit callbacks run here: as if the worker lost the task
    case.refresh_from_db()
    assert case.result_document is None
    assert issue_missing_results.call() == 0  # too soon: the task may still be on its way
    later = clock.now() + dt.timedelta(minutes=6)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert issue_missing_results.call() == 1
    case.refresh_from_db()
    assert case.result_document is not None and case.result_document.title == "Довідка"
    assert issue_missing_results.call() == 0
