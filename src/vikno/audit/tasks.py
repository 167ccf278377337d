"""Background work on the audit trail. Safe to retry: a day is sealed once."""

from django_tasks import task

from vikno.audit import sealing, verification


@task()
def seal_finished_days() -> int:
    """Scheduled: seal every day that has ended and has no complete seal yet."""
    return len(sealing.days_seal())


@task()
def verify_trail() -> bool:
    """Scheduled: check the whole chain and every seal; True when intact (a break is logged as CRITICAL). Every
    worker enqueues it when it starts: a check made less than half an interval ago stands for this one."""
    return verification.trail_check_due().intact
