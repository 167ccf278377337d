"""The editorial workflow: draft → in review → published, scoped to the editor's organisation, audited."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from vikno.audit.models import AuditRecord
from vikno.catalog import services
from vikno.catalog.constants import PublicationStatus
from vikno.catalog.exceptions import InvalidTransition, NotPermitted
from vikno.catalog.models import PublicService, ServiceRevision
from vikno.catalog.tests.factories import ChannelFactory, OrganisationFactory, PublicServiceFactory
from vikno.identity.constants import Role
from vikno.identity.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


def official(username, organisation, role, *, publish=False, subordinates=False):
    user = User.objects.create_user(username=username, email=f"{username}@example.gov.ua", is_staff=True)
    codenames = ["change_publicservice", "view_publicservice"] + (["publish_publicservice"] if publish else [])
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    RoleAssignment.objects.create(user=user, organisation=organisation, role=role, includes_subordinates=subordinates)
    return User.objects.get(pk=user.pk)  # fresh instance: no cached permissions


@pytest.fixture
def agency():
    return OrganisationFactory(slug="migration")


@pytest.fixture
def draft(agency):
    return PublicServiceFactory(competent_authority=agency, status=PublicationStatus.DRAFT, last_reviewed_on=None)


def test_editor_submits_and_supervisor_publishes(agency, draft):
    editor = official("editor", agency, Role.EDITOR)
    supervisor = official("supervisor", agency, Role.SUPERVISOR, publish=True)

    services.service_submit_for_review(service=draft, actor=editor, source_ip="192.0.2.10")
    services.service_publish(service=draft, actor=supervisor, source_ip="192.0.2.11")

    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED
    assert draft.published_at is not None
    assert draft.last_reviewed_on == datetime.date.today()
    records = list(AuditRecord.objects.filter(object_id=str(draft.pk)).order_by("occurred_at"))
    assert [(r.action, r.actor, r.source_ip) for r in records] == [
        ("catalog.service.submitted_for_review", editor, "192.0.2.10"),
        ("catalog.service.published", supervisor, "192.0.2.11"),
    ]
    assert records[1].details == {"from": "in_review", "to": "published", "revision": 2}
    assert list(draft.revisions.order_by("number").values_list("number", "status", "author__username")) == [
        (1, "in_review", "editor"),
        (2, "published", "supervisor"),
    ]


def test_editor_cannot_publish(agency, draft):
    editor = official("editor", agency, Role.EDITOR, publish=True)  # the permission alone is not the role
    services.service_submit_for_review(service=draft, actor=editor)
    with pytest.raises(NotPermitted):
        services.service_publish(service=draft, actor=editor)
    assert PublicService.objects.get(pk=draft.pk).status == PublicationStatus.IN_REVIEW
    assert not AuditRecord.objects.filter(action="catalog.service.published").exists()


def test_editor_of_another_authority_cannot_touch_the_service(draft):
    stranger = official("stranger", OrganisationFactory(), Role.SUPERVISOR, publish=True)
    with pytest.raises(NotPermitted):
        services.service_submit_for_review(service=draft, actor=stranger)
    assert PublicService.objects.get(pk=draft.pk).status == PublicationStatus.DRAFT
    assert ServiceRevision.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_a_role_with_reach_covers_sub_organisations(agency, draft):
    agency.parent = OrganisationFactory(slug="ministry")
    agency.save()
    head = official("head", agency.parent, Role.SUPERVISOR, publish=True, subordinates=True)
    without_reach = official("narrow", agency.parent, Role.SUPERVISOR, publish=True)
    services.service_submit_for_review(service=draft, actor=head)
    with pytest.raises(NotPermitted):
        services.service_publish(service=draft, actor=without_reach)
    services.service_publish(service=draft, actor=head)
    assert PublicService.objects.get(pk=draft.pk).status == PublicationStatus.PUBLISHED


def test_publishing_a_draft_that_skipped_review_is_refused(agency, draft):
    supervisor = official("supervisor", agency, Role.SUPERVISOR, publish=True)
    with pytest.raises(InvalidTransition):
        services.service_publish(service=draft, actor=supervisor)
    assert PublicService.objects.get(pk=draft.pk).status == PublicationStatus.DRAFT


def test_withdrawing_a_published_service_records_the_reason(agency):
    service = PublicServiceFactory(competent_authority=agency)
    supervisor = official("supervisor", agency, Role.SUPERVISOR, publish=True)
    services.service_return_to_draft(service=service, actor=supervisor, reason="The fee changed on 1 January")
    record = AuditRecord.objects.get(action="catalog.service.returned_to_draft")
    assert record.reason == "The fee changed on 1 January"
    assert PublicService.objects.get(pk=service.pk).status == PublicationStatus.DRAFT


def test_an_edit_is_versioned_with_what_changed(agency):
    service = PublicServiceFactory(competent_authority=agency)
    supervisor = official("supervisor", agency, Role.SUPERVISOR, publish=True)
    first = services.service_record_edit(service=service, actor=supervisor)
    service.cost_kind, service.cost_amount = "fixed", 27900
    service.save()
    ChannelFactory(service=service, kind="online", url="https://diia.gov.ua/")
    second = services.service_record_edit(service=service, actor=supervisor)
    assert first.number == 1
    assert second.number == 2
    assert second.changed_fields == ["channels", "cost_amount", "cost_kind"]
    assert second.snapshot["cost_amount"] == 27900
    assert AuditRecord.objects.filter(action="catalog.service.edited").count() == 2


def test_editor_cannot_edit_a_published_service(agency):
    service = PublicServiceFactory(competent_authority=agency)
    editor = official("editor", agency, Role.EDITOR)
    with pytest.raises(NotPermitted):
        services.service_record_edit(service=service, actor=editor)


def test_mark_reviewed_moves_only_the_review_date(agency):
    service = PublicServiceFactory(competent_authority=agency, last_reviewed_on=datetime.date(2024, 1, 5))
    before = PublicService.objects.get(pk=service.pk).updated_at
    supervisor = official("supervisor", agency, Role.SUPERVISOR, publish=True)
    services.service_mark_reviewed(service=service, actor=supervisor)
    service.refresh_from_db()
    assert service.last_reviewed_on == datetime.date.today()
    assert service.updated_at == before
    assert AuditRecord.objects.filter(action="catalog.service.reviewed", actor=supervisor).count() == 1
