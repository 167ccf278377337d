"""What the templates need to show questions and answers: values to refill inputs, errors, readable answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils import formats

from vikno.applications.answers import Problem
from vikno.applications.definition import ADDRESS_PARTS, Form, Question, Step
from vikno.applications.models import Application


@dataclass
class Shown:
    """One question on a page: its inputs' values (as typed, or as saved) and its error, if any."""

    question: Question
    prefix: str
    value: Any = ""
    error: str = ""
    parts: dict[str, str] = field(default_factory=dict)  # date: day/month/year; address: its parts
    entries: list[list[Shown]] = field(default_factory=list)  # a repeating group's entries
    files: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def options(self) -> list[tuple[str, str, bool]]:
        chosen = self.value if isinstance(self.value, list) else [self.value]
        return [(str(v), self.question.option_label(v), v in chosen) for v, _ in self.question.options]


def _errors_by_anchor(problems: list[Problem]) -> dict[str, str]:
    return {p.anchor: p.message for p in problems}


def _show(question: Question, prefix: str, saved: Any, post: QueryDict | None, errors: dict[str, str]) -> Shown:
    shown = Shown(question=question, prefix=prefix)
    shown.error = next((m for a, m in errors.items() if a == prefix or a.startswith(prefix + "-")), "")
    if question.kind == "date":
        if post is not None:
            shown.parts = {p: post.get(f"{prefix}-{p}", "") for p in ("day", "month", "year")}
        elif saved:
            day = dt.date.fromisoformat(saved)
            shown.parts = {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    elif question.kind == "address":
        source = {p: post.get(f"{prefix}-{p}", "") for p in ADDRESS_PARTS} if post is not None else (saved or {})
        shown.parts = {p: source.get(p, "") for p in ADDRESS_PARTS}
    elif question.kind == "choices":
        shown.value = post.getlist(prefix) if post is not None else (saved or [])
    else:
        shown.value = post.get(prefix, "") if post is not None else ("" if saved is None else saved)
    return shown


def step_questions(
    step: Step, answers: dict, application: Application, post: QueryDict | None = None, problems=()
) -> list[Shown]:
    errors = _errors_by_anchor(list(problems))
    shown = []
    for question in step.visible_questions(answers):
        if question.kind == "group":
            item = Shown(question=question, prefix=question.name)
            saved_entries = answers.get(question.name) or []
            count = _count(post, question, len(saved_entries))
            for index in range(count):
                saved = saved_entries[index] if index < len(saved_entries) else {}
                item.entries.append(
                    [
                        _show(sub, f"{question.name}-{index}-{sub.name}", saved.get(sub.name), post, errors)
                        for sub in question.items
                    ]
                )
            item.error = next((m for a, m in errors.items() if a == question.name), "")
            shown.append(item)
        elif question.kind == "file":
            ids = [str(i) for i in answers.get(question.name) or []]
            files = sorted(
                (a for a in application.attachments.all() if str(a.pk) in ids), key=lambda a: ids.index(str(a.pk))
            )
            shown.append(
                Shown(question=question, prefix=question.name, files=files, error=errors.get(question.name, ""))
            )
        else:
            shown.append(_show(question, question.name, answers.get(question.name), post, errors))
    return shown


def _count(post: QueryDict | None, question: Question, saved: int) -> int:
    if post is not None:
        try:
            count = int(post.get(f"{question.name}-count", saved or 1))
        except ValueError:
            count = saved or 1
        if "add_entry" in post:
            count += 1
    else:
        count = saved or 1
    limit = question.max_items or 20
    return max(1, min(count, limit))


@dataclass(frozen=True)
class AnswerRow:
    step: Step
    question: Question
    text: str
    lines: list[str]


def readable(question: Question, value: Any, files: dict) -> list[str]:
    """An answer as lines of text for "check your answers" and the case page."""
    if value in (None, "", []):
        return []
    if question.kind == "date":
        return [formats.date_format(dt.date.fromisoformat(value), "j E Y")]
    if question.kind == "choice":
        return [question.option_label(value)]
    if question.kind == "choices":
        return [question.option_label(v) for v in value]
    if question.kind == "address":
        street = ", ".join(x for x in (value.get("street"), value.get("building"), value.get("apartment")) if x)
        return [x for x in (street, value.get("locality"), value.get("region"), value.get("postcode")) if x]
    if question.kind == "file":
        return [files[v].name for v in value if v in files]
    if question.kind == "group":
        lines = []
        for entry in value:
            parts = [", ".join(readable(item, entry.get(item.name), files)) for item in question.items]
            lines.append("; ".join(p for p in parts if p))
        return lines
    return [str(value)]


def answer_rows(form: Form, answers: dict, application: Application) -> list[AnswerRow]:
    files = {str(a.pk): a for a in application.attachments.all()}
    rows = []
    for step in form.visible_steps(answers):
        for question in step.visible_questions(answers):
            lines = readable(question, answers.get(question.name), files)
            rows.append(AnswerRow(step=step, question=question, text=", ".join(lines), lines=lines))
    return rows
