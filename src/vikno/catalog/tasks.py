"""Background work of the catalogue. Each task calls one service-level action and is safe to retry."""

import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from vikno.catalog.constants import PublicationStatus
from vikno.catalog.models import ServiceRevision
from vikno.core import clock
from vikno.identity.constants import Role
from vikno.identity.selectors import users_with_role_for


@task()
def notify_reviewers(service_id: str) -> int:
    """E-mail the supervisors of the service's authority that it waits for review. Returns mails sent.

    The latest in-review revision is marked as notified in the same transaction, so a retry never mails twice.
    """
    with transaction.atomic():
        revision = (
            ServiceRevision.objects.select_for_update()
            .select_related("service__competent_authority")
            .filter(service_id=uuid.UUID(service_id), status=PublicationStatus.IN_REVIEW)
            .order_by("-number")
            .first()
        )
        if revision is None or revision.reviewers_notified_at is not None:
            return 0
        service = revision.service
        recipients = [
            u.email
            for u in users_with_role_for(organisation=service.competent_authority, role=Role.SUPERVISOR)
            if u.email
        ]
        if recipients:
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "service": service,
                    "url": settings.SITE_URL + reverse("admin:catalog_publicservice_change", args=[service.pk]),
                }
                subject = render_to_string("catalog/email/review_requested_subject.txt", context).strip()
                body = render_to_string("catalog/email/review_requested.txt", context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        revision.reviewers_notified_at = clock.now()
        revision.save(update_fields=["reviewers_notified_at"])
        return len(recipients)
