"""Every public page, with JavaScript on and off, has zero axe-core violations (WCAG 2.2 AA, rule 6)."""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from vikno.catalog.forms import MAX_QUERY_LENGTH
from vikno.web.tests.browser import axe_violations, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Text = Callable[[SimpleNamespace], str]


@dataclass(frozen=True)
class Case:
    id: str
    path: str  # formatted with the catalogue's objects
    heading: Text  # the page's one <h1>, exactly
    status: int = 200
    language: str = "uk"
    error_field: Text | None = None  # the label of the field the error summary's one link leads to
    results: int | None = None  # how many items the page's result list shows (search, centre finder)


def ui(message) -> Text:
    """A translated interface string (evaluated in the page's language by the test)."""
    return lambda catalogue: str(message)


def _name(attribute: str, field: str) -> Text:
    return lambda catalogue: getattr(getattr(catalogue, attribute), field)


CASES = [
    Case("home", "/", ui(_("Public services in one place"))),
    Case("search-with-hits", "/search/?q=паспорт", ui(_("Search")), results=1),
    Case("search-no-results", "/search/?q=жирафа", ui(_("Search")), results=0),
    Case(
        "search-too-long",
        "/search/?q=" + "п" * (MAX_QUERY_LENGTH + 1),
        ui(_("Search")),
        status=400,
        error_field=ui(_("Search for a service")),
        results=0,
    ),
    Case("a-to-z", "/services/", ui(_("Services A to Z"))),
    Case("service", "/services/{c.service.slug}/", _name("service", "title_uk")),
    Case("sector", "/topics/{c.documents.slug}/", _name("documents", "name_uk")),
    Case("life-events", "/life-events/", ui(_("Life events"))),
    Case("life-event", "/life-events/{c.moving.slug}/", _name("moving", "name_uk")),
    Case("authorities", "/authorities/", ui(_("Authorities"))),
    Case(
        "authority",
        "/authorities/{c.agency.slug}/",
        lambda c: f"{c.agency.name_uk} ({c.agency.short_name_uk})",
    ),
    Case("centre-finder", "/centres/", ui(_("Find a service centre")), results=2),
    Case(
        "centre-finder-filtered", "/centres/?region=Львівська+область&city=", ui(_("Find a service centre")), results=1
    ),
    Case(
        "centre-finder-bad-region",
        "/centres/?region=Атлантида",
        ui(_("Find a service centre")),
        status=400,
        error_field=ui(_("Region")),
        results=0,
    ),
    Case("centre", "/centres/{c.open_centre.slug}/", _name("open_centre", "name_uk")),
    Case("open-data", "/open-data/", ui(_("Open data and API"))),
    Case("accessibility-statement", "/accessibility/", ui(_("Accessibility statement"))),
    Case("privacy-notice", "/privacy/", ui(_("Privacy notice"))),
    Case("contacts", "/contact/", ui(_("Contacts"))),
    Case("not-found", "/no-such-page/", ui(_("Page not found")), status=404),
    Case("verify", "/verify/", ui(_("Check a document"))),
    Case(
        "verify-mistyped-code",
        "/verify/?code=K7QF-3MHP-2W9K",
        ui(_("Check a document")),
        status=400,
        error_field=ui(_("Verification code")),
    ),
    Case("verify-unknown-code", "/verify/K7QF-3MHP-2W9J/", ui(_("No document has this code")), status=404),
    Case("en-home", "/en/", ui(_("Public services in one place")), language="en"),
    Case("en-a-to-z", "/en/services/", ui(_("Services A to Z")), language="en"),
    Case("en-service", "/en/services/{c.service.slug}/", _name("service", "title_en"), language="en"),
    Case("en-centre", "/en/centres/{c.open_centre.slug}/", _name("open_centre", "name_en"), language="en"),
]


# What the test reads from the page, in one round trip.
PAGE_FACTS = """(label) => ({
  lang: document.documentElement.lang,
  headings: [...document.querySelectorAll("h1")].map((h) => h.innerText),
  jsEnabled: document.body.classList.contains("js-enabled"),
  frontendSupported: document.body.classList.contains("govuk-frontend-supported"),
  skipLinkStarted: document.querySelector("a.govuk-skip-link").hasAttribute("data-govuk-skip-link-init"),
  errorLinks: [...document.querySelectorAll(".govuk-error-summary a")].map((a) => a.getAttribute("href")),
  results: document.querySelectorAll("main .vikno-result-list > li").length,
  labelled: [...document.querySelectorAll("label")]
    .filter((l) => label !== null && l.textContent.trim() === label)
    .map((l) => l.control && l.control.id),
})"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_page_has_no_axe_violations(page, catalogue, case, javascript):
    visit(page, case.path.format(c=catalogue), status=case.status)

    with override(case.language):
        heading = case.heading(catalogue)
        label = case.error_field(catalogue) if case.error_field else None
    facts = page.evaluate(PAGE_FACTS, label)
    labelled = facts.pop("labelled")
    results = facts.pop("results")
    if case.results is not None:
        assert results == case.results, f"{results} items in the result list, expected {case.results}"
    if case.error_field:
        assert len(labelled) == 1 and labelled[0], f"one field labelled {label!r}, with an id"
    assert facts == {
        "lang": case.language,
        "headings": [heading],
        "jsEnabled": javascript,
        # GOV.UK Frontend's scripts loaded and started: they mark each component they initialise.
        "frontendSupported": javascript,
        "skipLinkStarted": javascript,
        # A page with an error has an error summary whose one link leads to the field in error.
        "errorLinks": [f"#{labelled[0]}"] if case.error_field else [],
    }

    violations = axe_violations(page)
    assert not violations, violations.summary()
