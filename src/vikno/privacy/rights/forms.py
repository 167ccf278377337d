"""What people and the data protection officer send, with a translated error for each field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vikno.privacy.rights.constants import ANSWER_MAX_CHARS, TEXT_MAX_CHARS, ConsentKey

GIVE = "give"
WITHDRAW = "withdraw"


def _no_null(field: forms.Field) -> forms.Field:
    field.error_messages["null_characters_not_allowed"] = _("Remove the unusual characters from the text")
    return field


class ConsentForm(forms.Form):
    key = forms.ChoiceField(
        choices=ConsentKey.choices,
        error_messages={
            "required": _("Choose one of the consents on the page."),
            "invalid_choice": _("Choose one of the consents on the page."),
        },
    )
    action = forms.ChoiceField(
        choices=[(GIVE, GIVE), (WITHDRAW, WITHDRAW)],
        error_messages={
            "required": _("Choose whether to give or withdraw the consent."),
            "invalid_choice": _("Choose whether to give or withdraw the consent."),
        },
    )


class NameForm(forms.Form):
    first_name = _no_null(
        forms.CharField(label=_("First name"), max_length=150, error_messages={"required": _("Enter your first name")})
    )
    last_name = _no_null(
        forms.CharField(label=_("Last name"), max_length=150, error_messages={"required": _("Enter your last name")})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].error_messages["max_length"] = _("The name must be 150 characters or fewer")


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        help_text=_("We will send a link to it. The address changes once you follow the link."),
        error_messages={
            "required": _("Enter the new e-mail address"),
            "invalid": _("Enter an e-mail address like name@example.com"),
            "max_length": _("The address must be 254 characters or fewer"),
        },
    )


class CorrectionRequestForm(forms.Form):
    text = _no_null(
        forms.CharField(
            label=_("What is wrong, and what should it be?"),
            max_length=TEXT_MAX_CHARS,
            widget=forms.Textarea,
            help_text=_("For example: my patronymic is spelt wrongly; it should be Петрівна."),
            error_messages={
                "required": _("Write what is wrong and what it should be."),
                "max_length": _("What you write must be 5,000 characters or fewer."),
            },
        )
    )


class ErasureForm(forms.Form):
    text = _no_null(
        forms.CharField(
            label=_("Why are you asking? (optional)"),
            required=False,
            max_length=TEXT_MAX_CHARS,
            widget=forms.Textarea,
            error_messages={"max_length": _("What you write must be 5,000 characters or fewer.")},
        )
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account will be closed and cannot be restored"),
        error_messages={"required": _("Confirm that you understand your account will be closed")},
    )


ERASE = "erase"
COMPLETE = "complete"
REFUSE = "refuse"


class DecisionForm(forms.Form):
    """The officer's answer to a request: erase (erasure) or done (correction), or refuse with the reasons."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ERASE, _("Erase")), (COMPLETE, _("Done")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a decision"),
            "invalid_choice": _("Choose a decision"),
        },
    )
    answer = _no_null(
        forms.CharField(
            label=_("Answer to the person"),
            required=False,
            max_length=ANSWER_MAX_CHARS,
            widget=forms.Textarea,
            help_text=_(
                "For a refusal, the reasons. For a correction, what was corrected, or who will correct it. For an "
                "erasure, anything to add to the list of what was erased and what is kept."
            ),
            error_messages={"max_length": _("The answer must be 10,000 characters or fewer.")},
        )
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        from vikno.privacy.rights.constants import RequestKind

        allowed = (ERASE, REFUSE) if kind == RequestKind.ERASURE else (COMPLETE, REFUSE)
        field = self.fields["decision"]
        field.choices = [(value, label) for value, label in field.choices if value in allowed]  # type: ignore[attr-defined]
