"""Sensitive changes need a recent proof of identity (ASVS 3.7.1): a session older than the window is sent to
confirm with the password (or the eID, see test_eid.py) and comes back to where it was; nothing changes before."""

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vikno.audit.tests.helpers import records_after, trail_mark
from vikno.core import clock
from vikno.identity.models import RecoveryCode
from vikno.identity.session import AUTHENTICATED_AT_KEY
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.identity.tests.test_accounts import PASSWORD, citizen, official
from vikno.privacy.models import DataSubjectRequest

pytestmark = pytest.mark.django_db

CONFIRM = reverse("identity:confirm")
WINDOW = 15 * 60


def signed_in_long_ago(user, *, office: bool = False) -> Client:
    """A browser signed in more than the window ago (a computer left signed in)."""
    browser = Client(REMOTE_ADDR="198.51.100.7")
    (sign_in_official if office else sign_in_citizen)(browser, user)
    session = browser.session
    session[AUTHENTICATED_AT_KEY] = clock.now().timestamp() - WINDOW - 1
    session.save()
    return browser


def confirm_address(next_path: str, *, office: bool = False) -> str:
    name = "identity:office-confirm" if office else "identity:confirm"
    return f"{reverse(name)}?next={next_path.replace('/', '%2F')}"


@pytest.mark.parametrize(
    ("page", "within_the_window"),
    [
        ("identity:passkey-add", (200, None)),
        ("identity:replace-authenticator", (200, None)),
        ("identity:phone", (200, None)),
        ("identity:phone-confirm", (302, "/cabinet/phone/")),  # no code asked for yet
        ("privacy:correct", (200, None)),
        ("privacy:erasure", (200, None)),
    ],
)
def test_each_sensitive_page_asks_to_confirm_after_the_window(page, within_the_window):
    browser = signed_in_long_ago(citizen(totp=True))
    answer = browser.get(reverse(page))
    assert (answer.status_code, answer["Location"]) == (302, confirm_address(reverse(page)))
    fresh = Client()
    sign_in_citizen(fresh, citizen("taras@example.org", totp=True))
    opened = fresh.get(reverse(page))
    assert (opened.status_code, opened.get("Location")) == within_the_window


def test_a_form_sent_after_the_window_changes_nothing_and_returns_to_its_page_once_confirmed():
    user = citizen(totp=True)
    browser = signed_in_long_ago(user)
    security = reverse("identity:security")
    mark = trail_mark()
    answer = browser.post(reverse("identity:new-recovery-codes"), HTTP_REFERER=f"http://testserver{security}")
    assert (answer.status_code, answer["Location"]) == (302, confirm_address(security))
    assert RecoveryCode.objects.filter(user=user).count() == 0
    assert not records_after(mark).filter(action="identity.recovery_codes_generated").exists()

    page = browser.get(answer["Location"])
    assert page.status_code == 200
    assert "Підтвердьте, що це ви" in page.content.decode()
    assert f'<input type="hidden" name="next" value="{security}">' in page.content.decode()
    wrong = browser.post(CONFIRM, {"password": "not the password", "next": security})
    assert wrong.status_code == 400 and "Пароль неправильний." in wrong.content.decode()
    assert browser.post(reverse("identity:new-recovery-codes")).status_code == 302  # still not confirmed
    assert RecoveryCode.objects.filter(user=user).count() == 0

    right = browser.post(CONFIRM, {"password": PASSWORD, "next": security})
    assert (right.status_code, right["Location"]) == (302, security)
    assert browser.post(reverse("identity:new-recovery-codes")).status_code == 200
    assert RecoveryCode.objects.filter(user=user).count() == 10
    actions = list(records_after(mark).filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert actions == [
        "identity.reauthentication_refused",
        "identity.reauthenticated",
        "identity.recovery_codes_generated",
    ]


def test_a_form_sent_without_a_usable_referer_returns_to_the_security_page():
    browser = signed_in_long_ago(citizen(totp=True))
    answer = browser.post(reverse("identity:new-recovery-codes"), HTTP_REFERER="https://evil.example/cabinet/")
    assert answer["Location"] == confirm_address(reverse("identity:security"))


def test_the_confirmation_never_sends_off_site():
    browser = signed_in_long_ago(citizen(totp=True))
    answer = browser.post(CONFIRM, {"password": PASSWORD, "next": "https://evil.example/phish"})
    assert (answer.status_code, answer["Location"]) == (302, reverse("identity:cabinet"))


def test_wrong_passwords_lock_the_account_out_as_at_sign_in():
    user = citizen(totp=True)
    browser = signed_in_long_ago(user)
    for _ in range(5):
        assert browser.post(CONFIRM, {"password": "not the password"}).status_code in (400, 429)
    locked = browser.post(CONFIRM, {"password": PASSWORD})
    assert locked.status_code == 429
    assert browser.get(reverse("identity:replace-authenticator"))["Location"].startswith(CONFIRM)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_confirmation_clears_earlier_mistakes_so_they_do_not_add_up_to_a_lock_out():
    user = citizen(totp=True)
    browser = signed_in_long_ago(user)
    for _ in range(4):
        assert browser.post(CONFIRM, {"password": "not the password"}).status_code == 400
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 4
    assert browser.post(CONFIRM, {"password": PASSWORD}).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    session = browser.session
    session[AUTHENTICATED_AT_KEY] = clock.now().timestamp() - WINDOW - 1
    session.save()
    for _ in range(4):  # four more mistakes later: still not locked out
        assert browser.post(CONFIRM, {"password": "not the password"}).status_code == 400
    assert browser.post(CONFIRM, {"password": PASSWORD}).status_code == 302


def test_an_empty_password_gets_a_translated_error():
    browser = signed_in_long_ago(citizen(totp=True))
    answer = browser.post(CONFIRM, {"password": ""})
    assert answer.status_code == 400 and "Введіть свій пароль" in answer.content.decode()


def test_an_erasure_request_waits_for_the_confirmation():
    user = citizen(totp=True)
    browser = signed_in_long_ago(user)
    answer = browser.post(reverse("privacy:erasure"), {"confirm": "yes"})
    assert answer.status_code == 302 and answer["Location"].startswith(CONFIRM)
    assert not DataSubjectRequest.objects.filter(person=user).exists()


def test_passkey_options_after_the_window_are_refused_with_a_message():
    browser = signed_in_long_ago(citizen(totp=True))
    answer = browser.post(reverse("identity:passkey-add-options"))
    assert answer.status_code == 403
    assert json.loads(answer.content) == {"error": "Для вашої безпеки спершу підтвердьте, що це ви: оновіть сторінку."}


def test_an_official_confirms_on_the_officials_page():
    person = official(totp=True)
    browser = signed_in_long_ago(person, office=True)
    add = reverse("identity:office-passkey-add")
    answer = browser.get(add)
    assert answer["Location"] == confirm_address(add, office=True)
    right = browser.post(reverse("identity:office-confirm"), {"password": PASSWORD, "next": add})
    assert right["Location"] == add
    assert browser.get(add).status_code == 200
