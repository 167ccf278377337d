"""Fees in the back office: the organisation's payments with their provider history, refunds, importing bank
statements, and the daily reconciliation (also as CSV). For the organisation's supervisors and accountants; a
payment of another organisation is not found (404), whether it exists or not."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vikno.catalog.models import Organisation
from vikno.core import clock
from vikno.core.access import official
from vikno.core.http import client_ip
from vikno.core.money import Money, minor_units_of
from vikno.payments import reconciliation as reconciling
from vikno.payments import refunds, selectors, transfers
from vikno.payments.exceptions import PaymentRefused

PER_PAGE = 50
STATEMENT_MAX_BYTES = 20 * 1024 * 1024


class StatementForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bank statement (camt.053 or camt.054 XML)"),
        error_messages={"required": gettext_lazy("Choose the statement file")},
    )


class RefundForm(forms.Form):
    # A key of this form: posted twice (a double click, a resent form), it is still one refund.
    key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    amount = forms.CharField(
        label=gettext_lazy("Amount to return, in hryvnias"),
        max_length=20,
        error_messages={"required": gettext_lazy("Enter the amount to return")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (the payer reads it)"),
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": gettext_lazy("Give the reason for the refund")},
    )

    def clean_amount(self) -> int:
        try:
            amount = minor_units_of(self.cleaned_data["amount"].replace(",", ".").replace(" ", ""))
        except ValueError as error:
            raise forms.ValidationError(_("Enter the amount in hryvnias and kopiyky, like 85.00")) from error
        if amount <= 0:
            raise forms.ValidationError(_("Enter an amount greater than zero"))
        return amount


class ReconciliationForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=gettext_lazy("Organisation")
    )
    day = forms.DateField(label=gettext_lazy("Day"), error_messages={"invalid": gettext_lazy("Enter a real date")})

    def __init__(self, *args, official_user, **kwargs):
        super().__init__(*args, **kwargs)
        ids = selectors.payment_organisation_ids(official=official_user)
        mine = Organisation.objects.filter(pk__in=ids).order_by("name")
        self.fields["organisation"].queryset = mine  # type: ignore[attr-defined]


def _organisations(request: HttpRequest):
    ids = selectors.payment_organisation_ids(official=request.user)
    if not ids:
        raise Http404  # not a payments official anywhere
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def _payments_page(request: HttpRequest, form: StatementForm, status: int = 200) -> HttpResponse:
    page = Paginator(selectors.payments_for_official(official=request.user), PER_PAGE).get_page(request.GET.get("page"))
    statements = selectors.statements_for_official(official=request.user)
    context = {"page": page, "statements": statements, "form": form}
    return render(request, "backoffice/payments/payments.html", context, status=status)


@official
@never_cache
@require_GET
def payments(request: HttpRequest) -> HttpResponse:
    _organisations(request)
    return _payments_page(request, StatementForm())


@official
@never_cache
@require_POST
def statement_upload(request: HttpRequest) -> HttpResponse:
    _organisations(request)
    form = StatementForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > STATEMENT_MAX_BYTES:
            form.add_error("file", _("The statement is larger than 20 MB."))
        else:
            try:
                imported = transfers.statement_import(
                    data=upload.read(), actor=request.user, source_ip=client_ip(request)
                )
            except transfers.ImportRefused as error:
                form.add_error("file", str(error))
            else:
                for statement in imported:
                    messages.success(
                        request,
                        _("Statement %(id)s imported: %(new)s new transactions of %(all)s.")
                        % {"id": statement.statement_id, "new": statement.new_entries, "all": statement.entries},
                    )
                return redirect("backoffice:payments")
    return _payments_page(request, form, status=400)


@official
@never_cache
@require_http_methods(["GET", "POST"])
def payment(request: HttpRequest, payment_id) -> HttpResponse:
    found = selectors.payment_for_official(official=request.user, payment_id=payment_id)
    if found is None:
        raise Http404
    form = RefundForm(request.POST or None, initial={"key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            refunds.refund_request(
                payment=found,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                official=request.user,
                source_ip=client_ip(request),
                request_key=form.cleaned_data["key"],
            )
        except PaymentRefused as error:
            form.add_error("amount", str(error))
        else:
            messages.success(request, _("The refund is on its way. The payer has been told."))
            return redirect("backoffice:payment", found.pk)
    selectors.payment_open(official=request.user, payment=found)  # the page shows the payer's payment: logged
    context = {
        "payment": found,
        "events": found.events.all(),
        "refunds": found.refunds.select_related("requested_by"),
        "refundable": refunds.refundable(found),
        "refundable_money": Money(refunds.refundable(found), found.currency),
        "form": form,
    }
    return render(request, "backoffice/payments/payment.html", context, status=400 if form.errors else 200)


@official
@never_cache
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    data = request.GET if "day" in request.GET else {"organisation": organisations[0].pk, "day": clock.today()}
    form = ReconciliationForm(data, official_user=request.user)
    if not form.is_valid():
        return render(request, "backoffice/payments/reconciliation.html", {"form": form, "report": None}, status=400)
    organisation, day = form.cleaned_data["organisation"], form.cleaned_data["day"]
    report = reconciling.reconciliation(organisation_id=organisation.pk, day=day)
    # Both the page and the CSV show what payers wrote in their transfers: each such look is logged.
    selectors.reconciliation_open(official=request.user, organisation=organisation, day=day)
    if request.GET.get("format") == "csv":
        exported = reconciling.reconciliation_export(report=report, official=request.user, source_ip=client_ip(request))
        response = HttpResponse(exported, content_type="text/csv; charset=utf-8")
        name = f"reconciliation-{organisation.code or organisation.slug}-{day:%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {
        "form": form,
        "report": report,
        "organisation": organisation,
        "day": day,
        "previous": day - dt.timedelta(days=1),
        "labels": reconciling.CATEGORY_LABELS,
    }
    return render(request, "backoffice/payments/reconciliation.html", context)
