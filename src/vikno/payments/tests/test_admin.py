"""Payments and the acquirer's reports in the admin: states, amounts and order ids, never the payer's card nor
what the acquirer sent (it carries the card and more); the back office's payment page shows those, logging the
look."""

import pytest
from django.test import Client

from vikno.identity.tests.factories import platform_admin
from vikno.identity.tests.helpers import sign_in_official
from vikno.payments import services
from vikno.payments.models import Payment, PaymentEvent
from vikno.payments.tests.conftest import acquirer_says
from vikno.privacy.models import DataAccess

pytestmark = pytest.mark.django_db

CARD = "424242*42"


@pytest.fixture
def paid(awaiting, client) -> Payment:
    payment, _checkout = services.card_checkout_start(
        fee=awaiting.fee,
        language="uk",
        result_url="http://testserver/back/",
        server_url="http://127.0.0.1:8000/payments/liqpay/callback/",
    )
    assert client.post("/payments/liqpay/callback/", acquirer_says(payment, "success")).status_code == 200
    payment.refresh_from_db()
    assert payment.card_mask == CARD  # what the pages below must not show
    return payment


@pytest.fixture
def root() -> Client:
    browser = Client()
    sign_in_official(browser, platform_admin())
    return browser


def test_the_payment_pages_show_no_card(root, paid):
    for address in ("/en/admin/payments/payment/", f"/en/admin/payments/payment/{paid.pk}/change/"):
        response = root.get(address)
        html = response.content.decode()
        assert response.status_code == 200 and paid.order_id in html
        assert CARD not in html and "Card mask" not in html, address
    change = root.get(f"/en/admin/payments/payment/{paid.pk}/change/").content.decode()
    assert "Paid" in change  # its state is there
    assert not DataAccess.objects.exists()


def test_the_acquirers_reports_show_their_outcome_not_what_was_sent(root, paid):
    event = PaymentEvent.objects.get(source="callback")
    assert event.payload["sender_card_mask2"] == CARD and event.payload["payment_id"] == 2_000_000_001
    for address in ("/en/admin/payments/paymentevent/", f"/en/admin/payments/paymentevent/{event.pk}/change/"):
        response = root.get(address)
        html = response.content.decode()
        assert response.status_code == 200 and paid.order_id in html
        for sent in (CARD, "sender_card_mask2", "2000000001", "Payload", "public_key"):
            assert sent not in html, (address, sent)
    change = root.get(f"/en/admin/payments/paymentevent/{event.pk}/change/").content.decode()
    assert "applied" in change and "success" in change
