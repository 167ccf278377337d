"""`manage.py demo_accounts`: create or reset the demo officials' accounts and print how to sign in.

Run it after `manage.py load_demo` (the roles point at demo organisations). Every run leaves the accounts
exactly as documented here: one known password each (stored hashed, never in plain text), the staff flag, the
role assignments and the catalogue groups. The passwords are public, so the command refuses to run under the
production settings.
"""

import base64
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from vikno.audit.services import record
from vikno.catalog.models import Organisation
from vikno.identity import mandates
from vikno.identity.constants import Role
from vikno.identity.groups import (
    CASE_OFFICERS_GROUP,
    EDITORS_GROUP,
    ORGANISATION_ADMINS_GROUP,
    SUPERVISORS_GROUP,
    ensure_role_groups,
)
from vikno.identity.models import Mandate, PartyKind, User
from vikno.identity.selectors import person_by_rnokpp
from vikno.privacy.fields import blind_index_for

SIGN_IN_URL = f"{settings.SITE_URL}/office/sign-in/"


def demo_totp_key(email: str) -> str:
    """The demo official's authenticator secret (hex): derived from the e-mail, so public like the password."""
    return hashlib.sha1(f"vikno-demo-totp:{email}".encode()).hexdigest()  # noqa: S324 - not a security use


def demo_totp_secret(email: str) -> str:
    """The same secret in base32, the form authenticator apps take."""
    return base64.b32encode(bytes.fromhex(demo_totp_key(email))).decode().rstrip("=")


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    first_name: str
    last_name: str
    description: str
    superuser: bool = False
    organisation: str = ""  # slug of the organisation the role is held in
    role: Role | None = None
    group: str = ""


# Demo credentials, published in the README and printed by this command; never used outside a demo.
DEMO_ACCOUNTS = (
    DemoAccount(
        email="admin@vikno.localhost",
        password="Vikno-Admin-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Оксана",
        last_name="Адміністраторка",
        description="Platform administrator (superuser)",
        superuser=True,
    ),
    DemoAccount(
        email="editor.migration@vikno.localhost",
        password="Vikno-Editor-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Марко",
        last_name="Редактор",
        description="Editor, State Migration Service",
        organisation="state-migration-service",
        role=Role.EDITOR,
        group=EDITORS_GROUP,
    ),
    DemoAccount(
        email="supervisor.migration@vikno.localhost",
        password="Vikno-Supervisor-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Ірина",
        last_name="Керівниця",
        description="Supervisor, State Migration Service (reviews and publishes)",
        organisation="state-migration-service",
        role=Role.SUPERVISOR,
        group=SUPERVISORS_GROUP,
    ),
    DemoAccount(
        email="orgadmin.migration@vikno.localhost",
        password="Vikno-OrgAdmin-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Олег",
        last_name="Адміністратор",
        description="Organisation admin, State Migration Service (officials, roles, mandates)",
        organisation="state-migration-service",
        role=Role.ORGANISATION_ADMIN,
        group=ORGANISATION_ADMINS_GROUP,
    ),
    DemoAccount(
        email="editor.kyiv@vikno.localhost",
        password="Vikno-Kyiv-Editor-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Тарас",
        last_name="Редактор",
        description="Editor, Kyiv City Council",
        organisation="kyiv-city-council",
        role=Role.EDITOR,
        group=EDITORS_GROUP,
    ),
    # Officials who handle the demo services' applications in the back office (/office/cases/).
    DemoAccount(
        email="officer.mia@vikno.localhost",
        password="Vikno-Officer-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Андрій",
        last_name="Справочинець",
        description="Case officer, Ministry of Internal Affairs (criminal record certificates)",
        organisation="ministry-of-internal-affairs",
        role=Role.CASE_OFFICER,
        group=CASE_OFFICERS_GROUP,
    ),
    DemoAccount(
        email="officer.kyiv@vikno.localhost",
        password="Vikno-Officer-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Наталія",
        last_name="Справочинець",
        description="Case officer, Kyiv City Council (declaring the place of residence)",
        organisation="kyiv-city-council",
        role=Role.CASE_OFFICER,
        group=CASE_OFFICERS_GROUP,
    ),
    DemoAccount(
        email="officer.pfu@vikno.localhost",
        password="Vikno-Officer-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Богдан",
        last_name="Справочинець",
        description="Case officer, Pension Fund (birth allowance: proposes decisions)",
        organisation="pension-fund",
        role=Role.CASE_OFFICER,
        group=CASE_OFFICERS_GROUP,
    ),
    DemoAccount(
        email="officer2.pfu@vikno.localhost",
        password="Vikno-Officer-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Світлана",
        last_name="Перевірниця",
        description="Case officer, Pension Fund (confirms the other's decisions: four eyes)",
        organisation="pension-fund",
        role=Role.CASE_OFFICER,
        group=CASE_OFFICERS_GROUP,
    ),
    # Oversight of personal data: the audit trail (/office/audit/) and data subjects' requests (/office/privacy/).
    DemoAccount(
        email="auditor.kyiv@vikno.localhost",
        password="Vikno-Auditor-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Віра",
        last_name="Аудиторка",
        description="Auditor, Kyiv City Council (searches and exports the audit trail)",
        organisation="kyiv-city-council",
        role=Role.AUDITOR,
    ),
    DemoAccount(
        email="dpo@vikno.localhost",
        password="Vikno-DPO-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Павло",
        last_name="Захисник",
        description="Data protection officer of the platform (erasure and correction requests)",
        organisation="ministry-of-digital-transformation",
        role=Role.DATA_PROTECTION_OFFICER,
    ),
)


@dataclass(frozen=True)
class DemoMandate:
    party_kind: PartyKind
    party_name: str
    party_code: str
    basis: str
    party_birth_date: dt.date | None = None


# Олена Шевченко of the demo eID (tools/demo-eid/citizens.json). Her account is made here, keyed by her RNOKPP,
# so that signing in with the demo eID as her links to it (identity.services.citizen_sign_in_with_eid finds an
# account by RNOKPP) and she finds two mandates in her cabinet: a company she directs and her son.
DEMO_CITIZEN = {
    "rnokpp": "3221512000",
    "first_name": "Олена",
    "last_name": "Шевченко",
    "middle_name": "Петрівна",
    "birth_date": dt.date(1988, 3, 14),
    "email": "olena.shevchenko@example.org",
}
DEMO_MANDATES_FROM = dt.date(2025, 1, 1)
DEMO_MANDATES_REGISTRAR = "orgadmin.migration@vikno.localhost"
DEMO_MANDATES = (
    DemoMandate(
        party_kind=PartyKind.BUSINESS,
        party_name="ТОВ «Зелений двір»",
        party_code="43123452",  # vikno.core.edrpou.make("4312345")
        basis="Виписка з ЄДР; протокол загальних зборів про призначення директором",
    ),
    DemoMandate(
        party_kind=PartyKind.CHILD,
        party_name="Шевченко Марко Олегович",
        party_code="4213300131",  # vikno.core.rnokpp.make(date(2015, 5, 10), 1, female=False)
        party_birth_date=dt.date(2015, 5, 10),
        basis="Свідоцтво про народження І-ТВ № 123456",
    ),
)


def ensure_demo_citizen() -> User:
    """Олена Шевченко's account with her two mandates in force (registered again if someone revoked them)."""
    citizen = person_by_rnokpp(str(DEMO_CITIZEN["rnokpp"]))
    if citizen is None:
        citizen = User(username=f"citizen-{uuid.uuid4().hex}", **DEMO_CITIZEN)
        citizen.set_unusable_password()
        citizen.save()
        record(actor=None, action="identity.account_created", target=citizen, reason="demo data")
    elif citizen.is_staff:
        raise CommandError(f"The account with the demo citizen's RNOKPP {citizen.rnokpp} is an official's.")
    registrar = User.objects.get(username=DEMO_MANDATES_REGISTRAR)
    for demo in DEMO_MANDATES:
        held = Mandate.objects.filter(
            representative=citizen,
            party_code_index=blind_index_for(Mandate, "party_code", demo.party_code),
            revoked_at__isnull=True,
        )
        if not held.exists():
            mandates.mandate_register(
                actor=registrar,
                representative=citizen,
                party_kind=demo.party_kind,
                party_name=demo.party_name,
                party_code=demo.party_code,
                party_birth_date=demo.party_birth_date,
                basis=demo.basis,
                valid_from=DEMO_MANDATES_FROM,
            )
    return citizen


def ensure_demo_accounts() -> list[User]:
    """Create the demo accounts, or put them back exactly as documented; return them in order."""
    organisations = {
        org.slug: org
        for org in Organisation.objects.filter(slug__in={a.organisation for a in DEMO_ACCOUNTS if a.organisation})
    }
    missing = {a.organisation for a in DEMO_ACCOUNTS if a.organisation} - set(organisations)
    if missing:
        raise CommandError(f"The demo organisations {sorted(missing)} are missing; run `manage.py load_demo` first.")
    users = []
    with transaction.atomic():
        try:
            groups = ensure_role_groups()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        for account in DEMO_ACCOUNTS:
            user = User.objects.filter(Q(username=account.email) | Q(email=account.email)).first() or User()
            user.username = account.email
            user.email = account.email
            user.first_name = account.first_name
            user.last_name = account.last_name
            user.is_active = True
            user.is_staff = True
            user.is_superuser = account.superuser
            if not user.has_usable_password() or not user.check_password(account.password):
                user.set_password(account.password)
            user.save()
            user.groups.set([groups[account.group]] if account.group else [])
            wanted = []
            if account.role:
                assignment, _ = user.role_assignments.update_or_create(
                    organisation=organisations[account.organisation],
                    role=account.role,
                    defaults={"includes_subordinates": True},
                )
                wanted.append(assignment.pk)
            user.role_assignments.exclude(pk__in=wanted).delete()
            # Officials need a second factor: the demo ones have a known authenticator secret (see demo_totp).
            TOTPDevice.objects.filter(user=user).exclude(key=demo_totp_key(account.email)).delete()
            TOTPDevice.objects.get_or_create(
                user=user, key=demo_totp_key(account.email), defaults={"name": "demo", "confirmed": True}
            )
            users.append(user)
        ensure_demo_citizen()
    return users


class Command(BaseCommand):
    help = "Create or reset the demo officials' accounts and print their sign-in details."

    def handle(self, *args, **options) -> None:
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("Demo accounts have public passwords; they are never created in production.")
        ensure_demo_accounts()
        width = max(len(account.email) for account in DEMO_ACCOUNTS)
        lines = [
            "",
            f"Demo sign-in for officials: {SIGN_IN_URL}",
            "",
            f"  {'username (e-mail)':<{width}}  {'password':<28}  role",
        ]
        lines += [f"  {a.email:<{width}}  {a.password:<28}  {a.description}" for a in DEMO_ACCOUNTS]
        lines += [
            "",
            "  Then a code from an authenticator app: add the key below to one, or run",
            "  `.venv/bin/python manage.py demo_totp` to print each demo official's current code.",
        ]
        lines += [f"  {a.email:<{width}}  key {demo_totp_secret(a.email)}" for a in DEMO_ACCOUNTS]
        lines += ["", "  Demo passwords and keys are public: use these accounts on your own machine only.", ""]
        if settings.DEMO_EID:
            lines += [
                f'Demo sign-in for citizens: {settings.SITE_URL}/sign-in/ → "Sign in with Demo eID",',
                "  then pick any made-up person and a way of proving who they are (the demo eID runs on "
                f"{settings.DEMO_EID_URL}).",
                f"  Or create a portal account at {settings.SITE_URL}/account/register/.",
                "",
            ]
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            outbox = settings.EMAIL_FILE_PATH
            lines += [f"E-mail the portal sends (links to confirm an address, invitations) goes to {outbox}/.", ""]
        business, child = DEMO_MANDATES
        lines += [
            f"Acting for someone else: {DEMO_CITIZEN['first_name']} {DEMO_CITIZEN['last_name']} "
            f"(RNOKPP {DEMO_CITIZEN['rnokpp']}) holds two mandates,",
            f"  for {business.party_name} (EDRPOU {business.party_code}) and for her son {child.party_name}.",
            '  Sign in with the demo eID as her, then "Your account" → "Act for a business or your child".',
            "",
        ]
        self.stdout.write("\n".join(lines))
