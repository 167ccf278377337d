"""Fixtures for the browser tests: one Chromium per session, a fresh context per test, a small catalogue.

The pages come from pytest-django's ``live_server`` (another thread), so the tests that use them need
``@pytest.mark.django_db(transaction=True)``.
"""

import datetime
import http.client
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from playwright.sync_api import Browser, Page

from vikno.catalog import models
from vikno.catalog.constants import Audience, ChannelKind, CostKind, EventKind, OrganisationType
from vikno.catalog.tests.factories import (
    ChannelFactory,
    LifeEventFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    PublicServiceFactory,
    SectorFactory,
    ServiceCentreFactory,
)
from vikno.web.tests.browser import CSS_PATH, ChromiumSession, chromium_session, open_page, require_built_css


@pytest.fixture(scope="session")
def chromium() -> Iterator[ChromiumSession]:
    with chromium_session() as session:
        yield session


@pytest.fixture(scope="session")
def browser(chromium: ChromiumSession) -> Browser:
    return chromium.browser


@pytest.fixture(scope="session")
def portal_url(live_server) -> str:
    """The live server's address, once it is known to serve the built CSS."""
    require_built_css()
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", CSS_PATH)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200 or not response.getheader("Content-Type", "").startswith("text/css"):
        pytest.fail(
            f"The live server answered {response.status} ({response.getheader('Content-Type')}) for {CSS_PATH}: "
            "the pages would be tested without their styles. Run `npm run build` (or `make setup`).",
            pytrace=False,
        )
    assert b".govuk-header" in body, f"{CSS_PATH} does not look like the built GOV.UK Frontend styles"
    return live_server.url


@pytest.fixture
def javascript() -> bool:
    """Whether the page runs JavaScript; parametrize ``javascript`` to test both."""
    return True


def _page(chromium: ChromiumSession, portal_url: str, *, javascript: bool) -> Iterator[Page]:
    chromium.acquire()
    try:
        with open_page(chromium.browser, base_url=portal_url, javascript=javascript) as page:
            yield page
    finally:
        chromium.release()


@pytest.fixture
def page(chromium: ChromiumSession, portal_url: str, javascript: bool) -> Iterator[Page]:
    """A page in a new browser context, with JavaScript on unless ``javascript`` says otherwise."""
    yield from _page(chromium, portal_url, javascript=javascript)


@pytest.fixture
def nojs_page(chromium: ChromiumSession, portal_url: str) -> Iterator[Page]:
    """A page in a new browser context with JavaScript disabled."""
    yield from _page(chromium, portal_url, javascript=False)


ALL_DAY = (datetime.time(0, 0), datetime.time(23, 59, 59, 999999))


@pytest.fixture
def catalogue(transactional_db) -> SimpleNamespace:
    """A small published catalogue: every public page has something real to show.

    One centre keeps hours round the clock on every day (so it is "open now" whenever the test runs) and one
    keeps no hours at all (always "closed now").
    """
    with transaction.atomic():  # one commit, not one per row
        return _build_catalogue()


def _build_catalogue() -> SimpleNamespace:
    ministry = OrganisationFactory(
        slug="ministry-of-internal-affairs",
        name_uk="Міністерство внутрішніх справ України",
        name_en="Ministry of Internal Affairs of Ukraine",
        org_type=OrganisationType.MINISTRY,
        code="00032684",
    )
    agency = OrganisationFactory(
        slug="state-migration-service",
        name_uk="Державна міграційна служба України",
        name_en="State Migration Service of Ukraine",
        short_name_uk="ДМС",
        short_name_en="SMS",
        description_uk="Оформлює паспорти та реєструє місце проживання.",
        description_en="Issues passports and registers places of residence.",
        parent=ministry,
        email="info@example.gov.ua",
        phone="0 800 330 376",
    )
    council = OrganisationFactory(
        slug="kyiv-administrative-services",
        name_uk="Департамент надання адміністративних послуг м. Києва",
        name_en="Kyiv Department of Administrative Services",
        org_type=OrganisationType.SERVICE_CENTRE_OPERATOR,
    )
    justice = OrganisationFactory(
        slug="ministry-of-justice",
        name_uk="Міністерство юстиції України",
        name_en="Ministry of Justice of Ukraine",
        org_type=OrganisationType.MINISTRY,
    )
    documents = SectorFactory(
        slug="documents",
        name_uk="Документи та посвідчення",
        name_en="Documents and identity",
        description_uk="Паспорти, довідки та реєстрація місця проживання.",
        description_en="Passports, certificates and registering where you live.",
        audience=Audience.CITIZENS,
    )
    business = SectorFactory(
        slug="business",
        name_uk="Власна справа",
        name_en="Running a business",
        audience=Audience.BUSINESSES,
    )
    moving = LifeEventFactory(
        slug="moving-to-a-new-city",
        name_uk="Переїзд до іншого міста",
        name_en="Moving to a new city",
        description_uk="Що зробити, коли ви переїжджаєте: документи, реєстрація, довідки.",
        description_en="What to do when you move: documents, registration, certificates.",
    )
    starting = LifeEventFactory(
        slug="starting-a-business",
        name_uk="Започаткування бізнесу",
        name_en="Starting a business",
        kind=EventKind.BUSINESS,
    )
    service = PublicServiceFactory(
        identifier="DMS-ID-CARD",
        slug="id-card",
        title_uk="Оформлення паспорта громадянина України у формі ID-картки",
        title_en="Apply for a Ukrainian passport as an ID card",
        summary_uk="Перший паспорт у 14 років або заміна паспорта-книжечки на ID-картку.",
        summary_en="Your first passport at 14, or an ID card in place of the old booklet.",
        description_uk="ID-картка посвідчує особу та громадянство України.",
        description_en="The ID card proves who you are and that you are a citizen of Ukraine.",
        keywords_uk="паспорт, ID-картка",
        keywords_en="passport, ID card",
        eligibility_uk="Громадяни України з 14 років.",
        eligibility_en="Citizens of Ukraine aged 14 or over.",
        output_uk="Паспорт у формі ID-картки.",
        output_en="A passport in the form of an ID card.",
        competent_authority=agency,
        sector=documents,
        cost_kind=CostKind.FIXED,
        cost_amount=27900,
        cost_note_uk="Вперше у 14 років паспорт оформлюють безоплатно.",
        cost_note_en="Your first passport at 14 is free.",
        processing_days=20,
        popularity=100,
    )
    residence = PublicServiceFactory(
        identifier="KYIV-RESIDENCE",
        slug="residence-certificate",
        title_uk="Довідка про зареєстроване місце проживання",
        title_en="Certificate of your registered address",
        summary_uk="Довідка, де ви зареєстровані.",
        summary_en="A certificate of where you are registered.",
        competent_authority=council,
        sector=documents,
        processing_days=0,
        popularity=50,
    )
    sole_trader = PublicServiceFactory(
        identifier="MOJ-SOLE-TRADER",
        slug="register-as-a-sole-trader",
        title_uk="Реєстрація фізичної особи — підприємця",
        title_en="Register as a sole trader",
        summary_uk="Почніть власну справу як фізична особа — підприємець.",
        summary_en="Start working for yourself as a sole trader.",
        competent_authority=justice,
        sector=business,
        for_citizens=False,
        for_businesses=True,
        processing_days=1,
        popularity=10,
    )
    service.related_services.add(residence)
    service.life_events.add(moving)
    residence.life_events.add(moving)
    sole_trader.life_events.add(starting)

    ChannelFactory(
        service=service,
        kind=ChannelKind.ONLINE,
        instructions_uk="Подайте заяву онлайн, якщо вам уже є 18 років.",
        instructions_en="Apply online if you are 18 or over.",
        url="https://example.gov.ua/id-card/apply",
    )
    ChannelFactory(service=service, kind=ChannelKind.IN_PERSON)
    ChannelFactory(
        service=service,
        kind=ChannelKind.PHONE,
        instructions_uk="Запитайте, які документи потрібні.",
        instructions_en="Ask which documents you need.",
        phone="0 800 330 376",
    )
    ChannelFactory(
        service=service,
        kind=ChannelKind.POST,
        instructions_uk="Надішліть заяву на заміну паспорта поштою.",
        instructions_en="Send an application to replace your passport by post.",
    )
    ChannelFactory(service=residence, kind=ChannelKind.IN_PERSON)
    ChannelFactory(service=sole_trader, kind=ChannelKind.IN_PERSON)
    models.Evidence.objects.create(
        service=service,
        name_uk="Свідоцтво про народження",
        name_en="Birth certificate",
        description_uk="Для першого паспорта.",
        description_en="For your first passport.",
        position=1,
    )
    models.Evidence.objects.create(service=service, name_uk="Паспорт-книжечка", name_en="Passport booklet", position=2)
    models.LegalResource.objects.create(
        service=service,
        title_uk="Закон України «Про Єдиний державний демографічний реєстр»",
        title_en="Law of Ukraine on the Unified State Demographic Register",
        url="https://zakon.rada.gov.ua/laws/show/5492-17",
        position=1,
    )
    models.LegalResource.objects.create(
        service=service,
        title_uk="Постанова Кабінету Міністрів України від 25 березня 2015 р. № 302",
        title_en="Resolution of the Cabinet of Ministers of Ukraine No. 302 of 25 March 2015",
        position=2,
    )
    models.ContactPoint.objects.create(
        service=service,
        name_uk="Контакт-центр ДМС",
        name_en="SMS contact centre",
        phone="0 800 330 376",
        email="contact@example.gov.ua",
        opening_hours_uk="Пн–Пт 9:00–18:00",
        opening_hours_en="Mon–Fri 9:00–18:00",
    )

    open_centre = ServiceCentreFactory(
        slug="pechersk-centre",
        name_uk="ЦНАП Печерського району",
        name_en="Pechersk district service centre",
        organisation=council,
        region_uk="м. Київ",
        region_en="Kyiv City",
        city_uk="Київ",
        city_en="Kyiv",
        street_address_uk="вул. Кловський узвіз, 12",
        street_address_en="12 Klovskyi Uzviz St",
        postcode="01021",
        phone="044 000 00 00",
        email="pechersk@example.gov.ua",
        step_free_access=True,
        accessible_toilet=True,
        accessibility_notes_uk="Вхід з пандусом з боку двору.",
        accessibility_notes_en="Ramp at the courtyard entrance.",
        closed_on_public_holidays=False,
    )
    for weekday in range(7):
        OpeningHoursFactory(centre=open_centre, weekday=weekday, opens=ALL_DAY[0], closes=ALL_DAY[1])
    closed_centre = ServiceCentreFactory(
        slug="lviv-centre",
        name_uk="ЦНАП міста Львова",
        name_en="Lviv city service centre",
        organisation=council,
        region_uk="Львівська область",
        region_en="Lviv Oblast",
        city_uk="Львів",
        city_en="Lviv",
        street_address_uk="пл. Ринок, 1",
        street_address_en="1 Rynok Sq",
    )
    open_centre.services.add(service, residence)
    closed_centre.services.add(service)

    return SimpleNamespace(
        ministry=ministry,
        agency=agency,
        council=council,
        documents=documents,
        business=business,
        moving=moving,
        service=service,
        residence=residence,
        sole_trader=sole_trader,
        services=[service, residence, sole_trader],
        open_centre=open_centre,
        closed_centre=closed_centre,
    )
