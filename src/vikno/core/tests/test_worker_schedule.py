"""The worker's scheduler enqueues each scheduled task at start and again only after its interval."""

import threading
import time

import pytest
from django_tasks_db.models import DBTaskResult

from vikno.core.management.commands.worker import _schedule

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_scheduled_task_is_enqueued_once_per_interval(settings):
    settings.WORKER_SCHEDULE = {
        "vikno.applications.tasks.issue_missing_results": 3600,
        "vikno.applications.tasks.send_deadline_reminders": 3600,
    }
    stop = threading.Event()
    thread = threading.Thread(target=_schedule, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 10
    while DBTaskResult.objects.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # a second round would come now if the interval were not respected
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "vikno.applications.tasks.issue_missing_results",
        "vikno.applications.tasks.send_deadline_reminders",
    ]
