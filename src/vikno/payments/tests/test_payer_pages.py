"""The payer's pages and what officials see of a fee on the case: only one's own payments, the way back from the
acquirer tells what happened, and the case says when the law returns the fee."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from vikno.applications.constants import SUBMITTED
from vikno.applications.models import Application
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.payments import receipts, services
from vikno.payments.models import Payment
from vikno.payments.tests.conftest import acquirer_says

pytestmark = pytest.mark.django_db

CALLBACK = "/payments/liqpay/callback/"


def paid(awaiting, client) -> Payment:
    payment, _checkout = services.card_checkout_start(
        fee=awaiting.fee, language="uk", result_url="http://testserver/", server_url="http://testserver/"
    )
    assert client.post(CALLBACK, acquirer_says(payment, "success")).status_code == 200
    payment.refresh_from_db()
    return payment


@pytest.fixture
def payer(client, applicant):
    sign_in_citizen(client, applicant)
    return client


def test_paying_by_card_hands_the_payer_a_signed_form_for_the_acquirer(payer, awaiting, settings):
    page = payer.post(f"/cabinet/applications/{awaiting.pk}/pay/card/").content.decode()
    payment = Payment.objects.get()
    assert f'<form method="post" action="{settings.LIQPAY_CHECKOUT_URL}" id="checkout">' in page
    assert 'name="data"' in page and 'name="signature"' in page
    assert "Ви сплачуєте 25,74 грн на захищеній сторінці банку." in page
    # Going back and paying again resumes the same payment.
    payer.post(f"/cabinet/applications/{awaiting.pk}/pay/card/")
    assert Payment.objects.get() == payment
    pay_page = payer.get(f"/cabinet/applications/{awaiting.pk}/pay/").content.decode()
    assert "Ви вже почали оплату карткою." in pay_page


def test_coming_back_from_the_acquirer_tells_what_happened(payer, awaiting, client):
    returned = f"/cabinet/applications/{awaiting.pk}/pay/returned/"
    payment, _checkout = services.card_checkout_start(
        fee=awaiting.fee, language="uk", result_url="http://testserver/", server_url="http://testserver/"
    )
    Client().post(CALLBACK, acquirer_says(payment, "failure"))
    page = payer.get(returned).content.decode()
    assert '<h1 class="govuk-heading-xl">Оплата не пройшла</h1>' in page and 'id="try-again"' in page
    second, _checkout = services.card_checkout_start(
        fee=awaiting.fee, language="uk", result_url="http://testserver/", server_url="http://testserver/"
    )
    Client().post(CALLBACK, acquirer_says(second, "success"))
    page = payer.get(returned).content.decode()
    assert '<h1 class="govuk-panel__title">Оплату отримано</h1>' in page
    assert f'<strong id="reference">{awaiting.reference}</strong>' in page
    assert payer.get(f"/cabinet/applications/{awaiting.pk}/pay/")["Location"] == f"/cabinet/applications/{awaiting.pk}/"


def test_a_callback_arriving_while_the_page_is_read_still_shows_the_payment_received(payer, awaiting, monkeypatch):
    """The acquirer's callback commits after the page has read the fee and before it reads the payment (the race
    the browser test once lost): the payer sees the payment received, never "did not go through"."""
    from vikno.payments import views

    payment, _checkout = services.card_checkout_start(
        fee=awaiting.fee, language="uk", result_url="http://testserver/", server_url="http://testserver/"
    )
    read_fee = views._fee

    def fee_then_callback(request, application_id):
        fee = read_fee(request, application_id)
        assert Client().post(CALLBACK, acquirer_says(payment, "success")).status_code == 200
        return fee

    monkeypatch.setattr(views, "_fee", fee_then_callback)
    page = payer.get(f"/cabinet/applications/{awaiting.pk}/pay/returned/").content.decode()
    assert '<h1 class="govuk-panel__title">Оплату отримано</h1>' in page
    assert "Оплата не пройшла" not in page


def test_the_payments_list_and_receipts_are_the_payers_own(payer, awaiting, signing_pki):
    payment = paid(awaiting, Client())
    receipts.receipt_issue(payment_id=str(payment.pk))
    mine = payer.get("/cabinet/payments/").content.decode()
    assert f'id="payment-{payment.pk}"' in mine and "25,74 грн" in mine and "Сплачено" in mine
    receipt = payer.get(f"/cabinet/payments/{payment.pk}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt["Content-Disposition"] == f'attachment; filename="receipt-{awaiting.reference}.pdf"'

    someone_else = Client()
    sign_in_citizen(someone_else, citizen(email="other@example.com"))
    assert f"payment-{payment.pk}" not in someone_else.get("/cabinet/payments/").content.decode()
    assert someone_else.get(f"/cabinet/payments/{payment.pk}/receipt.pdf").status_code == 404
    assert someone_else.get(f"/cabinet/applications/{awaiting.pk}/pay/").status_code == 404
    assert someone_else.post(f"/cabinet/applications/{awaiting.pk}/pay/card/").status_code == 404
    assert Payment.objects.count() == 1


def test_the_case_shows_the_fee_and_when_the_law_returns_it(awaiting, supervisor):
    payment = paid(awaiting, Client())
    Application.objects.filter(pk=awaiting.pk).update(state="refused", outcome="refusal")
    official = Client()
    sign_in_official(official, supervisor)
    page = official.get(f"/office/cases/{awaiting.pk}/?purpose=supervision").content.decode()
    assert f'href="/office/payments/{payment.pk}/">Картка, 25,74 грн: Сплачено</a>' in page
    assert 'id="fee-to-return"' in page
    Application.objects.filter(pk=awaiting.pk).update(state=SUBMITTED, outcome="")
    page = official.get(f"/office/cases/{awaiting.pk}/?purpose=supervision").content.decode()
    assert 'id="fee-to-return"' not in page


def test_an_unpaid_application_can_be_withdrawn_once_no_card_payment_is_with_the_bank(payer, awaiting, at):
    payment, _checkout = services.card_checkout_start(
        fee=awaiting.fee, language="uk", result_url="http://testserver/", server_url="http://testserver/"
    )
    page = payer.get(f"/cabinet/applications/{awaiting.pk}/").content.decode()
    assert f'href="/cabinet/applications/{awaiting.pk}/withdraw/"' in page
    refused = payer.post(f"/cabinet/applications/{awaiting.pk}/withdraw/", {"reason": "Передумала"})
    assert refused.status_code == 400
    assert "Платіж карткою за цією заявою ще в банку." in refused.content.decode()
    at(payment.expires_at + dt.timedelta(minutes=1))
    assert payer.post(f"/cabinet/applications/{awaiting.pk}/withdraw/", {"reason": "Передумала"}).status_code == 302
    awaiting.refresh_from_db()
    assert (awaiting.state, awaiting.outcome) == ("withdrawn", "withdrawn")


def test_money_that_arrives_for_a_withdrawn_application_is_flagged_to_be_returned(awaiting, client, at):
    from vikno.applications import services as application_services
    from vikno.payments.reconciliation import reconciliation

    payment, _checkout = services.card_checkout_start(
        fee=awaiting.fee, language="uk", result_url="http://testserver/", server_url="http://testserver/"
    )
    at(payment.expires_at + dt.timedelta(minutes=1))
    application_services.application_withdraw(application=awaiting, actor=awaiting.applicant, reason="Передумала")
    assert client.post(CALLBACK, acquirer_says(payment, "success")).status_code == 200  # the bank, late
    awaiting.refresh_from_db()
    assert awaiting.state == "withdrawn"  # it does not come back to life
    day = timezone.localtime(payment.expires_at + dt.timedelta(minutes=1)).date()
    rows = reconciliation(organisation_id=awaiting.organisation_id, day=day).rows
    assert [(r.category, r.needs_attention) for r in rows] == [("withdrawn", True)]
