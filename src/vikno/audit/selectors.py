"""What an auditor may read of the trail, and the trail filtered by person, official, case, organisation, action
and time.

A record is "about" an organisation when its object belongs to that organisation (a case of it, the case's fee,
payments and messages, an appeal to it, a document it issued, one of its services, definitions, officials,
fee account or bank statements) or when one of that organisation's officials did it. Objects are matched by
their type and id (`object_type`, `object_id`), in one query: the ids of the organisation's objects come from
subqueries, never from lists built in Python.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import CharField, Func, Q, QuerySet

from vikno.audit.models import AuditRecord
from vikno.audit.sealing import SEAL_ZONE
from vikno.core.identifiers import uuid_or_none
from vikno.identity.constants import Role
from vikno.identity.selectors import organisation_ids_for_role, person_by_rnokpp


class UuidText(Func):
    """A UUID column as the text `str(uuid)` gives (how `record()` writes object ids)."""

    output_field = CharField()
    template = "(%(expressions)s)::text"
    # Django keeps UUIDs in SQLite as 32 hex digits: the hyphens go in.
    SQLITE = " || '-' || ".join(
        f"substr(%(expressions)s, {start}, {length})" for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template=self.SQLITE, **extra_context)


def _objects(model: str, **lookup: Any) -> Q:
    """Records about the rows of `model` (an app label and model name) that match the lookup."""
    found = apps.get_model(model)
    rows = found.objects.filter(**lookup).annotate(as_text=UuidText("pk")).values("as_text")
    return Q(object_type=found._meta.label_lower, object_id__in=rows)


def about_organisations(ids) -> Q:
    """Records about these organisations (ids: a collection of organisation ids)."""
    ids = list(ids)
    return (
        Q(object_type="catalog.organisation", object_id__in=[str(pk) for pk in ids])
        | Q(actor__organisation_id__in=ids)
        | _objects("identity.User", organisation_id__in=ids)
        | _objects("applications.Application", organisation_id__in=ids)
        | _objects("applications.ServiceDefinition", service__competent_authority_id__in=ids)
        | _objects("catalog.PublicService", competent_authority_id__in=ids)
        | _objects("payments.Fee", organisation_id__in=ids)
        | _objects("payments.Payment", fee__organisation_id__in=ids)
        | _objects("payments.FeeAccount", organisation_id__in=ids)
        | _objects("payments.BankStatement", organisation_id__in=ids)
        | _objects("messaging.ApplicationMessage", application__organisation_id__in=ids)
        | _objects("appeals.Appeal", organisation_id__in=ids)
        | _objects("documents.IssuedDocument", organisation_id__in=ids)
        | _objects("feedback.Rating", organisation_id__in=ids)
        | _objects("feedback.PublicQuestion", service__competent_authority_id__in=ids)
    )


def about_person(person) -> Q:
    """What the person did, and records about them, their applications, payments, appeals, mandates and
    documents."""
    return (
        Q(actor=person)
        | Q(object_type="identity.user", object_id=str(person.pk))
        | _objects("applications.Application", applicant=person)
        | _objects("payments.Fee", payer=person)
        | _objects("payments.Payment", fee__payer=person)
        | _objects("messaging.ApplicationMessage", application__applicant=person)
        | _objects("appeals.Appeal", citizen=person)
        | _objects("identity.Mandate", representative=person)
        | _objects("documents.IssuedDocument", holder=person)
        | _objects("feedback.Rating", application__applicant=person)
    )


def about_case(application) -> Q:
    """Records about one application: the case, its fee and payments, messages, rating and result."""
    return (
        Q(object_type="applications.application", object_id=str(application.pk))
        | _objects("payments.Fee", application=application)
        | _objects("payments.Payment", fee__application=application)
        | _objects("messaging.ApplicationMessage", application=application)
        | _objects("feedback.Rating", application=application)
        | _objects(
            "documents.IssuedDocument",
            source_type="applications.application",
            source_id=str(application.pk),
        )
    )


# --- The auditor ------------------------------------------------------------------------------------------


def auditor_scope(*, user) -> set | None:
    """The organisations whose records the user may read as an auditor; None: all of them (the platform
    administrator); an empty set: none (not an auditor)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    return organisation_ids_for_role(user=user, roles=(Role.AUDITOR,))


def auditor_organisations(*, scope: set | None):
    Organisation = apps.get_model("catalog", "Organisation")
    found = Organisation.objects.all() if scope is None else Organisation.objects.filter(pk__in=scope)
    return found.order_by("name")


def person_find(text: str):
    """The account a taxpayer number, an e-mail address, or an account id (the search's own links) names, or None."""
    text = (text or "").strip()
    if not text:
        return None
    if (account_id := uuid_or_none(text)) is not None:
        return apps.get_model("identity", "User").objects.filter(pk=account_id).first()
    if "@" in text:
        return apps.get_model("identity", "User").objects.filter(email__iexact=text).order_by("date_joined").first()
    return person_by_rnokpp(text)


def official_find(email: str):
    User = apps.get_model("identity", "User")
    return User.objects.filter(email__iexact=(email or "").strip(), is_staff=True).order_by("date_joined").first()


def case_find(*, reference: str, scope: set | None):
    """The application with this reference, if the auditor's organisations include its organisation."""
    found = apps.get_model("applications", "Application").objects.filter(reference=(reference or "").strip().upper())
    if scope is not None:
        found = found.filter(organisation_id__in=scope)
    return found.first()


@dataclass(frozen=True)
class Filters:
    person: Any = None
    official: Any = None
    case: Any = None
    organisation: Any = None
    action: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def described(self) -> dict:
        """The filters as the audit record of a search keeps them: ids, never a taxpayer number or an e-mail."""
        values = {
            "person": self.person and str(self.person.pk),
            "official": self.official and str(self.official.pk),
            "case": self.case and self.case.reference,
            "organisation": self.organisation and str(self.organisation.pk),
            "action": self.action,
            "from": self.start and self.start.isoformat(),
            "to": self.end and self.end.isoformat(),
        }
        return {key: value for key, value in values.items() if value}


def records_for_auditor(*, scope: set | None, filters: Filters) -> QuerySet[AuditRecord]:
    """The records within the auditor's scope that match the filters, newest first."""
    found = AuditRecord.objects.all()
    if scope is not None:
        found = found.filter(about_organisations(scope))
    if filters.person is not None:
        found = found.filter(about_person(filters.person))
    if filters.official is not None:
        found = found.filter(actor=filters.official)
    if filters.case is not None:
        found = found.filter(about_case(filters.case))
    if filters.organisation is not None:
        found = found.filter(about_organisations([filters.organisation.pk]))
    if filters.action:
        found = found.filter(action__startswith=filters.action)
    if filters.start is not None:
        found = found.filter(occurred_at__gte=dt.datetime.combine(filters.start, dt.time.min, tzinfo=SEAL_ZONE))
    if filters.end is not None:
        end = filters.end + dt.timedelta(days=1)
        found = found.filter(occurred_at__lt=dt.datetime.combine(end, dt.time.min, tzinfo=SEAL_ZONE))
    return found.select_related("actor").order_by("-sequence")


def references_of(records) -> dict[str, str]:
    """Application references for the records about applications (one query for a page)."""
    ids = {r.object_id for r in records if r.object_type == "applications.application" and _is_uuid(r.object_id)}
    if not ids:
        return {}
    found = apps.get_model("applications", "Application").objects.filter(pk__in=ids).exclude(reference=None)
    return {str(pk): str(reference) for pk, reference in found.values_list("pk", "reference")}


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
