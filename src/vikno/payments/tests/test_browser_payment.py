"""Paying an application's fee in Chromium at the sandbox acquirer (a real process on a free port), with the
signed callback reaching the live server: a plain card, a declined card then a good one, and 3-D Secure. Zero
axe-core violations and no policy violation on the portal's pages of the way; the receipt is a valid signed PDF.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import cast
from urllib.parse import urlsplit

import pytest
from django.utils import dateformat
from django.utils.translation import override
from playwright.sync_api import Page

from vikno.applications.models import Application
from vikno.applications.tests.browser_steps import assert_page_is_clean, button, signed_in, submit, uk
from vikno.applications.tests.test_services import filled
from vikno.conf.base import content_security_policy
from vikno.core.money import Money
from vikno.core.tests.workers import wait_until
from vikno.documents.tests import pki
from vikno.documents.verification import verify_pdf
from vikno.payments.models import Fee, Payment, PaymentEvent
from vikno.payments.receipts import receipt_issue
from vikno.payments.tests.conftest import ACCOUNT_IBAN, FEE, FEE_AMOUNT
from vikno.payments.tests.sandbox import DECLINED, SUCCESS, THREE_DS, THREE_DS_CODE, Sandbox, running_sandbox
from vikno.payments.tests.sandbox import DEMO_PRIVATE_KEY as PRIVATE_KEY
from vikno.payments.tests.sandbox import DEMO_PUBLIC_KEY as PUBLIC_KEY
from vikno.web.tests import conftest as web
from vikno.web.tests.browser import ChromiumSession, visit
from vikno.web.tests.test_security_headers import FRONTEND_STARTED, CspWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The web app's browser fixtures (one Chromium per session, a page per test, the live server); the test PKI.
chromium, javascript, page, portal_url = web.chromium, web.javascript, web.page, web.portal_url
documents_pki, signing_pki = pki.documents_pki, pki.signing_pki

PURPOSE = cast(dict[str, str], FEE["purpose"])["uk"]
DECLARATION = (
    "I confirm that the information I gave is correct and complete, and I know that giving false information is an "
    "offence."
)


def amount() -> str:
    with override("uk"):
        return str(Money(FEE_AMOUNT))


def long_date(day: dt.date, form: str = "l, j E Y") -> str:
    with override("uk"):
        return dateformat.format(day, form)


def path_of(tab: Page) -> str:
    return urlsplit(tab.url).path


@contextmanager
def outside_the_browser_loop(session: ChromiumSession) -> Iterator[None]:
    """pyHanko signs and validates with asyncio.run(), refused inside the loop Playwright marks as running."""
    session.release()
    try:
        yield
    finally:
        session.acquire()


@pytest.fixture
def acquirer(tmp_path, settings, portal_url) -> Iterator[Sandbox]:
    """The sandbox acquirer, and the portal pointed at it: its checkout and API, the merchant's keys, the policy
    letting forms post to it, and SITE_URL (the callback's server_url) at the live server."""
    with running_sandbox({PUBLIC_KEY: PRIVATE_KEY}, db_path=tmp_path / "acquirer.sqlite3") as sandbox:
        settings.LIQPAY_CHECKOUT_URL = sandbox.checkout_url
        settings.LIQPAY_API_URL = sandbox.api_url
        settings.LIQPAY_PUBLIC_KEY, settings.LIQPAY_PRIVATE_KEY = PUBLIC_KEY, PRIVATE_KEY
        settings.SITE_URL = portal_url
        settings.CONTENT_SECURITY_POLICY = content_security_policy(settings.EID_PROVIDERS, (sandbox.checkout_url,))
        yield sandbox


@pytest.fixture
def tab(page, portal_url, applicant) -> Page:
    """The citizen's browser tab, signed in."""
    signed_in(page, portal_url, applicant)
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_citizen_sends_pays_by_card_and_downloads_the_receipt(
    tab, chromium, javascript, acquirer, applicant, fee_service, fee_account, signing_pki
):
    page, watch = tab, CspWatch(tab)
    application = filled(applicant, fee_service)
    visit(page, f"/applications/{application.pk}/check/")
    assert page.evaluate(FRONTEND_STARTED) is javascript
    assert page.locator("#fee").inner_text() == uk(
        "Applying costs %(amount)s (%(purpose)s). You pay it after sending, by card or by bank transfer; the "
        "application goes to the authority once it is paid.",
        amount=amount(),
        purpose=PURPOSE,
    )
    page.get_by_label(uk(DECLARATION), exact=True).check()
    submit(page, button(page, uk("Accept, send and pay")))
    application.refresh_from_db()
    assert (application.state, application.due_date) == ("awaiting_payment", None)
    assert path_of(page) == f"/cabinet/applications/{application.pk}/pay/"  # sent straight on to paying

    _from_the_application_to_the_bank(page, watch, application, acquirer)
    _pay_at_the_sandbox(page, acquirer, SUCCESS)
    _payment_received(page, watch, application)
    payment = Payment.objects.get()
    _callback_reached_the_portal(payment, "success", acquirer)

    submit(page, page.get_by_role("link", name=uk("Follow your application in your account"), exact=True))
    application.refresh_from_db()
    assert application.state == "submitted" and application.due_date is not None
    assert page.locator("#status").inner_text() == "Отримано"
    assert page.locator("#due-date").inner_text() == long_date(application.due_date)
    assert page.locator("#fee").inner_text() == f"{amount()} · {uk('paid')} {uk('Your payments')}"
    assert page.locator("#pay-link").count() == 0
    assert_page_is_clean(page, watch)

    # The receipt's task (enqueued, not run: the tasks here go to the database queue) issues the signed PDF.
    payment.refresh_from_db()
    assert payment.receipt_id is None
    with outside_the_browser_loop(chromium):
        assert receipt_issue(payment_id=str(payment.pk)) is not None
    payment.refresh_from_db()
    assert payment.receipt is not None
    visit(page, "/cabinet/payments/")
    row = page.locator(f"#payment-{payment.pk}")
    cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
    purpose = "\n".join([PURPOSE, str(application.reference), uk("Card")])
    assert cells[1:] == [purpose, amount(), uk("Paid"), uk("Download (PDF, signed)")]
    assert_page_is_clean(page, watch)
    with page.expect_download() as downloading:
        row.get_by_role("link", name=uk("Download (PDF, signed)"), exact=True).click()
    download = downloading.value
    assert download.failure() is None
    assert download.suggested_filename == f"receipt-{application.reference}.pdf"
    with open(download.path(), "rb") as handle:
        receipt = handle.read()
    assert receipt.startswith(b"%PDF-")
    with outside_the_browser_loop(chromium):
        assert verify_pdf(data=receipt).status == "valid"


def test_a_declined_card_then_a_good_one_pays_the_fee_once(tab, acquirer, awaiting, fee_account):
    page, watch = tab, CspWatch(tab)
    _from_the_application_to_the_bank(page, watch, awaiting, acquirer)
    _pay_at_the_sandbox(page, acquirer, DECLINED)
    assert path_of(page) == f"/cabinet/applications/{awaiting.pk}/pay/returned/"
    assert page.locator("h1").inner_text() == uk("The payment did not go through")
    assert page.locator("#try-again").inner_text() == uk("Try again")
    assert_page_is_clean(page, watch)
    awaiting.refresh_from_db()
    assert awaiting.state == "awaiting_payment"

    submit(page, page.locator("#try-again"))
    assert path_of(page) == f"/cabinet/applications/{awaiting.pk}/pay/"
    _to_the_bank(page, watch)
    _pay_at_the_sandbox(page, acquirer, SUCCESS)
    _payment_received(page, watch, awaiting)

    failed, paid = Payment.objects.order_by("created_at")
    assert (failed.state, paid.state) == ("failed", "paid")
    assert failed.order_id != paid.order_id
    _callback_reached_the_portal(failed, "failure", acquirer)
    _callback_reached_the_portal(paid, "success", acquirer)
    fee = Fee.objects.get()
    assert (fee.paid_amount, fee.paid_at) == (FEE_AMOUNT, paid.paid_at)
    assert PaymentEvent.objects.filter(to_state="paid", outcome="applied").count() == 1
    awaiting.refresh_from_db()
    assert awaiting.state == "submitted"


def test_a_card_with_3d_secure_pays_after_the_code(tab, acquirer, awaiting, fee_account):
    page, watch = tab, CspWatch(tab)
    _from_the_application_to_the_bank(page, watch, awaiting, acquirer)
    _pay_at_the_sandbox(page, acquirer, THREE_DS)
    assert page.url.startswith(acquirer.url + "/checkout/") and path_of(page).endswith("/3ds")
    page.locator("#code").fill(THREE_DS_CODE)
    submit(page, page.locator("main form button[type=submit]"))
    _payment_received(page, watch, awaiting)
    payment = Payment.objects.get()
    assert payment.state == "paid"
    _callback_reached_the_portal(payment, "success", acquirer)


def _from_the_application_to_the_bank(tab: Page, watch: CspWatch, application: Application, sandbox: Sandbox) -> None:
    """The application's page asks for the fee; the pay page tells how much and both ways to pay; the card
    button leads to the sandbox's checkout."""
    visit(tab, f"/cabinet/applications/{application.pk}/")
    assert tab.locator("#status").inner_text() == uk("Waiting for the fee to be paid")
    assert tab.locator("#due-date").inner_text() == uk("Counted from the day the fee is paid")
    banner = tab.get_by_role("region", name=uk("You need to act"))
    assert banner.locator(".govuk-notification-banner__heading").inner_text() == uk(
        "Pay the fee of %(amount)s to send your application to the authority.", amount=amount()
    )
    assert_page_is_clean(tab, watch)
    submit(tab, banner.get_by_role("link", name=uk("Pay the fee"), exact=True))

    assert path_of(tab) == f"/cabinet/applications/{application.pk}/pay/"
    assert tab.locator("h1").inner_text() == uk("Pay the fee")
    assert tab.locator("#fee-amount").inner_text() == amount() == "25,74 грн"
    assert tab.locator("#iban").inner_text() == ACCOUNT_IBAN
    assert tab.locator("#payment-purpose").inner_text() == f"заява {application.reference}; {PURPOSE}"
    _to_the_bank(tab, watch)
    assert tab.get_by_text(f"{PURPOSE} ({application.reference})", exact=True).count() == 1
    assert tab.get_by_text("25.74 UAH", exact=True).count() == 1


def _to_the_bank(tab: Page, watch: CspWatch) -> None:
    """From the pay page (checked clean) through the page with the signed form to the acquirer's."""
    assert_page_is_clean(tab, watch)
    submit(tab, button(tab, uk("Pay %(amount)s by card", amount=amount())))
    assert path_of(tab).endswith("/pay/card/")
    assert tab.locator("h1").inner_text() == uk("Continue to the payment page")
    paying = uk("You are paying %(amount)s on the bank's secure page. Have your card ready.", amount=amount())
    assert paying in tab.locator("main").inner_text()
    hidden = tab.locator("#checkout input[type=hidden]").evaluate_all("(all) => all.map((i) => i.name).sort()")
    assert hidden == ["data", "signature"]
    assert_page_is_clean(tab, watch)
    submit(tab, tab.locator("#continue-to-bank"))


def _pay_at_the_sandbox(tab: Page, sandbox: Sandbox, card: str) -> None:
    assert tab.url.startswith(sandbox.url + "/checkout/"), tab.url
    tab.locator("#card").fill(card)
    tab.locator("#expiry").fill(f"12/{(date.today().year + 2) % 100:02d}")
    tab.locator("#cvv").fill("123")
    submit(tab, tab.locator("main form button[type=submit]"))


def _payment_received(tab: Page, watch: CspWatch, application: Application) -> None:
    assert path_of(tab) == f"/cabinet/applications/{application.pk}/pay/returned/"
    assert tab.locator(".govuk-panel__title").inner_text() == uk("Payment received")
    assert tab.locator("#reference").inner_text() == application.reference
    application.refresh_from_db()
    assert application.due_date is not None
    due = uk("You will get a decision by %(due)s.", due=long_date(application.due_date, "j E Y"))
    assert due in tab.locator("main").inner_text()
    assert_page_is_clean(tab, watch)


def _callback_reached_the_portal(payment: Payment, status: str, sandbox: Sandbox) -> None:
    """The sandbox's signed callback came to the live server (it may come after the browser: a bounded wait)."""
    arrived = wait_until(
        lambda: PaymentEvent.objects.filter(payment=payment, source="callback", provider_status=status).exists(),
        timeout=15,
    )
    assert arrived, f"no {status} callback for {payment.order_id}:\n{sandbox.log()}"
