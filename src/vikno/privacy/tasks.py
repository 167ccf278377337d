"""Background work of the privacy app. Each task is safe to retry."""

from __future__ import annotations

from django_tasks import task

# The e-mails of an address change go through the messaging outbox (privacy.rights.correction), not tasks of
# their own: a task's arguments are stored in the queue, and the addresses must not be.


@task()
def apply_retention() -> dict[str, int]:
    """Scheduled (WORKER_SCHEDULE): purge what the retention rules no longer keep."""
    from vikno.privacy.retention import retention_apply

    return retention_apply()


@task()
def private_files_remove(names: list[str]) -> int:
    """Remove files from the private store once the rows that named them are gone (a missing file is fine)."""
    from vikno.applications.uploads import discard

    discard([name for name in names if name])
    return len(names)
