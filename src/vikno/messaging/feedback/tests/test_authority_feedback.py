"""What the authority learns: ratings per service and per organisation (count, average, each score), the latest
comments, and "was this page useful?" per service; only for the official's own organisations."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.identity.tests.factories import citizen, official
from vikno.identity.tests.helpers import sign_in_official
from vikno.messaging.feedback import selectors, services
from vikno.messaging.feedback.models import PageVote, Rating
from vikno.messaging.feedback.selectors import PageVotes, RatingSummary
from vikno.messaging.feedback.tests.helpers import application_row, rating_row

pytestmark = pytest.mark.django_db

FEEDBACK = "/en/office/feedback/"


def test_ratings_by_service_and_by_organisation_are_plain_aggregates(service, authority, other_authority):
    second = PublicServiceFactory(competent_authority=authority)
    elsewhere = PublicServiceFactory(competent_authority=other_authority)
    for score in (5, 4, 4, 1):
        rating_row(service, score)
    rating_row(second, 3)
    rating_row(elsewhere, 1)
    by_service = selectors.ratings_by_service(organisation_ids={authority.pk})
    assert by_service == {
        service.pk: RatingSummary(key=service.pk, count=4, distribution=(1, 0, 0, 2, 1)),
        second.pk: RatingSummary(key=second.pk, count=1, distribution=(0, 0, 1, 0, 0)),
    }
    assert by_service[service.pk].average == Decimal("3.5")
    assert by_service[service.pk].share(4) == 50
    assert selectors.ratings_by_organisation(organisation_ids={authority.pk, other_authority.pk}) == {
        authority.pk: RatingSummary(key=authority.pk, count=5, distribution=(1, 0, 1, 2, 1)),
        other_authority.pk: RatingSummary(key=other_authority.pk, count=1, distribution=(1, 0, 0, 0, 0)),
    }
    assert selectors.ratings_by_organisation(organisation_ids={authority.pk})[authority.pk].average == Decimal("3.4")
    assert selectors.ratings_by_service(organisation_ids=set()) == {}


def test_averages_round_half_up_to_one_decimal():
    assert RatingSummary(key=None, count=4, distribution=(0, 0, 1, 2, 1)).average == Decimal("4.0")
    assert RatingSummary(key=None, count=3, distribution=(0, 0, 0, 1, 2)).average == Decimal("4.7")
    assert RatingSummary(key=None, count=4, distribution=(1, 0, 0, 0, 3)).average == Decimal("4.0")
    assert RatingSummary(key=None, count=20, distribution=(0, 0, 0, 9, 11)).average == Decimal("4.6")  # 4.55
    assert RatingSummary(key=None, count=0, distribution=(0, 0, 0, 0, 0)).average is None


def test_a_period_can_be_chosen(service, authority):
    january = rating_row(service, 5)
    february = rating_row(service, 1)
    Rating.objects.filter(pk=january.pk).update(created_at=dt.datetime(2026, 1, 10, tzinfo=dt.UTC))
    Rating.objects.filter(pk=february.pk).update(created_at=dt.datetime(2026, 2, 10, tzinfo=dt.UTC))
    found = selectors.ratings_by_service(
        organisation_ids={authority.pk},
        since=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        until=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )
    assert found[service.pk].distribution == (1, 0, 0, 0, 0)


def test_ratings_follow_the_organisation_that_decided(service, authority, other_authority, applicant):
    """A case forwarded to another organisation is rated for the organisation that decided it."""
    application = application_row(service, applicant, organisation=other_authority)
    services.rating_give(application=application, citizen=applicant, score=2)
    assert selectors.ratings_by_organisation(organisation_ids={authority.pk}) == {}
    assert selectors.ratings_by_organisation(organisation_ids={other_authority.pk})[other_authority.pk].count == 1


def test_page_votes_per_service(service, authority):
    for useful in (True, True, False):
        PageVote.objects.create(service=service, useful=useful)
    PageVote.objects.create(service=PublicServiceFactory(), useful=False)
    assert selectors.page_votes_by_service(organisation_ids={authority.pk}) == {service.pk: PageVotes(yes=2, no=1)}


def test_the_page_shows_the_organisations_figures_and_comments_without_names(
    office, officer, service, authority, other_authority, applicant
):
    quiet = PublicServiceFactory(competent_authority=authority, title_en="A quiet service")
    application = application_row(service, applicant)
    services.rating_give(application=application, citizen=applicant, score=2, comment="Довго чекала.")
    rating_row(service, 4)
    rating_row(PublicServiceFactory(competent_authority=other_authority), 1, comment="Чужий коментар")
    PageVote.objects.create(service=service, useful=True)
    PageVote.objects.create(service=service, useful=False, comment="Незрозуміло про оплату")
    response = office(officer).get(FEEDBACK)
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index(f'id="service-{service.pk}"') :]
    row = row[: row.index("</tr>")]
    cells = [cell.strip() for cell in row.split('govuk-table__cell--numeric">')[1:]]
    assert [cell.split("<")[0] for cell in cells] == ["2", "3.0", "1", "1"]
    assert "2: 1" in row and "4: 1" in row and "5: 0" in row
    quiet_row = html[html.index(f'id="service-{quiet.pk}"') :]
    assert "No ratings yet" in quiet_row[: quiet_row.index("</tr>")]
    organisation_row = html[html.index(f'id="organisation-{authority.pk}"') :]
    assert ">2<" in organisation_row[: organisation_row.index("</tr>")]
    assert "Довго чекала." in html and "2 out of 5 (Dissatisfied)" in html
    assert "Незрозуміло про оплату" in html
    assert "Чужий коментар" not in html and f'id="organisation-{other_authority.pk}"' not in html
    for never in (applicant.first_name, applicant.last_name, applicant.email, application.reference):
        assert never not in html


def test_the_page_takes_the_same_queries_for_any_number_of_services_and_ratings(
    office, officer, service, authority, django_assert_num_queries
):
    browser = office(officer)
    rating_row(service, 5, comment="Добре")
    with CaptureQueriesContext(connection) as few:
        assert browser.get(FEEDBACK).status_code == 200
    for n in range(8):
        other = PublicServiceFactory(competent_authority=authority)
        rating_row(other, n % 5 + 1, comment=f"Коментар {n}")
        PageVote.objects.create(service=other, useful=n % 2 == 0, comment="Щось не так")
    with django_assert_num_queries(len(few.captured_queries)):
        assert browser.get(FEEDBACK).status_code == 200
    # session, user, roles, ratings by organisation, by service, page votes, organisations, services, two comments
    assert len(few.captured_queries) == 10


def test_an_official_without_a_role_sees_nothing(client, authority, service):
    rating_row(service, 5, comment="Добре")
    sign_in_official(client, official("nobody@vikno.example", authority))
    html = client.get(FEEDBACK).content.decode()
    assert 'id="no-organisations"' in html
    assert "Добре" not in html


def test_citizens_do_not_reach_it(as_citizen):
    assert as_citizen(citizen()).get(FEEDBACK).status_code == 403
