"""'Is this page useful?' on every service page: anonymous, one answer per page per session, an optional comment
after a "no"."""

import pytest
from django.test import Client

from vikno.catalog.constants import PublicationStatus
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.messaging.feedback.models import PageVote

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(service):
    return f"/en/services/{service.slug}/"


@pytest.fixture
def useful(service):
    return f"/en/services/{service.slug}/useful/"


def test_every_service_page_asks_without_javascript(client, page, useful):
    html = client.get(page).content.decode()
    assert f'<form method="post" action="{useful}" novalidate>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="useful" value="yes"' in html and 'name="useful" value="no"' in html
    assert "Is this page useful?" in html


def test_a_yes_is_counted_thanked_and_the_question_not_asked_again(client, service, page, useful):
    response = client.post(useful, {"useful": "yes"})
    assert response.status_code == 302
    assert response["Location"] == page
    assert list(PageVote.objects.values_list("service", "useful", "comment")) == [(service.pk, True, "")]
    after = client.get(page).content.decode()
    assert "Thank you for your feedback." in after
    assert "Thank you for telling us whether this page is useful." in after
    assert 'name="useful"' not in after


def test_one_answer_per_page_per_session(client, service, useful):
    client.post(useful, {"useful": "yes"})
    again = client.post(useful, {"useful": "no"})
    assert again.status_code == 302
    assert PageVote.objects.count() == 1
    other = PublicServiceFactory(competent_authority=service.competent_authority)
    client.post(f"/en/services/{other.slug}/useful/", {"useful": "no"})
    Client().post(useful, {"useful": "no"})  # another browser
    assert sorted(PageVote.objects.values_list("service__slug", "useful")) == sorted(
        [(service.slug, True), (service.slug, False), (other.slug, False)]
    )


def test_a_no_asks_what_was_wrong_and_keeps_the_comment_with_the_answer(client, service, page, useful):
    response = client.post(useful, {"useful": "no"})
    assert response.status_code == 302
    assert response["Location"] == useful
    asking = client.get(useful)
    assert asking.status_code == 200
    html = asking.content.decode()
    assert "What was wrong with this page?" in html
    assert "Do not write personal details" in html
    assert "You can enter up to 1,000 characters." in html
    sent = client.post(useful, {"comment": "  Не зрозуміло, скільки коштує.  "})
    assert sent.status_code == 302
    assert sent["Location"] == page
    assert list(PageVote.objects.values_list("useful", "comment")) == [(False, "Не зрозуміло, скільки коштує.")]
    # The comment is asked once: the address now leads back to the page and a second comment changes nothing.
    assert client.get(useful)["Location"] == page
    client.post(useful, {"comment": "Ще одне"})
    assert list(PageVote.objects.values_list("comment", flat=True)) == ["Не зрозуміло, скільки коштує."]


def test_skipping_the_comment_keeps_the_no(client, page, useful):
    client.post(useful, {"useful": "no"})
    assert client.post(useful, {"comment": "   "})["Location"] == page
    assert list(PageVote.objects.values_list("useful", "comment")) == [(False, "")]


def test_an_oversized_comment_is_a_400_and_the_text_comes_back(client, useful):
    client.post(useful, {"useful": "no"})
    response = client.post(useful, {"comment": "я" * 1001})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#comment">What was wrong must be 1,000 characters or fewer</a>' in html
    assert "я" * 1001 in html
    assert list(PageVote.objects.values_list("comment", flat=True)) == [""]


def test_a_comment_without_a_no_of_this_session_is_not_kept(client, page, useful):
    assert client.post(useful, {"comment": "Спам"})["Location"] == page
    assert not PageVote.objects.exists()
    client.post(useful, {"useful": "yes"})
    client.post(useful, {"comment": "Спам"})
    assert list(PageVote.objects.values_list("useful", "comment")) == [(True, "")]


@pytest.mark.parametrize("data", [{"useful": "maybe"}, {"useful": ""}, {}, {"useful": "YES"}, {"useful": "1"}])
def test_a_bad_answer_is_a_400_with_a_message(client, useful, data):
    response = client.post(useful, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#useful">Choose yes or no</a>' in html
    assert 'id="useful"' in html
    assert not PageVote.objects.exists()


def test_the_address_alone_leads_back_to_the_page(client, page, useful):
    assert client.get(useful)["Location"] == page


def test_unknown_and_unpublished_services_are_not_found(client, authority):
    draft = PublicServiceFactory(competent_authority=authority, status=PublicationStatus.DRAFT)
    assert client.post(f"/en/services/{draft.slug}/useful/", {"useful": "yes"}).status_code == 404
    assert client.post("/en/services/no-such-service/useful/", {"useful": "yes"}).status_code == 404
    assert not PageVote.objects.exists()


def test_csrf_is_checked(service, useful):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(useful, {"useful": "yes"}).status_code == 403
    assert not PageVote.objects.exists()


def test_nothing_about_the_person_is_kept():
    fields = {field.name for field in PageVote._meta.get_fields()}
    assert fields == {"id", "created_at", "updated_at", "service", "useful", "comment"}
