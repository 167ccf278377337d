"""Headless Chromium (Debian's, through Playwright) and axe-core, for the browser and accessibility tests.

The Playwright sync API runs an asyncio event loop in a greenlet of the calling thread and marks that loop as
"running" in the thread between calls. Django then refuses ORM calls in the thread ("SynchronousOnlyOperation"),
and ``asyncio.run()`` or ``async_to_sync`` refuse to start. ``ChromiumSession`` therefore marks the loop only
while a browser test runs (``acquire``/``release``), so the tests that run after the browser tests in the same
session never see it.
"""

import asyncio
import functools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

REPO_ROOT = Path(settings.BASE_DIR)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CSS_PATH = "/static/vikno/vikno.css"
CSS_FILE = REPO_ROOT / "src" / "vikno" / "web" / "static" / "vikno" / "vikno.css"
TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}, and it is missing. "
            "Run `make system-deps` (as root) to install it, then run the tests again.",
            pytrace=False,
        )


def require_axe() -> None:
    if not AXE_SCRIPT.exists():
        pytest.fail(
            f"axe-core is missing ({AXE_SCRIPT.relative_to(REPO_ROOT)}). Run `make setup` (npm ci) to install it.",
            pytrace=False,
        )


def require_built_css() -> None:
    if not CSS_FILE.exists() or CSS_FILE.stat().st_size == 0:
        pytest.fail(
            f"The portal's CSS is not built ({CSS_FILE.relative_to(REPO_ROOT)} is missing). "
            "Run `npm run build` (or `make setup`) and run the tests again.",
            pytrace=False,
        )


class ChromiumSession:
    """One Playwright driver and one Chromium for the whole test session; a fresh context per test."""

    def __init__(self) -> None:
        require_chromium()
        self._saved_async_unsafe: str | None = None
        self._acquired = True  # Playwright marks its loop as running as soon as it starts
        self.playwright: Playwright = sync_playwright().start()
        try:
            self.browser: Browser = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Exception:
            self.playwright.stop()
            asyncio.events._set_running_loop(None)
            raise
        # The loop Playwright runs and marks as running in this thread after each call (module docstring).
        self._loop = asyncio.events._get_running_loop()
        assert self._loop is not None, "Playwright's sync API no longer marks its event loop as running"
        self.release()

    def acquire(self) -> None:
        """Before a test drives the browser: the loop runs again, and the test may still use the ORM."""
        if self._acquired:
            return
        asyncio.events._set_running_loop(self._loop)
        self._saved_async_unsafe = os.environ.get(ASYNC_UNSAFE)
        os.environ[ASYNC_UNSAFE] = "true"
        self._acquired = True

    def release(self) -> None:
        """After a test: nothing in this thread looks as if it ran inside an event loop."""
        if not self._acquired:
            return
        asyncio.events._set_running_loop(None)
        if self._saved_async_unsafe is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = self._saved_async_unsafe
        self._saved_async_unsafe = None
        self._acquired = False

    def close(self) -> None:
        self.acquire()
        try:
            self.browser.close()
        finally:
            self.playwright.stop()  # ends the loop; run_forever() clears the mark on its way out
            self.release()


@contextmanager
def chromium_session() -> Iterator[ChromiumSession]:
    """Launch Chromium once; use from a session-scoped fixture."""
    session = ChromiumSession()
    try:
        yield session
    finally:
        session.close()


@dataclass
class PageState:
    """Whether the page runs scripts, and what went wrong while it loaded (failed resources, script errors)."""

    javascript: bool
    items: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        def on_response(response: Response) -> None:
            if response.request.resource_type != "document" and response.status >= 400:
                self.items.append(f"{response.status} for {response.request.resource_type} {response.url}")

        page.on("response", on_response)
        page.on("requestfailed", self._on_request_failed)
        page.on("pageerror", lambda error: self.items.append(f"JavaScript error: {error}"))
        page.on("console", self._on_console)

    def _on_request_failed(self, request: Request) -> None:
        if request.failure != "net::ERR_ABORTED":  # cancelled by a navigation, not an error of the server
            self.items.append(f"failed: {request.url} ({request.failure})")

    def _on_console(self, message: ConsoleMessage) -> None:
        # A resource that failed to load is already reported from its response (above); the page itself may
        # answer 4xx on purpose.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.items.append(f"console error: {message.text}")


_pages: dict[int, PageState] = {}


@contextmanager
def open_page(browser: Browser, *, base_url: str, javascript: bool, **options) -> Iterator[Page]:
    """A page in a fresh context (no cookies, no cache shared with other tests)."""
    context: BrowserContext = browser.new_context(
        base_url=base_url,
        java_script_enabled=javascript,
        locale="uk-UA",
        timezone_id="Europe/Kyiv",
        viewport={"width": 1280, "height": 900},
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    state = _pages[id(page)] = PageState(javascript=javascript)
    state.watch(page)
    try:
        yield page
    finally:
        _pages.pop(id(page), None)
        context.close()


def visit(page: Page, path: str, *, status: int = 200) -> Response:
    """Open a path of the live server; the page answers with ``status`` and everything it loads, loads."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path} answered {response.status}, expected {status}"
    assert_no_problems(page)
    return response


def assert_no_problems(page: Page) -> None:
    state = _pages.get(id(page))
    if state is not None and state.items:
        found, state.items = state.items, []
        raise AssertionError(f"while loading {page.url}:\n  " + "\n  ".join(found))


# axe-core schedules its work with setTimeout, and timers never fire on a page whose scripts are disabled.
# For such a page (its DOM is exactly what a visitor without JavaScript gets, since no page script ran),
# axe's short timers run as microtasks (which do run in evaluated code) and its long watchdog timers are
# dropped. The page's own setTimeout is put back afterwards.
_RUN_AXE = """async ({ tags, scriptsRun }) => {
  const saved = { setTimeout: window.setTimeout, clearTimeout: window.clearTimeout };
  if (!scriptsRun) {
    window.setTimeout = (callback, delay, ...args) => {
      if (!(delay > 1)) Promise.resolve().then(() => callback(...args));
      return 0;
    };
    window.clearTimeout = () => {};
  }
  try {
    const results = await window.axe.run(document, {
      runOnly: { type: "tag", values: tags },
      resultTypes: ["violations"],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
  } finally {
    Object.assign(window, saved);
  }
}"""


class AxeViolations(list):
    """The violations axe found (a list of dicts), with a summary that reads well in an assertion message."""

    def __init__(self, violations: list[dict], *, url: str, scripts_run: bool) -> None:
        super().__init__(violations)
        self.url = url
        self.scripts_run = scripts_run

    def summary(self) -> str:
        if not self:
            return f"no axe violations on {self.url}"
        mode = "JavaScript on" if self.scripts_run else "JavaScript off"
        lines = [f"{len(self)} axe violation(s) on {self.url} ({mode}):"]
        for violation in self:
            lines.append(f"- {violation['id']} [{violation['impact']}] {violation['help']} ({violation['helpUrl']})")
            for node in violation["nodes"]:
                lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
                summary = (node["failureSummary"] or "").replace("\n", " ")
                lines.append(f"      {summary[:400]}")
        return "\n".join(lines)

    __str__ = summary


@functools.cache
def _axe_source() -> str:
    require_axe()
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page) -> AxeViolations:
    """Run axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) on the page as it is now."""
    scripts_run = _pages[id(page)].javascript if id(page) in _pages else True
    arguments = json.dumps({"tags": AXE_TAGS, "scriptsRun": scripts_run})
    # One script: axe itself, then the run. Evaluated as a script, not through eval(), which a
    # Content-Security-Policy may forbid; one round trip to the browser instead of two.
    script = f"{_axe_source()}\n;({_RUN_AXE})({arguments})"
    return AxeViolations(page.evaluate(script), url=page.url, scripts_run=scripts_run)
