"""Rating a completed service: only the applicant, only once, only after the authority decided."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from vikno.audit.models import AuditRecord
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen
from vikno.messaging.feedback import selectors, services
from vikno.messaging.feedback.exceptions import FeedbackRefused
from vikno.messaging.feedback.models import Rating
from vikno.messaging.feedback.tests.helpers import application_row

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now(at):
    at(NOW)


def url(application, language: str = "en") -> str:
    prefix = "/en" if language == "en" else ""
    return f"{prefix}/cabinet/applications/{application.pk}/rating/"


def test_the_page_asks_for_a_score_with_words_and_an_optional_comment(as_citizen, applicant, service):
    application = application_row(service, applicant)
    response = as_citizen(applicant).get(url(application))
    assert response.status_code == 200
    html = response.content.decode()
    assert "How satisfied were you with the service?" in html
    for value, words in [(1, "Very dissatisfied"), (3, "Neither satisfied nor dissatisfied"), (5, "Very satisfied")]:
        assert f'value="{value}"' in html
        assert f"{value} – {words}" in html
    assert 'id="score"' in html and 'id="score-5"' in html
    assert 'name="comment"' in html
    assert "You can enter up to 2,000 characters." in html


def test_a_rating_is_kept_with_the_service_and_organisation_and_audited(as_citizen, applicant, service, authority):
    application = application_row(service, applicant, outcome="refusal")
    browser = as_citizen(applicant)
    response = browser.post(url(application), {"score": "4", "comment": "  Швидко і зрозуміло.  "})
    assert response.status_code == 302
    assert response["Location"] == f"/en/cabinet/applications/{application.pk}/"
    rating = Rating.objects.get()
    assert (rating.application, rating.service, rating.organisation, rating.score, rating.comment) == (
        application,
        service,
        authority,
        4,
        "Швидко і зрозуміло.",
    )
    audit = AuditRecord.objects.get(action="feedback.rating_given")
    assert (audit.actor, audit.object_id, audit.details) == (
        applicant,
        str(rating.pk),
        {"score": 4, "with_comment": True},
    )
    assert selectors.rating_for_application(application=application) == rating


def test_rating_twice_is_refused_and_the_first_rating_stays(as_citizen, applicant, service):
    application = application_row(service, applicant)
    browser = as_citizen(applicant)
    assert browser.post(url(application), {"score": "5"}).status_code == 302
    again = browser.post(url(application), {"score": "1", "comment": "Передумала"})
    assert again.status_code == 400
    assert "You have already rated the service for this application." in again.content.decode()
    assert list(Rating.objects.values_list("score", "comment")) == [(5, "")]
    shown = browser.get(url(application))
    assert shown.status_code == 200
    assert "Your rating: 5 out of 5 (Very satisfied)." in shown.content.decode()
    assert 'name="score"' not in shown.content.decode()


def test_someone_elses_application_is_not_found(as_citizen, applicant, service):
    application = application_row(service, applicant)
    browser = as_citizen(citizen("Інша", "Людина"))
    assert browser.get(url(application)).status_code == 404
    assert browser.post(url(application), {"score": "1"}).status_code == 404
    assert not Rating.objects.exists()
    assert browser.get("/en/cabinet/applications/00000000-0000-4000-8000-000000000000/rating/").status_code == 404


@pytest.mark.parametrize("outcome", ["", "withdrawn"], ids=["still-considered", "withdrawn"])
def test_an_application_the_authority_has_not_decided_cannot_be_rated(as_citizen, applicant, service, outcome):
    application = application_row(service, applicant, outcome=outcome)
    browser = as_citizen(applicant)
    page = browser.get(url(application))
    assert page.status_code == 200
    assert "You can rate the service once the authority has decided on your application." in page.content.decode()
    assert 'name="score"' not in page.content.decode()
    refused = browser.post(url(application), {"score": "3"})
    assert refused.status_code == 400
    assert "You can rate the service once the authority has decided on your application." in refused.content.decode()
    assert not Rating.objects.exists()


@pytest.mark.parametrize("score", ["0", "6", "x", "", "4.5", "-1"])
def test_a_score_outside_1_to_5_is_a_400_with_a_message(as_citizen, applicant, service, score):
    application = application_row(service, applicant)
    response = as_citizen(applicant).post(url(application), {"score": score})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#score">Choose how satisfied you were, from 1 to 5</a>' in html
    assert "govuk-form-group--error" in html
    assert not Rating.objects.exists()


def test_no_score_at_all_or_a_null_character_is_a_400(as_citizen, applicant, service):
    application = application_row(service, applicant)
    browser = as_citizen(applicant)
    assert browser.post(url(application), {}).status_code == 400
    assert browser.post(url(application), {"score": "5", "comment": "a\x00b"}).status_code == 400
    assert not Rating.objects.exists()


def test_an_oversized_comment_is_a_400_and_nothing_is_kept(as_citizen, applicant, service):
    application = application_row(service, applicant)
    browser = as_citizen(applicant)
    response = browser.post(url(application), {"score": "2", "comment": "а" * 2001})
    assert response.status_code == 400
    assert '<a href="#comment">Your comment must be 2,000 characters or fewer</a>' in response.content.decode()
    assert 'value="2" checked' in response.content.decode()  # what was chosen comes back
    assert not Rating.objects.exists()
    assert browser.post(url(application), {"score": "2", "comment": "а" * 2000}).status_code == 302


def test_a_ukrainian_page_writes_the_limit_the_ukrainian_way(as_citizen, applicant, service):
    application = application_row(service, applicant)
    response = as_citizen(applicant).post(url(application, "uk"), {"score": "2", "comment": "а" * 2001})
    assert response.status_code == 400
    assert "2\xa0000" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, applicant, service):
    application = application_row(service, applicant)
    response = client.post(url(application, "uk"), {"score": "5"})
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")
    assert not Rating.objects.exists()


def test_the_service_refuses_anyone_but_the_applicant(applicant, service):
    application = application_row(service, applicant)
    with pytest.raises(FeedbackRefused):
        services.rating_give(application=application, citizen=citizen(), score=5)
    with pytest.raises(FeedbackRefused):
        services.rating_give(application=application, citizen=applicant, score=6)
    assert not Rating.objects.exists()


def test_a_rating_outlives_its_application_without_pointing_at_anyone(applicant, service):
    application = application_row(service, applicant)
    rating = services.rating_give(application=application, citizen=applicant, score=3)
    application.delete()
    rating.refresh_from_db()
    assert (rating.application_id, rating.score, rating.service_id) == (None, 3, service.pk)


def _prompt(application) -> str:
    with translation.override("en"):
        return render_to_string("feedback/_rating_prompt.html", {"application": application})


def test_the_prompt_for_the_application_page_asks_then_thanks(applicant, service):
    application = application_row(service, applicant)
    asking = _prompt(application)
    assert f'href="/en/cabinet/applications/{application.pk}/rating/"' in asking
    services.rating_give(application=application, citizen=applicant, score=4)
    thanking = _prompt(application)
    assert "You rated the service 4 out of 5 (Satisfied). Thank you." in thanking
    assert "/rating/" not in thanking


@pytest.mark.parametrize("outcome", ["", "withdrawn"])
def test_the_prompt_says_nothing_before_a_decision(applicant, service, outcome):
    assert _prompt(application_row(service, applicant, outcome=outcome)).strip() == ""


def test_the_prompt_takes_one_query(applicant, service, django_assert_num_queries):
    application = application_row(service, applicant)
    with django_assert_num_queries(1):
        _prompt(application)


def test_the_rating_page_works_in_a_fresh_browser_too(applicant, service):
    application = application_row(service, applicant)
    browser = Client()
    sign_in_citizen(browser, applicant)
    assert browser.get(url(application)).status_code == 200
