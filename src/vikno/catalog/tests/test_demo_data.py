"""The demo catalogue and the demo accounts: size, completeness in both languages, validity, idempotence."""

import datetime
import re
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from modeltranslation.translator import translator

from vikno.catalog.constants import Audience, ChannelKind, CostKind, EventKind, OrganisationType, PublicationStatus
from vikno.catalog.demo.centres import _hours_rows
from vikno.catalog.demo.loader import DemoDataError, load_demo
from vikno.catalog.models import (
    Channel,
    ContactPoint,
    Evidence,
    LegalResource,
    LifeEvent,
    OpeningHours,
    Organisation,
    PublicService,
    Sector,
    ServiceCentre,
    SpecialDay,
)
from vikno.catalog.selectors import services_due_for_review
from vikno.identity.constants import Role
from vikno.identity.management.commands.demo_accounts import DEMO_ACCOUNTS
from vikno.identity.models import RoleAssignment, User

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)
CATALOGUE_MODELS = (
    Organisation,
    Sector,
    LifeEvent,
    PublicService,
    LegalResource,
    Evidence,
    Channel,
    ContactPoint,
    ServiceCentre,
    OpeningHours,
    SpecialDay,
)
LINK_TABLES = (
    PublicService.related_services.through,
    PublicService.life_events.through,
    ServiceCentre.services.through,
)


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in CATALOGUE_MODELS + LINK_TABLES}


@pytest.fixture(scope="class")
def catalogue(django_db_setup, django_db_blocker):
    """The demo catalogue loaded once for a class of read-only tests, rolled back when the class is done.

    Each test still runs in its own savepoint (``django_db``), so a test that writes cannot leak into the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_demo()
        yield summary
        transaction.set_rollback(True)


# --- with the catalogue loaded ---------------------------------------------------------------------------------------


class TestDemoCatalogue:
    """These tests share one load of the demo catalogue (see the ``catalogue`` fixture); each runs in its own
    savepoint, so what one test writes is gone before the next."""

    def test_catalogue_is_big_enough_and_published(self, catalogue):
        services = PublicService.objects.all()
        assert services.count() >= 64
        assert catalogue.counts["services"] == services.count()
        assert set(services.values_list("status", flat=True)) == {PublicationStatus.PUBLISHED}
        assert not services.filter(published_at__isnull=True).exists()
        assert not services.filter(last_reviewed_on__isnull=True).exists()
        assert services.filter(for_businesses=True).count() >= 10
        assert services.values("competent_authority").distinct().count() >= 12
        assert services.values("sector").distinct().count() >= 11
        # Reviews are spread over the last 18 months, and none lies in the future.
        reviewed = list(services.values_list("last_reviewed_on", flat=True))
        assert min(reviewed) >= TODAY - relativedelta(months=18)
        assert max(reviewed) <= TODAY

    def test_freshness_report_lists_some_but_not_all_services(self, catalogue, settings):
        settings.CATALOG_REVIEW_INTERVAL_MONTHS = 12
        due = services_due_for_review(today=TODAY)
        assert 5 <= due.count() < PublicService.objects.count()
        assert all(service.last_reviewed_on < datetime.date(2025, 11, 22) for service in due)

    def test_reference_lists(self, catalogue):
        assert Sector.objects.filter(audience=Audience.CITIZENS).count() >= 8
        assert Sector.objects.filter(audience=Audience.BUSINESSES).count() >= 3
        assert LifeEvent.objects.count() >= 8
        assert LifeEvent.objects.filter(kind=EventKind.BUSINESS).exists()
        for slug in ("birth-of-a-child", "getting-married", "moving-home", "starting-a-business", "retirement",
                     "death-of-a-relative", "buying-a-car", "building-a-house"):  # fmt: skip
            assert LifeEvent.objects.get(slug=slug).services.exists(), slug
        assert LifeEvent.objects.get(slug="starting-a-business").kind == EventKind.BUSINESS

    def test_organisations_form_a_hierarchy(self, catalogue):
        assert Organisation.objects.count() >= 14
        office = Organisation.objects.get(slug="rsc-mia-kyiv")
        chain = []
        while office is not None:
            chain.append(office.slug)
            office = office.parent
        assert chain == [
            "rsc-mia-kyiv",
            "main-service-centre-mia",
            "ministry-of-internal-affairs",
            "cabinet-of-ministers",
        ]
        councils = set(
            Organisation.objects.filter(org_type=OrganisationType.LOCAL_COUNCIL).values_list("slug", flat=True)
        )
        assert {"kyiv-city-council", "lviv-city-council", "kharkiv-city-council", "odesa-city-council",
                "dnipro-city-council"} <= councils  # fmt: skip
        assert Organisation.objects.get(slug="dracs-kyiv-shevchenkivskyi").parent.parent.slug == "ministry-of-justice"
        # EDRPOU codes, where given, have eight digits.
        assert all(
            re.fullmatch(r"\d{8}", code)
            for code in Organisation.objects.exclude(code="").values_list("code", flat=True)
        )

    def test_popular_services_come_first(self, catalogue):
        top = list(PublicService.objects.order_by("-popularity").values_list("slug", flat=True)[:12])
        for slug in ("id-card", "foreign-passport", "birth-registration", "sole-trader-registration",
                     "vehicle-first-registration", "vehicle-re-registration", "driving-licence-exchange",
                     "old-age-pension", "housing-subsidy"):  # fmt: skip
            assert slug in top, slug

    # --- both languages -----------------------------------------------------------------------------------------

    def test_every_translated_text_filled_in_ukrainian_is_filled_in_english(self, catalogue):
        gaps = []
        models = [model for model in translator.get_registered_models() if model._meta.app_label == "catalog"]
        assert Channel in models and ServiceCentre in models
        for model in models:
            for field in translator.get_options_for_model(model).fields:
                for row in model._default_manager.values("pk", f"{field}_uk", f"{field}_en"):
                    if bool(row[f"{field}_uk"].strip()) != bool(row[f"{field}_en"].strip()):
                        gaps.append(f"{model.__name__} {row['pk']} {field}")
        assert gaps == []

    def test_required_texts_are_present_in_both_languages(self, catalogue):
        required = {
            PublicService: ("title", "summary", "description", "keywords", "eligibility", "output"),
            Organisation: ("name",),
            Sector: ("name",),
            LifeEvent: ("name",),
            ServiceCentre: ("name", "region", "city", "street_address"),
            LegalResource: ("title",),
            Evidence: ("name",),
            Channel: ("instructions",),
        }
        for model, fields in required.items():
            columns = [f"{field}_{lang}" for field in fields for lang in ("uk", "en")]
            for row in model._default_manager.values(*columns):
                assert all(row[column].strip() for column in columns), (model.__name__, row)
        # The English text really is English: no Cyrillic letters in English service titles.
        assert not [
            t for t in PublicService.objects.values_list("title_en", flat=True) if re.search("[а-яіїєґ]", t, re.I)
        ]

    # --- content rules ---------------------------------------------------------------------------------------

    def test_costs(self, catalogue):
        for service in PublicService.objects.all():
            if service.cost_kind == CostKind.FIXED:
                assert isinstance(service.cost_amount, int)
                assert service.cost_amount > 0, service.slug
            elif service.cost_kind == CostKind.FREE:
                assert service.cost_amount is None, service.slug
            else:
                assert service.cost_amount is None and service.cost_note_uk and service.cost_note_en, service.slug
            assert service.cost_currency == "UAH"
        fees = dict(PublicService.objects.values_list("slug", "cost_amount"))
        assert fees["id-card"] == 61800
        assert fees["foreign-passport"] == 114700
        assert fees["marriage-registration"] == 85
        assert fees["divorce-registration"] == 850
        kinds = dict(PublicService.objects.values_list("slug", "cost_kind"))
        assert kinds["sole-trader-registration"] == CostKind.FREE
        assert kinds["birth-registration"] == CostKind.FREE
        assert kinds["id-card-at-14"] == CostKind.FREE
        days = dict(PublicService.objects.values_list("slug", "processing_days"))
        assert (days["id-card"], days["birth-registration"], days["sole-trader-registration"]) == (20, 0, 1)

    def test_every_service_has_a_channel_a_legal_basis_and_a_contact(self, catalogue):
        services = PublicService.objects.annotate(
            channels_n=Count("channels", distinct=True),
            laws_n=Count("legal_resources", distinct=True),
            contacts_n=Count("contact_points", distinct=True),
            documents_n=Count("evidence", distinct=True),
        )
        for service in services:
            assert service.channels_n >= 1, service.slug
            assert service.laws_n >= 1, service.slug
            assert service.contacts_n >= 1, service.slug
            assert service.documents_n >= 1, service.slug
        assert all(
            url.startswith("https://zakon.rada.gov.ua/laws/show/")
            for url in LegalResource.objects.values_list("url", flat=True)
        )
        online = Channel.objects.filter(kind=ChannelKind.ONLINE)
        assert online.exists() and not online.filter(url="").exists()
        assert Channel.objects.filter(kind=ChannelKind.SMS).exists()
        assert Channel.objects.filter(kind=ChannelKind.POST).exists()
        assert Channel.objects.filter(kind=ChannelKind.PHONE).exclude(phone="").exists()
        assert not ContactPoint.objects.filter(opening_hours_uk="").exists()

    def test_centres(self, catalogue):
        centres = ServiceCentre.objects.all()
        assert centres.count() >= 12
        assert len(set(centres.values_list("city_en", flat=True))) >= 6
        for centre in centres:
            assert centre.opening_hours.exists(), centre.slug
            assert centre.services.exists(), centre.slug
            assert centre.phone, centre.slug
        assert OpeningHours.objects.filter(break_starts__isnull=False).exists()
        assert OpeningHours.objects.filter(weekday=5).exists()
        assert SpecialDay.objects.filter(closed=True, date__year=2026, date__month=12).exclude(note_en="").exists()
        # Each kind of office offers what it should.
        mia = ServiceCentre.objects.get(slug="kyiv-tsc-8041")
        assert set(mia.services.values_list("slug", flat=True)) >= {
            "vehicle-first-registration",
            "driving-licence-exchange",
        }
        assert not mia.services.filter(slug="id-card").exists()
        migration = ServiceCentre.objects.get(slug="kyiv-dms-pechersk")
        assert set(migration.services.values_list("slug", flat=True)) >= {"id-card", "foreign-passport"}
        cnap = ServiceCentre.objects.get(slug="kyiv-cnap-dniprovska")
        assert cnap.services.filter(for_citizens=True).count() >= 25

    def test_every_row_passes_model_validation(self, catalogue):
        for model in (Organisation, Sector, LifeEvent, PublicService, ServiceCentre, OpeningHours, SpecialDay, Channel):
            for obj in model._default_manager.all():
                obj.full_clean()

    # --- idempotence ---------------------------------------------------------------------------------------

    def test_loading_again_writes_nothing_and_keeps_the_counts(self, catalogue):
        first = _counts()
        stamps = dict(PublicService.objects.values_list("identifier", "updated_at"))
        channel_ids = sorted(Channel.objects.values_list("pk", flat=True))
        out = StringIO()

        call_command("load_demo", stdout=out)

        lines = out.getvalue().strip().splitlines()
        assert len(lines) == 1
        assert f"{catalogue.counts['services']} services" in lines[0]
        assert f"{catalogue.counts['centres']} service centres" in lines[0]
        assert "created 0, updated 0 and rewrote the details of 0 rows" in lines[0]
        assert _counts() == first
        assert dict(PublicService.objects.values_list("identifier", "updated_at")) == stamps
        assert sorted(Channel.objects.values_list("pk", flat=True)) == channel_ids

    def test_loading_again_restores_changed_rows_without_duplicates(self, catalogue):
        first = _counts()
        service = PublicService.objects.get(slug="id-card")
        PublicService.objects.filter(pk=service.pk).update(title_en="Changed", popularity=1)
        service.channels.filter(kind=ChannelKind.SMS).delete()
        service.life_events.clear()
        centre = ServiceCentre.objects.get(slug="kyiv-tsc-8041")
        centre.opening_hours.filter(weekday=1).update(closes=datetime.time(23, 0))

        again = load_demo()

        assert again.updated == {"publicservice": 1}
        assert again.created == {}
        assert set(again.replaced) == {"channels", "opening_hours"}
        assert _counts() == first
        service.refresh_from_db()
        assert service.title_en.startswith("Getting or renewing an ID card")
        assert service.popularity == 990
        assert service.channels.filter(kind=ChannelKind.SMS).exists()
        assert service.life_events.filter(slug="getting-married").exists()
        assert centre.opening_hours.get(weekday=1).closes == datetime.time(18, 0)

    # --- demo accounts -------------------------------------------------------------------------------------

    def test_demo_accounts_are_created_with_hashed_passwords_roles_and_groups(self, catalogue):
        out = StringIO()
        call_command("demo_accounts", stdout=out)

        printed = out.getvalue()
        assert "http://127.0.0.1:8000/office/sign-in/" in printed
        for account in DEMO_ACCOUNTS:
            assert account.email in printed and account.password in printed
            user = User.objects.get(username=account.email)
            assert user.email == account.email
            assert user.is_staff and user.is_active
            assert user.is_superuser == account.superuser
            assert user.check_password(account.password)
            assert account.password not in user.password
            assert "$" in user.password  # algorithm$salt$hash: a hash, not the text
        assert User.objects.filter(is_superuser=True).count() == 1

        editor = User.objects.get(username="editor.migration@vikno.localhost")
        supervisor = User.objects.get(username="supervisor.migration@vikno.localhost")
        kyiv = User.objects.get(username="editor.kyiv@vikno.localhost")
        assert list(editor.role_assignments.values_list("organisation__slug", "role", "includes_subordinates")) == [
            ("state-migration-service", Role.EDITOR, True)
        ]
        assert list(supervisor.role_assignments.values_list("organisation__slug", "role")) == [
            ("state-migration-service", Role.SUPERVISOR)
        ]
        assert list(kyiv.role_assignments.values_list("organisation__slug", "role")) == [
            ("kyiv-city-council", Role.EDITOR)
        ]
        assert editor.has_perm("catalog.change_publicservice") and editor.has_perm("catalog.add_channel")
        assert editor.has_perm("catalog.view_organisation")
        assert not editor.has_perm("catalog.change_organisation")
        assert not editor.has_perm("catalog.delete_publicservice")
        assert not editor.has_perm("catalog.publish_publicservice")
        assert supervisor.has_perm("catalog.publish_publicservice")
        assert not kyiv.has_perm("catalog.publish_publicservice")

    def test_demo_accounts_twice_changes_nothing(self, catalogue):
        call_command("demo_accounts", stdout=StringIO())
        hashes = dict(User.objects.values_list("username", "password"))
        groups = {
            group.name: set(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()
        }

        call_command("demo_accounts", stdout=StringIO())

        assert dict(User.objects.values_list("username", "password")) == hashes
        assert RoleAssignment.objects.count() == sum(1 for account in DEMO_ACCOUNTS if account.role)
        assert User.objects.count() == len(DEMO_ACCOUNTS) + 1  # and the demo citizen
        assert TOTPDevice.objects.filter(confirmed=True).count() == len(DEMO_ACCOUNTS)
        assert {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()} == groups
        assert groups["Catalogue supervisors"] - groups["Catalogue editors"] == {"publish_publicservice"}


# --- without the catalogue -----------------------------------------------------------------------------------


def test_opening_hours_notation():
    rows = _hours_rows({"mon-fri": "09:00-18:00 break 13:00-13:45", "fri": "09:00-16:45", "sat": "10:00-14:00"}, "t")
    assert [row["weekday"] for row in rows] == [0, 1, 2, 3, 4, 5]
    assert rows[0]["break_starts"] == datetime.time(13, 0)
    assert rows[4] == {
        "weekday": 4,
        "opens": datetime.time(9, 0),
        "closes": datetime.time(16, 45),
        "break_starts": None,
        "break_ends": None,
    }
    with pytest.raises(DemoDataError):
        _hours_rows({"monday": "09:00-18:00"}, "t")


def test_demo_accounts_need_the_demo_catalogue():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("demo_accounts", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_accounts_are_refused_in_production():
    with override_settings(SETTINGS_MODULE="vikno.conf.production"), pytest.raises(CommandError, match="production"):
        call_command("demo_accounts", stdout=StringIO())
    assert not User.objects.exists()
