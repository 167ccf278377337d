"""Officials' accounts and roles in the admin: an organisation admin administers the officials of the
organisations their role covers, and no one else; the platform administrator administers everyone."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied

from vikno.audit.models import AuditRecord
from vikno.audit.tests.helpers import records_after, trail_mark
from vikno.catalog.tests.factories import OrganisationFactory
from vikno.identity import officials
from vikno.identity.constants import Role
from vikno.identity.models import RoleAssignment, SignedInSession, User
from vikno.identity.session import SESSION_ID_KEY
from vikno.identity.tests.factories import citizen, official, platform_admin
from vikno.identity.tests.helpers import sign_in_official

pytestmark = pytest.mark.django_db

OFFICIALS = "/en/admin/identity/user/"
ROLES = "/en/admin/identity/roleassignment/"


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world():
    """A ministry with an agency and the agency's regional office; a second, unrelated authority."""
    ministry = OrganisationFactory(slug="ministry", name_en="Ministry")
    agency = OrganisationFactory(slug="agency", name_en="Agency", parent=ministry)
    office = OrganisationFactory(slug="office", name_en="Regional office", parent=agency)
    justice = OrganisationFactory(slug="justice", name_en="Justice")
    admin = official(
        "admin@agency.example", agency, Role.ORGANISATION_ADMIN, includes_subordinates=True, first_name="Адмін"
    )
    return SimpleNamespace(
        ministry=ministry,
        agency=agency,
        office=office,
        justice=justice,
        admin=admin,
        editor=official("editor@agency.example", agency, Role.EDITOR, last_name="Редактор"),
        clerk=official("clerk@office.example", office, Role.CASE_OFFICER),
        justice_admin=official("admin@justice.example", justice, Role.ORGANISATION_ADMIN),
        justice_clerk=official("clerk@justice.example", justice, Role.CASE_OFFICER),
        root=platform_admin(),
        citizen=citizen(email="olena@example.org"),
    )


def _audit(after: int = 0):
    """The trail (after a mark: the trail cannot be emptied) as actor, action, object and details."""
    return list(records_after(after).values_list("actor__email", "action", "object_id", "details"))


def _creation_form(organisation, **overrides):
    data = {
        "email": "New.Official@Agency.example",
        "first_name": "Ірина",
        "middle_name": "",
        "last_name": "Нова",
        "organisation": str(organisation.pk),
    }
    data.update(overrides)
    return data


# --- Seeing officials ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("extra", [0, 5])
def test_organisation_admin_lists_only_officials_their_role_covers(client, world, extra, django_assert_num_queries):
    for number in range(extra):
        official(f"more-{number}@office.example", world.office)
    sign_in_official(client, world.admin)
    # Session, user, scope (roles and the organisation tree, once), filter choices, counts, permissions, the
    # page of officials with their organisations: the same number whatever the number of officials.
    with django_assert_num_queries(11):
        response = client.get(OFFICIALS)
    assert response.status_code == 200
    listed = [user.email for user in response.context["cl"].result_list]
    assert listed == sorted(
        ["admin@agency.example", "clerk@office.example", "editor@agency.example"]
        + [f"more-{n}@office.example" for n in range(extra)]
    )


def test_platform_admin_lists_every_official_and_no_citizen(client, world):
    sign_in_official(client, world.root)
    response = client.get(OFFICIALS)
    listed = {user.email for user in response.context["cl"].result_list}
    assert listed == {
        "admin@agency.example",
        "editor@agency.example",
        "clerk@office.example",
        "admin@justice.example",
        "clerk@justice.example",
        "root@vikno.example",
    }
    assert world.citizen.email not in response.content.decode()


def test_an_official_who_is_no_organisation_admin_has_no_officials_page(client, world):
    sign_in_official(client, world.editor)
    assert client.get(OFFICIALS).status_code == 403
    assert client.get(ROLES).status_code == 403
    assert client.get(f"{OFFICIALS}add/").status_code == 403


def test_the_role_and_the_groups_permissions_are_both_needed(client, world):
    without_group = official("bare@agency.example", world.agency)
    RoleAssignment.objects.create(user=without_group, organisation=world.agency, role=Role.ORGANISATION_ADMIN)
    sign_in_official(client, without_group)
    assert client.get(OFFICIALS).status_code == 403
    without_role = official("grouped@agency.example", world.agency)
    without_role.groups.set(world.admin.groups.all())
    sign_in_official(client, without_role)
    assert client.get(OFFICIALS).status_code == 403
    assert client.get(ROLES).status_code == 403


def test_organisation_admin_cannot_open_or_deactivate_another_authoritys_official(client, world):
    sign_in_official(client, world.admin)
    page = client.get(f"{OFFICIALS}{world.justice_clerk.pk}/change/")
    assert page.status_code == 302  # the admin treats it as missing
    deactivate = client.post(f"{OFFICIALS}{world.justice_clerk.pk}/deactivate/", {"reason": "Зламати"})
    assert deactivate.status_code == 404
    world.justice_clerk.refresh_from_db()
    assert world.justice_clerk.is_active
    assert not AuditRecord.objects.exists()


def test_organisation_admin_sees_an_official_read_only_with_roles(client, world):
    sign_in_official(client, world.admin)
    response = client.get(f"{OFFICIALS}{world.clerk.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html  # nothing to save: changes are the actions
    assert "Case officer" in html
    assert f'href="/en/admin/identity/user/{world.clerk.pk}/deactivate/"' in html


# --- Creating officials --------------------------------------------------------------------------------------
def test_organisation_admin_creates_an_official_who_is_invited_by_e_mail(
    client, world, django_capture_on_commit_callbacks
):
    sign_in_official(client, world.admin)
    form = client.get(f"{OFFICIALS}add/").context["adminform"].form
    assert set(form.fields["organisation"].queryset) == {world.agency, world.office}
    assert set(form.fields) == {"email", "first_name", "middle_name", "last_name", "organisation"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{OFFICIALS}add/", _creation_form(world.office))

    created = User.objects.get(email="new.official@agency.example")
    assert response.status_code == 302
    assert response["Location"] == f"/en/admin/identity/user/{created.pk}/change/"
    assert created.username == "new.official@agency.example"
    assert (created.first_name, created.last_name, created.organisation) == ("Ірина", "Нова", world.office)
    assert created.is_staff and created.is_active and not created.is_superuser
    assert not created.has_usable_password()
    assert not created.role_assignments.exists()
    assert _audit() == [
        ("admin@agency.example", "identity.official_created", str(created.pk), {"organisation": "office"})
    ]
    assert [message.to for message in mail.outbox] == [["new.official@agency.example"]]
    assert re.search(r"/office/activate/[\w-]+/[\w-]+/", mail.outbox[0].body)


def test_organisation_admin_cannot_create_an_official_elsewhere(client, world, django_capture_on_commit_callbacks):
    sign_in_official(client, world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{OFFICIALS}add/", _creation_form(world.justice))
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert 'class="vikno-error-summary"' in response.content.decode()
    assert not User.objects.filter(email="new.official@agency.example").exists()
    assert not AuditRecord.objects.exists()
    assert mail.outbox == []
    with pytest.raises(PermissionDenied):
        officials.official_create(
            actor=world.admin, email="x@justice.example", first_name="X", last_name="Y", organisation=world.justice
        )


def test_an_e_mail_address_in_use_is_refused_in_the_error_summary(client, world, django_capture_on_commit_callbacks):
    sign_in_official(client, world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{OFFICIALS}add/", _creation_form(world.agency, email="Clerk@Justice.example"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_email">E-mail address: An account with this e-mail address already exists.</a>' in html
    assert User.objects.filter(email__iexact="clerk@justice.example").count() == 1
    assert not AuditRecord.objects.exists()
    assert mail.outbox == []


def test_platform_admin_creates_officials_anywhere(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = officials.official_create(
            actor=world.root, email="head@ministry.example", first_name="А", last_name="Б", organisation=world.ministry
        )
    assert created.organisation == world.ministry and created.is_staff
    assert len(mail.outbox) == 1


# --- Deactivating --------------------------------------------------------------------------------------------
def test_deactivating_an_official_ends_their_access_at_once(client, world):
    other = type(client)()
    sign_in_official(other, world.clerk)
    tracked = SignedInSession.objects.create(user=world.clerk, method="password", last_seen_at=world.clerk.date_joined)
    session = other.session
    session[SESSION_ID_KEY] = str(tracked.public_id)
    session.save()
    assert other.get("/en/admin/").status_code == 200

    sign_in_official(client, world.admin)
    page = client.get(f"{OFFICIALS}{world.clerk.pk}/deactivate/")
    assert page.status_code == 200
    refused = client.post(f"{OFFICIALS}{world.clerk.pk}/deactivate/", {"reason": ""})
    assert refused.status_code == 400
    assert "Enter the reason." in refused.content.decode()
    done = client.post(f"{OFFICIALS}{world.clerk.pk}/deactivate/", {"reason": "Звільнена 1 грудня"})

    assert done.status_code == 302
    world.clerk.refresh_from_db()
    assert not world.clerk.is_active
    tracked.refresh_from_db()
    assert tracked.ended_at is not None
    assert list(AuditRecord.objects.values_list("actor", "action", "object_id", "reason", "details")) == [
        (
            world.admin.pk,
            "identity.official_deactivated",
            str(world.clerk.pk),
            "Звільнена 1 грудня",
            {"sessions_ended": 1},
        )
    ]
    assert other.get("/en/admin/").status_code == 302  # back to the sign-in page


def test_nobody_deactivates_themselves(client, world):
    sign_in_official(client, world.admin)
    page = client.get(f"{OFFICIALS}{world.admin.pk}/change/")
    assert "/deactivate/" not in page.content.decode()
    response = client.post(f"{OFFICIALS}{world.admin.pk}/deactivate/", {"reason": "Хочу"})
    assert response.status_code == 400
    assert "You cannot change your own account or roles" in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active
    assert not AuditRecord.objects.exists()


def test_a_new_invitation_replaces_the_old_one(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = officials.official_create(
            actor=world.admin, email="late@office.example", first_name="А", last_name="Б", organisation=world.office
        )
    sign_in_official(client, world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            OFFICIALS,
            {"action": "send_invitation", "_selected_action": [str(created.pk), str(world.clerk.pk)]},
        )
    assert response.status_code == 302
    # The clerk has a password already: no invitation for them.
    assert [message.to for message in mail.outbox] == [["late@office.example"], ["late@office.example"]]
    assert [a for _, a, _, _ in _audit()] == ["identity.official_created", "identity.official_invited"]
    first, second = (re.search(r"/office/activate/\S+/", m.body).group(0) for m in mail.outbox)
    assert client.get(first).status_code == 404  # replaced
    assert client.get(second).status_code == 302  # on to the password form


# --- Roles ---------------------------------------------------------------------------------------------------
def _grant(client, official_, organisation, role, **extra):
    data = {"user": str(official_.pk), "organisation": str(organisation.pk), "role": role, **extra}
    return client.post(f"{ROLES}add/", data)


def test_organisation_admin_grants_a_role_within_scope(client, world):
    sign_in_official(client, world.admin)
    response = _grant(client, world.clerk, world.office, Role.EDITOR, includes_subordinates="on")
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=world.clerk, role=Role.EDITOR)
    assert assignment.organisation == world.office and assignment.includes_subordinates
    assert set(world.clerk.groups.values_list("name", flat=True)) == {"Case officers", "Catalogue editors"}
    assert _audit() == [
        (
            "admin@agency.example",
            "identity.role_granted",
            str(world.clerk.pk),
            {"role": "editor", "organisation": "office", "includes_subordinates": True},
        )
    ]


def test_role_choices_are_limited_to_the_admins_scope_without_themselves(client, world):
    sign_in_official(client, world.admin)
    form = client.get(f"{ROLES}add/").context["adminform"].form
    assert set(form.fields["user"].queryset) == {world.editor, world.clerk}
    assert set(form.fields["organisation"].queryset) == {world.agency, world.office}


@pytest.mark.parametrize(
    ("who", "where", "role", "field"),
    [
        ("admin", "agency", Role.SUPERVISOR, "user"),  # themselves
        ("justice_clerk", "agency", Role.EDITOR, "user"),  # an official of another authority
        ("clerk", "justice", Role.EDITOR, "organisation"),  # in another authority
        ("editor", "agency", Role.ORGANISATION_ADMIN, "role"),  # an admin at the top of the admin's own tree
        ("clerk", "office", Role.DATA_PROTECTION_OFFICER, "role"),  # reaches every citizen: the platform's to give
    ],
)
def test_organisation_admin_cannot_grant_outside_their_reach(client, world, who, where, role, field):
    sign_in_official(client, world.admin)
    response = _grant(client, getattr(world, who), getattr(world, where), role)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert 'class="vikno-error-summary"' in response.content.decode()
    assert RoleAssignment.objects.count() == 5  # as the fixture made them
    assert not AuditRecord.objects.exists()
    with pytest.raises(PermissionDenied):
        officials.role_grant(
            actor=world.admin, official=getattr(world, who), organisation=getattr(world, where), role=role
        )
    assert not AuditRecord.objects.exists()


def test_organisation_admin_appoints_admins_below_their_own_organisation_only(world):
    officials.role_grant(
        actor=world.admin, official=world.clerk, organisation=world.office, role=Role.ORGANISATION_ADMIN
    )
    assert world.clerk.role_assignments.filter(role=Role.ORGANISATION_ADMIN, organisation=world.office).exists()
    with pytest.raises(PermissionDenied):
        officials.role_grant(
            actor=world.admin, official=world.editor, organisation=world.agency, role=Role.ORGANISATION_ADMIN
        )


def test_only_the_platform_admin_appoints_and_removes_data_protection_officers(world):
    assignment = officials.role_grant(
        actor=world.root, official=world.clerk, organisation=world.office, role=Role.DATA_PROTECTION_OFFICER
    )
    assert assignment.role == Role.DATA_PROTECTION_OFFICER
    with pytest.raises(PermissionDenied):
        officials.role_revoke(actor=world.admin, assignment=assignment)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    officials.role_revoke(actor=world.root, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_platform_admin_appoints_admins_at_the_top_of_a_tree(client, world):
    sign_in_official(client, world.root)
    response = _grant(client, world.editor, world.ministry, Role.ORGANISATION_ADMIN)
    assert response.status_code == 302
    assert world.editor.role_assignments.filter(role=Role.ORGANISATION_ADMIN, organisation=world.ministry).exists()


def test_organisation_admin_revokes_a_role_within_scope(client, world):
    officials.role_grant(actor=world.admin, official=world.clerk, organisation=world.office, role=Role.SUPERVISOR)
    assignment = RoleAssignment.objects.get(user=world.clerk, role=Role.SUPERVISOR)
    assert set(world.clerk.groups.values_list("name", flat=True)) == {"Case officers", "Catalogue supervisors"}
    mark = trail_mark()
    sign_in_official(client, world.admin)

    assert client.get(f"{ROLES}{assignment.pk}/delete/").status_code == 200
    response = client.post(f"{ROLES}{assignment.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert list(world.clerk.groups.values_list("name", flat=True)) == ["Case officers"]
    assert _audit(mark) == [
        (
            "admin@agency.example",
            "identity.role_revoked",
            str(world.clerk.pk),
            {"role": "supervisor", "organisation": "office", "includes_subordinates": False},
        )
    ]
    assert LogEntry.objects.count() == 1


def test_organisation_admin_cannot_revoke_their_own_or_another_authoritys_role(client, world):
    sign_in_official(client, world.admin)
    own = world.admin.role_assignments.get()
    theirs = world.justice_clerk.role_assignments.get()
    assert client.post(f"{ROLES}{own.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{ROLES}{theirs.pk}/delete/", {"post": "yes"}).status_code == 302  # treated as missing
    assert RoleAssignment.objects.filter(pk__in=[own.pk, theirs.pk]).count() == 2
    with pytest.raises(PermissionDenied):
        officials.role_revoke(actor=world.admin, assignment=own)
    with pytest.raises(PermissionDenied):
        officials.role_revoke(actor=world.admin, assignment=theirs)
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize("extra", [0, 4])
def test_role_list_is_scoped_and_its_queries_fixed(client, world, extra, django_assert_num_queries):
    for number in range(extra):
        official(f"more-{number}@office.example", world.office, Role.EDITOR)
    sign_in_official(client, world.admin)
    with django_assert_num_queries(11):
        response = client.get(ROLES)
    listed = [(a.user.email, a.role) for a in response.context["cl"].result_list]
    assert ("clerk@justice.example", "case_officer") not in listed
    assert len(listed) == 3 + extra
