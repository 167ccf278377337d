"""The state fee an application owes: by the rules of its service definition, else the catalogue's fixed fee."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from vikno.applications.answers import visible_answers
from vikno.applications.models import Application
from vikno.applications.selectors import definition_of
from vikno.catalog.constants import CostKind
from vikno.core.money import Money


@dataclass(frozen=True)
class FeeDue:
    amount: int  # kopiyky
    currency: str
    purpose: str

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


def fee_due(application: Application, answers: dict | None = None) -> FeeDue | None:
    """What applying costs with these answers (the application's own by default); None when it is free."""
    definition = definition_of(application.definition)
    fee = definition.fee
    service = application.service
    # Only what the applicant still answers counts (an answer on a step they left behind is not sent).
    answers = visible_answers(definition.form, application.answers if answers is None else answers)
    default_purpose = _("State fee: %(service)s") % {"service": service.title}
    if fee is not None:
        amount = fee.amount_for(answers)
        purpose = fee.purpose_text or default_purpose
        return FeeDue(amount, fee.currency, purpose) if amount > 0 else None
    if service.cost_kind == CostKind.FIXED and service.cost_amount:
        return FeeDue(service.cost_amount, service.cost_currency, default_purpose)
    return None
