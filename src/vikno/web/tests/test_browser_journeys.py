"""What a newcomer does in a real browser, mostly with JavaScript disabled: every page works without it."""

import struct
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.translation import gettext, ngettext, override, pgettext
from playwright.sync_api import Page, expect

from vikno.catalog.constants import ChannelKind
from vikno.catalog.templatetags.catalog_tags import money
from vikno.web.tests.browser import REPO_ROOT, assert_no_problems, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = REPO_ROOT / "var" / "screenshots"


def uk(message: str) -> str:
    """An interface string as the Ukrainian (default) pages show it."""
    with override("uk"):
        return gettext(message)


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def test_newcomer_searches_finds_the_service_and_a_centre_open_now(nojs_page, catalogue):
    page, service = nojs_page, catalogue.service
    visit(page, "/")
    assert page.locator("h1").inner_text() == uk("Public services in one place")

    search_box = page.get_by_label(uk("Search for a service"), exact=True)
    search_box.press_sequentially("паспорт")
    page.get_by_role("button", name=uk("Search"), exact=True).click()

    page.wait_for_url("**/search/?*")
    assert path_of(page) == "/search/"
    assert parse_qs(urlsplit(page.url).query) == {"q": ["паспорт"]}
    with override("uk"):
        found = ngettext("%(counter)s result for “%(query)s”", "%(counter)s results for “%(query)s”", 1) % {
            "counter": 1,
            "query": "паспорт",
        }
    assert page.get_by_role("status").inner_text() == found
    results = page.locator("main .vikno-result-list h2 a")
    assert results.all_inner_texts() == [service.title_uk]

    results.first.click()
    page.wait_for_url(f"**/services/{service.slug}/")
    assert path_of(page) == f"/services/{service.slug}/"
    assert page.locator("h1").inner_text() == service.title_uk
    for heading in ("What it costs", "How long it takes", "How to apply", "Where to go in person"):
        expect(page.get_by_role("heading", level=2, name=uk(heading), exact=True)).to_be_visible()
    with override("uk"):
        fee = gettext("The fee is %(amount)s.") % {"amount": money(27900, "UAH")}
        channels = sorted(str(kind.label) for kind in ChannelKind if kind != ChannelKind.SMS)
    expect(page.locator("main p", has_text=fee)).to_have_count(1)
    assert sorted(page.locator("main h3").all_inner_texts()) == channels

    rows = page.locator("main table tbody tr")
    assert [(row.locator("a").inner_text(), row.locator(".govuk-tag").inner_text()) for row in rows.all()] == [
        (catalogue.open_centre.name_uk, uk("Open now")),
        (catalogue.closed_centre.name_uk, uk("Closed now")),
    ]

    page.get_by_role("link", name=catalogue.open_centre.name_uk, exact=True).click()
    page.wait_for_url(f"**/centres/{catalogue.open_centre.slug}/")
    assert path_of(page) == f"/centres/{catalogue.open_centre.slug}/"
    assert page.locator("h1").inner_text() == catalogue.open_centre.name_uk
    assert page.locator("main .govuk-tag").all_inner_texts() == [uk("Open now")]

    page.go_back()
    page.get_by_role("link", name=catalogue.closed_centre.name_uk, exact=True).click()
    page.wait_for_url(f"**/centres/{catalogue.closed_centre.slug}/")
    assert page.locator("h1").inner_text() == catalogue.closed_centre.name_uk
    assert page.locator("main .govuk-tag").all_inner_texts() == [uk("Closed now")]
    assert_no_problems(page)  # nothing on the way failed to load


def test_language_link_in_the_header_switches_the_service_page_to_english(nojs_page, catalogue):
    page, service = nojs_page, catalogue.service
    visit(page, f"/services/{service.slug}/")
    language_menu = page.get_by_role("navigation", name=uk("Language"))
    assert language_menu.get_by_role("link").all_inner_texts() == ["English"]

    language_menu.get_by_role("link", name="English", exact=True).click()

    page.wait_for_url(f"**/en/services/{service.slug}/")
    assert path_of(page) == f"/en/services/{service.slug}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == service.title_en
    assert page.title() == f"{service.title_en} – Vikno"
    expect(page.get_by_role("heading", level=2, name="How to apply", exact=True)).to_be_visible()
    language_menu = page.get_by_role("navigation", name="Language")
    assert language_menu.get_by_role("link").all_inner_texts() == ["Українська"]
    assert language_menu.locator("[aria-current=true]").inner_text() == "English"


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_keyboard_first_tab_is_the_skip_link_and_it_leads_to_the_main_content(page, catalogue, javascript):
    visit(page, "/")
    skip_link = page.locator("a.govuk-skip-link")
    assert skip_link.bounding_box()["height"] <= 1  # hidden until it gets focus

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    assert skip_link.inner_text() == uk("Skip to main content")
    box = skip_link.bounding_box()
    assert box["height"] > 20, "the focused skip link is visible"
    assert box["y"] == 0, "the focused skip link is at the top of the page"

    page.keyboard.press("Enter")
    # Following a fragment link is asynchronous in the browser: wait for it (a loaded machine was seen to be late).
    page.wait_for_url("**#main-content", timeout=5000)
    assert urlsplit(page.url).fragment == "main-content"
    if javascript:
        # GOV.UK Frontend moves focus onto <main> itself.
        expect(page.locator("main#main-content")).to_be_focused()
    # Without JavaScript the browser moves the sequential focus starting point: the next Tab lands in <main>,
    # on the search box, past the header links.
    page.keyboard.press("Tab")
    expect(page.get_by_label(uk("Search for a service"), exact=True)).to_be_focused()


def test_a_to_z_letter_links_jump_to_their_sections(nojs_page, catalogue):
    page = nojs_page
    page.set_viewport_size({"width": 1280, "height": 500})
    visit(page, "/services/")
    letters = sorted({service.title_uk[0] for service in catalogue.services})
    assert letters == ["Д", "О", "Р"]
    links = page.get_by_role("navigation", name=uk("Letters")).get_by_role("link")
    assert links.all_inner_texts() == letters
    targets = [f"#letter-{number}" for number in range(1, len(letters) + 1)]
    assert links.evaluate_all("links => links.map(a => a.getAttribute('href'))") == targets

    titles = sorted(service.title_uk for service in catalogue.services)
    by_letter = {letter: [title for title in titles if title[0] == letter] for letter in letters}
    for letter, target in zip(letters, targets, strict=True):
        page.evaluate("window.scrollTo(0, 0)")
        links.filter(has_text=letter).click()
        page.wait_for_url(f"**/services/{target}")
        assert urlsplit(page.url).fragment == target[1:]
        heading = page.locator(":target")
        assert heading.evaluate("h => [h.tagName, h.id, h.textContent.trim()]") == ["H2", target[1:], letter]
        expect(heading).to_be_in_viewport()
        assert page.evaluate("window.scrollY") > 0, f"the page scrolled down to {target}"
        section = heading.locator("xpath=following-sibling::ul[1]//h3/a")
        assert section.all_inner_texts() == by_letter[letter]


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(("width", "suffix"), [(1280, ""), (375, "-narrow")], ids=["desktop", "narrow"])
def test_full_page_screenshots_of_home_and_a_service_page(page, catalogue, width, suffix):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 800})
    for name, path in (("home", "/"), ("service", f"/services/{catalogue.service.slug}/")):
        visit(page, path)
        target = SCREENSHOTS / f"{name}{suffix}.png"
        target.unlink(missing_ok=True)
        page.screenshot(path=target, full_page=True)
        assert target.stat().st_size > 0
        png_width, png_height = _png_size(target)
        assert png_width == width
        assert png_height >= 800
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width == width, f"{path} scrolls sideways at {width}px ({scroll_width}px wide)"


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_password_can_be_shown_while_typed_and_is_hidden_again_on_sending(page, javascript):
    visit(page, "/account/sign-in/")
    password = page.get_by_label(uk("Password"), exact=True)
    password.fill("correct horse battery staple")
    show = page.get_by_role("button", name=uk("Show password"))
    if not javascript:  # the plain field, no button to press
        expect(show).to_be_hidden()
        assert password.get_attribute("type") == "password"
        return
    expect(show).to_have_text(pgettext_uk("password", "Show"))
    show.click()
    assert password.get_attribute("type") == "text"
    hide = page.get_by_role("button", name=uk("Hide password"))
    expect(hide).to_have_text(pgettext_uk("password", "Hide"))
    expect(page.locator(".govuk-password-input__sr-status")).to_have_text(uk("Your password is visible"))
    hide.click()
    assert password.get_attribute("type") == "password"
    show.click()
    assert password.get_attribute("type") == "text"
    # Sent while shown: the field is a password again before the browser leaves the page (the server's answer
    # here is "204 No Content", so the page stays to be looked at).
    page.route(
        "**/account/sign-in/",
        lambda route: route.fulfill(status=204) if route.request.method == "POST" else route.continue_(),
    )
    page.get_by_label(uk("E-mail address"), exact=True).fill("nobody@example.org")
    with page.expect_request(lambda request: request.method == "POST"):
        page.get_by_role("button", name=uk("Continue"), exact=True).click()
    expect(password).to_have_attribute("type", "password")
    assert_no_problems(page)


def pgettext_uk(context: str, message: str) -> str:
    with override("uk"):
        return pgettext(context, message)
