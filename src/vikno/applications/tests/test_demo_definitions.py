"""The demo services' definitions (applications/definitions/*.json): each one loads, belongs to a catalogue
service, speaks both languages, accepts a realistic application and renders its result documents."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
import yaml
from django.http import QueryDict
from django.template import Context, Template
from django.utils import translation

from vikno.applications import answers as answer_rules
from vikno.applications.definition import Definition, DefinitionError, load
from vikno.applications.definition_files import FORMAT
from vikno.applications.presenting import readable
from vikno.catalog.demo.loader import DEMO_DIR as CATALOGUE_DIR
from vikno.core import clock, rnokpp

DEFINITIONS_DIR = Path(__file__).resolve().parents[1] / "definitions"
LANGUAGES = ("uk", "en")

TODAY = clock.today()
PARENT_RNOKPP = rnokpp.make(dt.date(1990, 4, 12), 17, female=True)
CHILD_RNOKPP = rnokpp.make(dt.date(2019, 6, 15), 3, female=False)


def _file() -> list[str]:
    return [str(uuid.uuid4())]


def _address(**parts: str) -> dict:
    return {"locality": "Київ", "street": "вул. Хрещатик", "building": "22", "postcode": "01001", **parts}


SAMPLES = {
    "criminal-record-certificate": {
        "purpose": "other",
        "purpose_other": "Для отримання дозволу на зброю",
        "full_name": "Коваленко Олена Петрівна",
        "previous_surnames": [{"surname": "Бондар", "changed_year": 2014}, {"surname": "Ткачук"}],
        "birth_date": "1990-04-12",
        "birth_place": "м. Житомир, Житомирська область",
        "rnokpp": PARENT_RNOKPP,
        "identity_document": [str(uuid.uuid4()), str(uuid.uuid4())],
        "phone": "+380671234567",
        "email": "olena.kovalenko@example.com",
    },
    "residence-declaration": {
        "declarant": "child",
        "child_full_name": "Коваленко Андрій Олегович",
        "child_birth_date": "2019-06-15",
        "child_rnokpp": CHILD_RNOKPP,
        "child_birth_certificate": _file(),
        "new_address": _address(apartment="14"),
        "living_since": (TODAY - dt.timedelta(days=10)).isoformat(),
        "basis": "lease",
        "right_document": [str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())],
        "has_previous_address": "yes",
        "previous_address": _address(locality="Житомир", street="вул. Київська", building="5", postcode="10001"),
        "full_name": "Коваленко Олена Петрівна",
        "rnokpp": PARENT_RNOKPP,
        "phone": "+380671234567",
    },
    "birth-allowance": {
        "child_full_name": "Коваленко Марія Олегівна",
        "child_birth_date": (TODAY - dt.timedelta(days=40)).isoformat(),
        "children_born": 2,
        "birth_certificate_number": "I-ТП 123456",
        "birth_certificate_scan": _file(),
        "relationship": "mother",
        "full_name": "Коваленко Олена Петрівна",
        "rnokpp": PARENT_RNOKPP,
        "other_children": [{"full_name": "Коваленко Андрій Олегович", "birth_date": "2019-06-15"}],
        "iban": "UA213223130000026007233566001",
        "phone": "+380671234567",
        "declaration": ["confirmed"],
    },
}
SERVICES = {
    "criminal-record-certificate": "UA-MIA-0001",
    "residence-declaration": "UA-KYIV-0001",
    "birth-allowance": "UA-PFU-0007",
}
DEADLINES = {"criminal-record-certificate": 10, "residence-declaration": 5, "birth-allowance": 10}
# Words each rendered result must contain (besides the reference and the applicant's name).
APPROVAL_MARKS = {
    "criminal-record-certificate": {"uk": ["12 квітня 1990", "дозволу на зброю", "Бондар"], "en": ["12 April 1990"]},
    "residence-declaration": {
        "uk": ["вул. Хрещатик, буд. 22, кв. 14, Київ", "15 червня 2019", "Законний представник"],
        "en": ["building 22, apartment 14", "Legal representative"],
    },
    "birth-allowance": {"uk": ["UA213223130000026007233566001", "на кожну дитину"], "en": ["for each child"]},
}
NAMES = sorted(SERVICES)


def _read(name: str) -> dict:
    return json.loads((DEFINITIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _load(data: dict) -> Definition:
    parts = ("form", "workflow", "results", "documents", "fee")
    return load(**{part: data.get(part) for part in parts})


def _catalogue() -> dict[str, str]:
    """identifier -> slug of every service in the demo catalogue files."""
    services = {}
    for path in CATALOGUE_DIR.glob("services_*.yaml"):
        for row in yaml.safe_load(path.read_text(encoding="utf-8")).get("services") or []:
            services[row["identifier"]] = row["slug"]
    return services


def _context(answers: dict, form, reasons: str = "") -> dict:
    visible = form.visible_questions(answers)
    return {
        "readable": {q.name: ", ".join(readable(q, answers.get(q.name), {})) for q in visible},
        "reference": "26-4837-2915-3",
        "service": "Послуга",
        "organisation": "Орган, що надає послугу",
        "applicant": "Коваленко Олена Петрівна",
        "party": "",
        "submitted_on": "1 жовтня 2026 р.",
        "decided_on": "8 жовтня 2026 р.",
        "reasons": reasons,
        "answers": answers,
    }


def _render(source: str, context: dict) -> str:
    return Template(source).render(Context(context, autoescape=True))


def _bilingual(value, where: str, problems: list[str]) -> None:
    if not isinstance(value, dict) or any(not str(value.get(lang) or "").strip() for lang in LANGUAGES):
        problems.append(where)


def test_every_definition_file_is_tested():
    assert sorted(path.stem for path in DEFINITIONS_DIR.glob("*.json")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_definition_loads(name):
    data = _read(name)
    assert data["format"] == FORMAT
    try:
        definition = _load(data)
    except DefinitionError as error:  # pragma: no cover - shows every problem when it fails
        pytest.fail("\n".join(error.problems))
    assert definition.workflow.deadline_days == DEADLINES[name]
    assert definition.workflow.reminder_days
    file_questions = {q.name for q in definition.form.questions if q.kind == "file"}
    assert {d["question"] for d in data["documents"]} == file_questions


@pytest.mark.parametrize("name", NAMES)
def test_service_is_in_the_demo_catalogue(name):
    catalogue = _catalogue()
    service = _read(name)["service"]
    assert service == SERVICES[name]
    assert catalogue.get(service) == name, "the file is named after the service's slug"


@pytest.mark.parametrize("name", NAMES)
def test_every_text_is_in_both_languages(name):
    data = _read(name)
    definition = _load(data)
    ui = data["form"]["questions"]
    problems: list[str] = []
    for step in definition.form.steps:
        _bilingual(step.title, f"step {step.id}", problems)
    for question in definition.form.questions:
        where = f"question {question.name}"
        _bilingual(ui.get(question.name, {}).get("label"), f"{where} label", problems)
        if question.hint:
            _bilingual(question.hint, f"{where} hint", problems)
        for value, label in question.options:
            _bilingual(label, f"{where} option {value}", problems)
        for item in question.items:
            _bilingual(
                ui[question.name].get("items", {}).get(item.name, {}).get("label"), f"{where}.{item.name}", problems
            )
            if item.hint:
                _bilingual(item.hint, f"{where}.{item.name} hint", problems)
    for state in definition.workflow.states.values():
        _bilingual(state.label, f"state {state.id}", problems)
    for transition in definition.workflow.transitions:
        _bilingual(transition.label, f"transition {transition.id}", problems)
    for document in data["documents"]:
        _bilingual(document.get("name"), f"document {document.get('question')}", problems)
    for outcome, spec in data["results"].items():
        _bilingual(spec["title"], f"result {outcome} title", problems)
        _bilingual(spec["body"], f"result {outcome} body", problems)
    assert problems == []


@pytest.mark.parametrize("name", NAMES)
def test_sample_answers_are_accepted(name):
    definition = _load(_read(name))
    answers = SAMPLES[name]
    form = definition.form
    assert answer_rules.check(form.visible_questions(answers), form, answers) == []
    assert answer_rules.visible_answers(form, answers) == answers, "every sample answer is on a visible step"


@pytest.mark.parametrize("name", NAMES)
def test_required_questions_are_enforced(name):
    form = _load(_read(name)).form
    answers = {k: v for k, v in SAMPLES[name].items() if k not in ("full_name", "phone")}
    anchors = {p.anchor for p in answer_rules.check(form.visible_questions(answers), form, answers)}
    assert anchors == {"full_name", "phone"}


@pytest.mark.parametrize("name", NAMES)
def test_results_render_for_both_outcomes(name):
    data = _read(name)
    definition = _load(data)
    outcomes = {state.outcome for state in definition.workflow.states.values() if state.final}
    assert {"approval", "refusal", "withdrawn"} <= outcomes
    answers = answer_rules.visible_answers(definition.form, SAMPLES[name])
    refuse = definition.workflow.transition("refuse")
    assert refuse is not None and refuse.requires_reasons
    for language in LANGUAGES:
        with translation.override(language):
            approval = _render(data["results"]["approval"]["body"][language], _context(answers, definition.form))
            refusal = _render(
                data["results"]["refusal"]["body"][language],
                _context(answers, definition.form, reasons="Подано нечитабельну копію <b>"),
            )
        for rendered in (approval, refusal):
            assert "26-4837-2915-3" in rendered
            assert "Коваленко Олена Петрівна" in rendered
            assert "None" not in rendered
            assert "{{" not in rendered and "{%" not in rendered
        for mark in APPROVAL_MARKS[name][language]:
            assert mark in approval
        assert "нечитабельну копію &lt;b&gt;" in refusal  # the official's reasons, escaped


def test_criminal_record_purpose_other_is_asked_only_for_other():
    form = _load(_read("criminal-record-certificate")).form
    answers = {**SAMPLES["criminal-record-certificate"], "purpose": "work"}
    assert "purpose_other" not in {q.name for q in form.visible_questions(answers)}
    answers = {k: v for k, v in SAMPLES["criminal-record-certificate"].items() if k != "purpose_other"}
    problems = answer_rules.check(form.visible_questions(answers), form, answers)
    assert [p.anchor for p in problems] == ["purpose_other"]


def test_criminal_record_birth_date_must_be_in_the_past():
    form = _load(_read("criminal-record-certificate")).form
    tomorrow = TODAY + dt.timedelta(days=1)
    post = QueryDict(mutable=True)
    post.update({"birth_date-day": str(tomorrow.day), "birth_date-month": str(tomorrow.month)})
    post.update({"birth_date-year": str(tomorrow.year), "birth_place": "м. Житомир"})
    with translation.override("en"):
        _, problems = answer_rules.read_step(form.step("birth"), post, {})
    assert [p.anchor for p in problems] == ["birth_date-day"]


def test_residence_declaration_for_oneself_skips_the_child_steps():
    form = _load(_read("residence-declaration")).form
    answers = {
        k: v for k, v in SAMPLES["residence-declaration"].items() if not k.startswith("child_") and k != "declarant"
    }
    answers |= {"declarant": "self", "has_previous_address": "no"}
    del answers["previous_address"]
    visible = form.visible_questions(answers)
    assert not {"child_full_name", "child_birth_certificate", "previous_address"} & {q.name for q in visible}
    assert answer_rules.check(visible, form, answers) == []


def test_residence_declaration_needs_the_full_address():
    form = _load(_read("residence-declaration")).form
    answers = {**SAMPLES["residence-declaration"], "new_address": {"locality": "Київ", "street": "вул. Хрещатик"}}
    anchors = [p.anchor for p in answer_rules.check(form.visible_questions(answers), form, answers)]
    assert anchors[:1] in (["new_address-building"], ["new_address-postcode"])


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("birth_certificate_number", "123456"),
        ("birth_certificate_number", "I-тп 123456"),
        ("iban", "UA21 3223 1300 0002 6007 2335 6600 1"),
        ("iban", "DE89370400440532013000"),
        ("children_born", 6),
    ],
)
def test_birth_allowance_refuses_malformed_details(question, value):
    form = _load(_read("birth-allowance")).form
    answers = {**SAMPLES["birth-allowance"], question: value}
    assert [p.anchor for p in answer_rules.check(form.visible_questions(answers), form, answers)] == [question]


@pytest.mark.parametrize("value", ["I-ТП 123456", "І-ТП 123456", "IV-БК 000001", "XII-ЄЇ 654321"])
def test_birth_allowance_accepts_certificate_series(value):
    form = _load(_read("birth-allowance")).form
    answers = {**SAMPLES["birth-allowance"], "birth_certificate_number": value}
    assert answer_rules.check(form.visible_questions(answers), form, answers) == []


def test_only_declaring_a_residence_costs_a_fee_of_0_0085_of_the_subsistence_minimum():
    fees = {name: _load(_read(name)).fee for name in NAMES}
    residence = fees.pop("residence-declaration")
    assert residence is not None and residence.amount_for({}) == 2574  # UAH 3,028 × 0.0085 = 25.738 → 25.74
    assert residence.refund_on == ("refusal",)
    assert fees == {name: None for name in fees}


def test_only_the_birth_allowance_needs_a_second_official_to_approve():
    four_eyes = {name: _load(_read(name)).workflow.transition("approve").four_eyes for name in NAMES}
    assert four_eyes == {"birth-allowance": True, "criminal-record-certificate": False, "residence-declaration": False}
