"""Portal accounts and officials' sign-in: registration, e-mail confirmation, password, TOTP, recovery codes,
throttling, and the rule that each kind of person uses their own way in."""

import datetime as dt
import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import OrganisationFactory
from vikno.core import clock
from vikno.identity import factors
from vikno.identity.constants import Assurance, Role
from vikno.identity.models import RecoveryCode, RoleAssignment, SignedInSession, User
from vikno.identity.session import ASSURANCE_KEY, METHOD_KEY, ROLES_KEY, SECOND_FACTOR_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
REGISTER = reverse("identity:register")
SIGN_IN = reverse("identity:password-sign-in")
CODE = reverse("identity:second-factor")
SET_UP = reverse("identity:enrol-totp")
RECOVERY = reverse("identity:recovery-sign-in")
OFFICE = reverse("identity:office-sign-in")


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def citizen(email="olena@example.org", *, verified=True, totp=False) -> User:
    user = User.objects.create_user(username=email, email=email, password=PASSWORD, first_name="Олена")
    if verified:
        user.email_verified_at = clock.now()
        user.save()
    if totp:
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def official(email="editor@dms.example", *, totp=False) -> User:
    user = citizen(email, totp=totp)
    user.is_staff = True
    user.organisation = OrganisationFactory()
    user.save()
    RoleAssignment.objects.create(user=user, organisation=user.organisation, role=Role.EDITOR)
    return user


def code_for(user: User, *, later: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def actions() -> list[str]:
    return list(AuditRecord.objects.order_by("occurred_at").values_list("action", flat=True))


def test_registration_sends_a_confirmation_link_and_creates_nothing_else(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REGISTER,
            {"given_name": "Олена", "family_name": "Шевченко", "email": " Olena@Example.org ", "password": PASSWORD},
        )
    assert response.status_code == 302 and response["Location"] == reverse("identity:check-email")
    user = User.objects.get()
    assert (user.email, user.username, user.email_verified_at) == ("olena@example.org", "olena@example.org", None)
    assert user.check_password(PASSWORD) and user.password.startswith("md5$")  # the test hasher; argon2 in life
    assert [m.to for m in mail.outbox] == [["olena@example.org"]]
    link = re.search(r"http://\S+/account/verify/\S+/", mail.outbox[0].body).group(0)
    assert SESSION_KEY not in client.session
    confirmed = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert confirmed.status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is not None
    # The account acknowledges the privacy notice and agrees to e-mail notifications (privacy.rights.consents).
    assert sorted(actions()) == [
        "identity.account_created",
        "identity.email_verified",
        "privacy.consent_given",
        "privacy.consent_given",
    ]


def test_registering_a_taken_address_looks_the_same_but_only_warns_the_owner(
    client, django_capture_on_commit_callbacks
):
    citizen()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REGISTER,
            {"given_name": "Зловмисник", "family_name": "Х", "email": "olena@example.org", "password": PASSWORD},
        )
    assert response.status_code == 302 and response["Location"] == reverse("identity:check-email")
    assert User.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["Хтось намагався створити кабінет із вашою адресою електронної пошти"]
    assert "/account/verify/" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "Пароль занадто короткий"),
        ("lovelovelove", "Пароль занадто поширений"),
    ],
)
def test_weak_passwords_are_refused_with_a_field_error(client, password, message):
    response = client.post(
        REGISTER, {"given_name": "Олена", "family_name": "Ш", "email": "o@example.org", "password": password}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'href="#id_password"' in response.content.decode()
    assert not User.objects.exists()


def test_a_forged_or_stale_confirmation_link_is_refused(client):
    assert client.get(reverse("identity:verify-email", kwargs={"token": "forged:token"})).status_code == 400


def test_first_sign_in_sets_up_the_authenticator_and_hands_out_recovery_codes(client):
    user = citizen()
    client.get(SIGN_IN)
    response = client.post(SIGN_IN, {"email": "OLENA@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == SET_UP
    assert SESSION_KEY not in client.session

    page = client.get(SET_UP)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert client.post(SET_UP, {"code": "000000"}).status_code == 400
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    time.sleep(1.1)  # django-otp makes each failure cost a growing delay before the next try counts

    response = client.post(SET_UP, {"code": code_for(user)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", code) for code in codes)
    assert RecoveryCode.objects.filter(user=user).count() == 10
    assert not RecoveryCode.objects.filter(code_hash__in=[c.replace("-", "") for c in codes]).exists()
    session = client.session
    assert session[SESSION_KEY] == str(user.pk)
    assert (session[ASSURANCE_KEY], session[METHOD_KEY], session[SECOND_FACTOR_KEY]) == (
        Assurance.LOW,
        "password",
        "totp",
    )
    assert actions() == ["identity.factor_added", "identity.recovery_codes_generated", "identity.signed_in"]
    assert client.get(reverse("identity:cabinet")).status_code == 200


def test_sign_in_needs_the_code_and_rotates_the_session(client):
    user = citizen(totp=True)
    client.get(SIGN_IN)
    before = client.session.session_key
    assert client.post(SIGN_IN, {"email": "olena@example.org", "password": PASSWORD})["Location"] == CODE
    assert client.get(reverse("identity:cabinet")).status_code == 302  # not yet: a password alone is not enough
    wrong = client.post(CODE, {"code": "123456"})
    assert wrong.status_code == 400
    assert "Код неправильний" in wrong.content.decode()
    time.sleep(1.1)
    response = client.post(CODE, {"code": code_for(user)})
    assert response.status_code == 302 and response["Location"] == reverse("identity:cabinet")
    assert client.session.session_key != before
    assert SignedInSession.objects.get(user=user).method == "password"
    refused = AuditRecord.objects.get(action="identity.sign_in_refused")
    assert (refused.reason, refused.object_id) == ("second_factor", "password:citizen")


def test_a_recovery_code_replaces_the_authenticator_once(client):
    user = citizen(totp=True)
    codes = factors.recovery_codes_generate(user=user, source_ip=None)
    client.post(SIGN_IN, {"email": "olena@example.org", "password": PASSWORD})
    response = client.post(RECOVERY, {"code": codes[3].upper()})
    assert response.status_code == 302 and response["Location"] == reverse("identity:security")
    assert client.session[SECOND_FACTOR_KEY] == "recovery"
    client.logout()
    client.post(SIGN_IN, {"email": "olena@example.org", "password": PASSWORD})
    again = client.post(RECOVERY, {"code": codes[3]})
    assert again.status_code == 400
    assert SESSION_KEY not in client.session
    assert factors.factors_of(user).recovery_codes_left == 9


@pytest.mark.parametrize("email", ["olena@example.org", "nobody@example.org"])
def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, email):
    citizen()
    response = client.post(SIGN_IN, {"email": email, "password": "not the password at all"})
    assert response.status_code == 400
    assert "Адреса електронної пошти або пароль неправильні." in response.content.decode()
    assert SESSION_KEY not in client.session
    refused = AuditRecord.objects.get()
    assert (refused.action, refused.reason, refused.actor_id) == ("identity.sign_in_refused", "credentials", None)


def test_an_unconfirmed_address_gets_a_new_link_instead_of_a_session(client):
    citizen(verified=False)
    response = client.post(SIGN_IN, {"email": "olena@example.org", "password": PASSWORD})
    assert response["Location"] == reverse("identity:check-email")
    assert len(mail.outbox) == 1 and "/account/verify/" in mail.outbox[0].body
    assert SESSION_KEY not in client.session


def test_repeated_failures_lock_the_account_for_a_while_even_for_the_right_password(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    citizen()
    for _ in range(3):
        client.post(SIGN_IN, {"email": "olena@example.org", "password": "wrong password!"})
    locked = client.post(SIGN_IN, {"email": "olena@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Забагато спроб увійти" in locked.content.decode()
    assert "password_step" not in str(dict(client.session))


def test_repeated_failures_from_one_address_lock_that_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    citizen("victim@example.org")
    for number in range(3):
        client.post(SIGN_IN, {"email": f"guess{number}@example.org", "password": "wrong password!"})
    locked = client.post(SIGN_IN, {"email": "victim@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    other_address = client.post(
        SIGN_IN, {"email": "victim@example.org", "password": PASSWORD}, REMOTE_ADDR="192.0.2.44"
    )
    assert other_address.status_code == 302


def test_the_lock_out_expires(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = 1 / 3600  # one second
    citizen()
    for _ in range(2):
        client.post(SIGN_IN, {"email": "olena@example.org", "password": "wrong password!"})
    assert client.post(SIGN_IN, {"email": "olena@example.org", "password": PASSWORD}).status_code == 429
    time.sleep(1.2)
    assert client.post(SIGN_IN, {"email": "olena@example.org", "password": PASSWORD}).status_code == 302


def test_a_half_finished_sign_in_expires(client, monkeypatch):
    citizen(totp=True)
    client.post(SIGN_IN, {"email": "olena@example.org", "password": PASSWORD})
    later = clock.now() + dt.timedelta(minutes=11)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert client.get(CODE)["Location"] == SIGN_IN


def test_officials_and_citizens_each_use_their_own_way_in(client):
    official(totp=True)
    citizen("citizen@example.org", totp=True)
    wrong_page = client.post(SIGN_IN, {"email": "editor@dms.example", "password": PASSWORD})
    assert wrong_page.status_code == 400
    assert "Це обліковий запис посадової особи" in wrong_page.content.decode()
    wrong_page = client.post(OFFICE, {"email": "citizen@example.org", "password": PASSWORD})
    assert wrong_page.status_code == 400
    assert SESSION_KEY not in client.session
    assert [r.reason for r in AuditRecord.objects.all()] == ["wrong_kind", "wrong_kind"]


def test_an_official_signs_in_with_a_second_factor_and_gets_a_short_session(client, settings):
    user = official()
    response = client.post(
        OFFICE + "?next=/admin/", {"email": "editor@dms.example", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == reverse("identity:office-enrol-totp")
    assert client.get(response["Location"]).status_code == 200
    done = client.post(reverse("identity:office-enrol-totp"), {"code": code_for(user)})
    assert done.status_code == 200 and done.context["next"] == "/admin/"
    assert client.session.get_expiry_age() == settings.OFFICIAL_SESSION_SECONDS
    assert client.get("/admin/").status_code == 200
    assert client.session[METHOD_KEY] == "password:official"
    assert client.session[ROLES_KEY] == [Role.EDITOR]  # what the back office's menu offers
    # A role granted later shows in the menu within a minute, without signing in again.
    RoleAssignment.objects.create(user=user, organisation=user.organisation, role=Role.AUDITOR)
    assert client.get("/admin/").status_code == 200
    assert client.session[ROLES_KEY] == [Role.EDITOR]  # read less than a minute ago
    SignedInSession.objects.filter(user=user).update(last_seen_at=clock.now() - dt.timedelta(minutes=2))
    assert client.get("/admin/").status_code == 200
    assert client.session[ROLES_KEY] == sorted([Role.AUDITOR, Role.EDITOR])
    # The citizens' cabinet is not for officials.
    assert client.get(reverse("identity:cabinet")).status_code == 403
