"""Default deny, walked: every URL of the project, asked by every kind of visitor, gets the answer its
classification promises. A route nobody classified, or one this test has no example address for, fails it."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import translation

from vikno.catalog.constants import ChannelKind
from vikno.catalog.tests.factories import (
    ChannelFactory,
    LifeEventFactory,
    OrganisationFactory,
    PublicServiceFactory,
    ServiceCentreFactory,
)
from vikno.core import clock
from vikno.core.access import CITIZEN, INTEGRATOR, OFFICIAL, PUBLIC, access_of
from vikno.core.models import WorkerHeartbeat
from vikno.core.tests.test_access import _routes
from vikno.identity.constants import Assurance, Role
from vikno.identity.models import Mandate, PartyKind, RoleAssignment, User
from vikno.identity.session import ACTING_FOR_KEY
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official

pytestmark = pytest.mark.django_db

NO_SUCH = "00000000-0000-4000-8000-000000000000"  # a well-formed id of nothing: the answer is 404 for the allowed

# One real address per route (objects from the `world` fixture are formatted in). Add one for every new route.
EXAMPLES = {
    "healthz": "/healthz",
    "readyz": "/readyz",
    "api/v1/^services/$": "/api/v1/services/",
    "api/v1/^services/(?P<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/$": (
        "/api/v1/services/{w.service.pk}/"
    ),
    "api/v1/^organisations/$": "/api/v1/organisations/",
    "api/v1/^organisations/(?P<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/$": (
        "/api/v1/organisations/{w.organisation.pk}/"
    ),
    "api/v1/^life-events/$": "/api/v1/life-events/",
    "api/v1/^life-events/(?P<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/$": (
        "/api/v1/life-events/{w.event.pk}/"
    ),
    "api/v1/^centres/$": "/api/v1/centres/",
    "api/v1/^centres/(?P<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/$": (
        "/api/v1/centres/{w.centre.pk}/"
    ),
    "api/v1/schema/": "/api/v1/schema/",
    "api/v1/problems/<slug:slug>/": "/api/v1/problems/not-found/",
    "api/v1/^[\\s\\S]*$": "/api/v1/no-such-resource/",
    "open-data/catalogue.jsonld": "/open-data/catalogue.jsonld",
    "open-data/catalogue.ttl": "/open-data/catalogue.ttl",
    "open-data/services/<str:identifier>.jsonld": "/open-data/services/{w.service.identifier}.jsonld",
    "open-data/services/<str:identifier>.ttl": "/open-data/services/{w.service.identifier}.ttl",
    "open-data/services.csv": "/open-data/services.csv",
    "sitemap.xml": "/sitemap.xml",
    "auth/eid/<slug:slug>/start/": "/auth/eid/demo/start/",
    "auth/eid/<slug:slug>/callback/": "/auth/eid/demo/callback/?state=unknown&code=x",
    "": "/",
    "accessibility/": "/accessibility/",
    "privacy/": "/privacy/",
    "contact/": "/contact/",
    "sign-in/": "/sign-in/",
    "sign-in/higher-level/": "/sign-in/higher-level/?level=3",
    "sign-out/": "/sign-out/",
    "cabinet/": "/cabinet/",
    "cabinet/security/": "/cabinet/security/",
    "cabinet/security/end-session/": "/cabinet/security/end-session/",
    "cabinet/security/end-other-sessions/": "/cabinet/security/end-other-sessions/",
    "cabinet/security/recovery-codes/": "/cabinet/security/recovery-codes/",
    "cabinet/security/authenticator/": "/cabinet/security/authenticator/",
    "cabinet/notifications/": "/cabinet/notifications/",
    "cabinet/confirm-its-you/": "/cabinet/confirm-its-you/",
    "office/confirm-its-you/": "/office/confirm-its-you/",
    "cabinet/phone/": "/cabinet/phone/",
    "cabinet/phone/confirm/": "/cabinet/phone/confirm/",
    "cabinet/messages/": "/cabinet/messages/",
    "cabinet/messages/read/": "/cabinet/messages/read/",
    "cabinet/messages/<uuid:notification_id>/": f"/cabinet/messages/{NO_SUCH}/",
    "sms/kannel/delivery": "/sms/kannel/delivery",
    "sms/kannel/incoming": "/sms/kannel/incoming",
    "payments/liqpay/callback/": "/payments/liqpay/callback/",
    "cabinet/applications/<uuid:application_id>/pay/": f"/cabinet/applications/{NO_SUCH}/pay/",
    "cabinet/applications/<uuid:application_id>/pay/card/": f"/cabinet/applications/{NO_SUCH}/pay/card/",
    "cabinet/applications/<uuid:application_id>/pay/returned/": f"/cabinet/applications/{NO_SUCH}/pay/returned/",
    "cabinet/payments/": "/cabinet/payments/",
    "cabinet/payments/<uuid:payment_id>/receipt.pdf": f"/cabinet/payments/{NO_SUCH}/receipt.pdf",
    "office/payments/": "/office/payments/",
    "office/payments/statements/": "/office/payments/statements/",
    "office/payments/reconciliation/": "/office/payments/reconciliation/",
    "office/payments/<uuid:payment_id>/": f"/office/payments/{NO_SUCH}/",
    "cabinet/acting-for/": "/cabinet/acting-for/",
    "account/register/": "/account/register/",
    "account/check-email/": "/account/check-email/",
    "account/verify/<str:token>/": "/account/verify/not-a-token/",
    "account/sign-in/": "/account/sign-in/",
    "account/forgotten-password/": "/account/forgotten-password/",
    "account/reset/<str:uidb64>/<str:token>/": "/account/reset/MQ/not-a-token/",
    "account/sign-in/code/": "/account/sign-in/code/",
    "account/sign-in/set-up/": "/account/sign-in/set-up/",
    "account/sign-in/recovery/": "/account/sign-in/recovery/",
    "office/sign-in/": "/office/sign-in/",
    "office/sign-in/code/": "/office/sign-in/code/",
    "office/sign-in/set-up/": "/office/sign-in/set-up/",
    "office/sign-in/recovery/": "/office/sign-in/recovery/",
    "office/activate/<str:uidb64>/<str:token>/": "/office/activate/MQ/not-a-token/",
    "account/sign-in/passkey/": "/account/sign-in/passkey/",
    "account/sign-in/passkey/options/": "/account/sign-in/passkey/options/",
    "account/sign-in/set-up/passkey/": "/account/sign-in/set-up/passkey/",
    "account/sign-in/set-up/passkey/options/": "/account/sign-in/set-up/passkey/options/",
    "office/sign-in/passkey/": "/office/sign-in/passkey/",
    "office/sign-in/passkey/options/": "/office/sign-in/passkey/options/",
    "office/sign-in/set-up/passkey/": "/office/sign-in/set-up/passkey/",
    "office/sign-in/set-up/passkey/options/": "/office/sign-in/set-up/passkey/options/",
    "cabinet/security/passkeys/add/": "/cabinet/security/passkeys/add/",
    "cabinet/security/passkeys/add/options/": "/cabinet/security/passkeys/add/options/",
    "cabinet/security/passkeys/remove/": "/cabinet/security/passkeys/remove/",
    "office/security/passkeys/": "/office/security/passkeys/",
    "office/security/passkeys/add/": "/office/security/passkeys/add/",
    "office/security/passkeys/add/options/": "/office/security/passkeys/add/options/",
    "office/security/passkeys/remove/": "/office/security/passkeys/remove/",
    "services/": "/services/",
    "services/<slug:slug>/": "/services/{w.service.slug}/",
    "services/<slug:slug>/apply/": "/services/{w.service.slug}/apply/",
    "search/": "/search/?q=паспорт",
    "topics/<slug:slug>/": "/topics/{w.sector.slug}/",
    "life-events/": "/life-events/",
    "life-events/<slug:slug>/": "/life-events/{w.event.slug}/",
    "authorities/": "/authorities/",
    "authorities/<slug:slug>/": "/authorities/{w.organisation.slug}/",
    "centres/": "/centres/",
    "centres/<slug:slug>/": "/centres/{w.centre.slug}/",
    "open-data/": "/open-data/",
    "verify/": "/verify/",
    "verify/<str:code>/": "/verify/K7QF-3MHP-2W9J/",
    "applications/<uuid:application_id>/check/": f"/applications/{NO_SUCH}/check/",
    "applications/<uuid:application_id>/sent/": f"/applications/{NO_SUCH}/sent/",
    "applications/<uuid:application_id>/discard/": f"/applications/{NO_SUCH}/discard/",
    "applications/<uuid:application_id>/steps/<slug:step_id>/": f"/applications/{NO_SUCH}/steps/purpose/",
    "cabinet/applications/": "/cabinet/applications/",
    "cabinet/applications/<uuid:application_id>/": f"/cabinet/applications/{NO_SUCH}/",
    "cabinet/applications/<uuid:application_id>/withdraw/": f"/cabinet/applications/{NO_SUCH}/withdraw/",
    "cabinet/applications/<uuid:application_id>/result.pdf": f"/cabinet/applications/{NO_SUCH}/result.pdf",
    "cabinet/applications/<uuid:application_id>/files/<uuid:attachment_id>/": (
        f"/cabinet/applications/{NO_SUCH}/files/{NO_SUCH}/"
    ),
    "cabinet/applications/<uuid:application_id>/messages/": f"/cabinet/applications/{NO_SUCH}/messages/",
    "cabinet/applications/<uuid:application_id>/messages/files/<uuid:attachment_id>/": (
        f"/cabinet/applications/{NO_SUCH}/messages/files/{NO_SUCH}/"
    ),
    "office/cases/": "/office/cases/",
    "office/cases/assign/": "/office/cases/assign/",
    "office/cases/<uuid:application_id>/": f"/office/cases/{NO_SUCH}/",
    "office/cases/<uuid:application_id>/files/<uuid:attachment_id>/": f"/office/cases/{NO_SUCH}/files/{NO_SUCH}/",
    "office/cases/<uuid:application_id>/notes/": f"/office/cases/{NO_SUCH}/notes/",
    "office/cases/<uuid:application_id>/assign/": f"/office/cases/{NO_SUCH}/assign/",
    "office/cases/<uuid:application_id>/actions/<str:transition_id>/": f"/office/cases/{NO_SUCH}/actions/approve/",
    "office/cases/<uuid:application_id>/decision/confirm/": f"/office/cases/{NO_SUCH}/decision/confirm/",
    "office/cases/<uuid:application_id>/decision/return/": f"/office/cases/{NO_SUCH}/decision/return/",
    "cabinet/appeals/": "/cabinet/appeals/",
    "cabinet/appeals/new/": "/cabinet/appeals/new/?organisation={w.organisation.pk}",
    "cabinet/appeals/<uuid:appeal_id>/": f"/cabinet/appeals/{NO_SUCH}/",
    "cabinet/appeals/<uuid:appeal_id>/sent/": f"/cabinet/appeals/{NO_SUCH}/sent/",
    "cabinet/appeals/<uuid:appeal_id>/files/<uuid:attachment_id>/": f"/cabinet/appeals/{NO_SUCH}/files/{NO_SUCH}/",
    "office/appeals/": "/office/appeals/",
    "office/appeals/<uuid:appeal_id>/": f"/office/appeals/{NO_SUCH}/",
    "office/appeals/<uuid:appeal_id>/files/<uuid:attachment_id>/": f"/office/appeals/{NO_SUCH}/files/{NO_SUCH}/",
    "office/appeals/<uuid:appeal_id>/assign/": f"/office/appeals/{NO_SUCH}/assign/",
    "office/appeals/<uuid:appeal_id>/short-term/": f"/office/appeals/{NO_SUCH}/short-term/",
    "office/appeals/<uuid:appeal_id>/extend/": f"/office/appeals/{NO_SUCH}/extend/",
    "office/appeals/<uuid:appeal_id>/answer/": f"/office/appeals/{NO_SUCH}/answer/",
    "office/cases/<uuid:application_id>/messages/": f"/office/cases/{NO_SUCH}/messages/",
    "office/cases/<uuid:application_id>/messages/files/<uuid:attachment_id>/": (
        f"/office/cases/{NO_SUCH}/messages/files/{NO_SUCH}/"
    ),
    "cabinet/applications/<uuid:application_id>/rating/": f"/cabinet/applications/{NO_SUCH}/rating/",
    "services/<slug:slug>/useful/": "/services/{w.service.slug}/useful/",
    "services/<slug:slug>/questions/new/": "/services/{w.service.slug}/questions/new/",
    "office/questions/": "/office/questions/",
    "office/questions/<uuid:question_id>/": f"/office/questions/{NO_SUCH}/",
    "office/feedback/": "/office/feedback/",
    "cabinet/data-access/": "/cabinet/data-access/",
    "cabinet/data-access/<uuid:access_id>/ask/": f"/cabinet/data-access/{NO_SUCH}/ask/",
    "office/audit/": "/office/audit/",
    "transparency/": "/transparency/",
    "transparency/roots.json": "/transparency/roots.json",
    "transparency/<str:day>/leaves.txt": "/transparency/2026-01-01/leaves.txt",
}
# Official routes that answer 403 to officials without the role (the visitors allowed, besides the admin).
ROLE_ONLY = {"office/audit/": ("official-auditor", "platform-admin")}
# A data subject's rights (privacy.rights) and the data protection officer's requests (backoffice.views.privacy).
EXAMPLES.update(
    {
        "cabinet/my-data/": "/cabinet/my-data/",
        "cabinet/my-data/export.json": "/cabinet/my-data/export.json",
        "cabinet/my-data/export.pdf": "/cabinet/my-data/export.pdf",
        "cabinet/my-data/consents/": "/cabinet/my-data/consents/",
        "cabinet/my-data/correct/": "/cabinet/my-data/correct/",
        "cabinet/my-data/email/<str:token>/": "/cabinet/my-data/email/not-a-token/",
        "cabinet/my-data/erasure/": "/cabinet/my-data/erasure/",
        "cabinet/my-data/requests/<uuid:request_id>/": f"/cabinet/my-data/requests/{NO_SUCH}/",
        "office/privacy/": "/office/privacy/",
        "office/privacy/<uuid:request_id>/": f"/office/privacy/{NO_SUCH}/",
    }
)
ROLE_ONLY.update(
    {
        "office/privacy/": ("official-data_protection_officer",),
        "office/privacy/<uuid:request_id>/": ("official-data_protection_officer",),
    }
)
# Routes that carry an address of their own besides the one above: each language prefix is the same view.
SIGN_IN_PAGES = ("/sign-in/", "/account/sign-in/", "/office/sign-in/", "/admin/login/")


@dataclass
class World:
    organisation: object
    other_organisation: object
    service: object
    sector: object
    event: object
    centre: object


@pytest.fixture
def world() -> World:
    organisation = OrganisationFactory(slug="dms")
    service = PublicServiceFactory(competent_authority=organisation, minimum_assurance=Assurance.LOW)
    ChannelFactory(service=service, kind=ChannelKind.ONLINE, instructions="Онлайн.", url="https://apply.example/")
    event = LifeEventFactory()
    service.life_events.add(event)
    # A live worker, so that /readyz answers 200 like the rest of the public routes.
    WorkerHeartbeat.objects.create(worker_id="matrix", backend="database", last_seen=clock.now())
    return World(
        organisation=organisation,
        other_organisation=OrganisationFactory(slug="other"),
        service=service,
        sector=service.sector,
        event=event,
        centre=ServiceCentreFactory(),
    )


def _citizen(username: str) -> User:
    return User.objects.create_user(username=username, email=f"{username}@example.org", first_name="Ім'я")


def _official(username: str, organisation, role: str | None) -> User:
    user = User.objects.create_user(username=username, email=f"{username}@dms.example", is_staff=True)
    user.organisation = organisation
    user.save()
    if role:
        RoleAssignment.objects.create(user=user, organisation=organisation, role=role)
    return user


VISITORS = [
    "anonymous",
    "citizen",
    "citizen-acting-for-business",
    *[f"official-{role}" for role in Role.values],
    "official-of-another-organisation",
    "official-without-second-factor",
    "platform-admin",
]


def visitor(kind: str, world: World) -> Client:
    browser = Client()
    if kind == "anonymous":
        return browser
    if kind.startswith("citizen"):
        person = _citizen(kind)
        sign_in_citizen(browser, person, assurance=Assurance.HIGH)
        if kind == "citizen-acting-for-business":
            mandate = Mandate.objects.create(
                representative=person,
                party_kind=PartyKind.BUSINESS,
                party_name="ТОВ «Приклад»",
                party_code="32855961",
                basis="Виписка з ЄДР",
                valid_from=dt.date(2026, 1, 1),
                registered_by=_official("registrar", world.organisation, Role.CASE_OFFICER),
            )
            session = browser.session
            session[ACTING_FOR_KEY] = str(mandate.pk)
            session.save()
        return browser
    if kind == "platform-admin":
        sign_in_official(browser, User.objects.create_superuser("root", "root@vikno.example", None))
        return browser
    if kind == "official-of-another-organisation":
        sign_in_official(browser, _official(kind, world.other_organisation, Role.EDITOR))
        return browser
    if kind == "official-without-second-factor":
        browser.force_login(_official(kind, world.organisation, Role.EDITOR))
        return browser
    sign_in_official(browser, _official(kind, world.organisation, kind.removeprefix("official-")))
    return browser


def classified_routes():
    routes = []
    with translation.override(settings.LANGUAGE_CODE):  # the unprefixed (default-language) addresses
        found = list(_routes(get_resolver()))
    for route, view, namespaces in found:
        if namespaces and namespaces[0] == "admin":
            continue
        routes.append((route, access_of(view, namespaces)))
    return routes


def test_every_route_has_an_example_address_here():
    missing = [route for route, _ in classified_routes() if route not in EXAMPLES]
    assert missing == [], "add an example address for each new route to EXAMPLES"


def _is_sign_in_redirect(response, page: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(page + "?next=")


def _expected(level: str, kind: str) -> str:
    """allowed | sign-in (redirected to the right sign-in page) | office-sign-in | denied (403)."""
    if level == PUBLIC:
        return "allowed"
    if level == INTEGRATOR:
        return "denied"  # no visitor carries another system's credentials
    if level == CITIZEN:
        if kind == "anonymous":
            return "sign-in"
        return "allowed" if kind.startswith("citizen") else "denied"
    if level == OFFICIAL:
        if kind == "anonymous":
            return "office-sign-in"
        allowed = kind.startswith("official-") or kind == "platform-admin"
        return "allowed" if allowed and kind != "official-without-second-factor" else "denied"
    raise AssertionError(f"no expectation for level {level}")


@pytest.mark.parametrize("kind", VISITORS)
def test_every_route_answers_each_kind_of_visitor_as_classified(world, kind):
    browser = visitor(kind, world)
    wrong = []
    for route, level in classified_routes():
        address = EXAMPLES[route].format(w=world)
        response = browser.get(address)
        expected = _expected(level, kind)
        if expected == "allowed" and kind not in ROLE_ONLY.get(route, (kind,)):
            expected = "denied"
        if expected == "allowed":
            ok = response.status_code < 500 and response.status_code not in (401, 403)
            ok = ok and not any(_is_sign_in_redirect(response, page) for page in SIGN_IN_PAGES)
        elif expected == "sign-in":
            ok = _is_sign_in_redirect(response, "/sign-in/")
        elif expected == "office-sign-in":
            ok = _is_sign_in_redirect(response, "/office/sign-in/")
        else:
            ok = response.status_code == 403
        if not ok:
            wrong.append((address, level, expected, response.status_code, response.get("Location", "")))
    assert wrong == []


@pytest.mark.parametrize("kind", VISITORS)
def test_the_admin_opens_only_to_officials_with_a_second_factor_and_only_as_far_as_their_permissions(world, kind):
    browser = visitor(kind, world)
    user = User.objects.filter(username=kind).first() or User.objects.filter(is_superuser=True).first()
    official = kind.startswith("official-") or kind == "platform-admin"
    with_factor = official and kind != "official-without-second-factor"
    index = browser.get(reverse("admin:index"))
    if with_factor:
        assert index.status_code == 200
    else:
        assert index.status_code == 302 and index["Location"].startswith("/admin/login/")
    for model in admin.site._registry:
        meta = model._meta
        response = browser.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if not with_factor:
            assert response.status_code == 302, (meta.label, response.status_code)
            continue
        may_see = user.has_perm(f"{meta.app_label}.view_{meta.model_name}") or user.has_perm(
            f"{meta.app_label}.change_{meta.model_name}"
        )
        assert response.status_code == (200 if may_see else 403), (meta.label, response.status_code)
