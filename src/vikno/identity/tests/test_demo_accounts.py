"""The demo's organisation admin and the demo citizen who acts for a company and for her son."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from vikno.catalog.tests.factories import OrganisationFactory
from vikno.core import clock, edrpou, rnokpp
from vikno.identity import mandates, services
from vikno.identity.constants import Assurance, Role
from vikno.identity.eid.client import VerifiedIdentity
from vikno.identity.management.commands.demo_accounts import DEMO_CITIZEN, DEMO_MANDATES
from vikno.identity.models import Mandate, PartyKind, User
from vikno.identity.selectors import person_by_rnokpp

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_organisations():
    ministry = OrganisationFactory(slug="ministry-of-internal-affairs")
    OrganisationFactory(slug="state-migration-service", parent=ministry)
    OrganisationFactory(slug="kyiv-city-council")
    OrganisationFactory(slug="pension-fund")
    OrganisationFactory(slug="ministry-of-digital-transformation")


def test_the_demo_values_are_valid_codes():
    business, child = DEMO_MANDATES
    assert business.party_kind == PartyKind.BUSINESS and edrpou.is_valid(business.party_code)
    assert child.party_kind == PartyKind.CHILD and rnokpp.is_valid(child.party_code)
    assert rnokpp.birth_date(child.party_code) == child.party_birth_date == dt.date(2015, 5, 10)
    assert rnokpp.birth_date(DEMO_CITIZEN["rnokpp"]) == DEMO_CITIZEN["birth_date"]


def test_demo_accounts_add_an_organisation_admin_and_olena_with_two_mandates(demo_organisations):
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    call_command("demo_accounts", stdout=StringIO())  # twice: nothing doubles

    printed = out.getvalue()
    assert "orgadmin.migration@vikno.localhost" in printed and "Vikno-OrgAdmin-Demo-2026" in printed
    assert "Олена Шевченко (RNOKPP 3221512000)" in printed
    admin = User.objects.get(username="orgadmin.migration@vikno.localhost")
    assert admin.check_password("Vikno-OrgAdmin-Demo-2026") and admin.is_staff and not admin.is_superuser
    assert list(admin.role_assignments.values_list("organisation__slug", "role", "includes_subordinates")) == [
        ("state-migration-service", Role.ORGANISATION_ADMIN, True)
    ]
    # The oversight roles of issue 7, so that `make run` can show the audit trail and the officer's queue.
    for email, slug, role in (
        ("auditor.kyiv@vikno.localhost", "kyiv-city-council", Role.AUDITOR),
        ("dpo@vikno.localhost", "ministry-of-digital-transformation", Role.DATA_PROTECTION_OFFICER),
    ):
        account = User.objects.get(username=email)
        assert account.is_staff and not account.is_superuser
        assert list(account.role_assignments.values_list("organisation__slug", "role")) == [(slug, role)]
    olena = person_by_rnokpp("3221512000")
    assert not olena.is_staff and not olena.has_usable_password()
    assert (olena.last_name, olena.first_name, olena.birth_date) == ("Шевченко", "Олена", dt.date(1988, 3, 14))
    held = list(mandates.mandates_active_for(user=olena, on=clock.today()))
    assert [(m.party_name, m.party_kind, m.registered_by) for m in held] == [
        ("ТОВ «Зелений двір»", PartyKind.BUSINESS, admin),
        ("Шевченко Марко Олегович", PartyKind.CHILD, admin),
    ]
    assert (held[0].valid_until, held[1].valid_until) == (None, dt.date(2033, 5, 9))
    assert Mandate.objects.count() == 2


def test_signing_in_as_olena_with_the_demo_eid_links_to_the_demo_account(demo_organisations):
    call_command("demo_accounts", stdout=StringIO())
    prepared = person_by_rnokpp("3221512000")
    identity = VerifiedIdentity(
        provider="demo",
        issuer="http://127.0.0.1:8001",
        subject="demo-0001",
        assurance=Assurance.HIGH,
        acr="http://eidas.europa.eu/LoA/high",
        attributes={"given_name": "Олена", "family_name": "Шевченко", "rnokpp": "3221512000"},
    )
    signed_in = services.citizen_sign_in_with_eid(identity=identity, provider_name="Демо eID", source_ip=None)
    assert signed_in.pk == prepared.pk
    assert mandates.mandates_active_for(user=signed_in).count() == 2
