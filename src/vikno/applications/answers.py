"""Answers: read from a posted step, checked against the definition's JSON Schema, explained in plain words.

Each question kind has its own inputs (a date is day, month and year; an address is its parts; a repeating group
is numbered entries). What was typed is turned into the JSON value the schema describes, the schema checks it,
and each problem becomes one translated message pointing at the input to fix (GOV.UK error summary).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from vikno.applications.definition import ADDRESS_PARTS, Form, Question, Step
from vikno.core import clock, phone, rnokpp

PHONE = re.compile(r"\+\d{10,15}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_GROUP_ENTRIES = 20
MAX_TEXT = 5000  # for a text question whose schema sets no maxLength of its own

checker = FormatChecker(formats=())


@checker.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(dt.date.fromisoformat(value))


@checker.checks("rnokpp")
def _is_rnokpp(value: object) -> bool:
    return not isinstance(value, str) or rnokpp.is_valid(value)


@checker.checks("phone")
def _is_phone(value: object) -> bool:
    return not isinstance(value, str) or bool(PHONE.fullmatch(value))


@checker.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(EMAIL.fullmatch(value))


@checker.checks("upload", raises=ValueError)
def _is_upload(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


@dataclass(frozen=True)
class Problem:
    anchor: str  # the id of the input to fix
    message: str


def _date(post: QueryDict, prefix: str) -> tuple[str | None, bool]:
    """The ISO date typed into day, month and year; (None, False) when blank; (None, True) when not a date."""
    parts = [post.get(f"{prefix}-{part}", "").strip() for part in ("day", "month", "year")]
    if not any(parts):
        return None, False
    try:
        day, month, year = (int(p) for p in parts)
        if year < 1000:
            raise ValueError
        return dt.date(year, month, day).isoformat(), False
    except (ValueError, OverflowError):
        return None, True


def _simple(question: Question, post: QueryDict, prefix: str, problems: list[Problem]) -> Any:
    """The value of a question with one answer (everything but files and groups); None when left blank."""
    if question.kind == "date":
        value, wrong = _date(post, prefix)
        if wrong:
            problems.append(Problem(f"{prefix}-day", _("“%(q)s” must be a real date") % {"q": question.title}))
        elif value and (problem := _date_limits(question, value, prefix)):
            problems.append(problem)
        return value
    if question.kind == "choices":
        return [v for v in post.getlist(prefix) if v] or None
    if question.kind == "address":
        address = {part: post.get(f"{prefix}-{part}", "").strip() for part in ADDRESS_PARTS}
        return {k: v for k, v in address.items() if v} or None
    raw = post.get(prefix, "").strip()
    if not raw:
        return None
    if len(raw) > MAX_TEXT and "maxLength" not in question.schema:
        problems.append(
            Problem(prefix, _("“%(q)s” must be %(n)s characters or fewer") % {"q": question.title, "n": MAX_TEXT})
        )
        return None
    if question.kind == "number":
        try:
            number = int(raw) if question.schema.get("type") == "integer" else float(raw.replace(",", "."))
            if not math.isfinite(number):
                raise ValueError
            return number
        except ValueError:
            problems.append(Problem(prefix, _("“%(q)s” must be a number") % {"q": question.title}))
            return None
    if question.kind == "phone":
        return phone.normalise(raw)
    if question.kind == "rnokpp":
        return re.sub(r"\s", "", raw)
    return raw


def read_step(step: Step, post: QueryDict, answers: dict) -> tuple[dict, list[Problem]]:
    """The answers a posted step gives (None for a blank one), and the problems of reading them."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for question in step.visible_questions(answers):
        if question.kind == "file":
            continue  # files arrive through `uploads`, and are already in the answers
        if question.kind == "group":
            count = min(_int(post.get(f"{question.name}-count"), 1), MAX_GROUP_ENTRIES)
            entries = []
            for index in range(count):
                entry = {
                    item.name: _simple(item, post, f"{question.name}-{index}-{item.name}", problems)
                    for item in question.items
                }
                if any(v is not None for v in entry.values()):
                    entries.append({k: v for k, v in entry.items() if v is not None})
            values[question.name] = entries or None
            continue
        values[question.name] = _simple(question, post, question.name, problems)
    return values, problems


def _int(value: str | None, default: int) -> int:
    try:
        return max(int(value or default), 1)
    except ValueError:
        return default


def check(questions: list[Question], form: Form, answers: dict) -> list[Problem]:
    """Check the answers to these questions against the schema; one message per problem, in question order."""
    names = [q.name for q in questions]
    by_name = {q.name: q for q in questions}
    schema = {
        "type": "object",
        "properties": {name: form.schema["properties"][name] for name in names},
        "required": [name for name in names if by_name[name].required],
    }
    present = {k: v for k, v in answers.items() if k in by_name and v is not None}
    errors = Draft202012Validator(schema, format_checker=checker).iter_errors(present)
    found: dict[str, Problem] = {}
    for error in errors:
        problem = _explain(error, by_name)
        found.setdefault(problem.anchor, problem)
    for question in (q for q in questions if q.kind == "date" and f"{q.name}-day" not in found):
        value = present.get(question.name)
        if isinstance(value, str) and (limit := _date_limits(question, value, question.name)):
            found[limit.anchor] = limit
    order = {name: i for i, name in enumerate(names)}
    return sorted(found.values(), key=lambda p: order.get(p.anchor.split("-")[0], len(order)))


def _date_limits(question: Question, value: str, prefix: str) -> Problem | None:
    """`x-past`: before today; `x-not-future`: today at the latest (JSON Schema cannot say "today")."""
    today = clock.today().isoformat()
    if question.schema.get("x-past") and value >= today:
        return Problem(f"{prefix}-day", _("“%(q)s” must be in the past") % {"q": question.title})
    if question.schema.get("x-not-future") and value > today:
        return Problem(f"{prefix}-day", _("“%(q)s” must be today or in the past") % {"q": question.title})
    return None


def _explain(error: ValidationError, by_name: dict[str, Question]) -> Problem:
    path = list(error.absolute_path)
    if error.validator == "required" and not path:
        name = error.message.split("'")[1]
        return _required(by_name[name], name)
    question = by_name[str(path[0])]
    anchor = _anchor(question)
    title = question.title
    if question.kind == "group" and len(path) >= 2:
        index = int(path[1])
        item = next((i for i in question.items if len(path) > 2 and i.name == path[2]), None)
        if error.validator == "required":
            missing = error.message.split("'")[1]
            item = next(i for i in question.items if i.name == missing)
        if item is not None:
            anchor = _anchor(item, f"{question.name}-{index}-{item.name}")
            title = _("%(item)s (entry %(n)s)") % {"item": item.title, "n": index + 1}
            question = item
    elif question.kind == "address":
        part = str(path[1]) if len(path) >= 2 else error.message.split("'")[1]
        return Problem(f"{question.name}-{part}", _address_message(part))
    return Problem(anchor, _message(error, question, title))


def _required(question: Question, anchor_prefix: str) -> Problem:
    anchor = _anchor(question, anchor_prefix)
    if question.kind in ("choice", "choices"):
        return Problem(anchor, _("Select an answer to “%(q)s”") % {"q": question.title})
    if question.kind == "file":
        return Problem(anchor, _("Upload a file for “%(q)s”") % {"q": question.title})
    if question.kind == "address":
        return Problem(anchor, _("Enter the address for “%(q)s”") % {"q": question.title})
    if question.kind == "group":
        return Problem(anchor, _("Add at least one entry to “%(q)s”") % {"q": question.title})
    return Problem(anchor, _("Enter an answer to “%(q)s”") % {"q": question.title})


def _anchor(question: Question, prefix: str | None = None) -> str:
    prefix = prefix or question.name
    if question.kind == "date":
        return f"{prefix}-day"
    if question.kind == "address":
        return f"{prefix}-locality"
    if question.kind == "group":
        return f"{prefix}-0-{question.items[0].name}" if question.items else prefix
    return prefix


def _address_message(part: str) -> str:
    messages = {
        "locality": _("Enter the city, town or village"),
        "street": _("Enter the street"),
        "building": _("Enter the building number"),
        "postcode": _("Enter a postcode of five digits"),
    }
    return messages.get(part, _("Check this part of the address"))


def _message(error: ValidationError, question: Question, title: str) -> str:
    names = {"q": title}
    validator = error.validator
    limit = error.validator_value
    if validator == "required":
        return _required(question, question.name).message
    if validator == "format":
        formats = {
            "date": _("“%(q)s” must be a real date"),
            "rnokpp": _("Enter a taxpayer number (RNOKPP) of 10 digits, as on your tax card"),
            "phone": _("Enter a phone number, like 067 123 45 67 or +380 67 123 45 67"),
            "email": _("Enter an e-mail address in the correct format, like name@example.com"),
        }
        return formats.get(str(limit), _("“%(q)s” is not in the right format")) % names
    if validator == "maxLength":
        return _("“%(q)s” must be %(n)s characters or fewer") % {**names, "n": limit}
    if validator == "minLength":
        return (
            _required(question, question.name).message
            if limit == 1
            else (_("“%(q)s” must be at least %(n)s characters") % {**names, "n": limit})
        )
    if validator in ("minimum", "exclusiveMinimum"):
        return _("“%(q)s” must be %(n)s or more") % {**names, "n": limit}
    if validator in ("maximum", "exclusiveMaximum"):
        return _("“%(q)s” must be %(n)s or less") % {**names, "n": limit}
    if validator == "enum":
        return _("Select one of the options for “%(q)s”") % names
    if validator == "minItems":
        return _("“%(q)s” needs at least %(n)s") % {**names, "n": limit}
    if validator == "maxItems":
        return _("“%(q)s” takes no more than %(n)s") % {**names, "n": limit}
    if validator == "type" and question.kind == "number":
        return _("“%(q)s” must be a whole number") % names
    return _("“%(q)s” is not in the right format") % names


def prefill(form: Form, profile: dict[str, Any]) -> dict:
    """Answers taken from the applicant's profile for the questions that allow it."""
    return {q.name: profile[q.prefill] for q in form.questions if q.prefill and profile.get(q.prefill)}


def visible_answers(form: Form, answers: dict) -> dict:
    """The answers to the questions the applicant was asked (answers to questions hidden later are dropped)."""
    names = {q.name for q in form.visible_questions(answers)}
    return {k: v for k, v in answers.items() if k in names and v is not None}
