"""The cabinet's security page: signed-in devices that the person can end, factors, notification choices."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vikno.audit.models import AuditRecord
from vikno.identity.models import SignedInSession, User
from vikno.identity.tests.test_accounts import PASSWORD, SIGN_IN, citizen, code_for

pytestmark = pytest.mark.django_db

SECURITY = reverse("identity:security")
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"


def signed_in(user: User, user_agent: str, address: str) -> Client:
    """A browser that went through the real sign-in (password and code)."""
    browser = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    browser.post(SIGN_IN, {"email": user.email, "password": PASSWORD})
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # each browser may use the same time step here
    response = browser.post(reverse("identity:second-factor"), {"code": code_for(user)})
    assert response.status_code == 302, response.content
    return browser


def test_the_page_lists_each_signed_in_device_and_marks_this_one():
    user = citizen(totp=True)
    laptop = signed_in(user, CHROME, "198.51.100.7")
    signed_in(user, FIREFOX_ANDROID, "203.0.113.9")
    page = laptop.get(SECURITY)
    assert page.status_code == 200
    rows = [(row["device"], str(row["row"].ip_address), row["current"]) for row in page.context["sessions"]]
    assert sorted(rows) == [
        ("Chrome на Linux", "198.51.100.7", True),
        ("Firefox Mobile на Android", "203.0.113.9", False),
    ]


def test_ending_another_device_signs_it_out_there():
    user = citizen(totp=True)
    laptop = signed_in(user, CHROME, "198.51.100.7")
    phone = signed_in(user, FIREFOX_ANDROID, "203.0.113.9")
    phone_session = SignedInSession.objects.get(user_agent=FIREFOX_ANDROID)
    response = laptop.post(reverse("identity:end-session"), {"session": str(phone_session.public_id)})
    assert response.status_code == 302 and response["Location"] == SECURITY
    assert phone.get(reverse("identity:cabinet"))["Location"].startswith(reverse("identity:sign-in"))
    assert SESSION_KEY not in phone.session
    assert laptop.get(reverse("identity:cabinet")).status_code == 200
    ended = AuditRecord.objects.get(action="identity.session_ended")
    assert ended.details == {"session": str(phone_session.public_id)}


def test_a_person_cannot_end_someone_elses_session():
    olena = citizen(totp=True)
    mallory = citizen("mallory@example.org", totp=True)
    olena_browser = signed_in(olena, CHROME, "198.51.100.7")
    mallory_browser = signed_in(mallory, CHROME, "198.51.100.8")
    target = SignedInSession.objects.get(user=olena)
    assert mallory_browser.post(reverse("identity:end-session"), {"session": str(target.public_id)}).status_code == 404
    assert mallory_browser.post(reverse("identity:end-session"), {"session": "not-a-uuid"}).status_code == 404
    assert olena_browser.get(reverse("identity:cabinet")).status_code == 200
    assert not AuditRecord.objects.filter(action="identity.session_ended").exists()


def test_signing_out_everywhere_else_keeps_this_device():
    user = citizen(totp=True)
    laptop = signed_in(user, CHROME, "198.51.100.7")
    others = [signed_in(user, FIREFOX_ANDROID, f"203.0.113.{n}") for n in (1, 2)]
    laptop.post(reverse("identity:end-other-sessions"))
    assert [browser.get(reverse("identity:cabinet")).status_code for browser in others] == [302, 302]
    assert laptop.get(reverse("identity:cabinet")).status_code == 200
    assert AuditRecord.objects.get(action="identity.sessions_ended").details == {"count": 2}


def test_signing_out_ends_the_tracked_session():
    user = citizen(totp=True)
    laptop = signed_in(user, CHROME, "198.51.100.7")
    assert laptop.post(reverse("identity:sign-out")).status_code == 200
    assert SignedInSession.objects.get(user=user).ended_at is not None


def test_new_recovery_codes_replace_the_old_ones():
    user = citizen(totp=True)
    laptop = signed_in(user, CHROME, "198.51.100.7")
    first = laptop.post(reverse("identity:new-recovery-codes")).context["codes"]
    second = laptop.post(reverse("identity:new-recovery-codes")).context["codes"]
    assert len(second) == 10 and set(first).isdisjoint(second)
    assert user.recovery_codes.count() == 10


def test_notification_choices_are_saved_and_sms_needs_a_phone():
    user = citizen(totp=True)
    laptop = signed_in(user, CHROME, "198.51.100.7")
    refused = laptop.post(reverse("identity:notifications"), {"notify_by_email": "on", "notify_by_sms": "on"})
    assert refused.status_code == 400
    assert "У нас немає вашого номера телефону" in refused.content.decode()
    user.refresh_from_db()
    assert (user.notify_by_email, user.notify_by_sms) == (True, False)
    no_language = laptop.post(reverse("identity:notifications"), {"language": "fr"})
    assert no_language.status_code == 400
    saved = laptop.post(reverse("identity:notifications"), {"language": "en"})
    assert saved.status_code == 302
    user.refresh_from_db()
    assert (user.notify_by_email, user.notify_by_sms, user.language) == (False, False, "en")
    assert AuditRecord.objects.get(action="identity.notification_preferences_changed").details == {
        "email": False,
        "sms": False,
        "language": "en",
    }
