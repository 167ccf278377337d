"""The audit trail for auditors: the records about the organisations their role reaches (all of them for the
platform administrator), filtered by person, official, case, organisation, action and time, newest first, a page
at a time or as CSV. Every look and every export is itself recorded. Officials without the auditor role get 403."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vikno.audit import selectors
from vikno.audit.services import trail_search_record
from vikno.core.access import official
from vikno.core.http import client_ip
from vikno.identity.constants import Role
from vikno.identity.models import User
from vikno.identity.selectors import organisation_of_role
from vikno.privacy.selectors import LookPurpose
from vikno.privacy.services import data_access_record

PER_PAGE = 50
EXPORT_LIMIT = 100_000
DATE_ERRORS = {"invalid": gettext_lazy("Enter a real date, like 2026-11-27")}


class AuditSearchForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Person"),
        help_text=gettext_lazy(
            "Taxpayer number (RNOKPP) or the e-mail address of their account: what they did, and what was done "
            "about them and their applications"
        ),
        required=False,
        max_length=254,
    )
    official = forms.CharField(
        label=gettext_lazy("Official"),
        help_text=gettext_lazy("E-mail address: what this official did"),
        required=False,
        max_length=254,
    )
    case = forms.CharField(
        label=gettext_lazy("Application reference number"),
        help_text=gettext_lazy("The case, its fee and payments, messages and result"),
        required=False,
        max_length=20,
    )
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=selectors.auditor_organisations(scope=set()),
        required=False,
        empty_label=gettext_lazy("All you audit"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the organisations you audit")},
    )
    action = forms.CharField(
        label=gettext_lazy("Action"),
        help_text=gettext_lazy(
            "Or its beginning: applications.submitted, or applications. for every action on applications"
        ),
        required=False,
        max_length=100,
    )
    start = forms.DateField(
        label=gettext_lazy("From date"),
        help_text=gettext_lazy("For example, 2026-11-01"),
        required=False,
        error_messages=DATE_ERRORS,
    )
    end = forms.DateField(
        label=gettext_lazy("To date"),
        help_text=gettext_lazy("For example, 2026-11-30 (the whole day is included)"),
        required=False,
        error_messages=DATE_ERRORS,
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, scope: set | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["organisation"].queryset = selectors.auditor_organisations(scope=scope)  # type: ignore[attr-defined]

    def clean_person(self):
        text = self.cleaned_data["person"].strip()
        if not text:
            return None
        person = selectors.person_find(text)
        # The same answer whether the person has no account or only records the auditor may not read: whether a
        # taxpayer number or an address has an account anywhere is not the auditor's to learn.
        if (
            person is None
            or not selectors.records_for_auditor(scope=self.scope, filters=selectors.Filters(person=person)).exists()
        ):
            raise forms.ValidationError(
                _("None of the organisations you audit has records about a person with this taxpayer number or e-mail")
            )
        return person

    def clean_official(self):
        text = self.cleaned_data["official"].strip()
        if not text:
            return None
        found = selectors.official_find(text)
        if found is None:
            raise forms.ValidationError(_("No official has this e-mail address"))
        return found

    def clean_case(self):
        text = self.cleaned_data["case"].strip()
        if not text:
            return None
        # The same answer whether the case is elsewhere or nowhere: its existence is not the auditor's to learn.
        found = selectors.case_find(reference=text, scope=self.scope)
        if found is None:
            raise forms.ValidationError(_("None of the organisations you audit has a case with this reference number"))
        return found

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be the same as or after the start date"))
        return data

    def filters(self) -> selectors.Filters:
        data = self.cleaned_data
        return selectors.Filters(
            person=data["person"],
            official=data["official"],
            case=data["case"],
            organisation=data["organisation"],
            action=data["action"].strip(),
            start=data["start"],
            end=data["end"],
        )


def _scope(request: HttpRequest) -> set | None:
    scope = selectors.auditor_scope(user=request.user)
    if scope is not None and not scope:
        raise PermissionDenied(_("Only auditors can read the audit trail."))
    return scope


@official
@never_cache
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponseBase:
    scope = _scope(request)
    if request.method == "POST":
        return _search_posted(request, scope)
    form = AuditSearchForm(request.GET, scope=scope)
    if not form.is_valid():
        return render(request, "backoffice/audit/search.html", {"form": form, "rows": None}, status=400)
    filters = form.filters()
    found = selectors.records_for_auditor(scope=scope, filters=filters)
    query = request.GET.copy()
    for name in ("before", "format"):
        query.pop(name, None)
    if request.GET.get("format") == "csv":
        _searched(request, filters, shown=None, exported=True)
        response = StreamingHttpResponse(_csv_lines(found[:EXPORT_LIMIT]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y-%m-%d}.csv"'
        return response
    before = form.cleaned_data["before"]
    if before:
        found = found.filter(sequence__lt=before)
    page = list(found[: PER_PAGE + 1])
    rows = page[:PER_PAGE]
    _searched(request, filters, shown=len(rows), exported=False)
    references = selectors.references_of(rows)
    context = {
        "form": form,
        "rows": [(entry, references.get(entry.object_id)) for entry in rows],
        "older": rows[-1].sequence if len(page) > PER_PAGE else None,
        "paged": bool(before),
        "filter_query": query.urlencode(),
        "export_limit": EXPORT_LIMIT,
    }
    return render(request, "backoffice/audit/search.html", context)


@transaction.atomic
def _searched(request: HttpRequest, filters: selectors.Filters, *, shown: int | None, exported: bool) -> None:
    """The search goes into the trail; a search by person is also a look at their data, in their "who looked"
    log (as the auditor, for the organisation where they hold the role)."""
    auditor: User = request.user  # type: ignore[assignment]
    if filters.person is not None:
        data_access_record(
            official=auditor,
            subject=filters.person,
            target=filters.person,
            purpose=LookPurpose.AUDIT,
            organisation=organisation_of_role(user=auditor, roles=(Role.AUDITOR,)),
            role=Role.AUDITOR,
        )
    trail_search_record(auditor=auditor, filters=filters, shown=shown, exported=exported, source_ip=client_ip(request))


def _search_posted(request: HttpRequest, scope) -> HttpResponseBase:
    """The search form is posted, so that a taxpayer number or an e-mail typed in it never appears in an address
    (addresses end up in proxies' and browsers' logs and history); its result page is the same search by the
    account's id."""
    form = AuditSearchForm(request.POST, scope=scope)
    if not form.is_valid():
        return render(request, "backoffice/audit/search.html", {"form": form, "rows": None}, status=400)
    query = QueryDict(mutable=True)
    for name in ("person", "official", "case", "organisation", "action", "start", "end"):
        value = request.POST.get(name, "").strip()
        if value:
            query[name] = value
    if form.cleaned_data["person"] is not None:
        query["person"] = str(form.cleaned_data["person"].pk)
    return redirect(f"{reverse('backoffice:audit')}?{query.urlencode()}")


CSV_HEADER = [
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "on_behalf_of",
    "source_ip",
    "reason",
    "details",
    "record_hash",
]


class _Line:
    """csv.writer writes into this and gets the line back."""

    def write(self, text: str) -> str:
        return text


def _csv_safe(text: str) -> str:
    """Text that people typed must not run as a formula when the file is opened in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_lines(records) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(CSV_HEADER)
    for entry in records.iterator(chunk_size=2000):
        details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True)
        yield writer.writerow(
            [
                entry.sequence,
                timezone.localtime(entry.occurred_at).isoformat(),
                entry.actor_id or "",
                _csv_safe(entry.actor.email if entry.actor else ""),
                _csv_safe(entry.action),
                _csv_safe(entry.object_type),
                _csv_safe(entry.object_id),
                _csv_safe(entry.on_behalf_of),
                entry.source_ip or "",
                _csv_safe(entry.reason),
                _csv_safe(details),
                entry.record_hash,
            ]
        )
