"""The editors' admin: scoped to the editor's organisation, field errors in an error summary, workflow."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from vikno.audit.models import AuditRecord
from vikno.catalog.constants import PublicationStatus
from vikno.catalog.models import PublicService, ServiceCentre
from vikno.catalog.tests.factories import OrganisationFactory, PublicServiceFactory
from vikno.identity.constants import Role
from vikno.identity.models import RoleAssignment, User
from vikno.identity.tests.helpers import sign_in_official

pytestmark = pytest.mark.django_db

EDITOR_PERMISSIONS = [
    "view_publicservice",
    "change_publicservice",
    "add_publicservice",
    "view_organisation",
    "view_servicecentre",
    "change_servicecentre",
    "add_servicecentre",
    "add_openinghours",
    "change_openinghours",
    "view_openinghours",
    "add_legalresource",
    "change_legalresource",
    "view_legalresource",
]


def official(username, organisation, role, *, publish=False):
    user = User.objects.create_user(username=username, email=f"{username}@example.gov.ua", is_staff=True)
    codenames = EDITOR_PERMISSIONS + (["publish_publicservice"] if publish else [])
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    RoleAssignment.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def setting():
    own = OrganisationFactory(slug="own", name_en="Own Authority")
    other = OrganisationFactory(slug="other", name_en="Other Authority")
    mine = PublicServiceFactory(competent_authority=own, status=PublicationStatus.DRAFT, title_en="Mine")
    theirs = PublicServiceFactory(competent_authority=other, status=PublicationStatus.DRAFT, title_en="Theirs")
    return own, other, mine, theirs


def test_editor_lists_only_their_organisations_services(client, setting):
    own, other, mine, theirs = setting
    sign_in_official(client, official("editor", own, Role.EDITOR))
    response = client.get("/en/admin/catalog/publicservice/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]


def test_editor_cannot_open_or_change_another_authoritys_service(client, setting):
    own, other, mine, theirs = setting
    sign_in_official(client, official("editor", own, Role.EDITOR))
    page = client.get(f"/en/admin/catalog/publicservice/{theirs.pk}/change/")
    assert page.status_code == 302  # the admin treats it as missing and sends the editor back
    post = client.post(f"/en/admin/catalog/publicservice/{theirs.pk}/change/", {"title_uk": "Зламано"})
    assert post.status_code == 302
    assert PublicService.objects.get(pk=theirs.pk).title_uk == theirs.title_uk
    assert not AuditRecord.objects.exists()


def test_editor_may_only_pick_their_own_organisation(client, setting):
    own, other, mine, theirs = setting
    sign_in_official(client, official("editor", own, Role.EDITOR))
    response = client.get("/en/admin/catalog/publicservice/add/")
    choices = response.context["adminform"].form.fields["competent_authority"].queryset
    assert list(choices) == [own]


def _service_form(organisation, **overrides):
    data = {
        "identifier": "UA-TEST-1",
        "slug": "test-service",
        "title_uk": "Тестова послуга",
        "title_en": "Test service",
        "summary_uk": "Коротко.",
        "summary_en": "Briefly.",
        "description_uk": "Опис.",
        "description_en": "Description.",
        "competent_authority": str(organisation.pk),
        "for_citizens": "on",
        "cost_kind": "free",
        "cost_amount": "",
        "cost_currency": "UAH",
        "processing_days": "10",
        "popularity": "0",
    }
    for prefix in ("legal_resources", "evidence", "channels", "contact_points", "revisions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0"})
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    data.update(overrides)
    return data


def test_bad_values_get_field_errors_in_an_error_summary(client, setting):
    own, *_ = setting
    sign_in_official(client, official("editor", own, Role.EDITOR))
    data = _service_form(
        own,
        cost_kind="fixed",
        cost_amount="-500",
        **{
            "legal_resources-TOTAL_FORMS": "1",
            "legal_resources-0-title_uk": "Закон України",
            "legal_resources-0-url": "not a web address",
            "legal_resources-0-position": "0",
        },
    )
    response = client.post("/en/admin/catalog/publicservice/add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="vikno-error-summary"' in html
    assert '<a href="#id_cost_amount">Fee in kopiyky: Ensure this value is greater than or equal to 0.</a>' in html
    assert '<a href="#id_legal_resources-0-url">Legal basis 1 — Link to the text: Enter a valid URL.</a>' in html
    assert not PublicService.objects.filter(identifier="UA-TEST-1").exists()


def test_a_good_draft_is_saved_versioned_and_audited(client, setting):
    own, *_ = setting
    editor = official("editor", own, Role.EDITOR)
    sign_in_official(client, editor)
    response = client.post("/en/admin/catalog/publicservice/add/", _service_form(own))
    assert response.status_code == 302
    service = PublicService.objects.get(identifier="UA-TEST-1")
    assert service.status == PublicationStatus.DRAFT
    assert service.revisions.get().author == editor
    assert AuditRecord.objects.get(action="catalog.service.edited").actor == editor


def test_impossible_opening_hours_are_refused(client, setting):
    own, *_ = setting
    sign_in_official(client, official("editor", own, Role.EDITOR))
    data = {
        "slug": "centre",
        "name_uk": "ЦНАП",
        "name_en": "Centre",
        "organisation": str(own.pk),
        "region_uk": "Київська область",
        "city_uk": "Київ",
        "street_address_uk": "вул. Хрещатик, 36",
        "latitude": "50.45",
        "longitude": "30.52",
        "closed_on_public_holidays": "on",
        "opening_hours-TOTAL_FORMS": "2",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-MIN_NUM_FORMS": "0",
        "opening_hours-MAX_NUM_FORMS": "7",
        "opening_hours-0-weekday": "0",
        "opening_hours-0-opens": "18:00",
        "opening_hours-0-closes": "09:00",
        "opening_hours-1-weekday": "1",
        "opening_hours-1-opens": "09:00",
        "opening_hours-1-closes": "18:00",
        "opening_hours-1-break_starts": "19:00",
        "opening_hours-1-break_ends": "20:00",
        "special_days-TOTAL_FORMS": "0",
        "special_days-INITIAL_FORMS": "0",
        "special_days-MIN_NUM_FORMS": "0",
        "special_days-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/en/admin/catalog/servicecentre/add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Opening hours 1 — Closes: Closing time must be later than opening time." in html
    assert "Opening hours 2 — Break starts: The break must fall within opening hours." in html
    assert not ServiceCentre.objects.exists()


def test_supervisor_publishes_with_the_admin_action(client, setting):
    own, other, mine, theirs = setting
    supervisor = official("supervisor", own, Role.SUPERVISOR, publish=True)
    PublicService.objects.filter(pk=mine.pk).update(status=PublicationStatus.IN_REVIEW)
    sign_in_official(client, supervisor)
    response = client.post(
        "/en/admin/catalog/publicservice/",
        {"action": "publish", "_selected_action": [str(mine.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 service published." in response.content.decode()
    assert PublicService.objects.get(pk=mine.pk).status == PublicationStatus.PUBLISHED
    assert AuditRecord.objects.get(action="catalog.service.published").actor == supervisor


def test_freshness_report_lists_stale_services_of_the_editors_organisation(client, setting, settings):
    own, other, *_ = setting
    settings.CATALOG_REVIEW_INTERVAL_MONTHS = 12
    today = datetime.date.today()
    stale = PublicServiceFactory(
        competent_authority=own, title_en="Stale", last_reviewed_on=today.replace(year=today.year - 2)
    )
    PublicServiceFactory(competent_authority=own, title_en="Fresh", last_reviewed_on=today)
    PublicServiceFactory(
        competent_authority=other, title_en="Other stale", last_reviewed_on=today.replace(year=today.year - 2)
    )
    sign_in_official(client, official("editor", own, Role.EDITOR))
    response = client.get("/en/admin/catalog/publicservice/freshness/")
    assert response.status_code == 200
    assert [row["service"] for row in response.context["rows"]] == [stale]
    assert response.context["rows"][0]["days"] == (today - stale.last_reviewed_on).days


def test_the_public_and_citizens_cannot_reach_the_admin(client):
    response = client.get("/en/admin/catalog/publicservice/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")
    # The admin's own login page only sends officials to their sign-in page (with its second factor).
    login = client.get(response["Location"])
    assert login.status_code == 302
    assert login["Location"] == "/en/office/sign-in/?next=%2Fen%2Fadmin%2Fcatalog%2Fpublicservice%2F"
    citizen = User.objects.create_user(username="citizen", email="c@example.com")
    client.force_login(citizen)
    assert client.get("/en/admin/catalog/publicservice/").status_code == 302


def test_an_official_without_a_second_factor_in_the_session_cannot_use_the_admin(client):
    editor = official("editor", OrganisationFactory(), Role.EDITOR)
    client.force_login(editor)  # a password alone, as if the second step had been skipped
    response = client.get("/en/admin/catalog/publicservice/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")
