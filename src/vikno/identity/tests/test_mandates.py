"""Mandates: registered by an official from a document, checked (EDRPOU, RNOKPP, a child under 18), revoked
with a reason; read only by their representative, or by the officials of the registering organisation."""

import datetime as dt
from html import unescape
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import OrganisationFactory
from vikno.core import edrpou, rnokpp
from vikno.identity import mandates
from vikno.identity.constants import Role
from vikno.identity.models import Mandate, PartyKind
from vikno.identity.tests.factories import citizen, company_code, mandate, official, platform_admin
from vikno.identity.tests.helpers import sign_in_official

pytestmark = pytest.mark.django_db

MANDATES = "/en/admin/identity/mandate/"
SON_BORN = dt.date(2015, 5, 10)
SON = rnokpp.make(SON_BORN, 1, female=False)
COMPANY = edrpou.make("4312345")


@pytest.fixture
def world():
    agency = OrganisationFactory(slug="agency")
    justice = OrganisationFactory(slug="justice")
    return SimpleNamespace(
        agency=agency,
        justice=justice,
        officer=official("officer@agency.example", agency, Role.CASE_OFFICER),
        admin=official("admin@agency.example", agency, Role.ORGANISATION_ADMIN),
        justice_officer=official("officer@justice.example", justice, Role.CASE_OFFICER),
        editor=official("editor@agency.example", agency, Role.EDITOR),
        olena=citizen("Олена", "Шевченко"),
        andrii=citizen("Андрій", "Коваленко", born=dt.date(1975, 11, 2)),
    )


def _form(representative, **overrides):
    data = {
        "representative_rnokpp": representative.rnokpp,
        "party_kind": PartyKind.BUSINESS,
        "party_name": "ТОВ «Зелений двір»",
        "party_code": COMPANY,
        "party_birth_date": "",
        "basis": "Виписка з ЄДР",
        "valid_from": "2025-01-01",
        "valid_until": "",
    }
    data.update(overrides)
    return data


def _summary(response) -> list[str]:
    html = unescape(response.content.decode())
    start = html.index('class="vikno-error-summary"')
    return [
        line.strip()
        for line in html[start : html.index("</ul>", start)].splitlines()
        if line.strip().startswith("<li>")
    ]


# --- Registering ---------------------------------------------------------------------------------------------
def test_a_case_officer_registers_a_business_mandate(client, world):
    sign_in_official(client, world.officer)
    response = client.post(f"{MANDATES}add/", _form(world.olena))
    assert response.status_code == 302
    registered = Mandate.objects.get()
    assert (registered.representative, registered.party_kind, registered.party_code) == (
        world.olena,
        PartyKind.BUSINESS,
        COMPANY,
    )
    assert registered.registered_by == world.officer
    assert (registered.valid_from, registered.valid_until, registered.party_birth_date) == (
        dt.date(2025, 1, 1),
        None,
        None,
    )
    assert list(AuditRecord.objects.values_list("actor", "action", "object_id", "details")) == [
        (
            world.officer.pk,
            "identity.mandate_registered",
            str(registered.pk),
            {
                "representative": str(world.olena.pk),
                "party_kind": "business",
                "valid_from": "2025-01-01",
                "valid_until": None,
            },
        )
    ]


def test_a_childs_mandate_ends_the_day_before_the_18th_birthday(client, world):
    sign_in_official(client, world.admin)
    response = client.post(
        f"{MANDATES}add/",
        _form(
            world.olena,
            party_kind=PartyKind.CHILD,
            party_name="Шевченко Марко Олегович",
            party_code=SON,
            party_birth_date="2015-05-10",
            basis="Свідоцтво про народження І-ТВ № 123456",
        ),
    )
    assert response.status_code == 302
    assert Mandate.objects.get().valid_until == dt.date(2033, 5, 9)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"party_code": COMPANY[:7] + str((int(COMPANY[7]) + 1) % 10)},
            "party_code",
            "Enter a valid EDRPOU code: 8 digits, the last a correct check digit.",
        ),
        (
            {
                "party_kind": "child",
                "party_code": rnokpp.make(dt.date(2000, 1, 1), 3, female=True),
                "party_birth_date": "2000-01-01",
            },
            "valid_from",
            "The child is 18 or over on the start date: a parent's mandate is for children under 18.",
        ),
        (
            {"party_kind": "child", "party_code": SON, "party_birth_date": "2015-05-11"},
            "party_birth_date",
            "The date of birth does not match the one the RNOKPP encodes (10 May 2015).",
        ),
        (
            {
                "party_kind": "child",
                "party_code": SON[:9] + str((int(SON[9]) + 1) % 10),
                "party_birth_date": "2015-05-10",
            },
            "party_code",
            "Enter a valid RNOKPP: 10 digits, the last a correct check digit.",
        ),
        (
            {"party_kind": "child", "party_code": SON, "party_birth_date": "2015-05-10", "valid_until": "2033-05-10"},
            "valid_until",
            "A mandate for a child ends by the day before their 18th birthday (9 May 2033) at the latest.",
        ),
        (
            {"representative_rnokpp": "1234567890"},
            "representative_rnokpp",
            "No citizen's account has this taxpayer number: the person signs in to the portal once first.",
        ),
        ({"valid_until": "2024-12-31"}, "valid_until", "The end date must not be before the start date."),
    ],
)
def test_bad_mandates_get_field_errors_in_the_error_summary(client, world, overrides, field, message):
    sign_in_official(client, world.officer)
    response = client.post(f"{MANDATES}add/", _form(world.olena, **overrides))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors[field] == [message]
    label = form.fields[field].label
    assert _summary(response) == [f'<li><a href="#id_{field}">{label}: {message}</a></li>']
    assert not Mandate.objects.exists()
    assert not AuditRecord.objects.exists()


def test_an_overlapping_mandate_for_the_same_party_is_refused(world):
    mandates.mandate_register(
        actor=world.officer,
        representative=world.olena,
        party_kind=PartyKind.BUSINESS,
        party_name="ТОВ «Зелений двір»",
        party_code=COMPANY,
        basis="Виписка",
        valid_from=dt.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        mandates.mandate_register(
            actor=world.officer,
            representative=world.olena,
            party_kind=PartyKind.BUSINESS,
            party_name="ТОВ «Зелений двір»",
            party_code=COMPANY,
            basis="Виписка",
            valid_from=dt.date(2026, 1, 1),
        )
    assert list(refused.value.message_dict) == ["party_code"]
    assert Mandate.objects.count() == 1


def test_officials_without_the_roles_register_nothing(client, world):
    sign_in_official(client, world.editor)
    assert client.get(MANDATES).status_code == 403
    assert client.post(f"{MANDATES}add/", _form(world.olena)).status_code == 403
    with pytest.raises(PermissionDenied):
        mandates.mandate_register(
            actor=world.editor,
            representative=world.olena,
            party_kind=PartyKind.BUSINESS,
            party_name="ТОВ",
            party_code=COMPANY,
            basis="Виписка",
            valid_from=dt.date(2025, 1, 1),
        )
    assert not Mandate.objects.exists()
    assert not AuditRecord.objects.exists()


# --- Seeing and revoking -------------------------------------------------------------------------------------
@pytest.mark.parametrize("extra", [0, 4])
def test_officials_see_the_mandates_of_their_organisation_only(client, world, extra, django_assert_num_queries):
    ours = [mandate(world.olena, world.admin) for _ in range(1 + extra)]
    mandate(world.andrii, world.justice_officer)
    sign_in_official(client, world.officer)
    with django_assert_num_queries(10):
        response = client.get(MANDATES)
    assert response.status_code == 200
    assert {m.pk for m in response.context["cl"].result_list} == {m.pk for m in ours}


def test_the_platform_admin_sees_every_mandate(client, world):
    mandate(world.olena, world.admin)
    mandate(world.andrii, world.justice_officer)
    sign_in_official(client, platform_admin())
    assert len(client.get(MANDATES).context["cl"].result_list) == 2


def test_a_mandate_is_revoked_with_a_reason(client, world):
    held = mandate(world.olena, world.admin)
    sign_in_official(client, world.officer)
    view = client.get(f"{MANDATES}{held.pk}/change/")
    assert f'href="/en/admin/identity/mandate/{held.pk}/revoke/"' in view.content.decode()

    without_reason = client.post(f"{MANDATES}{held.pk}/revoke/", {"reason": "  "})
    assert without_reason.status_code == 400
    assert "Enter the reason." in without_reason.content.decode()
    done = client.post(f"{MANDATES}{held.pk}/revoke/", {"reason": "Рішення суду від 1 грудня"})

    assert done.status_code == 302
    held.refresh_from_db()
    assert held.revoked_at is not None and held.revoked_by == world.officer
    assert held.revocation_reason == "Рішення суду від 1 грудня"
    assert list(AuditRecord.objects.values_list("actor", "action", "object_id", "reason", "details")) == [
        (
            world.officer.pk,
            "identity.mandate_revoked",
            str(held.pk),
            "Рішення суду від 1 грудня",
            {"representative": str(world.olena.pk), "party_kind": "business"},
        )
    ]
    assert "/revoke/" not in client.get(f"{MANDATES}{held.pk}/change/").content.decode()
    with pytest.raises(ValidationError):
        mandates.mandate_revoke(actor=world.officer, mandate=held, reason="Ще раз")
    assert AuditRecord.objects.count() == 1


def test_another_organisations_mandate_cannot_be_revoked(client, world):
    theirs = mandate(world.andrii, world.justice_officer)
    sign_in_official(client, world.officer)
    assert client.post(f"{MANDATES}{theirs.pk}/revoke/", {"reason": "Бо так"}).status_code == 404
    with pytest.raises(PermissionDenied):
        mandates.mandate_revoke(actor=world.officer, mandate=theirs, reason="Бо так")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not AuditRecord.objects.exists()


# --- Selectors -----------------------------------------------------------------------------------------------
def test_active_mandates_are_the_representatives_own_in_force_today(world):
    today = dt.date(2026, 6, 1)
    active = mandate(world.olena, world.admin, valid_from=dt.date(2025, 1, 1))
    mandate(world.olena, world.admin, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2026, 5, 31))  # ended
    mandate(world.olena, world.admin, valid_from=dt.date(2026, 6, 2))  # not yet
    revoked = mandate(world.olena, world.admin)
    mandates.mandate_revoke(actor=world.admin, mandate=revoked, reason="Відкликано")
    mandate(world.andrii, world.admin)  # someone else's

    assert list(mandates.mandates_active_for(user=world.olena, on=today)) == [active]
    assert list(mandates.mandates_active_for(user=world.admin, on=today)) == []  # officials act for no one
    assert mandates.mandate_get_for_representative(user=world.olena, mandate_id=revoked.pk) == revoked
    with pytest.raises(Mandate.DoesNotExist):
        mandates.mandate_get_for_representative(user=world.andrii, mandate_id=active.pk)
    with pytest.raises(Mandate.DoesNotExist):
        mandates.mandate_get_for_representative(user=world.olena, mandate_id="not-a-uuid")


def test_company_codes_in_tests_are_valid():
    assert edrpou.is_valid(company_code(7)) and edrpou.is_valid(COMPANY) and rnokpp.is_valid(SON)
