"""Service designers in the admin: import a file (checked), see problems listed, publish, copy, export."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from vikno.applications.constants import DefinitionStatus
from vikno.applications.models import ServiceDefinition
from vikno.applications.tests.factories import definition_data
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.identity.constants import Role
from vikno.identity.tests.factories import official
from vikno.identity.tests.helpers import sign_in_official

pytestmark = pytest.mark.django_db


def upload(data: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile("definition.json", json.dumps(data).encode(), content_type="application/json")


@pytest.fixture
def own_service(authority):
    return PublicServiceFactory(competent_authority=authority)


def test_an_editor_imports_a_file_as_a_draft_and_cannot_publish_it(client, authority, own_service):
    sign_in_official(client, official("editor@vikno.example", authority, Role.EDITOR))
    url = reverse("admin:applications_definition_import")
    response = client.post(url, {"file": upload(definition_data(own_service))})
    stored = ServiceDefinition.objects.get()
    assert response.status_code == 302
    assert (stored.version, stored.status) == (1, DefinitionStatus.DRAFT)
    refused = client.post(url, {"file": upload(definition_data(own_service)), "publish": "on"})
    assert refused.status_code == 400
    assert ServiceDefinition.objects.count() == 1


def test_a_broken_definition_is_refused_with_every_problem_listed(client, authority, own_service):
    sign_in_official(client, official("editor@vikno.example", authority, Role.EDITOR))
    data = definition_data(own_service)
    data["form"]["steps"][0]["questions"] = ["nothing"]
    data["workflow"]["transitions"][0]["to"] = "nowhere"
    with translation.override("en"):
        response = client.post(reverse("admin:applications_definition_import"), {"file": upload(data)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "asks &#x27;nothing&#x27;, which the schema does not define" in body
    assert "unknown state &#x27;nowhere&#x27;" in body
    assert not ServiceDefinition.objects.exists()


def test_an_editor_of_another_organisation_cannot_import_for_this_service(client, other_authority, own_service):
    sign_in_official(client, official("editor@other.example", other_authority, Role.EDITOR))
    response = client.post(
        reverse("admin:applications_definition_import"), {"file": upload(definition_data(own_service))}
    )
    assert response.status_code == 400
    assert not ServiceDefinition.objects.exists()


def test_a_supervisor_publishes_copies_and_exports(client, authority, own_service):
    sign_in_official(client, official("boss@vikno.example", authority, Role.SUPERVISOR))
    client.post(
        reverse("admin:applications_definition_import"), {"file": upload(definition_data(own_service)), "publish": "on"}
    )
    first = ServiceDefinition.objects.get()
    assert first.status == DefinitionStatus.PUBLISHED
    changelist = reverse("admin:applications_servicedefinition_changelist")
    client.post(changelist, {"action": "new_version", "_selected_action": [first.pk]})
    second = ServiceDefinition.objects.get(version=2)
    assert second.status == DefinitionStatus.DRAFT and second.form == first.form
    client.post(changelist, {"action": "publish", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (DefinitionStatus.RETIRED, DefinitionStatus.PUBLISHED)
    exported = client.post(changelist, {"action": "export", "_selected_action": [second.pk]})
    assert json.loads(exported.content)["service"] == own_service.identifier
    # A published version is read-only: its change page does not save.
    change = client.post(reverse("admin:applications_servicedefinition_change", args=[second.pk]), {})
    assert change.status_code == 403
