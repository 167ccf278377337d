"""`manage.py worker`: the background task worker for the configured backend (database or RQ).

While it runs, a heartbeat row tells /readyz that somebody is taking tasks off the queue.
"""

import os
import socket
import threading
import time

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

from vikno.core import clock
from vikno.core.models import WorkerHeartbeat


def _beat(worker_id: str, stop: threading.Event) -> None:
    try:
        while not stop.is_set():
            close_old_connections()
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id, defaults={"backend": settings.TASK_BACKEND, "last_seen": clock.now()}
            )
            stop.wait(settings.WORKER_HEARTBEAT_SECONDS)
    finally:
        connection.close()


def _schedule(stop: threading.Event) -> None:
    """Enqueue each scheduled task at start and then every so many seconds (settings.WORKER_SCHEDULE)."""
    tasks = {import_string(path): seconds for path, seconds in settings.WORKER_SCHEDULE.items()}
    last: dict = {}
    try:
        while not stop.is_set():
            now = time.monotonic()
            for scheduled, seconds in tasks.items():
                if now - last.get(scheduled, -seconds) >= seconds:
                    close_old_connections()
                    scheduled.enqueue()
                    last[scheduled] = now
            stop.wait(min(tasks.values(), default=60))
    finally:
        connection.close()


class Command(BaseCommand):
    help = "Run the background task worker of the configured backend (VIKNO_TASK_BACKEND)."

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", default=f"{socket.gethostname()}-{os.getpid()}")
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, worker_id: str, batch: bool, **options):
        stop = threading.Event()
        heart = threading.Thread(target=_beat, args=(worker_id, stop), name="heartbeat", daemon=True)
        heart.start()
        scheduler = threading.Thread(target=_schedule, args=(stop,), name="scheduler", daemon=True)
        scheduler.start()
        self.stdout.write(f"Vikno worker {worker_id} on the {settings.TASK_BACKEND} task backend")
        try:
            if settings.TASK_BACKEND == "rq":
                rq_options = {"job_class": "django_tasks_rq.Job", "name": worker_id, "burst": batch}
                call_command("rqworker", "default", **rq_options)
            else:
                call_command(
                    "db_worker",
                    queue_name="default",
                    worker_id=worker_id[:64],
                    interval=1.0,
                    batch=batch,
                    startup_delay=False,
                )
        finally:
            stop.set()
            heart.join(timeout=5)
            scheduler.join(timeout=5)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
