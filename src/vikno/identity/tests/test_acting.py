"""Acting for someone else: a citizen switches between themselves and the parties of their mandates in force;
the choice is checked again on every request and is recorded in the audit trail."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import OrganisationFactory
from vikno.core import clock, rnokpp
from vikno.identity import mandates
from vikno.identity.acting import acting_context, current_party
from vikno.identity.constants import Role
from vikno.identity.models import PartyKind
from vikno.identity.session import ACTING_FOR_KEY
from vikno.identity.tests.factories import citizen, mandate, official
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official

pytestmark = pytest.mark.django_db

with translation.override("en"):
    ACTING_FOR = reverse("identity:acting-for")
    CABINET = reverse("identity:cabinet")


@pytest.fixture
def world():
    registrar = official("officer@agency.example", OrganisationFactory(), Role.CASE_OFFICER)
    olena = citizen("Олена", "Шевченко")
    andrii = citizen("Андрій", "Коваленко", born=dt.date(1975, 11, 2))
    son = mandate(
        olena,
        registrar,
        party_kind=PartyKind.CHILD,
        party_name="Шевченко Марко Олегович",
        party_code=rnokpp.make(dt.date(2015, 5, 10), 1, female=False),
        party_birth_date=dt.date(2015, 5, 10),
        valid_until=dt.date(2033, 5, 9),
    )
    company = mandate(olena, registrar, party_name="ТОВ «Зелений двір»")
    ended = mandate(olena, registrar, party_name="ТОВ «Минуле»", valid_until=dt.date(2021, 1, 1))
    revoked = mandate(olena, registrar, party_name="ТОВ «Відкликане»")
    mandates.mandate_revoke(actor=registrar, mandate=revoked, reason="Рішення суду")
    theirs = mandate(andrii, registrar, party_name="ТОВ «Коваленко і партнери»")
    return SimpleNamespace(
        registrar=registrar,
        olena=olena,
        andrii=andrii,
        son=son,
        company=company,
        ended=ended,
        revoked=revoked,
        theirs=theirs,
    )


def _radios(response) -> list[tuple[str, str]]:
    return [(option["value"], str(option["label"])) for option in response.context["options"]]


def _acting_audit():
    return list(
        AuditRecord.objects.filter(action="identity.acting_for_changed")
        .order_by("occurred_at")
        .values_list("actor", "object_type", "object_id", "on_behalf_of", "details")
    )


@pytest.mark.parametrize("more", [0, 3])
def test_the_page_lists_myself_and_the_mandates_in_force_only(client, world, more, django_assert_num_queries):
    for number in range(more):
        mandate(world.olena, world.registrar, party_name=f"ТОВ «Ще {number}»")
    sign_in_citizen(client, world.olena)
    with django_assert_num_queries(4):  # session, user, mandates, unread messages in the menu
        response = client.get(ACTING_FOR)
    assert response.status_code == 200
    assert _radios(response)[:1] == [("myself", "Myself")]
    names = [label for _, label in _radios(response)[1:]]
    assert names == sorted(["Шевченко Марко Олегович", "ТОВ «Зелений двір»", *[f"ТОВ «Ще {n}»" for n in range(more)]])
    html = response.content.decode()
    assert 'type="radio" value="myself" checked' in html
    for hidden in ("ТОВ «Минуле»", "ТОВ «Відкликане»", "Коваленко і партнери"):
        assert hidden not in html
    assert "Your child, born 10 May 2015. Valid until 9 May 2033" in html


def test_a_citizen_without_mandates_sees_only_myself(client, world):
    sign_in_citizen(client, world.andrii)
    world.theirs.delete()
    response = client.get(ACTING_FOR)
    assert _radios(response) == [("myself", "Myself")]
    assert 'id="no-mandates"' in response.content.decode()


def test_switching_to_a_mandate_and_back(client, world):
    sign_in_citizen(client, world.olena)

    switched = client.post(ACTING_FOR, {"party": str(world.company.pk)})

    assert switched.status_code == 302 and switched["Location"] == CABINET
    assert client.session[ACTING_FOR_KEY] == str(world.company.pk)
    cabinet = client.get(CABINET).content.decode()
    assert "Acting for: ТОВ «Зелений двір»" in cabinet
    assert f'href="{ACTING_FOR}"' in cabinet
    page = client.get(ACTING_FOR).content.decode()
    assert f'value="{world.company.pk}" checked' in page

    back = client.post(ACTING_FOR, {"party": "myself"})

    assert back.status_code == 302
    assert ACTING_FOR_KEY not in client.session
    assert "Acting for:" not in client.get(CABINET).content.decode()
    assert _acting_audit() == [
        (
            world.olena.pk,
            "identity.mandate",
            str(world.company.pk),
            str(world.company.pk),
            {"party_kind": "business", "previous": ""},
        ),
        (
            world.olena.pk,
            "identity.user",
            str(world.olena.pk),
            "",
            {"party_kind": "", "previous": str(world.company.pk)},
        ),
    ]


def test_someone_elses_mandate_is_not_found(client, world):
    sign_in_citizen(client, world.olena)
    for value in (str(world.theirs.pk), "00000000-0000-0000-0000-000000000000", "not-a-mandate"):
        response = client.post(ACTING_FOR, {"party": value})
        assert response.status_code == 404
    assert ACTING_FOR_KEY not in client.session
    assert _acting_audit() == []


@pytest.mark.parametrize("which", ["revoked", "ended"])
def test_an_own_mandate_no_longer_in_force_cannot_be_chosen(client, world, which):
    sign_in_citizen(client, world.olena)
    response = client.post(ACTING_FOR, {"party": str(getattr(world, which).pk)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This mandate is no longer valid: it has been revoked or has expired." in html
    assert 'class="govuk-error-summary"' in html and 'href="#id_party"' in html
    assert ACTING_FOR_KEY not in client.session
    assert _acting_audit() == []


def test_choosing_nothing_is_an_error(client, world):
    sign_in_citizen(client, world.olena)
    response = client.post(ACTING_FOR, {})
    assert response.status_code == 400
    assert "Choose who you are acting for." in response.content.decode()


def test_a_mandate_revoked_meanwhile_drops_the_person_back_to_themselves(client, world):
    sign_in_citizen(client, world.olena)
    client.post(ACTING_FOR, {"party": str(world.son.pk)})
    mandates.mandate_revoke(actor=world.registrar, mandate=world.son, reason="Позбавлення батьківських прав")

    page = client.get(CABINET).content.decode()

    assert "You no longer act for Шевченко Марко Олегович: the mandate has been revoked or has expired." in page
    assert "Acting for: " not in page
    assert ACTING_FOR_KEY not in client.session
    assert "You no longer act for" not in client.get(CABINET).content.decode()  # said once


def test_a_mandate_that_ends_meanwhile_drops_the_person_back(client, world, monkeypatch):
    sign_in_citizen(client, world.olena)
    client.post(ACTING_FOR, {"party": str(world.son.pk)})
    later = dt.datetime(2033, 5, 10, 12, 0, tzinfo=dt.UTC)  # the son turned 18 yesterday (Kyiv time)
    monkeypatch.setattr(clock, "now", lambda: later)

    page = client.get(CABINET).content.decode()

    assert "You no longer act for Шевченко Марко Олегович" in page
    assert ACTING_FOR_KEY not in client.session


def test_current_party_checks_the_session_each_request(world):
    request = RequestFactory().get("/")
    request.user = world.olena
    request.session = {ACTING_FOR_KEY: str(world.company.pk)}
    assert current_party(request) == world.company
    other = RequestFactory().get("/")
    other.user = world.andrii  # someone else's mandate id in the session: never honoured
    other.session = {ACTING_FOR_KEY: str(world.company.pk)}
    assert acting_context(other) == {"acting_for": None, "acting_for_dropped": {"party": ""}}
    assert other.session == {}


def test_switching_needs_the_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    sign_in_citizen(browser, world.olena)
    assert browser.post(ACTING_FOR, {"party": str(world.company.pk)}).status_code == 403
    assert ACTING_FOR_KEY not in browser.session


def test_only_signed_in_citizens_reach_the_page(client, world):
    response = client.get(ACTING_FOR)
    assert response.status_code == 302 and "sign-in" in response["Location"]
    sign_in_official(client, world.registrar)
    assert client.get(ACTING_FOR).status_code == 403
