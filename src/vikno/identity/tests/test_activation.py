"""A new official's invitation: the e-mail, the one-time link (three days), the password rules."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext, ngettext

from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import OrganisationFactory
from vikno.core import clock
from vikno.identity import invitations, officials
from vikno.identity.constants import Role
from vikno.identity.models import User
from vikno.identity.tests.factories import official

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "river lantern copper meadow"


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def invited(django_capture_on_commit_callbacks):
    agency = OrganisationFactory(slug="agency", name_uk="Державна міграційна служба України")
    admin = official("admin@agency.example", agency, Role.ORGANISATION_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        created = officials.official_create(
            actor=admin,
            email="iryna@agency.example",
            first_name="Ірина",
            last_name="Коваль",
            middle_name="Петрівна",
            organisation=agency,
        )
    return created


def _link() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"http://127\.0\.0\.1:8000(/office/activate/\S+/)", mail.outbox[-1].body).group(1)


def test_the_invitation_e_mail_says_who_where_and_for_how_long(invited):
    message = mail.outbox[0]
    assert message.to == ["iryna@agency.example"]
    with translation.override("uk"):  # e-mails go out in the portal's language
        portal = gettext("Vikno")
        assert message.subject == gettext("Your account for officials on %(portal)s") % {"portal": portal}
        validity = ngettext(
            "The link works once and for %(days)s day. If it has expired, ask the administrator of your "
            "organisation to send you a new invitation.",
            "The link works once and for %(days)s days. If it has expired, ask the administrator of your "
            "organisation to send you a new invitation.",
            3,
        ) % {"days": 3}
    body = message.body
    assert "Коваль Ірина Петрівна" in body
    assert "Державна міграційна служба України" in body
    assert "iryna@agency.example" in body
    assert validity in body
    assert "http://127.0.0.1:8000/office/sign-in/" in body
    uid, token = re.search(r"/office/activate/([\w-]+)/([\w-]+)/", body).groups()
    invited.refresh_from_db()
    assert invitations.invitation_tokens.status(invited, token) is invitations.InvitationStatus.VALID
    assert "password" not in str(AuditRecord.objects.get().details)


def test_the_link_sets_the_password_once(client, invited):
    link = _link()

    moved = client.get(link)
    assert moved.status_code == 302  # the token leaves the address at once
    form_url = moved["Location"]
    assert form_url.endswith("/set-password/") and link.split("/")[-2] not in form_url
    page = client.get(form_url)
    assert page.status_code == 200
    assert "iryna@agency.example" in page.content.decode()

    done = client.post(form_url, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})

    assert done.status_code == 200
    html = done.content.decode()
    assert 'href="/office/sign-in/"' in html
    invited.refresh_from_db()
    assert invited.check_password(GOOD_PASSWORD)
    assert list(AuditRecord.objects.order_by("occurred_at").values_list("actor", "action", "object_id")) == [
        (User.objects.get(email="admin@agency.example").pk, "identity.official_created", str(invited.pk)),
        (invited.pk, "identity.official_activated", str(invited.pk)),
    ]

    # The same link a second time, in this browser or another: refused, with a clear page.
    for browser in (client, type(client)()):
        again = browser.get(link.replace("/office/", "/en/office/", 1))
        assert again.status_code == 410
        assert "This link has already been used" in again.content.decode()
    assert client.post(form_url, {"password": "another long passphrase", "password_again": "x"}).status_code == 410
    invited.refresh_from_db()
    assert invited.check_password(GOOD_PASSWORD)
    assert AuditRecord.objects.count() == 2


def test_an_expired_link_is_refused(client, invited, monkeypatch):
    link = _link()
    later = clock.now() + invitations.INVITATION_VALID_FOR + dt.timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)

    response = client.get(link.replace("/office/", "/en/office/", 1))

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "Invitation links work for 3 days" in response.content.decode()
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_the_link_expires_even_with_the_form_open(client, invited, monkeypatch):
    form_url = client.get(_link())["Location"]
    later = clock.now() + invitations.INVITATION_VALID_FOR + dt.timedelta(seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.post(form_url, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert response.status_code == 410
    invited.refresh_from_db()
    assert not invited.has_usable_password()


@pytest.mark.parametrize(
    ("password", "again", "messages"),
    [
        ("short", "short", ["This password is too short. It must contain at least 12 characters."]),
        ("password1234", "password1234", ["This password is too common."]),
        ("", "", ["Enter a password.", "Type the password again."]),
        (GOOD_PASSWORD, GOOD_PASSWORD + "!", ["The two passwords are not the same."]),
    ],
)
def test_weak_or_mistyped_passwords_are_shown_in_the_error_summary(client, invited, password, again, messages):
    form_url = client.get(_link())["Location"].replace("/office/", "/en/office/", 1)
    response = client.post(form_url, {"password": password, "password_again": again})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index('class="govuk-error-summary"') : html.index("</ul>", html.index("govuk-error-summary"))]
    for message in messages:
        assert message in summary
    assert "<title>Error:" in html
    invited.refresh_from_db()
    assert not invited.has_usable_password()
    assert AuditRecord.objects.filter(action="identity.official_activated").count() == 0


def test_a_forged_or_foreign_link_does_not_work(client, invited):
    link = _link()
    uid, token = link.strip("/").split("/")[-2:]
    other = official("other@agency.example", invited.organisation)
    other.set_unusable_password()
    other.save()
    other_uid = urlsafe_base64_encode(force_bytes(other.pk))
    tampered = token[:-1] + ("1" if token[-1] == "0" else "0")
    with translation.override("en"):
        paths = [
            reverse("identity:office-activate", kwargs={"uidb64": uid, "token": tampered}),
            reverse("identity:office-activate", kwargs={"uidb64": other_uid, "token": token}),
            reverse("identity:office-activate", kwargs={"uidb64": "not-base64", "token": token}),
            reverse("identity:office-activate", kwargs={"uidb64": uid, "token": "set-password"}),  # no session
        ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "This link does not work" in response.content.decode()


def test_deactivation_kills_the_link(client, invited):
    link = _link()
    admin = User.objects.get(email="admin@agency.example")
    officials.official_deactivate(actor=admin, official=invited, reason="Помилка")
    assert client.get(link).status_code == 404


def test_the_task_sends_each_invitation_once(django_capture_on_commit_callbacks):
    """A retried task sends nothing more; a task for an invitation replaced meanwhile sends nothing."""
    agency = OrganisationFactory(slug="agency")
    admin = official("admin@agency.example", agency, Role.ORGANISATION_ADMIN)
    with django_capture_on_commit_callbacks() as enqueued:
        created = officials.official_create(
            actor=admin, email="new@agency.example", first_name="А", last_name="Б", organisation=agency
        )
    assert len(enqueued) == 1
    enqueued[0]()
    enqueued[0]()  # the same task again, as after a worker died before it reported success
    assert len(mail.outbox) == 1

    with django_capture_on_commit_callbacks() as first:
        officials.official_invite(actor=admin, official=created)
    with django_capture_on_commit_callbacks() as second:
        officials.official_invite(actor=admin, official=created)
    first[0]()  # replaced by the second before it ran
    assert len(mail.outbox) == 1
    second[0]()
    assert len(mail.outbox) == 2
