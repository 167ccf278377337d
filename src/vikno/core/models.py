import uuid

from django.db import models


class BaseModel(models.Model):
    """UUID key (never a sequential number in a URL) and creation/update timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """Last sign of life of each background worker; /readyz reads it."""

    worker_id = models.CharField(max_length=100, primary_key=True)
    backend = models.CharField(max_length=50)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker_id
