"""The moderators' list of public questions shows each question's date, service and state, never its words: a
question as asked may hold a phone number or a name, so it is read on its own page, which logs the look for the
asker. The list itself logs nothing."""

import re

import pytest
from django.utils import formats, timezone, translation

from vikno.messaging.feedback.constants import QuestionState
from vikno.messaging.feedback.tests.helpers import question_row
from vikno.privacy.models import DataAccess

pytestmark = pytest.mark.django_db

QUEUE = "/en/office/questions/"
ASKED = "Мене звати Зиновія, мій номер 067 123 45 67. Чи можна подати заяву онлайн?"


def row_of(html: str, question) -> str:
    start = html.index(f'id="question-{question.pk}"')
    return html[start : html.index("</tr>", start)]


def test_the_list_shows_date_service_and_state_not_the_words(office, officer, service, asker):
    waiting = question_row(service, asker, ASKED)
    published = question_row(
        service, asker, "Скільки коштує довідка? Пишіть на zynoviia@example.com", state=QuestionState.PUBLISHED
    )
    response = office(officer).get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    for words in (ASKED, ASKED[:40], "067 123 45 67", "Зиновія", published.text, "zynoviia@example.com"):
        assert words not in html, words
    assert ">Question<" not in html  # no column for the words

    row = row_of(html, waiting)
    cells = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.S)
    assert len(cells) == 3
    with translation.override("en"):
        asked_on = formats.date_format(timezone.localtime(waiting.created_at), "j E Y")
    assert cells[0] == (
        f'<a class="govuk-link" href="/en/office/questions/{waiting.pk}/">{asked_on}'
        f'<span class="govuk-visually-hidden">, public question about “{service.title_en}”</span></a>'
    )
    assert cells[1] == service.title_en
    assert "Waiting for moderation" in cells[2] and "Personal data?" in cells[2]  # flagged, not shown
    assert "Published" in row_of(html, published)
    assert not DataAccess.objects.exists()


def test_the_words_are_read_on_the_questions_own_page_which_logs_the_look(office, officer, service, asker):
    waiting = question_row(service, asker, ASKED)
    browser = office(officer)
    browser.get(QUEUE)
    assert not DataAccess.objects.exists()
    page = browser.get(f"/en/office/questions/{waiting.pk}/")
    assert page.status_code == 200 and "067 123 45 67" in page.content.decode()
    [look] = DataAccess.objects.all()
    assert (look.official, look.subject, look.object_id, look.purpose) == (
        officer,
        asker,
        str(waiting.pk),
        "question_moderation",
    )
