"""What the appeal pages (the citizen's and the officials') put in front of people, prepared for templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vikno.applications.uploads import accepted_kinds
from vikno.messaging.appeals.constants import KIND_HINTS, MAX_FILES, AppealKind, AppealState
from vikno.messaging.appeals.models import Appeal

TAG_CLASSES: dict[str, str] = {
    AppealState.REGISTERED: "govuk-tag--blue",
    AppealState.IN_PROGRESS: "govuk-tag--light-blue",
    AppealState.ANSWERED: "govuk-tag--green",
}


@dataclass(frozen=True)
class Row:
    """One appeal in a list, with how its status and deadline are shown."""

    appeal: Appeal
    tag: str
    overdue: bool
    due_soon: bool


def rows(appeals: Iterable[Appeal], *, today: dt.date, near: dt.date | None = None) -> list[Row]:
    return [
        Row(
            appeal=appeal,
            tag=TAG_CLASSES[appeal.state],
            overdue=appeal.overdue_on(today),
            due_soon=near is not None and appeal.is_open and today <= appeal.due_date <= near,
        )
        for appeal in appeals
    ]


@dataclass(frozen=True)
class KindOption:
    value: str
    label: str
    hint: str


def kind_options() -> list[KindOption]:
    return [KindOption(kind.value, str(kind.label), str(KIND_HINTS[kind])) for kind in AppealKind]


def date_text(value: dt.date) -> str:
    return formats.date_format(value, "j E Y")


def limit_hint(limit: int) -> str:
    """The character count's text without JavaScript (and for screen readers with it)."""
    return ngettext("You can enter up to %(count)s character", "You can enter up to %(count)s characters", limit) % {
        "count": formats.number_format(limit, force_grouping=True)
    }


def character_count_i18n() -> list[tuple[str, str]]:
    """GOV.UK Frontend's character count messages in the page's language, as `data-i18n.*` attributes.

    The script picks a plural form by the CLDR category of the count (Ukrainian has one, few, many and other),
    so each category gets the gettext form of a number in it."""
    placeholder = "%{count}"
    samples = {"one": 1, "few": 2, "many": 5, "other": 5}

    def under(n: int) -> str:
        return ngettext("You have %(count)s character remaining", "You have %(count)s characters remaining", n) % {
            "count": placeholder
        }

    def over(n: int) -> str:
        return ngettext("You have %(count)s character too many", "You have %(count)s characters too many", n) % {
            "count": placeholder
        }

    attributes = [(f"characters-under-limit.{category}", under(n)) for category, n in samples.items()]
    attributes += [(f"characters-over-limit.{category}", over(n)) for category, n in samples.items()]
    attributes.append(("characters-at-limit", _("You have 0 characters remaining")))
    return attributes


def files_hint() -> str:
    return _("Up to %(n)s files, each a %(kinds)s smaller than %(size)s.") % {
        "n": MAX_FILES,
        "kinds": accepted_kinds(),
        "size": filesizeformat(settings.VIKNO_UPLOAD_MAX_BYTES),
    }
