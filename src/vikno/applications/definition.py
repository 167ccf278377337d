"""Reading and checking a service definition: the form's questions and steps, the workflow, the result templates.

A definition is JSON (see docs/service-definitions.md). `load()` turns the parts stored on a `ServiceDefinition`
into the typed objects below and refuses, with every problem listed, a definition that would break at run time:
a step asking about an unknown question, a condition on a later answer, a transition to an unknown state.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from vikno.applications.constants import AWAITING_PAYMENT, SUBMITTED, Outcome
from vikno.identity.constants import Role

KINDS = (
    "text",
    "textarea",
    "number",
    "date",
    "choice",
    "choices",
    "address",
    "rnokpp",
    "phone",
    "email",
    "file",
    "group",
)
# What a question may be filled in with from the applicant's profile.
PREFILL_SOURCES = ("full_name", "last_name", "first_name", "middle_name", "birth_date", "rnokpp", "email", "phone")
ADDRESS_PARTS = ("region", "locality", "street", "building", "apartment", "postcode")
ADDRESS_SCHEMA = {
    "type": "object",
    "format": "address",
    "properties": {
        "region": {"type": "string", "maxLength": 100},
        "locality": {"type": "string", "minLength": 1, "maxLength": 100},
        "street": {"type": "string", "minLength": 1, "maxLength": 150},
        "building": {"type": "string", "minLength": 1, "maxLength": 20},
        "apartment": {"type": "string", "maxLength": 20},
        "postcode": {"type": "string", "pattern": "^[0-9]{5}$"},
    },
    "required": ["locality", "street", "building", "postcode"],
    "additionalProperties": False,
}
EFFECTS = ("", "request_information", "forward")


class DefinitionError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def text(value: Any) -> str:
    """A label in the active language: definitions give {"uk": ..., "en": ...} (Ukrainian is the fallback)."""
    if isinstance(value, dict):
        language = (translation.get_language() or "uk")[:2]
        return str(value.get(language) or value.get("uk") or next(iter(value.values()), ""))
    return str(value or "")


@dataclass(frozen=True)
class Condition:
    question: str
    values: tuple[Any, ...]

    def holds(self, answers: dict) -> bool:
        answer = answers.get(self.question)
        if isinstance(answer, list):
            return any(item in self.values for item in answer)
        return answer in self.values


@dataclass(frozen=True)
class Question:
    name: str
    kind: str
    schema: dict
    label: Any
    hint: Any = ""
    options: tuple[tuple[str, Any], ...] = ()
    when: Condition | None = None
    prefill: str = ""
    required: bool = False
    items: tuple[Question, ...] = ()  # the questions of each entry of a repeating group

    @property
    def title(self) -> str:
        return text(self.label)

    @property
    def hint_text(self) -> str:
        return text(self.hint)

    def option_label(self, value: Any) -> str:
        return next((text(label) for key, label in self.options if key == value), str(value))

    @property
    def max_items(self) -> int | None:
        return self.schema.get("maxItems")


@dataclass(frozen=True)
class Step:
    id: str
    title: Any
    questions: tuple[Question, ...]
    when: Condition | None = None

    @property
    def heading(self) -> str:
        return text(self.title)

    def visible_questions(self, answers: dict) -> list[Question]:
        return [q for q in self.questions if q.when is None or q.when.holds(answers)]


@dataclass(frozen=True)
class Form:
    schema: dict
    steps: tuple[Step, ...]

    def visible_steps(self, answers: dict) -> list[Step]:
        return [s for s in self.steps if s.when is None or s.when.holds(answers)]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def visible_questions(self, answers: dict) -> list[Question]:
        return [q for s in self.visible_steps(answers) for q in s.visible_questions(answers)]

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.steps for q in s.questions]


@dataclass(frozen=True)
class State:
    id: str
    label: Any
    final: bool = False
    outcome: str = ""
    citizen_label: Any = None  # how the applicant reads it, when officials' wording does not fit them

    @property
    def title(self) -> str:
        return text(self.label)

    @property
    def citizen_title(self) -> str:
        return text(self.citizen_label or self.label)


@dataclass(frozen=True)
class Transition:
    id: str
    label: Any
    sources: tuple[str, ...]
    target: str
    by: str = "official"  # or "citizen"
    roles: tuple[str, ...] = ()
    four_eyes: bool = False
    requires_reasons: bool = False
    effect: str = ""

    @property
    def title(self) -> str:
        return text(self.label)


@dataclass(frozen=True)
class Workflow:
    deadline_days: int
    information_stops_clock: bool
    information_answer_days: int
    reminder_days: tuple[int, ...]
    states: dict[str, State]
    transitions: tuple[Transition, ...]

    def transition(self, transition_id: str) -> Transition | None:
        return next((t for t in self.transitions if t.id == transition_id), None)

    def available(self, state: str, *, by: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources and t.by == by]

    def state(self, state_id: str) -> State:
        if state_id == AWAITING_PAYMENT:
            return State(id=state_id, label=gettext_lazy("Waiting for the fee to be paid"))
        return self.states.get(state_id) or State(id=state_id, label=state_id)

    def outcome_of(self, state_id: str) -> str:
        return self.state(state_id).outcome

    def withdrawal(self, state_id: str) -> Transition | None:
        """The applicant's way to withdraw from this state (a citizen's transition to a "withdrawn" outcome).
        An application still waiting for its fee can be withdrawn to the workflow's withdrawn state."""
        if state_id == AWAITING_PAYMENT:
            withdrawn = next((s for s in self.states.values() if s.outcome == Outcome.WITHDRAWN), None)
            if withdrawn is None:
                return None
            label = gettext_lazy("Withdraw")
            return Transition("withdraw_unpaid", label, (AWAITING_PAYMENT,), withdrawn.id, by="citizen")
        return next(
            (t for t in self.available(state_id, by="citizen") if self.outcome_of(t.target) == Outcome.WITHDRAWN), None
        )

    def answering(self, state_id: str) -> Transition | None:
        """The applicant's way back to the authority from this state (answering a request for information)."""
        return next(
            (t for t in self.available(state_id, by="citizen") if self.outcome_of(t.target) != Outcome.WITHDRAWN), None
        )


# How a share of a base amount is brought to whole kopiyky: named in the definition, never implied.
ROUNDINGS = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "up": ROUND_UP, "down": ROUND_DOWN}
CURRENCIES = ("UAH", "EUR", "USD")


@dataclass(frozen=True)
class FeeRule:
    """One line of a fee: a fixed `amount` in kopiyky, or `share` × `of` kopiyky rounded the named way."""

    when: Condition | None = None
    amount: int | None = None
    share: Decimal | None = None
    of: int = 0
    rounding: str = ""

    def kopiyky(self) -> int:
        if self.amount is not None:
            return self.amount
        assert self.share is not None
        return int((self.share * self.of).quantize(Decimal(1), rounding=ROUNDINGS[self.rounding]))


@dataclass(frozen=True)
class Fee:
    """The state fee of a service: the first rule that holds for the answers gives the amount (none: free)."""

    currency: str
    rules: tuple[FeeRule, ...]
    purpose: Any = ""
    refund_on: tuple[str, ...] = ()  # outcomes after which the law returns the fee

    def amount_for(self, answers: dict) -> int:
        rule = next((r for r in self.rules if r.when is None or r.when.holds(answers)), None)
        return rule.kopiyky() if rule is not None else 0

    @property
    def purpose_text(self) -> str:
        return text(self.purpose)


@dataclass(frozen=True)
class Definition:
    form: Form
    workflow: Workflow
    documents: tuple[dict, ...]
    results: dict[str, dict] = field(default_factory=dict)
    fee: Fee | None = None


def _kind_of(schema: dict, ui: dict) -> str:
    if ui.get("kind"):
        return str(ui["kind"])
    kind_by_format = {"date": "date", "rnokpp": "rnokpp", "phone": "phone", "email": "email", "address": "address"}
    if schema.get("format") in kind_by_format:
        return kind_by_format[schema["format"]]
    if schema.get("type") == "array":
        items = schema.get("items", {})
        if items.get("format") == "upload":
            return "file"
        if items.get("type") == "object":
            return "group"
        return "choices"
    if "enum" in schema:
        return "choice"
    if schema.get("type") in ("integer", "number"):
        return "number"
    return "textarea" if ui.get("widget") == "textarea" else "text"


def _condition(raw: Any, where: str, known: set[str], problems: list[str]) -> Condition | None:
    if not raw:
        return None
    if not isinstance(raw, dict) or "question" not in raw or not ("equals" in raw or "in" in raw):
        problems.append(f"{where}: a condition needs 'question' and 'equals' or 'in'")
        return None
    if raw["question"] not in known:
        problems.append(f"{where}: the condition asks about '{raw['question']}', which no earlier step asks")
    values = tuple(raw["in"]) if "in" in raw else (raw["equals"],)
    return Condition(question=raw["question"], values=values)


def _question(name: str, schema: dict, ui: dict, required: bool, where: str, problems: list[str]) -> Question:
    kind = _kind_of(schema, ui)
    if kind not in KINDS:
        problems.append(f"{where}: unknown kind '{kind}'")
    if "label" not in ui:
        problems.append(f"{where}: the question needs a label")
    prefill = str(ui.get("prefill", ""))
    if prefill and prefill not in PREFILL_SOURCES:
        problems.append(f"{where}: cannot prefill from '{prefill}'")
    enum = schema.get("enum") or schema.get("items", {}).get("enum") or []
    labels = ui.get("options", {})
    options = tuple((value, labels.get(str(value), str(value))) for value in enum)
    items: tuple[Question, ...] = ()
    if kind == "group":
        item_schema = schema.get("items", {})
        item_ui = ui.get("items", {})
        item_required = set(item_schema.get("required", []))
        items = tuple(
            _question(sub, sub_schema, item_ui.get(sub, {}), sub in item_required, f"{where}.{sub}", problems)
            for sub, sub_schema in item_schema.get("properties", {}).items()
        )
        if any(item.kind in ("group", "file", "address") for item in items):
            problems.append(f"{where}: a repeating group holds simple questions only")
    return Question(
        name=name,
        kind=kind,
        schema=schema,
        label=ui.get("label", name),
        hint=ui.get("hint", ""),
        options=options,
        prefill=prefill,
        required=required,
        items=items,
    )


def load_form(raw: dict, problems: list[str]) -> Form:
    schema = copy.deepcopy(raw.get("schema") or {})
    for prop in schema.get("properties", {}).values():
        if prop.get("format") == "address":
            prop.clear()
            prop.update(copy.deepcopy(ADDRESS_SCHEMA))
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        problems.append(f"form.schema: not a valid JSON Schema ({error.message})")
    properties = schema.get("properties", {})
    if schema.get("type") != "object" or not properties:
        problems.append("form.schema: must be an object with properties")
    required = set(schema.get("required", []))
    ui = raw.get("questions", {})
    asked: set[str] = set()
    steps: list[Step] = []
    for index, step_raw in enumerate(raw.get("steps", [])):
        step_id = str(step_raw.get("id", ""))
        where = f"form.steps[{index}]"
        if not step_id or any(s.id == step_id for s in steps):
            problems.append(f"{where}: every step needs an id of its own")
        step_when = _condition(step_raw.get("when"), where, asked, problems)
        questions = []
        for name in step_raw.get("questions", []):
            if name not in properties:
                problems.append(f"{where}: asks '{name}', which the schema does not define")
                continue
            if name in asked:
                problems.append(f"{where}: '{name}' is already asked on an earlier step")
            q_ui = ui.get(name, {})
            question = _question(name, properties[name], q_ui, name in required, f"form.questions.{name}", problems)
            when = _condition(q_ui.get("when"), f"form.questions.{name}", asked, problems)
            questions.append(Question(**{**question.__dict__, "when": when}))
        asked |= {q.name for q in questions}
        if not questions:
            problems.append(f"{where}: a step asks at least one question")
        steps.append(Step(id=step_id, title=step_raw.get("title", step_id), questions=tuple(questions), when=step_when))
    for name in properties:
        if name not in asked:
            problems.append(f"form.schema: '{name}' is asked on no step")
    if not steps:
        problems.append("form.steps: at least one step")
    return Form(schema=schema, steps=tuple(steps))


def load_workflow(raw: dict, problems: list[str]) -> Workflow:
    states = {
        state_id: State(
            id=state_id,
            label=spec.get("label", state_id),
            final=bool(spec.get("final")),
            outcome=spec.get("outcome", ""),
            citizen_label=spec.get("citizen_label"),
        )
        for state_id, spec in (raw.get("states") or {}).items()
    }
    if SUBMITTED not in states:
        problems.append(f"workflow.states: the first state is '{SUBMITTED}'")
    for state in states.values():
        if state.outcome and state.outcome not in Outcome.values:
            problems.append(f"workflow.states.{state.id}: unknown outcome '{state.outcome}'")
        if state.outcome and not state.final:
            problems.append(f"workflow.states.{state.id}: a state with an outcome is final")
    transitions: list[Transition] = []
    for index, spec in enumerate(raw.get("transitions", [])):
        where = f"workflow.transitions[{index}]"
        transition = Transition(
            id=str(spec.get("id", "")),
            label=spec.get("label", spec.get("id", "")),
            sources=tuple(spec.get("from", [])),
            target=str(spec.get("to", "")),
            by=spec.get("by", "official"),
            roles=tuple(spec.get("roles", [])),
            four_eyes=bool(spec.get("four_eyes")),
            requires_reasons=bool(spec.get("requires_reasons")),
            effect=spec.get("effect", ""),
        )
        if not transition.id or any(t.id == transition.id for t in transitions):
            problems.append(f"{where}: every transition needs an id of its own")
        for state_id in (*transition.sources, transition.target):
            if state_id not in states:
                problems.append(f"{where}: unknown state '{state_id}'")
        if any(states[s].final for s in transition.sources if s in states):
            problems.append(f"{where}: nothing leaves a final state")
        if transition.by not in ("official", "citizen"):
            problems.append(f"{where}: 'by' is 'official' or 'citizen'")
        if transition.by == "official" and not transition.roles:
            problems.append(f"{where}: an official's transition names the roles that may take it")
        if unknown := set(transition.roles) - set(Role.values):
            problems.append(f"{where}: unknown roles {sorted(unknown)}")
        if transition.effect not in EFFECTS:
            problems.append(f"{where}: unknown effect '{transition.effect}'")
        transitions.append(transition)
    information = raw.get("information_request", {})
    deadline = raw.get("deadline_working_days")
    if not isinstance(deadline, int) or deadline < 1:
        problems.append("workflow.deadline_working_days: a whole number of working days, at least 1")
    return Workflow(
        deadline_days=deadline if isinstance(deadline, int) else 0,
        information_stops_clock=bool(information.get("stops_clock", True)),
        information_answer_days=int(information.get("answer_within_working_days", 10)),
        reminder_days=tuple(sorted(raw.get("reminders_working_days_before", []), reverse=True)),
        states=states,
        transitions=tuple(transitions),
    )


def load_results(raw: dict, workflow: Workflow, problems: list[str]) -> dict[str, dict]:
    for state in workflow.states.values():
        if state.outcome in (Outcome.APPROVAL, Outcome.REFUSAL) and state.outcome not in raw:
            problems.append(f"results: no document template for the outcome '{state.outcome}'")
    for outcome, spec in raw.items():
        if not isinstance(spec, dict) or "title" not in spec or "body" not in spec:
            problems.append(f"results.{outcome}: needs a title and a body")
    return raw


def _whole(value: Any) -> bool:
    """A whole number of kopiyky a fee may be: 0 up to a trillion hryvnias (a BigInteger holds it)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**14


def _fee_rule(raw: Any, where: str, known: set[str], problems: list[str]) -> FeeRule:
    if not isinstance(raw, dict):
        problems.append(f"{where}: a rule is an object")
        return FeeRule(amount=0)
    when = _condition(raw.get("when"), where, known, problems)
    if "amount" in raw:
        if not _whole(raw["amount"]):
            problems.append(f"{where}: 'amount' is a whole number of kopiyky, 0 or more")
        return FeeRule(when=when, amount=raw["amount"] if _whole(raw["amount"]) else 0)
    try:
        # A string, so that 0.0085 is exactly 0.0085 (a JSON number would pass through a float).
        share = Decimal(raw["share"]) if isinstance(raw.get("share"), str) else None
    except InvalidOperation:
        share = None
    if share is None or not share.is_finite() or share < 0 or share > 1000 or len(raw["share"]) > 20:
        problems.append(f"{where}: a rule has 'amount' (kopiyky) or 'share' (a decimal number written as a string)")
        return FeeRule(amount=0)
    if not _whole(raw.get("of")):
        problems.append(f"{where}: 'of' is the base amount in whole kopiyky")
    if raw.get("rounding") not in ROUNDINGS:
        problems.append(f"{where}: 'rounding' is one of {', '.join(ROUNDINGS)}")
    ok = _whole(raw.get("of")) and raw.get("rounding") in ROUNDINGS
    return FeeRule(when=when, share=share, of=raw["of"] if ok else 0, rounding=raw["rounding"] if ok else "half_up")


def load_fee(raw: Any, form: Form, problems: list[str]) -> Fee | None:
    if not raw:
        return None
    if not isinstance(raw, dict):
        problems.append("fee: an object with 'currency' and 'rules'")
        return None
    if raw.get("currency", "UAH") not in CURRENCIES:
        problems.append(f"fee.currency: one of {', '.join(CURRENCIES)}")
    rules = raw.get("rules")
    if not isinstance(rules, list) or not rules:
        problems.append("fee.rules: at least one rule")
        rules = []
    known = {q.name for q in form.questions}
    refund_on = tuple(raw.get("refund_on", []))
    if unknown := set(refund_on) - {Outcome.REFUSAL, Outcome.WITHDRAWN, Outcome.APPROVAL}:
        problems.append(f"fee.refund_on: unknown outcomes {sorted(unknown)}")
    return Fee(
        currency=raw.get("currency", "UAH"),
        rules=tuple(_fee_rule(rule, f"fee.rules[{i}]", known, problems) for i, rule in enumerate(rules)),
        purpose=raw.get("purpose", ""),
        refund_on=refund_on,
    )


def load(
    *,
    form: dict | None,
    workflow: dict | None,
    results: dict | None,
    documents: list | None = None,
    fee: dict | None = None,
) -> Definition:
    problems: list[str] = []
    loaded_form = load_form(form or {}, problems)
    loaded_workflow = load_workflow(workflow or {}, problems)
    loaded_results = load_results(results or {}, loaded_workflow, problems)
    loaded_fee = load_fee(fee, loaded_form, problems)
    files = {q.name for q in loaded_form.questions if q.kind == "file"}
    for index, document in enumerate(documents or ()):
        if not isinstance(document, dict) or document.get("question") not in files or "name" not in document:
            problems.append(f"documents[{index}]: needs a name and the file question that asks for it")
    if problems:
        raise DefinitionError(problems)
    return Definition(
        form=loaded_form,
        workflow=loaded_workflow,
        documents=tuple(documents or ()),
        results=loaded_results,
        fee=loaded_fee,
    )
