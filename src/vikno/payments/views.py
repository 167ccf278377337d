"""The payer's pages: paying an application's fee (card or bank transfer), coming back from the acquirer, the
list of their payments and the receipts."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vikno.core.access import citizen
from vikno.documents.selectors import document_open
from vikno.payments import polling, selectors, services
from vikno.payments.exceptions import PaymentRefused
from vikno.payments.models import Fee


def _fee(request: HttpRequest, application_id) -> Fee:
    fee = selectors.fee_for_citizen(citizen=request.user, application_id=application_id)
    if fee is None:
        raise Http404
    return fee


@citizen
@never_cache
@require_GET
def pay(request: HttpRequest, application_id) -> HttpResponse:
    """How much, what for, and the two ways to pay."""
    fee = _fee(request, application_id)
    if fee.is_paid:
        return redirect("applications:detail", fee.application_id)
    context = {
        "fee": fee,
        "application": fee.application,
        "account": selectors.fee_account_for(fee=fee),
        "open_card_payment": selectors.card_payment_in_progress(application=fee.application),
    }
    return render(request, "payments/pay.html", context)


@citizen
@never_cache
@require_POST
def pay_by_card(request: HttpRequest, application_id) -> HttpResponse:
    """Start (or resume) the card payment and hand the payer to the acquirer's page with a signed form."""
    fee = _fee(request, application_id)
    try:
        payment, checkout = services.card_checkout_start(
            fee=fee,
            language=translation.get_language() or "uk",
            result_url=request.build_absolute_uri(reverse("payments:returned", args=[fee.application_id])),
            server_url=settings.SITE_URL + reverse("payment-callbacks:liqpay"),  # the address the acquirer reaches
        )
    except PaymentRefused:
        return redirect("applications:detail", fee.application_id)
    return render(request, "payments/to_acquirer.html", {"fee": fee, "payment": payment, "checkout": checkout})


@citizen
@never_cache
@require_GET
def returned(request: HttpRequest, application_id) -> HttpResponse:
    """Where the acquirer sends the payer back. The browser's word is not proof of payment: the portal asks the
    acquirer itself when the callback has not arrived yet."""
    fee = _fee(request, application_id)
    payment = fee.payments.filter(method="card").order_by("-created_at").first()
    if payment is not None and payment.is_open:
        polling.payment_check(payment=payment, by_payer=True)
        payment.refresh_from_db()
    # Read after the payment: a callback committed between the two reads would otherwise show a paid payment
    # beside an unpaid fee ("did not go through").
    fee.refresh_from_db()
    return render(request, "payments/returned.html", {"fee": fee, "payment": payment, "application": fee.application})


@citizen
@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    payments = selectors.payments_for_citizen(citizen=request.user)
    return render(request, "payments/mine.html", {"payments": payments})


@citizen
@never_cache
@require_GET
def receipt(request: HttpRequest, payment_id) -> HttpResponse:
    payment = selectors.payment_for_citizen(citizen=request.user, payment_id=payment_id)
    if payment is None or payment.receipt is None:
        raise Http404
    response = HttpResponse(document_open(document=payment.receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{payment.fee.application.reference}.pdf"'
    return response
