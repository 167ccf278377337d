"""A citizen's mobile number is kept only once a code sent to it by SMS comes back."""

import datetime as dt
import json
import re

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from vikno.audit.models import AuditRecord
from vikno.identity.tests.factories import citizen
from vikno.identity.tests.helpers import sign_in_citizen
from vikno.messaging.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = citizen(email="olena@example.com")
    sign_in_citizen(client, user)
    return user


def sent_code() -> str:
    return re.search(r"\d{6}", Delivery.objects.latest("created_at").text)[0]


def test_a_confirmed_number_is_kept(client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        asked = client.post(reverse("identity:phone"), {"phone": "067 123 45 67"})
    assert asked.status_code == 302 and asked["Location"] == reverse("identity:phone-confirm")
    sms = Delivery.objects.get()
    assert (sms.channel, sms.to, sms.is_notification) == ("sms", "+380671234567", False)
    assert sms.text.startswith("Vikno: ваш код ")
    person.refresh_from_db()
    assert person.phone == ""  # not before the code comes back
    page = client.get(reverse("identity:phone-confirm"))
    assert "+380671234567" in page.content.decode()
    confirmed = client.post(reverse("identity:phone-confirm"), {"code": sent_code()})
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("identity:notifications")
    person.refresh_from_db()
    assert person.phone == "+380671234567"
    assert list(AuditRecord.objects.filter(actor=person).values_list("action", flat=True).order_by("occurred_at")) == [
        "identity.phone_code_sent",
        "identity.phone_changed",
    ]
    assert "+380671234567" not in json.dumps(list(AuditRecord.objects.values_list("details", flat=True)))


def test_a_wrong_code_five_times_ends_the_code(client, person):
    client.post(reverse("identity:phone"), {"phone": "+380671234567"})
    right = sent_code()
    wrong = "000000" if right != "000000" else "111111"
    for _attempt in range(4):
        answer = client.post(reverse("identity:phone-confirm"), {"code": wrong})
        assert answer.status_code == 400
        assert "Код неправильний" in answer.content.decode()
    fifth = client.post(reverse("identity:phone-confirm"), {"code": wrong})
    assert "Це був п’ятий неправильний код" in fifth.content.decode()
    late = client.post(reverse("identity:phone-confirm"), {"code": right})
    assert late.status_code == 400
    person.refresh_from_db()
    assert person.phone == ""


def test_an_expired_code_is_refused(client, person, at):
    at(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    sign_in_citizen(client, person)  # signed in at 10:00, so still recently at 10:11
    client.post(reverse("identity:phone"), {"phone": "+380671234567"})
    at(dt.datetime(2026, 12, 1, 10, 11, tzinfo=dt.UTC))
    answer = client.post(reverse("identity:phone-confirm"), {"code": sent_code()})
    assert answer.status_code == 400 and "Строк дії коду минув" in answer.content.decode()


def test_three_codes_an_hour_at_most_to_an_account_and_to_a_number(client, person):
    for number in ("+380671234567", "+380671234568", "+380671234569"):
        assert client.post(reverse("identity:phone"), {"phone": number}).status_code == 302
    fourth = client.post(reverse("identity:phone"), {"phone": "+380671234560"})
    assert fourth.status_code == 400
    assert "Ви вже просили три коди за останню годину" in fourth.content.decode()
    # Signing in again (a new session) does not start the count over.
    again = Client()
    sign_in_citizen(again, person)
    assert again.post(reverse("identity:phone"), {"phone": "+380671234560"}).status_code == 400
    # Nor does another account asking for codes to a number that already had three.
    other = Client()
    sign_in_citizen(other, citizen())
    for _code in range(2):
        assert other.post(reverse("identity:phone"), {"phone": "+380501112233"}).status_code == 302
    assert other.post(reverse("identity:phone"), {"phone": "+380671234567"}).status_code == 302
    third_user = Client()
    sign_in_citizen(third_user, citizen())
    for _code in range(2):
        third_user.post(reverse("identity:phone"), {"phone": "+380671234567"})
    assert [d.to for d in Delivery.objects.all()].count("+380671234567") == 3
    assert Delivery.objects.count() == 3 + 3 + 1
    Delivery.objects.update(created_at=F("created_at") - dt.timedelta(minutes=61))  # an hour passes
    assert again.post(reverse("identity:phone"), {"phone": "+380671234560"}).status_code == 302


@pytest.mark.parametrize("number", ["", "123", "ab cd", "+38067123456789012345"])
def test_a_number_that_is_not_one_is_refused(client, person, number):
    answer = client.post(reverse("identity:phone"), {"phone": number})
    assert answer.status_code == 400
    assert 'class="govuk-error-summary"' in answer.content.decode()
    assert not Delivery.objects.exists()


def test_confirming_without_asking_first_leads_back(client, person):
    assert client.get(reverse("identity:phone-confirm"))["Location"] == reverse("identity:phone")
