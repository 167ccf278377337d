"""Notifications in the admin: which event and when, never the title or text (they name the person's case and what
happened to them) nor to whom; not in the list, not in the page's title or breadcrumbs, not in its history. Nobody
deletes a person's notification there."""

import pytest
from django.test import Client

from vikno.identity.tests.factories import citizen, platform_admin
from vikno.identity.tests.helpers import sign_in_official
from vikno.messaging.models import Notification

pytestmark = pytest.mark.django_db

TITLE = "Олено, вашу заяву 26-1234-5678-9 про реєстрацію місця проживання відхилено"
BODY = "Причина: у довідці про склад сім'ї не вказано сина Тараса."
NOTIFICATIONS = "/en/admin/messaging/notification/"


@pytest.fixture
def notification() -> Notification:
    return Notification.objects.create(
        recipient=citizen("Олена", "Шевченко"),
        event="application_refused",
        key="application:test:refused",
        title=TITLE,
        body=BODY,
        url="/cabinet/applications/",
    )


@pytest.fixture
def root() -> Client:
    browser = Client()
    sign_in_official(browser, platform_admin())
    return browser


def test_a_notification_is_named_by_its_event_and_time(notification):
    assert str(notification) == f"application_refused {notification.created_at:%Y-%m-%d %H:%M}"
    assert str(Notification(event="application_refused")) == "application_refused"  # not yet saved


def test_the_admin_pages_show_the_event_not_the_title_text_or_person(root, notification):
    pages = ("", f"{notification.pk}/change/", f"{notification.pk}/history/")
    for page in pages:
        response = root.get(f"{NOTIFICATIONS}{page}")
        html = response.content.decode()
        assert response.status_code == 200 and "application_refused" in html, page
        for told in (TITLE, TITLE[:20], BODY, "Шевченко", notification.recipient.username):
            assert told not in html, (page, told)
    change = root.get(f"{NOTIFICATIONS}{notification.pk}/change/").content.decode()
    assert f"<title>application_refused {notification.created_at:%Y-%m-%d %H:%M}" in change


def test_nobody_deletes_a_persons_notification_in_the_admin(root, notification):
    assert root.get(f"{NOTIFICATIONS}{notification.pk}/delete/").status_code == 403
    listing = root.post(NOTIFICATIONS, {"action": "delete_selected", "_selected_action": [notification.pk]})
    assert listing.status_code == 200  # the list again: there is no such action
    assert 'value="delete_selected"' not in root.get(NOTIFICATIONS).content.decode()
    assert Notification.objects.filter(pk=notification.pk).exists()
