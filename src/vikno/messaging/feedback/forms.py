"""What people send: the checks and the translated error for each field (shown in the GOV.UK error summary)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vikno.messaging.feedback.constants import (
    PAGE_COMMENT_MAX_CHARS,
    RATING_COMMENT_MAX_CHARS,
    REJECT_REASON_MAX_CHARS,
    Score,
)


class _Text(forms.CharField):
    """Text as typed (only the surrounding spaces removed), at most `limit` characters, never a null character."""

    def __init__(self, *, limit: int, too_long: str | Promise, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(strip=True, **kwargs)
        self.limit = limit
        self.too_long = too_long
        self.error_messages["null_characters_not_allowed"] = _("Remove the unusual characters from the text")

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > self.limit:
            limit = formats.number_format(self.limit, force_grouping=True)
            raise ValidationError(str(self.too_long) % {"limit": limit}, code="max_length")


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[(str(value), label) for value, label in Score.choices],
        coerce=int,
        error_messages={
            "required": _("Choose how satisfied you were, from 1 to 5"),
            "invalid_choice": _("Choose how satisfied you were, from 1 to 5"),
        },
    )
    comment = _Text(limit=RATING_COMMENT_MAX_CHARS, too_long=_("Your comment must be %(limit)s characters or fewer"))


USEFUL_CHOICES = {"yes": True, "no": False}


class PageVoteForm(forms.Form):
    useful = forms.ChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        error_messages={
            "required": _("Choose yes or no"),
            "invalid_choice": _("Choose yes or no"),
        },
    )

    def answer(self) -> bool:
        return USEFUL_CHOICES[self.cleaned_data["useful"]]


class PageCommentForm(forms.Form):
    comment = _Text(limit=PAGE_COMMENT_MAX_CHARS, too_long=_("What was wrong must be %(limit)s characters or fewer"))


class QuestionForm(forms.Form):
    text = _Text(
        limit=settings.MESSAGE_MAX_CHARS,
        too_long=_("Your question must be %(limit)s characters or fewer"),
        required=True,
        error_messages={"required": _("Enter your question")},
    )


class PublishForm(forms.Form):
    text = _Text(
        limit=settings.MESSAGE_MAX_CHARS,
        too_long=_("The question must be %(limit)s characters or fewer"),
        required=True,
        error_messages={"required": _("Enter the question as it will be published")},
    )
    answer = _Text(
        limit=settings.MESSAGE_MAX_CHARS,
        too_long=_("The answer must be %(limit)s characters or fewer"),
        required=True,
        error_messages={"required": _("Enter the answer")},
    )


class RejectForm(forms.Form):
    reason = _Text(
        limit=REJECT_REASON_MAX_CHARS,
        too_long=_("The reason must be %(limit)s characters or fewer"),
        required=True,
        error_messages={"required": _("Enter the reason for rejecting the question")},
    )
