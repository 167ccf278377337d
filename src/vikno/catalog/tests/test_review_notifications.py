"""Submitting a service for review e-mails its supervisors through the task queue, on both task backends,
with a real worker process and a real SMTP server."""

from email.header import decode_header, make_header

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.db import transaction

from vikno.catalog import services
from vikno.catalog.constants import PublicationStatus
from vikno.catalog.models import ServiceRevision
from vikno.catalog.tests.factories import OrganisationFactory, PublicServiceFactory
from vikno.core.tests.smtp import smtp_server
from vikno.core.tests.workers import running_worker, subprocess_env, wait_until
from vikno.identity.constants import Role
from vikno.identity.models import RoleAssignment, User

RQ_DB = "redis://127.0.0.1:6379/13"


def _official(username: str, organisation, role: Role, *, includes_subordinates: bool = False) -> User:
    user = User.objects.create_user(username=username, email=f"{username}@example.gov.ua", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_publicservice", "view_publicservice"]))
    RoleAssignment.objects.create(
        user=user, organisation=organisation, role=role, includes_subordinates=includes_subordinates
    )
    return user


def _submit_and_deliver(env_overrides: dict[str, str]) -> tuple[list, ServiceRevision]:
    ministry = OrganisationFactory(name_uk="Міністерство")
    agency = OrganisationFactory(parent=ministry, name_uk="Агенція")
    service = PublicServiceFactory(
        competent_authority=agency, status=PublicationStatus.DRAFT, title_uk="Видача довідки"
    )
    editor = _official("editor", agency, Role.EDITOR)
    _official("supervisor", agency, Role.SUPERVISOR)
    _official("head", ministry, Role.SUPERVISOR, includes_subordinates=True)
    _official("other-ministry", OrganisationFactory(), Role.SUPERVISOR)
    _official("editor-2", agency, Role.EDITOR)

    with smtp_server() as (port, inbox):
        env = subprocess_env(
            VIKNO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            VIKNO_EMAIL_HOST="127.0.0.1",
            VIKNO_EMAIL_PORT=str(port),
            **env_overrides,
        )
        with transaction.atomic():
            services.service_submit_for_review(service=service, actor=editor)
        with running_worker(env) as worker:
            assert wait_until(lambda: len(inbox) >= 1), worker
            revision = ServiceRevision.objects.get(service=service, status=PublicationStatus.IN_REVIEW)
            assert wait_until(lambda: ServiceRevision.objects.get(pk=revision.pk).reviewers_notified_at is not None)
        return list(inbox), ServiceRevision.objects.get(pk=revision.pk)


def _check_delivery(inbox, revision) -> None:
    assert len(inbox) == 1
    message = inbox[0]
    recipients = sorted(address.strip() for address in message["To"].split(","))
    # The agency's supervisor and the ministry's head (whose role reaches sub-organisations); nobody else.
    assert recipients == ["head@example.gov.ua", "supervisor@example.gov.ua"]
    assert str(make_header(decode_header(message["Subject"]))) == "На перевірку: Видача довідки"
    body = message.get_payload(decode=True).decode()
    assert f"/admin/catalog/publicservice/{revision.service_id}/change/" in body
    assert revision.reviewers_notified_at is not None


@pytest.mark.django_db(transaction=True)
def test_review_request_is_mailed_through_the_database_queue():
    inbox, revision = _submit_and_deliver({"VIKNO_TASK_BACKEND": "database"})
    _check_delivery(inbox, revision)


@pytest.mark.django_db(transaction=True)
def test_review_request_is_mailed_through_redis_rq(settings):
    connection = redis.Redis.from_url(RQ_DB)
    connection.flushdb()
    settings.TASK_BACKEND = "rq"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": RQ_DB, "DEFAULT_TIMEOUT": 60}}
    try:
        inbox, revision = _submit_and_deliver({"VIKNO_TASK_BACKEND": "rq", "VIKNO_REDIS_URL": RQ_DB})
        _check_delivery(inbox, revision)
        # The job went through Redis, not the database queue.
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.count() == 0
    finally:
        connection.flushdb()


@pytest.mark.django_db
def test_a_retried_notification_never_mails_twice(mailoutbox):
    from vikno.catalog.tasks import notify_reviewers

    agency = OrganisationFactory()
    service = PublicServiceFactory(competent_authority=agency, status=PublicationStatus.DRAFT)
    editor = _official("editor", agency, Role.EDITOR)
    _official("supervisor", agency, Role.SUPERVISOR)
    services.service_submit_for_review(service=service, actor=editor)

    assert notify_reviewers.call(service_id=str(service.pk)) == 1
    assert notify_reviewers.call(service_id=str(service.pk)) == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["supervisor@example.gov.ua"]
    assert mailoutbox[0].from_email == django_settings.DEFAULT_FROM_EMAIL
