"""In Chromium, with JavaScript on and off: a citizen switches to acting for a company and sees it in the cabinet;
a new official sets their password from the invitation link. Zero axe-core violations and no policy violation on
each page of the way."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import gettext, override
from playwright.sync_api import Page

from vikno.catalog.tests.factories import OrganisationFactory
from vikno.core import rnokpp
from vikno.identity.constants import Role
from vikno.identity.invitations import activation_path, invitation_tokens, renew
from vikno.identity.models import PartyKind, User
from vikno.identity.tests.factories import citizen, mandate, official
from vikno.identity.tests.helpers import sign_in_citizen
from vikno.web.tests.browser import assert_no_problems, axe_violations, visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def uk(message: str, **values) -> str:
    with override("uk"):
        text = gettext(message)
    return text % values if values else text


def assert_page_is_clean(tab: Page, watch: CspWatch) -> None:
    assert_no_problems(tab)
    assert watch.take() == []
    violations = axe_violations(tab)
    assert not violations, violations.summary()


def _signed_in(tab: Page, portal_url: str, user: User) -> None:  # noqa: F811
    """Give the browser the session of a citizen who signed in with an eID."""
    client = Client()
    sign_in_citizen(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    tab.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": portal_url}])


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_citizen_chooses_to_act_for_a_company(page, portal_url, javascript):  # noqa: F811
    registrar = official("officer@agency.example", OrganisationFactory(), Role.CASE_OFFICER)
    olena = citizen("Олена", "Шевченко")
    mandate(olena, registrar, party_name="ТОВ «Зелений двір»")
    mandate(
        olena,
        registrar,
        party_kind=PartyKind.CHILD,
        party_name="Шевченко Марко Олегович",
        party_code=rnokpp.make(dt.date(2015, 5, 10), 1, female=False),
        party_birth_date=dt.date(2015, 5, 10),
        valid_until=dt.date(2033, 5, 9),
    )
    _signed_in(page, portal_url, olena)
    watch = CspWatch(page)

    visit(page, "/cabinet/")
    page.get_by_role("link", name=uk("Act for a business or your child")).click()
    page.wait_for_url(f"{portal_url}/cabinet/acting-for/")
    assert_page_is_clean(page, watch)

    page.get_by_role("button", name=uk("Continue")).click()  # "Myself" is chosen: nothing changes
    page.wait_for_url(f"{portal_url}/cabinet/")
    page.goto("/cabinet/acting-for/")
    page.get_by_label("ТОВ «Зелений двір»").check()
    page.get_by_role("button", name=uk("Continue")).click()

    page.wait_for_url(f"{portal_url}/cabinet/")
    banner = page.get_by_role("region", name=uk("Acting for someone else"))
    assert uk("Acting for: %(party)s", party="ТОВ «Зелений двір»") in banner.inner_text()
    assert_page_is_clean(page, watch)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_choosing_nobody_shows_the_error_summary(page, portal_url, javascript):  # noqa: F811
    registrar = official("officer@agency.example", OrganisationFactory(), Role.CASE_OFFICER)
    andrii = citizen("Андрій", "Коваленко")
    mandate(andrii, registrar, party_name="ТОВ «Коваленко і партнери»")
    _signed_in(page, portal_url, andrii)
    watch = CspWatch(page)
    visit(page, "/cabinet/acting-for/")
    # A browser sends no value when no radio is checked (the page always checks one; this unchecks it).
    page.evaluate("document.querySelectorAll('input[name=party]').forEach((radio) => { radio.checked = false; })")
    page.get_by_role("button", name=uk("Continue")).click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert uk("Choose who you are acting for.") in summary.inner_text()
    assert summary.get_by_role("link").get_attribute("href") == "#id_party"
    assert_page_is_clean(page, watch)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_new_official_sets_a_password_from_the_invitation(page, portal_url, javascript):  # noqa: F811
    agency = OrganisationFactory(slug="agency", name_uk="Державна міграційна служба України")
    invited = official("iryna@agency.example", agency, first_name="Ірина", last_name="Коваль")
    renew(invited)
    token = invitation_tokens.make_token(invited)
    watch = CspWatch(page)

    page.goto(activation_path(invited, token))
    assert urlsplit(page.url).path.endswith("/set-password/")
    assert_page_is_clean(page, watch)

    page.get_by_label(uk("New password"), exact=True).fill("short")
    page.get_by_label(uk("Type the password again"), exact=True).fill("short")
    page.get_by_role("button", name=uk("Set password")).click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 1
    assert_page_is_clean(page, watch)

    page.get_by_label(uk("New password"), exact=True).fill("river lantern copper meadow")
    page.get_by_label(uk("Type the password again"), exact=True).fill("river lantern copper meadow")
    page.get_by_role("button", name=uk("Set password")).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == uk("Your password is set")
    assert page.get_by_role("link", name=uk("Sign in as an official")).get_attribute("href") == "/office/sign-in/"
    assert_page_is_clean(page, watch)
    invited.refresh_from_db()
    assert invited.check_password("river lantern copper meadow")
