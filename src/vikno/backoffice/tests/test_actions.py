"""The workflow's actions through the case page: each action, refusals (400), four eyes, and two officials at once
(the second is told, 409, and keeps what they typed)."""

import pytest
from django.test import Client

from vikno.applications import casework, services
from vikno.applications.models import Application, ApplicationEvent, InformationRequest, PendingDecision
from vikno.applications.tests.factories import published
from vikno.applications.tests.test_services import filled
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.identity.tests.helpers import sign_in_official

pytestmark = pytest.mark.django_db

CONFLICT = (
    "Someone else changed this case while you were looking at it. Nothing was saved. "
    "Check the case as it is now and try again."
)


@pytest.fixture
def case(applicant, service) -> Application:
    return services.application_submit(application=filled(applicant, service), actor=applicant)


@pytest.fixture
def in_review(case, officer) -> Application:
    return casework.case_transition(application=case, official=officer, transition_id="start_review", version=None)


def page(case) -> str:
    return f"/en/office/cases/{case.pk}/"


def act(browser, case, transition, **data):
    case.refresh_from_db()
    data.setdefault("version", case.version)
    data.setdefault("purpose", "processing")
    return browser.post(f"{page(case)}actions/{transition}/", data)


def test_the_page_offers_the_actions_the_official_may_take_each_with_the_version(office, officer, case):
    html = office(officer).get(page(case) + "?purpose=processing").content.decode()
    assert f'action="{page(case)}actions/start_review/"' in html
    assert f'<input type="hidden" name="version" value="{case.version}">' in html
    assert "actions/forward/" not in html  # forwarding is for supervisors


def test_start_review(office, officer, case):
    response = act(office(officer), case, "start_review")
    assert response.status_code == 302
    assert response["Location"] == page(case) + "?purpose=processing"
    case.refresh_from_db()
    assert case.state == "in_review"
    assert "Done: Start review" in office(officer).get(response["Location"]).content.decode()


def test_the_refusal_form_asks_for_reasons_and_the_request_form_for_what_is_needed(office, officer, in_review):
    html = office(officer).get(page(in_review) + "?purpose=processing").content.decode()
    assert (
        '<label class="govuk-label govuk-label--s" for="refuse-reasons">Reasons and the provisions of law</label>'
        in html
    )
    assert 'for="request_information-text">What the applicant needs to provide</label>' in html
    assert (
        "govuk-button--warning" in html[html.index('id="action-refuse"') - 200 : html.index('id="action-refuse"') + 100]
    )


def test_request_information_with_text(office, officer, in_review):
    response = act(office(officer), in_review, "request_information", text="Додайте скан свідоцтва про народження")
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.state == "awaiting_information"
    request = InformationRequest.objects.get(application=in_review)
    assert (request.text, request.requested_by) == ("Додайте скан свідоцтва про народження", officer)
    shown = office(officer).get(page(in_review) + "?purpose=processing").content.decode()
    assert "Додайте скан свідоцтва про народження" in shown and "Not answered yet" in shown


def test_request_information_without_text_is_a_400(office, officer, in_review):
    response = act(office(officer), in_review, "request_information", text=" ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#request_information-text">Say what the applicant needs to provide</a>' in html
    in_review.refresh_from_db()
    assert in_review.state == "in_review"
    assert not InformationRequest.objects.exists()


def test_refusing_without_reasons_is_a_400_and_nothing_changes(office, officer, in_review):
    version = in_review.version
    response = act(office(officer), in_review, "refuse", reasons="   ")
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<a href="#refuse-reasons">Give the reasons for the decision, with the provisions of law it rests on</a>'
        in html
    )
    in_review.refresh_from_db()
    assert (in_review.state, in_review.outcome, in_review.version) == ("in_review", "", version)


def test_refusing_with_reasons(office, officer, in_review):
    response = act(office(officer), in_review, "refuse", reasons="Стаття 5: документи неповні.")
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert (in_review.state, in_review.outcome) == ("refused", "refusal")
    assert in_review.decision_reasons == "Стаття 5: документи неповні."


@pytest.mark.usefixtures("signing_pki", "tasks_run_at_once")
def test_approving_issues_the_result_linked_to_its_verification_page(
    office, officer, in_review, django_capture_on_commit_callbacks
):
    browser = office(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(browser, in_review, "approve")
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert (in_review.state, in_review.outcome) == ("approved", "approval")
    document = in_review.result_document
    assert document is not None
    html = browser.get(response["Location"]).content.decode()
    assert f'href="/en/verify/{document.code}/"' in html
    assert "No action is possible on this case now." in html


def test_forwarding_moves_the_case_to_the_other_organisation(office, supervisor, officer, case, other_authority):
    browser = office(supervisor)
    html = browser.get(page(case) + "?purpose=supervision").content.decode()
    assert f'<option value="{other_authority.pk}">' in html
    assert f'<option value="{case.organisation_id}">' not in html
    response = act(browser, case, "forward", organisation=str(other_authority.pk), purpose="supervision")
    assert response.status_code == 302 and response["Location"] == "/en/office/cases/"
    case.refresh_from_db()
    assert case.organisation == other_authority
    assert office(officer).get(page(case) + "?purpose=processing").status_code == 404


def test_forwarding_without_an_organisation_is_a_400(office, supervisor, case):
    response = act(office(supervisor), case, "forward", organisation="not-an-id")
    assert response.status_code == 400
    assert (
        '<a href="#forward-organisation">Choose the organisation to forward the case to</a>'
        in response.content.decode()
    )


@pytest.mark.parametrize("version", ["", "abc"])
def test_an_action_without_a_version_is_a_400(office, officer, case, version):
    response = act(office(officer), case, "start_review", version=version)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == "submitted"


def test_an_action_the_workflow_does_not_offer_now_is_a_400(office, officer, case):
    response = act(office(officer), case, "approve")
    assert response.status_code == 400
    assert "This action is not possible in the case&#x27;s present state." in response.content.decode()
    case.refresh_from_db()
    assert case.state == "submitted"


# --- Four eyes -------------------------------------------------------------------------------------------


@pytest.fixture
def four_eyes_case(applicant, authority, officer) -> Application:
    workflow = published(PublicServiceFactory(competent_authority=authority)).workflow
    workflow["transitions"][3]["four_eyes"] = True  # approve
    service = PublicServiceFactory(competent_authority=authority)
    published(service, workflow=workflow)
    case = services.application_submit(application=filled(applicant, service), actor=applicant)
    return casework.case_transition(application=case, official=officer, transition_id="start_review", version=None)


def test_a_four_eyes_decision_is_proposed_and_the_proposer_only_waits(office, officer, four_eyes_case):
    browser = office(officer)
    response = act(browser, four_eyes_case, "approve")
    assert response.status_code == 302
    pending = PendingDecision.objects.get(application=four_eyes_case)
    assert pending.proposed_by == officer
    four_eyes_case.refresh_from_db()
    assert four_eyes_case.state == "in_review"
    html = browser.get(response["Location"]).content.decode()
    assert "It takes effect when a second official confirms it." in html
    assert "You proposed this decision: it is waiting for a second official to check it." in html
    assert "decision/confirm/" not in html and "decision/return/" not in html
    assert "Коваль Іван proposed “Approve”" in html


def test_the_proposer_cannot_confirm_through_the_address_either(office, officer, four_eyes_case):
    act(office(officer), four_eyes_case, "approve")
    four_eyes_case.refresh_from_db()
    response = office(officer).post(f"{page(four_eyes_case)}decision/confirm/", {"version": four_eyes_case.version})
    assert response.status_code == 400
    assert "A decision you proposed needs another official to confirm it." in response.content.decode()
    assert PendingDecision.objects.filter(application=four_eyes_case).exists()


@pytest.mark.usefixtures("signing_pki", "tasks_run_at_once")
def test_a_second_official_confirms(
    office, officer, second_officer, four_eyes_case, django_capture_on_commit_callbacks
):
    act(office(officer), four_eyes_case, "approve")
    second = office(second_officer, Client())
    html = second.get(page(four_eyes_case) + "?purpose=second_check").content.decode()
    assert 'id="confirm-decision"' in html and "Return with a comment" in html
    four_eyes_case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = second.post(
            f"{page(four_eyes_case)}decision/confirm/", {"version": four_eyes_case.version, "purpose": "second_check"}
        )
    assert response.status_code == 302 and response["Location"] == page(four_eyes_case) + "?purpose=second_check"
    four_eyes_case.refresh_from_db()
    assert (four_eyes_case.state, four_eyes_case.outcome) == ("approved", "approval")
    assert four_eyes_case.result_document is not None
    assert not PendingDecision.objects.exists()


def test_a_second_official_returns_with_a_comment(office, officer, second_officer, four_eyes_case):
    act(office(officer), four_eyes_case, "approve")
    second = office(second_officer, Client())
    four_eyes_case.refresh_from_db()
    address = f"{page(four_eyes_case)}decision/return/"
    empty = second.post(address, {"version": four_eyes_case.version, "comment": " "})
    assert empty.status_code == 400
    assert '<a href="#return-comment">Say why the proposed decision goes back</a>' in empty.content.decode()
    assert PendingDecision.objects.exists()
    response = second.post(address, {"version": four_eyes_case.version, "comment": "Бракує перевірки в реєстрі"})
    assert response.status_code == 302
    four_eyes_case.refresh_from_db()
    assert (four_eyes_case.state, four_eyes_case.outcome) == ("in_review", "")
    assert not PendingDecision.objects.exists()
    returned = ApplicationEvent.objects.get(application=four_eyes_case, kind="decision_returned")
    assert (returned.text, returned.citizen_visible) == ("Бракує перевірки в реєстрі", False)


# --- Two officials at once -------------------------------------------------------------------------------


def _browser(user) -> Client:
    browser = Client()
    sign_in_official(browser, user)
    return browser


def test_two_officials_at_once_the_second_gets_409_and_only_the_first_change_is_kept(officer, second_officer, case):
    seen = case.version
    first, second = _browser(officer), _browser(second_officer)
    one = first.post(f"{page(case)}actions/start_review/", {"version": seen, "purpose": "processing"})
    two = second.post(f"{page(case)}actions/start_review/", {"version": seen, "purpose": "processing"})
    assert one.status_code == 302
    assert two.status_code == 409
    assert CONFLICT in two.content.decode()
    case.refresh_from_db()
    assert (case.state, case.version) == ("in_review", seen + 1)
    transitions = ApplicationEvent.objects.filter(application=case, kind="transition")
    assert [(e.actor, e.to_state) for e in transitions] == [(officer, "in_review")]


def test_the_second_official_keeps_what_they_typed(officer, second_officer, in_review):
    seen = in_review.version
    first, second = _browser(officer), _browser(second_officer)
    one = first.post(f"{page(in_review)}actions/request_information/", {"version": seen, "text": "Потрібен паспорт"})
    assert one.status_code == 302
    refused = second.post(f"{page(in_review)}actions/refuse/", {"version": seen, "reasons": "Моя підстава для відмови"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert CONFLICT in html
    assert "Моя підстава для відмови" in html  # refusing is no longer offered: the text is shown, not lost
    in_review.refresh_from_db()
    assert (in_review.state, in_review.outcome) == ("awaiting_information", "")
    # The note form keeps its text in its textarea.
    noted = second.post(f"{page(in_review)}notes/", {"text": "x" * 5001})
    assert noted.status_code == 400
    assert f">{'x' * 5001}</textarea>" in noted.content.decode()


def test_a_clash_keeps_the_text_in_the_form_when_the_action_is_still_offered(officer, second_officer, in_review):
    seen = in_review.version
    casework.case_assign(application=in_review, official=officer, assignee=officer, version=seen)
    response = _browser(second_officer).post(
        f"{page(in_review)}actions/refuse/", {"version": seen, "reasons": "Підстава: стаття 7"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert ">Підстава: стаття 7</textarea>" in html
    assert f'<input type="hidden" name="version" value="{seen + 1}">' in html
    in_review.refresh_from_db()
    assert in_review.state == "in_review"
