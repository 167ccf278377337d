"""Steps the browser tests of applications take again and again: handing a session to the browser, sending a
form and landing on the next page, reading what a page shows (summary lists, the timeline, the success banner),
and checking that every page of the way is clean (no axe-core violation, no policy violation, no script error).
"""

from django.conf import settings
from django.test import Client
from django.utils.translation import gettext, override
from playwright.sync_api import Locator, Page, Response

from vikno.identity.models import User
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.web.tests.browser import assert_no_problems, axe_violations
from vikno.web.tests.test_security_headers import CspWatch


def uk(message: str, **values) -> str:
    """An interface string as the Ukrainian (default) pages show it."""
    with override("uk"):
        text = gettext(message)
    return text % values if values else text


def en(message: str, **values) -> str:
    """An interface string as the English pages show it."""
    with override("en"):
        text = gettext(message)
    return text % values if values else text


def signed_in(tab: Page, portal_url: str, user: User, *, as_official: bool = False) -> None:
    """Give the browser the session of a citizen who signed in with an eID (substantial assurance), or of an
    official after password and second factor."""
    client = Client()
    if as_official:
        sign_in_official(client, user)
    else:
        sign_in_citizen(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    tab.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": portal_url}])


def assert_page_is_clean(tab: Page, watch: CspWatch) -> None:
    """Everything the page loaded, loaded; no script error; no policy violation; zero axe-core violations."""
    assert_no_problems(tab)
    assert watch.take() == [], tab.url
    violations = axe_violations(tab)
    assert not violations, violations.summary()


def submit(tab: Page, control: Locator, *, status: int = 200) -> Response:
    """Click a control that sends a form (or follows a link) and wait for the page it leads to (after any
    redirect), which answers with ``status``."""
    with tab.expect_navigation() as navigation:
        control.click()
    response = navigation.value
    assert response is not None, f"no response after clicking on {tab.url}"
    assert response.status == status, f"{response.url} answered {response.status}, expected {status}"
    return response


def button(tab: Page, name: str) -> Locator:
    return tab.get_by_role("button", name=name, exact=True)


def summary_rows(list_: Locator) -> list[tuple[str, str]]:
    """A GOV.UK summary list as (key, value) pairs, the value's lines joined with " | "."""
    rows = []
    for row in list_.locator(":scope > .govuk-summary-list__row").all():
        key = row.locator(".govuk-summary-list__key").inner_text().strip()
        value = row.locator(".govuk-summary-list__value").inner_text()
        rows.append((key, " | ".join(line.strip() for line in value.splitlines() if line.strip())))
    return rows


def timeline(tab: Page) -> list[list[str]]:
    """The lines of each entry of the page's timeline, without the date and time each starts with."""
    entries = []
    for item in tab.locator("#timeline > li").all():
        lines = [line.strip() for line in item.inner_text().splitlines() if line.strip()]
        entries.append(lines[1:])
    return entries


def success_message(tab: Page) -> str:
    """The text of the "Done" banner a page shows after an action."""
    return tab.locator(".govuk-notification-banner--success .govuk-notification-banner__heading").inner_text().strip()
