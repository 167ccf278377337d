"""The back office's menu: every official can sign out from it (a form posted with its CSRF token, which ends the
tracked session and is audited), the data protection officer finds the queue of requests about personal data
there and an auditor the audit trail; others do not see those links."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vikno.audit.models import AuditRecord
from vikno.core import clock
from vikno.identity.constants import Role
from vikno.identity.models import RoleAssignment, SignedInSession
from vikno.identity.session import SESSION_ID_KEY
from vikno.identity.tests.factories import official
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official

pytestmark = pytest.mark.django_db

QUEUE = reverse("backoffice:queue")
SIGN_OUT = reverse("admin:logout")
PRIVACY = reverse("backoffice:privacy-requests")
AUDIT = reverse("backoffice:audit")


@pytest.fixture
def dpo(other_authority):
    return official("dpo@vikno.example", other_authority, Role.DATA_PROTECTION_OFFICER)


def signed_in(user, *, csrf_checks: bool = False) -> tuple[Client, SignedInSession]:
    """A browser of an official's, with the tracked session its sign-in would have made."""
    browser = Client(enforce_csrf_checks=csrf_checks)
    sign_in_official(browser, user)
    tracked = SignedInSession.objects.create(user=user, method="password:official", last_seen_at=clock.now())
    session = browser.session
    session[SESSION_ID_KEY] = str(tracked.public_id)
    session.save()
    return browser, tracked


def sign_out_form(html: str) -> str:
    found = re.search(rf'<form method="post" action="{SIGN_OUT}">(.*?)</form>', html, flags=re.DOTALL)
    assert found, "no sign-out form in the menu"
    return found.group(1)


def test_an_official_signs_out_from_the_back_office_menu(officer):
    browser, tracked = signed_in(officer, csrf_checks=True)
    page = browser.get(QUEUE)
    assert page.status_code == 200
    form = sign_out_form(page.content.decode())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert ">Вийти</button>" in form

    response = browser.post(SIGN_OUT, {"csrfmiddlewaretoken": token})

    assert response.status_code == 200
    tracked.refresh_from_db()
    assert tracked.ended_at is not None
    assert AuditRecord.objects.filter(action="identity.signed_out", actor=officer).count() == 1
    again = browser.get(QUEUE)
    assert again.status_code == 302 and again["Location"].startswith(reverse("identity:office-sign-in"))


def test_signing_out_without_the_csrf_token_is_refused_and_changes_nothing(officer):
    browser, tracked = signed_in(officer, csrf_checks=True)
    response = browser.post(SIGN_OUT)
    assert response.status_code == 403
    tracked.refresh_from_db()
    assert tracked.ended_at is None
    assert not AuditRecord.objects.filter(action="identity.signed_out").exists()
    assert browser.get(QUEUE).status_code == 200  # still signed in


def test_citizens_and_visitors_see_no_back_office_sign_out(client, applicant):
    assert f'action="{SIGN_OUT}"' not in client.get("/").content.decode()
    sign_in_citizen(client, applicant)
    assert f'action="{SIGN_OUT}"' not in client.get("/").content.decode()


def test_the_data_protection_officer_finds_the_queue_in_the_menu(dpo):
    browser, _ = signed_in(dpo)
    html = browser.get(QUEUE).content.decode()
    assert f'href="{PRIVACY}"' in html
    on_the_queue = browser.get(PRIVACY)
    assert on_the_queue.status_code == 200
    assert f'href="{PRIVACY}" aria-current="page"' in on_the_queue.content.decode()


def test_an_auditor_finds_the_audit_trail_in_the_menu_and_others_do_not(officer, dpo, other_authority):
    auditor = official("auditor@vikno.example", other_authority, Role.AUDITOR)
    browser, _ = signed_in(auditor)
    assert f'href="{AUDIT}"' in browser.get(QUEUE).content.decode()
    assert f'href="{AUDIT}" aria-current="page"' in browser.get(AUDIT).content.decode()
    for person in (officer, dpo):
        other, _ = signed_in(person)
        assert f'href="{AUDIT}"' not in other.get(QUEUE).content.decode()


def test_other_officials_do_not_see_the_data_protection_link(officer, supervisor):
    for person in (officer, supervisor):
        browser, _ = signed_in(person)
        assert f'href="{PRIVACY}"' not in browser.get(QUEUE).content.decode()


def test_the_menu_reads_the_roles_held_at_sign_in_and_no_query_for_them(officer, other_authority):
    browser, _ = signed_in(officer)
    with CaptureQueriesContext(connection) as page_queries:
        browser.get(QUEUE)
    # The queue reads the officer's case roles for its own scope; nothing asks about the officer's other roles.
    assert not [query for query in page_queries.captured_queries if "data_protection_officer" in query["sql"]]

    RoleAssignment.objects.create(user=officer, organisation=other_authority, role=Role.DATA_PROTECTION_OFFICER)
    assert f'href="{PRIVACY}"' not in browser.get(QUEUE).content.decode()  # the next sign-in shows it
    browser, _ = signed_in(officer)
    assert f'href="{PRIVACY}"' in browser.get(QUEUE).content.decode()
