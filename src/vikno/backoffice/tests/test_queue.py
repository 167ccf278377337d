"""The work queue: only the official's organisations' cases, filters, deadline tags, constant queries, bulk assign."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vikno.applications.models import Application
from vikno.applications.tests.factories import published
from vikno.audit.models import AuditRecord
from vikno.backoffice.tests.cases import NOW, TODAY, case_row, propose, references, row
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.identity.tests.factories import citizen

pytestmark = pytest.mark.django_db

QUEUE = "/en/office/cases/"


@pytest.fixture(autouse=True)
def _wednesday(at):
    at(NOW)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_the_queue_shows_the_organisations_cases_soonest_deadline_first(
    office, officer, applicant, service, other_authority
):
    later = case_row(service, applicant, due=days(20))
    sooner = case_row(service, applicant, due=days(2))
    middle = case_row(service, applicant, due=days(10), party_name="ТОВ «Ромашка»")
    elsewhere = published(PublicServiceFactory(competent_authority=other_authority)).service
    case_row(elsewhere, applicant, due=days(1))
    draft = case_row(service, applicant, state="draft")
    draft.reference = None
    draft.save()
    response = office(officer).get(QUEUE)
    assert response.status_code == 200
    assert references(response) == [sooner.reference, middle.reference, later.reference]
    assert "Шевченко Олена" in row(response, sooner)
    assert "ТОВ «Ромашка»" in row(response, middle) and "Шевченко" not in row(response, middle)
    assert "Received" in row(response, sooner)
    assert 'href="/en/office/cases/' + str(sooner.pk) + '/"' in row(response, sooner)
    assert "3 cases" in response.content.decode()


def test_an_official_of_another_organisation_sees_none_of_them(office, stranger, applicant, service):
    case_row(service, applicant)
    response = office(stranger).get(QUEUE)
    assert response.status_code == 200
    assert references(response) == []
    assert "0 cases" in response.content.decode()


@pytest.fixture
def mixed(applicant, service, authority, officer, second_officer):
    """One case for each filter to find."""
    other_service = published(PublicServiceFactory(competent_authority=authority)).service
    return {
        "mine": case_row(service, applicant, due=days(30), assignee=officer, state="in_review"),
        "theirs": case_row(service, applicant, due=days(31), assignee=second_officer),
        "nobodys": case_row(service, applicant, due=days(32)),
        "overdue": case_row(service, applicant, due=days(-1)),
        "near": case_row(service, applicant, due=days(5)),  # Monday 9 March: three working days on
        "decided_late": case_row(service, applicant, due=days(-3), state="approved", outcome="approval"),
        "other_service": case_row(other_service, applicant, due=days(33)),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=in_review", ["mine"]),
        ("assignee=me", ["mine"]),
        ("assignee=none", ["overdue", "near", "nobodys", "other_service"]),
        ("state=approved", ["decided_late"]),  # decided cases only when their state is asked for
        ("deadline=overdue", ["overdue"]),
        ("deadline=near", ["near"]),
        ("state=submitted&assignee=none&deadline=overdue", ["overdue"]),
    ],
)
def test_each_filter_finds_exactly_its_cases(office, officer, mixed, query, expected):
    response = office(officer).get(f"{QUEUE}?{query}")
    assert response.status_code == 200
    assert references(response) == [mixed[name].reference for name in expected]


def test_filters_by_service_and_by_another_official(office, officer, second_officer, mixed, service):
    browser = office(officer)
    other_service = mixed["other_service"].service
    assert references(browser.get(f"{QUEUE}?service={other_service.pk}")) == [mixed["other_service"].reference]
    by_service = references(browser.get(f"{QUEUE}?service={service.pk}"))
    assert len(by_service) == 5 and mixed["other_service"].reference not in by_service
    assert references(browser.get(f"{QUEUE}?assignee={second_officer.pk}")) == [mixed["theirs"].reference]


def test_the_filter_form_offers_the_services_states_and_officials(office, officer, second_officer, mixed, service):
    html = office(officer).get(QUEUE).content.decode()
    assert f'<option value="{service.pk}">' in html
    assert '<option value="awaiting_information">Waiting for the applicant</option>' in html
    assert f'<option value="{second_officer.pk}">Бойко Марія</option>' in html


@pytest.mark.parametrize("query", ["state=nonsense", "deadline=yesterday", "assignee=somebody", "service=42"])
def test_a_filter_that_is_not_one_of_the_options_is_a_400_with_an_error_summary(office, officer, mixed, query):
    response = office(officer).get(f"{QUEUE}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose one of the options in the list" in html
    assert references(response) == []


def test_overdue_due_soon_and_second_check_tags(office, officer, mixed):
    propose(mixed["theirs"], officer)
    response = office(officer).get(QUEUE)
    assert "Overdue" in row(response, mixed["overdue"])
    assert "Due soon" not in row(response, mixed["overdue"])
    assert "Due soon" in row(response, mixed["near"])
    assert "Overdue" not in row(response, mixed["near"])
    # A decided case is not in the open queue, and late no more; a case a week or more away is not "due soon".
    assert mixed["decided_late"].reference not in references(response)
    assert "Overdue" not in row(office(officer).get(f"{QUEUE}?state=approved"), mixed["decided_late"])
    assert "Due soon" not in row(response, mixed["nobodys"]) and "Overdue" not in row(response, mixed["nobodys"])
    assert "Waiting for second check" in row(response, mixed["theirs"])
    assert "Waiting for second check" not in row(response, mixed["mine"])


def _queries(browser) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(QUEUE).status_code == 200
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(
    office, officer, second_officer, service, django_assert_num_queries
):
    browser = office(officer)
    people = [citizen(), citizen(), citizen()]
    for index in range(3):
        case_row(service, people[index], assignee=(officer, second_officer, None)[index], due=days(index - 1))
    _queries(browser)  # the first look at a definition reads it once for the process
    with_three = _queries(browser)
    for index in range(17):
        case = case_row(service, citizen(), assignee=(officer, second_officer, None)[index % 3], due=days(index))
        if index % 4 == 0:
            propose(case, second_officer)
    with django_assert_num_queries(with_three):
        response = browser.get(QUEUE)
    assert len(references(response)) == 20


def test_fifty_cases_to_a_page(office, officer, applicant, service):
    made = [case_row(service, applicant, due=days(n)) for n in range(51)]
    browser = office(officer)
    first = browser.get(f"{QUEUE}?deadline=")
    assert references(first) == [c.reference for c in made[:50]]
    assert 'href="?page=2"' in first.content.decode()
    second = browser.get(f"{QUEUE}?page=2")
    assert references(second) == [made[50].reference]
    filtered = browser.get(f"{QUEUE}?assignee=none")
    assert 'href="?assignee=none&amp;page=2"' in filtered.content.decode()


def test_bulk_assign_assigns_the_chosen_cases_and_says_how_many(
    office, officer, second_officer, applicant, service, other_authority
):
    first, second, untouched = (case_row(service, applicant, due=days(n)) for n in (1, 2, 3))
    elsewhere = case_row(published(PublicServiceFactory(competent_authority=other_authority)).service, applicant)
    browser = office(officer)
    response = browser.post(
        f"{QUEUE}assign/",
        {
            "cases": [str(first.pk), str(second.pk), str(elsewhere.pk)],
            "assignee": str(second_officer.pk),
            "query": "assignee=none&evil=1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/office/cases/?assignee=none"
    assert list(Application.objects.filter(assignee=second_officer).order_by("due_date")) == [first, second]
    assert Application.objects.get(pk=untouched.pk).assignee is None
    assert Application.objects.get(pk=elsewhere.pk).assignee is None
    assert AuditRecord.objects.filter(action="applications.assigned").count() == 2
    page = browser.get(response["Location"])
    assert "2 cases assigned" in page.content.decode()


def test_bulk_assign_to_oneself(office, officer, applicant, service):
    case = case_row(service, applicant)
    browser = office(officer)
    response = browser.post(f"{QUEUE}assign/", {"cases": [str(case.pk)], "assignee": "me"})
    assert response.status_code == 302 and response["Location"] == "/en/office/cases/"
    assert Application.objects.get(pk=case.pk).assignee == officer
    assert "1 case assigned" in browser.get(QUEUE).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"assignee": "me"}, "Select at least one case to assign"),
        ({"cases": ["not-a-case"], "assignee": "me"}, "Select at least one case to assign"),
        ({"cases": ["CASE"], "assignee": "somebody"}, "Choose who to assign the cases to"),
        ({"cases": ["CASE"]}, "Choose who to assign the cases to"),
    ],
)
def test_bulk_assign_with_bad_input_is_a_400_and_assigns_nothing(office, officer, applicant, service, data, message):
    case = case_row(service, applicant)
    data = {
        k: [str(case.pk) if v == "CASE" else v for v in vs] if isinstance(vs, list) else vs for k, vs in data.items()
    }
    response = office(officer).post(f"{QUEUE}assign/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert references(response) == [case.reference]
    assert Application.objects.get(pk=case.pk).assignee is None
    assert not AuditRecord.objects.filter(action="applications.assigned").exists()
