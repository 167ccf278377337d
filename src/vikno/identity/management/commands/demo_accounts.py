"""`manage.py demo_accounts`: create or reset the demo officials' accounts and print how to sign in.

Run it after `manage.py load_demo` (the roles point at demo organisations). Every run leaves the accounts
exactly as documented here: one known password each (stored hashed, never in plain text), the staff flag, the
role assignments and the catalogue groups. The passwords are public, so the command refuses to run under the
production settings.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from vikno.catalog.models import Organisation
from vikno.identity.constants import Role
from vikno.identity.models import User

SIGN_IN_URL = "http://127.0.0.1:8000/admin/"

EDITORS_GROUP = "Catalogue editors"
SUPERVISORS_GROUP = "Catalogue supervisors"
# Catalogue models editors work on: add, change and view; the child rows edited inline may also be removed.
EDITED_MODELS = ("publicservice", "servicecentre")
INLINE_MODELS = ("legalresource", "evidence", "channel", "contactpoint", "openinghours", "specialday")
# Reference lists editors pick from but do not change; revisions are shown read-only on each service.
VIEWED_MODELS = ("organisation", "sector", "lifeevent", "servicerevision")
PUBLISH_PERMISSION = "publish_publicservice"


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
        email="editor.kyiv@vikno.localhost",
        password="Vikno-Kyiv-Editor-Demo-2026",  # noqa: S106 - documented demo password
        first_name="Тарас",
        last_name="Редактор",
        description="Editor, Kyiv City Council",
        organisation="kyiv-city-council",
        role=Role.EDITOR,
        group=EDITORS_GROUP,
    ),
)


def _catalogue_permissions(*, publish: bool) -> list[Permission]:
    wanted = Q()
    for model in EDITED_MODELS:
        wanted |= Q(codename__in=[f"add_{model}", f"change_{model}", f"view_{model}"])
    for model in INLINE_MODELS:
        wanted |= Q(codename__in=[f"add_{model}", f"change_{model}", f"delete_{model}", f"view_{model}"])
    wanted |= Q(codename__in=[f"view_{model}" for model in VIEWED_MODELS])
    if publish:
        wanted |= Q(codename=PUBLISH_PERMISSION)
    permissions = list(Permission.objects.filter(wanted, content_type__app_label="catalog"))
    expected = len(EDITED_MODELS) * 3 + len(INLINE_MODELS) * 4 + len(VIEWED_MODELS) + int(publish)
    if len(permissions) != expected:
        raise CommandError("Some catalogue permissions are missing; run `manage.py migrate` first.")
    return permissions


def ensure_catalogue_groups() -> dict[str, Group]:
    """The two editorial groups with exactly their catalogue permissions."""
    groups = {}
    for name, publish in ((EDITORS_GROUP, False), (SUPERVISORS_GROUP, True)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_catalogue_permissions(publish=publish))
        groups[name] = group
    return groups


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
        groups = ensure_catalogue_groups()
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
            users.append(user)
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
        lines += ["", "  Demo passwords are public: use these accounts on your own machine only.", ""]
        if settings.DEMO_EID:
            lines += [
                f'Demo sign-in for citizens: {settings.SITE_URL}/sign-in/ → "Sign in with Demo eID",',
                "  then pick any made-up person and a way of proving who they are (the demo eID runs on "
                f"{settings.DEMO_EID_URL}).",
                "",
            ]
        self.stdout.write("\n".join(lines))
