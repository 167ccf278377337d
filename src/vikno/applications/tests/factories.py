"""A small service definition that asks every kind of question, and helpers to file applications under it."""

import copy
import io

from PIL import Image

from vikno.applications.definition_files import definition_import, definition_publish
from vikno.applications.models import ServiceDefinition
from vikno.catalog.tests.factories import PublicServiceFactory


def _t(uk: str, en: str) -> dict:
    return {"uk": uk, "en": en}


FORM = {
    "schema": {
        "type": "object",
        "properties": {
            "purpose": {"type": "string", "enum": ["work", "other"]},
            "purpose_other": {"type": "string", "minLength": 1, "maxLength": 200},
            "full_name": {"type": "string", "minLength": 1, "maxLength": 200},
            "birth_date": {"type": "string", "format": "date", "x-past": True},
            "rnokpp": {"type": "string", "format": "rnokpp"},
            "children": {"type": "integer", "minimum": 0, "maximum": 20},
            "address": {"type": "object", "format": "address"},
            "previous_names": {
                "type": "array",
                "maxItems": 3,
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string", "maxLength": 100}, "year": {"type": "integer"}},
                    "required": ["name"],
                },
            },
            "phone": {"type": "string", "format": "phone"},
            "email": {"type": "string", "format": "email"},
            "passport": {
                "type": "array",
                "items": {"type": "string", "format": "upload"},
                "minItems": 1,
                "maxItems": 2,
            },
        },
        "required": ["purpose", "purpose_other", "full_name", "birth_date", "rnokpp", "address", "phone", "passport"],
    },
    "steps": [
        {"id": "purpose", "title": _t("Мета", "Purpose"), "questions": ["purpose"]},
        {
            "id": "purpose-other",
            "title": _t("Інша мета", "Other purpose"),
            "questions": ["purpose_other"],
            "when": {"question": "purpose", "equals": "other"},
        },
        {"id": "about-you", "title": _t("Про вас", "About you"), "questions": ["full_name", "birth_date", "rnokpp"]},
        {"id": "children", "title": _t("Діти", "Children"), "questions": ["children"]},
        {"id": "address", "title": _t("Адреса", "Address"), "questions": ["address"]},
        {"id": "previous-names", "title": _t("Попередні прізвища", "Previous names"), "questions": ["previous_names"]},
        {"id": "contact", "title": _t("Контакти", "Contact"), "questions": ["phone", "email"]},
        {"id": "passport", "title": _t("Паспорт", "Passport"), "questions": ["passport"]},
    ],
    "questions": {
        "purpose": {
            "label": _t("Для чого вам довідка?", "What do you need it for?"),
            "options": {"work": _t("Для роботи", "For work"), "other": _t("Інше", "Something else")},
        },
        "purpose_other": {"label": _t("Опишіть мету", "Describe the purpose"), "widget": "textarea"},
        "full_name": {"label": _t("Повне ім'я", "Full name"), "prefill": "full_name"},
        "birth_date": {"label": _t("Дата народження", "Date of birth"), "prefill": "birth_date"},
        "rnokpp": {"label": _t("РНОКПП", "Taxpayer number"), "prefill": "rnokpp"},
        "children": {"label": _t("Скільки у вас дітей?", "How many children do you have?")},
        "address": {"label": _t("Ваша адреса", "Your address")},
        "previous_names": {
            "label": _t("Попереднє прізвище", "Previous surname"),
            "items": {"name": {"label": _t("Прізвище", "Surname")}, "year": {"label": _t("Рік зміни", "Year")}},
        },
        "phone": {"label": _t("Телефон", "Phone"), "prefill": "phone"},
        "email": {"label": _t("Електронна пошта", "E-mail"), "prefill": "email"},
        "passport": {"label": _t("Скан паспорта", "Passport scan")},
    },
}

WORKFLOW = {
    "deadline_working_days": 10,
    "information_request": {"stops_clock": True, "answer_within_working_days": 5},
    "reminders_working_days_before": [3, 1],
    "states": {
        "submitted": {"label": _t("Отримано", "Received")},
        "in_review": {"label": _t("Розглядається", "Being considered")},
        "awaiting_information": {
            "label": _t("Очікує відповіді заявника", "Waiting for the applicant"),
            "citizen_label": _t("Очікує вашої відповіді", "Waiting for your answer"),
        },
        "approved": {"label": _t("Погоджено", "Approved"), "final": True, "outcome": "approval"},
        "refused": {"label": _t("Відмовлено", "Refused"), "final": True, "outcome": "refusal"},
        "withdrawn": {"label": _t("Відкликано", "Withdrawn"), "final": True, "outcome": "withdrawn"},
    },
    "transitions": [
        {
            "id": "start_review",
            "label": _t("Почати розгляд", "Start review"),
            "from": ["submitted"],
            "to": "in_review",
            "roles": ["case_officer", "supervisor"],
        },
        {
            "id": "request_information",
            "label": _t("Запитати інформацію", "Ask for more information"),
            "from": ["in_review"],
            "to": "awaiting_information",
            "roles": ["case_officer"],
            "effect": "request_information",
        },
        {
            "id": "information_received",
            "label": _t("Відповідь надано", "Answer given"),
            "from": ["awaiting_information"],
            "to": "in_review",
            "by": "citizen",
        },
        {
            "id": "approve",
            "label": _t("Погодити", "Approve"),
            "from": ["in_review"],
            "to": "approved",
            "roles": ["case_officer", "supervisor"],
        },
        {
            "id": "refuse",
            "label": _t("Відмовити", "Refuse"),
            "from": ["in_review"],
            "to": "refused",
            "roles": ["case_officer", "supervisor"],
            "requires_reasons": True,
        },
        {
            "id": "forward",
            "label": _t("Переслати", "Forward"),
            "from": ["submitted", "in_review"],
            "to": "submitted",
            "roles": ["supervisor"],
            "effect": "forward",
        },
        {
            "id": "withdraw",
            "label": _t("Відкликати", "Withdraw"),
            "from": ["submitted", "in_review", "awaiting_information"],
            "to": "withdrawn",
            "by": "citizen",
        },
    ],
}

RESULTS = {
    "approval": {
        "title": _t("Довідка", "Certificate"),
        "body": _t("<p>Видано {{ applicant }} за заявою {{ reference }}.</p>", "<p>Issued to {{ applicant }}.</p>"),
    },
    "refusal": {
        "title": _t("Рішення про відмову", "Refusal"),
        "body": _t("<p>Відмовлено: {{ reasons }}</p>", "<p>Refused: {{ reasons }}</p>"),
    },
}


def definition_data(service, **changes) -> dict:
    data = {
        "format": "vikno.service-definition/1",
        "service": service.identifier,
        "form": copy.deepcopy(FORM),
        "documents": [{"question": "passport", "name": _t("Паспорт", "Passport")}],
        "workflow": copy.deepcopy(WORKFLOW),
        "results": copy.deepcopy(RESULTS),
    }
    data.update(changes)
    return data


def published(service=None, **changes) -> ServiceDefinition:
    service = service or PublicServiceFactory()
    stored = definition_import(data=definition_data(service, **changes))
    return definition_publish(definition=stored)


def good_answers(rnokpp: str, attachment_ids: list[str]) -> dict:
    return {
        "purpose": "work",
        "full_name": "Шевченко Олена Петрівна",
        "birth_date": "1988-03-14",
        "rnokpp": rnokpp,
        "children": 2,
        "address": {"locality": "Київ", "street": "Хрещатик", "building": "1", "postcode": "01001"},
        "phone": "+380671234567",
        "passport": attachment_ids,
    }


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
