"""A change to the ways into an account is told to its holder at once: by e-mail even to people who chose no
e-mails, in the inbox, by SMS when chosen. Setting up the first factors of a new account, and a change that
fails, tell nobody."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vikno.identity import factors, passkeys, phone_numbers, services
from vikno.identity.models import User
from vikno.identity.tests.test_accounts import citizen, official
from vikno.identity.tests.test_passkeys import ORIGIN, RP_ID, SoftAuthenticator, register
from vikno.messaging.models import Delivery, Notification

pytestmark = pytest.mark.django_db

TITLE = "A change to how you sign in to Vikno"
NOW = dt.datetime(2026, 11, 30, 10, 5, tzinfo=dt.UTC)  # 12:05 in Kyiv


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch):
    monkeypatch.setattr("vikno.identity.alerts.clock.now", lambda: NOW)


@pytest.fixture(autouse=True)
def relying_party(settings):
    settings.WEBAUTHN_RP_ID, settings.WEBAUTHN_ORIGIN = RP_ID, ORIGIN


def english_citizen(*, totp: bool = True, **fields) -> User:
    """A person who chose no e-mails and no SMS: the security notice reaches them by e-mail all the same."""
    user = citizen(totp=totp)
    fields = {"language": "en", "notify_by_email": False, "notify_by_sms": False, **fields}
    User.objects.filter(pk=user.pk).update(**fields)
    user.refresh_from_db()
    return user


def told(user: User) -> list[str]:
    """The body of every notification the person got, oldest first; each was a security notice."""
    notices = list(Notification.objects.filter(recipient=user).order_by("created_at", "id"))
    assert {(n.event, n.title, n.url) for n in notices} <= {("sign_in_changed", TITLE, "/en/cabinet/security/")}
    return [notice.body.split("\n\n")[0] for notice in notices]


def confirm_phone(user: User, number: str) -> None:
    """The person confirms `number` with the code sent to it (the session as `phone_code_send` leaves it)."""
    session = {
        phone_numbers.SESSION_KEY: {
            "number": number,
            "digest": phone_numbers._digest("123456", number),
            "expires": timezone.now().timestamp() + 600,
            "tries": 0,
        }
    }
    phone_numbers.phone_confirm(user=user, code="123456", session=session, source_ip=None)


def pending_code(user: User) -> str:
    device = factors.totp_pending_device(user)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def test_replacing_the_authenticator_is_told_by_email_to_a_person_who_chose_no_emails(
    django_capture_on_commit_callbacks,
):
    user = english_citizen(phone="+380501234567")
    with django_capture_on_commit_callbacks(execute=True):
        assert factors.totp_confirm(user=user, code=pending_code(user), source_ip="198.51.100.7")
    assert told(user) == [
        "The authenticator app of your account was replaced: the old one no longer gives valid codes, "
        "on 30 November 2026, 12:05 (Kyiv time)."
    ]
    [message] = mail.outbox
    assert (message.to, message.subject) == (["olena@example.org"], TITLE)
    assert "the old one no longer gives valid codes, on 30 November 2026, 12:05 (Kyiv time)." in message.body
    assert "sign out everywhere else and change your password" in message.body
    # The SMS goes only when chosen.
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]


def test_the_notice_goes_by_sms_too_when_chosen_and_in_the_persons_language():
    user = english_citizen(language="uk", notify_by_sms=True, phone="+380501234567")
    factors.totp_confirm(user=user, code=pending_code(user), source_ip=None)
    notice = Notification.objects.get(recipient=user)
    assert notice.title == "Зміна способів входу до Вікна"
    channels = sorted(Delivery.objects.filter(notification=notice).values_list("channel", flat=True))
    assert channels == ["email", "sms"]
    sms = Delivery.objects.get(channel="sms")
    assert (sms.to, sms.text) == (
        "+380501234567",
        "Вікно: зміна способів входу, 30 листопада 2026, 12:05. Не ви? Перевірте сторінку безпеки в кабінеті.",
    )


def test_a_new_account_setting_up_its_first_factors_is_told_nothing():
    user = english_citizen(totp=False)
    assert factors.totp_confirm(user=user, code=pending_code(user), source_ip=None)
    factors.recovery_codes_generate(user=user, source_ip=None)
    assert told(user) == [] and Delivery.objects.count() == 0


def test_a_wrong_code_changes_nothing_and_tells_nobody():
    user = english_citizen()
    assert not factors.totp_confirm(user=user, code="000000", source_ip=None)
    assert told(user) == []
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_passkeys_added_and_removed_and_the_app_removed_are_each_told():
    user = english_citizen()
    laptop = register(user, SoftAuthenticator(), name="Laptop")
    phone = register(user, SoftAuthenticator(), name="Phone")
    passkeys.passkey_remove(user=user, passkey_id=laptop.pk, source_ip=None)
    factors.totp_remove(user=user, source_ip=None)
    assert told(user) == [
        "A passkey named “Laptop” was added to your account, on 30 November 2026, 12:05 (Kyiv time).",
        "A passkey named “Phone” was added to your account, on 30 November 2026, 12:05 (Kyiv time).",
        "The passkey named “Laptop” was removed from your account, on 30 November 2026, 12:05 (Kyiv time).",
        "The authenticator app was removed from your account, on 30 November 2026, 12:05 (Kyiv time).",
    ]
    assert list(user.passkeys.values_list("name", flat=True)) == [phone.name]


def test_an_app_added_beside_a_passkey_is_told():
    user = english_citizen(totp=False)
    register(user, SoftAuthenticator(), name="Laptop")  # the account's first factor
    factors.totp_confirm(user=user, code=pending_code(user), source_ip=None)
    assert told(user) == [
        "An authenticator app was set up for your account, on 30 November 2026, 12:05 (Kyiv time).",
    ]


def test_new_recovery_codes_and_a_code_spent_are_told_with_the_codes_left():
    user = english_citizen()
    factors.recovery_codes_generate(user=user, source_ip=None)  # the first set, at sign-up: not told
    codes = factors.recovery_codes_generate(user=user, source_ip=None)
    assert factors.recovery_code_use(user=user, code=codes[0], source_ip=None)
    assert not factors.recovery_code_use(user=user, code=codes[0], source_ip=None)  # spent: nothing more told
    assert told(user) == [
        "New recovery codes were made for your account: the old ones no longer work, "
        "on 30 November 2026, 12:05 (Kyiv time).",
        "A recovery code was used to sign in to your account (9 left), on 30 November 2026, 12:05 (Kyiv time).",
    ]


def test_a_password_reset_and_a_new_phone_number_are_told():
    user = english_citizen(phone="+380501234567")
    token = services.default_token_generator.make_token(user)
    assert services.password_reset(user=user, token=token, password="a new long password 2026", source_ip=None)
    confirm_phone(user, "+380671112233")
    assert told(user) == [
        "The password of your account was changed, on 30 November 2026, 12:05 (Kyiv time).",
        "The phone number of your account was changed, on 30 November 2026, 12:05 (Kyiv time).",
    ]
    # The old number is told by SMS, whatever the choices (the person chose no SMS).
    [old_number] = Delivery.objects.filter(channel="sms")
    assert (old_number.to, old_number.notification, old_number.is_notification) == ("+380501234567", None, False)
    assert old_number.text == (
        "Vikno: the phone number of your account was changed. Not you? Check the security page of your account."
    )


def test_a_first_phone_number_is_told_as_added():
    user = english_citizen(phone="")
    confirm_phone(user, "+380671112233")
    assert told(user) == ["A phone number was added to your account, on 30 November 2026, 12:05 (Kyiv time)."]
    assert not Delivery.objects.filter(channel="sms").exists()


def test_an_officials_notice_points_to_the_officials_security_page():
    person = official(totp=True)
    User.objects.filter(pk=person.pk).update(language="en")
    person.refresh_from_db()
    factors.totp_confirm(user=person, code=pending_code(person), source_ip=None)
    notice = Notification.objects.get(recipient=person)
    assert (notice.event, notice.url) == ("sign_in_changed", "/en/office/security/passkeys/")


def test_an_official_changing_the_password_in_the_admin_is_told_and_other_devices_are_signed_out(client):
    from vikno.audit.models import AuditRecord
    from vikno.identity.models import SignedInSession
    from vikno.identity.tests.helpers import sign_in_official
    from vikno.identity.tests.test_accounts import PASSWORD

    person = official(totp=True)
    User.objects.filter(pk=person.pk).update(language="en")
    other_device = SignedInSession.objects.create(user=person, method="password:official", last_seen_at=timezone.now())
    sign_in_official(client, person)
    new = "a brand new official password 2026"
    answer = client.post(
        "/admin/password_change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert answer.status_code == 302
    notice = Notification.objects.get(recipient=person)
    assert (notice.event, notice.url) == ("sign_in_changed", "/en/office/security/passkeys/")
    assert notice.body.startswith("The password of your account was changed, on 30 November 2026, 12:05")
    assert AuditRecord.objects.filter(action="identity.password_changed", object_id=str(person.pk)).count() == 1
    other_device.refresh_from_db()
    assert other_device.ended_at is not None
    person.refresh_from_db()
    assert person.check_password(new)
    # A wrong current password changes nothing and tells nobody.
    refused = client.post(
        "/admin/password_change/", {"old_password": "wrong", "new_password1": "x" * 20, "new_password2": "x" * 20}
    )
    assert refused.status_code == 200 and Notification.objects.filter(recipient=person).count() == 1
