"""The citizen's inbox: every notification with how each channel fared, unread counts, and nobody else's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen
from vikno.messaging.constants import DeliveryState
from vikno.messaging.models import Delivery, Notification
from vikno.messaging.notifications import notify

pytestmark = pytest.mark.django_db


def tell(person, key: str) -> Notification:
    params = {"reference": "26-0000-0001-2", "service": "Довідка", "organisation": "МВС", "status": "схвалено"}
    return notify(recipient=person, event="decision_made", key=key, params=params, link=("messaging:inbox", []))


@pytest.fixture
def person():
    return citizen(email="olena@example.com", phone="+380671234567", notify_by_sms=True)


def test_the_inbox_lists_notifications_with_their_delivery_states(client, person, django_assert_max_num_queries):
    first = tell(person, "a")
    Delivery.objects.filter(notification=first, channel="sms").update(state=DeliveryState.DELIVERED)
    Delivery.objects.filter(notification=first, channel="email").update(state=DeliveryState.DEAD)
    for n in range(5):
        tell(person, f"more-{n}")
    sign_in_citizen(client, person)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("messaging:inbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("Рішення щодо заяви 26-0000-0001-2") == 6
    assert "доставлено" in html and "не вдалося надіслати" in html
    # The menu counts the unread ones for the screen reader too.
    assert '6<span class="govuk-visually-hidden"> непрочитаних</span>' in html


def test_the_query_count_of_the_inbox_does_not_grow_with_its_length(client, person, django_assert_num_queries):
    tell(person, "one")
    sign_in_citizen(client, person)
    client.get(reverse("messaging:inbox"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("messaging:inbox"))
    for n in range(15):
        tell(person, f"many-{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("messaging:inbox"))


def test_opening_a_notification_marks_it_read_and_others_cannot(client, person):
    told = tell(person, "x")
    sign_in_citizen(client, person)
    page = client.get(reverse("messaging:notification", args=[told.pk]))
    assert page.status_code == 200
    assert "Орган «МВС» ухвалив рішення щодо вашої заяви на послугу «Довідка»: схвалено." in page.content.decode()
    told.refresh_from_db()
    assert told.read_at is not None

    other = tell(citizen(), "someone-else")
    assert client.get(reverse("messaging:notification", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_as_read(client, person):
    tell(person, "1")
    tell(person, "2")
    stranger = tell(citizen(), "3")
    sign_in_citizen(client, person)
    assert client.post(reverse("messaging:read-all")).status_code == 302
    assert not Notification.objects.filter(recipient=person, read_at=None).exists()
    stranger.refresh_from_db()
    assert stranger.read_at is None
    assert "непрочитаних" not in client.get(reverse("messaging:inbox")).content.decode()


def test_the_inbox_needs_a_signed_in_citizen(client):
    answer = client.get(reverse("messaging:inbox"))
    assert answer.status_code == 302 and "sign-in" in answer["Location"]
