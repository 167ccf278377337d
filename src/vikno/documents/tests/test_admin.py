"""Issued documents in the officials' admin: read-only, each official sees their organisation's, revoke asks why."""

import pytest
from django.contrib.auth.models import Permission

from vikno.audit.models import AuditRecord
from vikno.catalog.tests.factories import OrganisationFactory
from vikno.documents.tests.conftest import issue
from vikno.identity.constants import Role
from vikno.identity.tests.factories import citizen, official, platform_admin
from vikno.identity.tests.helpers import sign_in_official

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/documents/issueddocument/"


def _with_permissions(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="documents", codename__in=codenames))
    return user


@pytest.fixture
def two_documents(organisation):
    other = OrganisationFactory(name_en="Other Authority")
    return issue(organisation), issue(other, title="Чужий документ")


def test_an_official_sees_only_their_organisations_documents(client, organisation, two_documents):
    ours, theirs = two_documents
    user = _with_permissions(official("viewer@dms.example", organisation, Role.CASE_OFFICER), "view_issueddocument")
    sign_in_official(client, user)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [ours]
    assert client.get(f"{CHANGELIST}{theirs.pk}/change/").status_code == 302  # "does not exist" → back to the list
    page = client.get(f"{CHANGELIST}{ours.pk}/change/")
    assert page.status_code == 200
    assert ours.display_code in page.content.decode()
    assert 'id="revoke-link"' not in page.content.decode()  # no permission to revoke


def test_the_platform_admin_sees_every_document_and_nothing_can_be_added_changed_or_deleted(client, two_documents):
    sign_in_official(client, platform_admin())
    response = client.get(CHANGELIST)
    assert set(response.context["cl"].result_list) == set(two_documents)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(f"{CHANGELIST}{two_documents[0].pk}/delete/").status_code == 403


def test_a_code_is_found_as_people_type_it(client, two_documents):
    sign_in_official(client, platform_admin())
    ours = two_documents[0]
    response = client.get(CHANGELIST, {"q": ours.display_code.lower()})
    assert list(response.context["cl"].result_list) == [ours]


def test_revoking_in_the_admin_asks_for_the_reason_and_records_it(client, organisation, two_documents):
    ours, theirs = two_documents
    user = official("supervisor@dms.example", organisation, Role.SUPERVISOR)
    sign_in_official(client, _with_permissions(user, "view_issueddocument", "revoke_issueddocument"))
    assert 'id="revoke-link"' in client.get(f"{CHANGELIST}{ours.pk}/change/").content.decode()
    url = f"{CHANGELIST}{ours.pk}/revoke/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    ours.refresh_from_db()
    assert ours.revoked_at is None

    response = client.post(url, {"reason": "Рішення скасовано"})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.revoked_at is not None
    assert ours.revocation_reason == "Рішення скасовано"
    assert AuditRecord.objects.get(action="documents.revoked").actor == user
    assert client.get(url).status_code == 404  # revoked already
    assert client.get(f"{CHANGELIST}{theirs.pk}/revoke/").status_code == 404  # another organisation's


def test_without_the_revoke_permission_there_is_no_revoke_page(client, organisation, two_documents):
    user = _with_permissions(official("viewer@dms.example", organisation, Role.CASE_OFFICER), "view_issueddocument")
    sign_in_official(client, user)
    assert client.get(f"{CHANGELIST}{two_documents[0].pk}/revoke/").status_code == 404
    assert client.post(f"{CHANGELIST}{two_documents[0].pk}/revoke/", {"reason": "x"}).status_code == 404
    two_documents[0].refresh_from_db()
    assert two_documents[0].revoked_at is None


def test_the_document_page_does_not_say_whom_it_was_issued_to(client, organisation):
    holder = citizen("Олена", "Шевченко")
    issued = issue(organisation, holder=holder)
    sign_in_official(client, platform_admin())
    for address in (CHANGELIST, f"{CHANGELIST}{issued.pk}/change/"):
        response = client.get(address)
        html = response.content.decode()
        assert response.status_code == 200 and issued.display_code in html
        for told in (holder.username, holder.rnokpp, "Шевченко", "Holder"):
            assert told not in html, (address, told)
