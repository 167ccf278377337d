"""Forms that parse what officials send: the queue's filters, the purpose of opening a case, bulk assignment.

Invalid input becomes a 400 with an error summary. The forms on the case page (notes, assignment, actions,
four eyes) are read in the views: their rules live in the services, which say what is wrong in words."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from vikno.applications.constants import AccessPurpose
from vikno.applications.selectors import QueueFilters

ME = "me"
NOBODY = "none"
OVERDUE = "overdue"
NEAR = "near"
PAGE_SIZE = 50  # cases on one page of the queue


class QueueFilterForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any deadline")), (OVERDUE, _("Overdue")), (NEAR, _("Due soon"))],
    )

    def __init__(
        self,
        *args,
        services: list[tuple[str, str]],
        states: list[tuple[str, str]],
        officials: list[tuple[str, str]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("service", [("", _("All services")), *services]),
            ("state", [("", _("Open cases, any status")), *states]),
            ("assignee", [("", _("Anyone or nobody")), (ME, _("Me")), (NOBODY, _("Nobody yet")), *officials]),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("Choose one of the options in the list")

    def filters(self) -> QueueFilters:
        data = self.cleaned_data
        return QueueFilters(
            service=data.get("service", ""),
            state=data.get("state", ""),
            assignee=data.get("assignee", ""),
            deadline=data.get("deadline", ""),
        )

    def query(self) -> dict[str, str]:
        """The chosen filters, to carry over to other pages of the queue."""
        return {name: value for name, value in self.cleaned_data.items() if value}


class CaseIdsField(forms.Field):
    """The ids of the cases ticked in the queue (which of them the official may assign, the selector decides)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[uuid.UUID]:
        keys = []
        for item in value or []:
            try:
                keys.append(uuid.UUID(str(item)))
            except ValueError:
                raise forms.ValidationError(self.error_messages["required"], code="invalid") from None
        return keys

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > PAGE_SIZE:
            raise forms.ValidationError(
                _("Select no more than %(limit)d cases at a time") % {"limit": PAGE_SIZE}, code="too_many"
            )


class BulkAssignForm(forms.Form):
    cases = CaseIdsField(label=_("Cases"), error_messages={"required": _("Select at least one case to assign")})
    assignee = forms.ChoiceField(
        label=_("Assign the selected cases to"),
        error_messages={
            "required": _("Choose who to assign the cases to"),
            "invalid_choice": _("Choose who to assign the cases to"),
        },
    )

    def __init__(self, *args, officials: list[tuple[str, str]], **kwargs):
        kwargs.setdefault("auto_id", "bulk-%s")  # the queue's filters have an "assignee" of their own
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [(ME, _("Me")), *officials]


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why are you opening this case?"),
        choices=AccessPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose why you are opening this case"),
            "invalid_choice": _("Choose why you are opening this case"),
        },
    )


def purpose_from(value: str | None) -> str | None:
    """A valid purpose of access, or None."""
    return value if value in AccessPurpose.values else None
