"""In Chromium, with JavaScript on and off: an official opens a citizen's case outside anything the citizen has
open with that organisation; the citizen reads the look in "Who looked at my data", asks why (after an error) and
gets the appeal's reference. Zero axe-core violations, no policy violation and no script error on each page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from vikno.applications.tests import conftest as applications
from vikno.applications.tests.browser_steps import assert_page_is_clean, button, signed_in, submit
from vikno.backoffice.tests.cases import case_row
from vikno.messaging.appeals.models import Appeal
from vikno.messaging.models import Notification
from vikno.privacy.models import DataAccess
from vikno.web.tests.browser import open_page, visit

# The browser fixtures of the web app's tests (one Chromium per session, a page per test, the live server).
from vikno.web.tests.conftest import chromium, javascript, page, portal_url  # noqa: F401
from vikno.web.tests.test_security_headers import CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

applicant = applications.applicant
authority = applications.authority
definition = applications.definition
service = applications.service
supervisor = applications.supervisor


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_look_outside_any_case_is_told_read_and_asked_about(
    page,  # noqa: F811
    chromium,  # noqa: F811
    portal_url,  # noqa: F811
    javascript,  # noqa: F811
    applicant,
    authority,
    service,
    supervisor,
):
    applicant.language = "en"
    applicant.save()
    old = case_row(service, applicant, state="approved", outcome="approval")
    type(old).objects.filter(pk=old.pk).update(decided_at=old.decided_at - dt.timedelta(days=365))

    # --- A supervisor opens last year's case -----------------------------------------------------------------
    with open_page(chromium.browser, base_url=portal_url, javascript=javascript) as office_tab:
        signed_in(office_tab, portal_url, supervisor, as_official=True)
        visit(office_tab, f"/en/office/cases/{old.pk}/?purpose=supervision")
    access = DataAccess.objects.get()
    told = Notification.objects.get(event="data_accessed")
    assert told.url == "/en/cabinet/data-access/"

    # --- The citizen reads the log and asks why --------------------------------------------------------------
    tab = page
    signed_in(tab, portal_url, applicant)
    watch = CspWatch(tab)
    visit(tab, "/en/cabinet/")
    submit(tab, tab.locator("#data-access-link"))
    assert urlsplit(tab.url).path == "/en/cabinet/data-access/"
    cells = [cell.inner_text().strip() for cell in tab.locator("#access-1 td").all()]
    assert cells[1:5] == [
        authority.name_en,
        "Supervisor",
        f"Your application {old.reference}",
        "Supervision of the case's handling",
    ]
    assert_page_is_clean(tab, watch)

    submit(tab, tab.locator("#access-1 a"))
    assert tab.locator("h1").inner_text() == "Ask why your data was looked at"
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, "Send the question"), status=400)
    assert [item.inner_text().strip() for item in tab.locator(".govuk-error-summary__list li").all()] == [
        "Write what you want to ask the organisation"
    ]
    assert_page_is_clean(tab, watch)
    tab.fill("#question", "Навіщо ви відкривали мою торішню заяву?")
    submit(tab, button(tab, "Send the question"))
    appeal = Appeal.objects.get()
    assert tab.locator("#reference").inner_text() == appeal.reference
    assert (appeal.organisation, appeal.kind) == (authority, "inquiry")
    assert f"application {old.reference}" in appeal.text and appeal.text.endswith("торішню заяву?")
    assert_page_is_clean(tab, watch)
    assert DataAccess.objects.get() == access  # the citizen's own pages are no look
