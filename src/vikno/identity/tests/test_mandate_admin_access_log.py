"""Opening a mandate in the admin shows the representative's data (the party's code, a child's birth date, the
document): each opening is logged for the representative with the mandate-administration purpose, the registering
organisation and the roles the official holds there. The list, the add page and a mandate the official may not
see log nothing."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import translation

from vikno.catalog.tests.factories import OrganisationFactory
from vikno.identity.constants import Role
from vikno.identity.tests.factories import citizen, mandate, official, platform_admin
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging.models import Notification
from vikno.privacy.models import DataAccess
from vikno.privacy.selectors import LookPurpose, access_page

pytestmark = pytest.mark.django_db

MANDATES = "/en/admin/identity/mandate/"


@pytest.fixture
def world():
    agency = OrganisationFactory(slug="agency", name_en="State Agency")
    justice = OrganisationFactory(slug="justice")
    return SimpleNamespace(
        agency=agency,
        officer=official("officer@agency.example", agency, Role.CASE_OFFICER),
        admin=official("admin@agency.example", agency, Role.ORGANISATION_ADMIN, Role.CASE_OFFICER),
        justice_officer=official("officer@justice.example", justice, Role.CASE_OFFICER),
        olena=citizen("Олена", "Шевченко"),
    )


def office(person) -> Client:
    browser = Client()
    sign_in_official(browser, person)
    return browser


def test_opening_a_mandate_is_logged_for_its_representative(world):
    held = mandate(world.olena, world.admin, party_name="ТОВ «Зелений двір»")
    response = office(world.officer).get(f"{MANDATES}{held.pk}/change/")
    assert response.status_code == 200 and held.party_code in response.content.decode()
    [look] = DataAccess.objects.all()
    assert (look.official, look.subject, look.object_type, look.object_id) == (
        world.officer,
        world.olena,
        "identity.mandate",
        str(held.pk),
    )
    assert (look.purpose, look.organisation, look.role) == (
        LookPurpose.MANDATE_ADMINISTRATION,
        world.agency,
        "case_officer",
    )
    # Olena has nothing open with the agency: she is told, and her log names the mandate and why.
    assert Notification.objects.filter(recipient=world.olena, event="data_accessed").count() == 1
    with translation.override("en"):
        _page, [entry] = access_page(citizen=world.olena, number=1)
        assert (entry.organisation, entry.role) == ("State Agency", "Case officer")
        assert entry.opened.yours == "your mandate to act for ТОВ «Зелений двір»"
        assert entry.purpose == "Registering or revoking a mandate to act for someone"
    browser = Client()
    sign_in_citizen(browser, world.olena)
    log = browser.get("/en/cabinet/data-access/").content.decode()
    assert "Your mandate to act for ТОВ «Зелений двір»" in log


def test_every_opening_is_logged_with_all_the_mandate_roles_held_there(world):
    held = mandate(world.olena, world.officer)
    browser = office(world.admin)
    assert browser.get(f"{MANDATES}{held.pk}/change/").status_code == 200
    assert browser.get(f"{MANDATES}{held.pk}/change/").status_code == 200
    assert (
        list(DataAccess.objects.values_list("official", "organisation", "role"))
        == [(world.admin.pk, world.agency.pk, "case_officer,organisation_admin")] * 2
    )


def test_the_platform_admin_opening_a_mandate_is_the_portals_administration(world):
    root = platform_admin()
    held = mandate(world.olena, world.admin)
    assert office(root).get(f"{MANDATES}{held.pk}/change/").status_code == 200
    [look] = DataAccess.objects.all()
    assert (look.official, look.subject, look.organisation, look.role, look.purpose) == (
        root,
        world.olena,
        None,
        "",
        "mandate_administration",
    )


def test_the_list_the_add_page_and_anothers_mandate_log_nothing(world):
    mandate(world.olena, world.admin, valid_from=dt.date(2024, 1, 1))
    theirs = mandate(world.olena, world.justice_officer)
    browser = office(world.officer)
    assert browser.get(MANDATES).status_code == 200
    assert browser.get(f"{MANDATES}add/").status_code == 200
    assert browser.get(f"{MANDATES}{theirs.pk}/change/").status_code == 302  # "no such mandate": back to the index
    assert not DataAccess.objects.exists()
    assert not Notification.objects.filter(event="data_accessed").exists()
