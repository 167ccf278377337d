"""Reads of the personal-data access log, for the person whose data was looked at, and what counts as a case of
theirs still open with an organisation (an official's look then needs no notification).

The log's rows name what was opened by model label and key; `access_page` turns a page of them into words a
citizen understands ("your application 26-…"), with one query per kind of thing on the page, never per row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vikno.applications.constants import DRAFT
from vikno.applications.constants import AccessPurpose as CasePurpose
from vikno.applications.models import Application
from vikno.catalog.models import Organisation
from vikno.core import clock
from vikno.core.identifiers import uuid_or_none
from vikno.identity.constants import Role
from vikno.identity.models import Mandate, User
from vikno.messaging.appeals.constants import AppealAccessPurpose
from vikno.messaging.appeals.models import Appeal
from vikno.messaging.feedback.constants import QuestionState
from vikno.messaging.feedback.models import PublicQuestion
from vikno.payments.models import BankTransfer, Payment
from vikno.privacy.models import DataAccess, DataSubjectRequest
from vikno.privacy.rights.constants import OPEN_STATES as REQUEST_OPEN_STATES

PAGE_SIZE = 20
# A matter stays "open" this many days after it ends (a decision, an answer, moderation): the officials' looks
# that follow it (the page shown after the decision, the result issued, a fee returned, an administrative
# complaint within 30 days) belong to it and tell the person nothing new.
OPEN_AFTER_DAYS = 30


class LookPurpose(models.TextChoices):
    """Why an official looks, where the page has no purpose question of its own (each page has one reason)."""

    PAYMENT_HANDLING = "payment_handling", _("Handling your fee payment: checking it or returning money")
    PAYMENT_RECONCILIATION = "payment_reconciliation", _("Reconciling the day's fee payments with the bank")
    QUESTION_MODERATION = "question_moderation", _("Moderating your public question before it is published")
    MANDATE_ADMINISTRATION = "mandate_administration", _("Registering or revoking a mandate to act for someone")
    # The data protection officer opening the person's own request (privacy.rights.selectors).
    DATA_SUBJECT_REQUEST = "data_subject_request", _("Handling your request about your personal data")
    # An auditor reading the audit trail's records about the person (backoffice/views/audit.py).
    AUDIT = "audit", _("Auditing how your personal data was handled")


PURPOSE_LABELS: dict[str, Promise] = {
    **dict(CasePurpose.choices),
    **dict(AppealAccessPurpose.choices),
    **dict(LookPurpose.choices),
}


def purpose_label(purpose: str) -> str:
    return str(PURPOSE_LABELS.get(purpose, purpose))


def role_label(roles: str) -> str:
    """ "case_officer,supervisor" as the roles' names in the current language."""
    labels = dict(Role.choices)
    return ", ".join(str(labels.get(role, role)) for role in roles.split(",") if role)


# --- Open cases ----------------------------------------------------------------------------------------------


def open_case_exists(*, person, organisation: Organisation | None, role: str = "") -> bool:
    """Whether the person has a matter of their own open with the organisation: an application sent to it and not
    yet decided, an appeal to it not yet answered, a public question on one of its services waiting for
    moderation (for the data protection officer, whichever organisation they sit in, or with no organisation: a
    request of theirs about their data) — or any of these ended less than OPEN_AFTER_DAYS ago. An official
    looking at the person's data for such a matter is expected; any other look is one the person is told about.
    `role` is the role(s) the look was made in, as the log records them ("case_officer,supervisor")."""
    if person is None:
        return False
    since = clock.now() - dt.timedelta(days=OPEN_AFTER_DAYS)
    if organisation is None or Role.DATA_PROTECTION_OFFICER in role.split(","):
        # The data protection officer handles the person's own requests about their data (correction, erasure)
        # for the whole platform: their organisation has nothing to do with it.
        requests = DataSubjectRequest.objects.filter(person=person)
        return requests.filter(Q(state__in=REQUEST_OPEN_STATES) | Q(handled_at__gte=since)).exists()
    applications = Application.objects.filter(applicant=person, organisation=organisation).exclude(state=DRAFT)
    if applications.filter(Q(decided_at__isnull=True) | Q(decided_at__gte=since)).exists():
        return True
    appeals = Appeal.objects.filter(citizen=person, organisation=organisation)
    if appeals.filter(Q(answered_at__isnull=True) | Q(answered_at__gte=since)).exists():
        return True
    questions = PublicQuestion.objects.filter(asked_by=person, service__competent_authority=organisation)
    return questions.filter(Q(state=QuestionState.PENDING) | Q(moderated_at__gte=since)).exists()


# --- The person's log ----------------------------------------------------------------------------------------


def accesses_for_citizen(*, citizen) -> QuerySet[DataAccess]:
    """The looks at the citizen's own data, newest first."""
    if not citizen.is_authenticated:
        return DataAccess.objects.none()
    related = ["organisation", "official"] if settings.VIKNO_ACCESS_LOG_SHOWS_OFFICIAL_NAMES else ["organisation"]
    return DataAccess.objects.filter(subject=citizen).select_related(*related).order_by("-occurred_at", "-id")


def access_get_for_citizen(*, citizen, public_id) -> DataAccess | None:
    """One look at the citizen's own data, by the public id its address carries. Another person's look, a made-up
    id and anything that is not an id are all simply not found."""
    key = uuid_or_none(public_id)
    if key is None:
        return None
    return accesses_for_citizen(citizen=citizen).filter(public_id=key).first()


@dataclass(frozen=True)
class Opened:
    """What an official opened, in two voices: the cabinet's ("your application …") and a plain one for a letter
    to the authority ("application …")."""

    yours: str
    plain: str


# For each kind of thing in the log: the fields read (one query for all of that kind on a page) and its words.
@dataclass(frozen=True)
class _Kind:
    model: type[models.Model]
    fields: tuple[str, ...]
    words: Callable[[dict], Opened]


def _application(row: dict) -> Opened:
    reference = row["reference"] or ""
    return Opened(
        yours=gettext("your application %(reference)s") % {"reference": reference},
        plain=gettext("application %(reference)s") % {"reference": reference},
    )


def _appeal(row: dict) -> Opened:
    return Opened(
        yours=gettext("your appeal %(reference)s") % {"reference": row["reference"]},
        plain=gettext("appeal %(reference)s") % {"reference": row["reference"]},
    )


def _payment(row: dict) -> Opened:
    reference = row["fee__application__reference"] or ""
    return Opened(
        yours=gettext("your payment for application %(reference)s") % {"reference": reference},
        plain=gettext("payment for application %(reference)s") % {"reference": reference},
    )


def _transfer(row: dict) -> Opened:
    return Opened(
        yours=gettext("your bank transfer for application %(reference)s") % {"reference": row["reference"]},
        plain=gettext("bank transfer for application %(reference)s") % {"reference": row["reference"]},
    )


def _question(row: dict) -> Opened:
    # The service's title in the current language (django-modeltranslation falls back to Ukrainian).
    title = row.get(f"service__title_{_language()}") or row["service__title_uk"]
    return Opened(
        yours=gettext("your public question about “%(service)s”") % {"service": title},
        plain=gettext("public question about “%(service)s”") % {"service": title},
    )


def _mandate(row: dict) -> Opened:
    return Opened(
        yours=gettext("your mandate to act for %(party)s") % {"party": row["party_name"]},
        plain=gettext("mandate to act for %(party)s") % {"party": row["party_name"]},
    )


def _profile(row: dict) -> Opened:
    return Opened(yours=gettext("your profile"), plain=gettext("my profile"))


def _privacy_request(row: dict) -> Opened:
    return Opened(
        yours=gettext("your request %(reference)s about your personal data") % {"reference": row["reference"]},
        plain=gettext("request %(reference)s about my personal data") % {"reference": row["reference"]},
    )


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


KINDS: dict[str, _Kind] = {
    "applications.application": _Kind(Application, ("reference",), _application),
    "appeals.appeal": _Kind(Appeal, ("reference",), _appeal),
    "payments.payment": _Kind(Payment, ("fee__application__reference",), _payment),
    "payments.banktransfer": _Kind(BankTransfer, ("reference",), _transfer),
    "feedback.publicquestion": _Kind(PublicQuestion, ("service__title_uk", "service__title_en"), _question),
    "identity.mandate": _Kind(Mandate, ("party_name",), _mandate),
    "identity.user": _Kind(User, (), _profile),
    "privacy.datasubjectrequest": _Kind(DataSubjectRequest, ("reference",), _privacy_request),
}


def _something() -> Opened:
    return Opened(yours=gettext("your personal data"), plain=gettext("personal data"))


def opened(accesses: Iterable[DataAccess]) -> dict[int, Opened]:
    """What each access opened, in words: one query per kind of thing among them."""
    wanted: dict[str, set[str]] = defaultdict(set)
    accesses = list(accesses)
    for access in accesses:
        wanted[access.object_type].add(access.object_id)
    found: dict[tuple[str, str], Opened] = {}
    for label, ids in wanted.items():
        kind = KINDS.get(label)
        if kind is None:
            continue
        for row in kind.model.objects.filter(pk__in=ids).values("pk", *kind.fields):  # type: ignore[attr-defined]
            found[(label, str(row["pk"]))] = kind.words(row)
    return {access.pk: found.get((access.object_type, access.object_id)) or _something() for access in accesses}


@dataclass(frozen=True)
class AccessEntry:
    access: DataAccess
    occurred_at: dt.datetime
    organisation: str
    role: str
    opened: Opened
    purpose: str
    official: str  # empty unless the portal shows officials' names (VIKNO_ACCESS_LOG_SHOWS_OFFICIAL_NAMES)

    @property
    def public_id(self) -> uuid.UUID:
        return self.access.public_id

    @property
    def can_ask(self) -> bool:
        return self.access.organisation_id is not None


def official_name(access: DataAccess) -> str:
    if not settings.VIKNO_ACCESS_LOG_SHOWS_OFFICIAL_NAMES:
        return ""
    official = access.official
    return official.full_name or official.get_full_name() or official.email


def entry_of(access: DataAccess, what: Opened) -> AccessEntry:
    return AccessEntry(
        access=access,
        occurred_at=access.occurred_at,
        organisation=access.organisation.name if access.organisation else gettext("The portal's administration"),
        role=role_label(access.role),
        opened=what,
        purpose=purpose_label(access.purpose),
        official=official_name(access),
    )


def access_page(*, citizen, number) -> tuple[Page, list[AccessEntry]]:
    """One page of the citizen's log (a count, the page's rows with their organisations, and one query per kind
    of thing opened on the page)."""
    page = Paginator(accesses_for_citizen(citizen=citizen), PAGE_SIZE).get_page(number)
    rows = list(page.object_list)
    words = opened(rows)
    return page, [entry_of(access, words[access.pk]) for access in rows]


def access_entry_for_citizen(*, citizen, public_id) -> AccessEntry | None:
    access = access_get_for_citizen(citizen=citizen, public_id=public_id)
    if access is None:
        return None
    return entry_of(access, opened([access])[access.pk])
