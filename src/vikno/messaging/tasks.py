"""Background work of the outbox. Each task calls one service and is safe to run twice."""

from django_tasks import task

from vikno.messaging import sending


@task()
def deliver(delivery_id: str) -> str:
    return sending.delivery_send(delivery_id=delivery_id)


@task()
def send_due_deliveries() -> int:
    """Scheduled: hand every delivery that is due (a retry, a lost task, an expired claim) to the workers."""
    due = sending.deliveries_due()
    for delivery_id in due:
        deliver.enqueue(str(delivery_id))
    return len(due)
