"""Recording access to personal data. Selectors that hand a citizen's data to an official call this."""

from django.db import models

from vikno.core import clock
from vikno.privacy.models import DataAccess


def data_access_record(
    *, official, subject, target: models.Model, purpose: str, organisation=None, role: str = ""
) -> DataAccess:
    return DataAccess.objects.create(
        occurred_at=clock.now(),
        official=official,
        organisation=organisation,
        role=role,
        subject=subject,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        purpose=purpose,
    )
