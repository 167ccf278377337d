"""Notifications benchmark on PostgreSQL: how many e-mails and SMS per second the task workers send to a local
SMTP server and to Kannel, how long each waited, and whether every message arrived exactly once.

    .venv/bin/python bench/notifications_bench.py [--keep] [--emails 1000] [--sms 500] [--both 500]
                                                   [--workers 1,2] [--timeout 180] [--worker-conn-max-age 60]
    make bench-notifications            (BENCH_ARGS="--workers 1,2,4" to pass options)

Needs PostgreSQL: the server DATABASE_URL names (default ``postgres://postgres@127.0.0.1:5432``), and Kannel
(``make system-deps``: bearerbox, smsbox and the fakesmsc test SMSC). The bench creates its own database
``vikno_bench_notify`` there (dropping a leftover one first), and drops it at the end unless ``--keep``; it never
touches any other database. Private files and every log go to a temporary VIKNO_VAR_DIR (kept with ``--keep``).
A run takes about five minutes on two cores.

What runs, all on this machine (the figures are those of two cores shared by everything below):
* an SMTP server in this process: aiosmtpd on a free port, as ``vikno.core.tests.smtp.smtp_server`` starts it, but
  noting only each message's Message-ID, and with its host name given (without one, aiosmtpd looks up the machine's
  FQDN for every connection, about 10 ms here, which would be counted against the portal);
* Kannel (``vikno.messaging.tests.kannel``: bearerbox and smsbox on free ports, the fake SMSC) with a handset
  connected for each run: a ``fakesmsc`` that receives every SMS the network delivers;
* gunicorn serving the portal (``vikno.wsgi``, 2 gthread workers with 4 threads, psycopg pool), which only takes
  Kannel's delivery reports on ``/sms/kannel/delivery`` (the ``dlr-url`` the workers give with each SMS);
* the portal configured by environment variables, as in production: the SMTP e-mail backend, the kannel SMS
  gateway, the callback token, VIKNO_SITE_URL = that gunicorn, and no SMS quiet hours (VIKNO_SMS_QUIET_HOURS
  empty). The database task backend (``django_tasks_db``), the sweep every 30 s and the database connections
  (VIKNO_DB_CONN_MAX_AGE 0: a worker connects again for every task) are the portal's defaults;
  ``--worker-conn-max-age`` keeps the workers' connections instead.

Each scenario (e-mail only, SMS only, both) is run once per worker count (``--workers``). A run:
1. removes the tasks the previous run's workers left in the queue (the scheduled tasks they enqueue as they exit;
   counted in the output), then writes the notifications with ``vikno.messaging.notifications.notify()`` in this
   process, one transaction per notification as the services do (event ``decision_made`` with a reference unique
   to the notification, so each SMS text is unique), to recipients who chose that scenario's channels. ``notify``
   makes one Delivery per channel, whose ``deliver`` task goes into the database queue on commit. No worker runs
   yet. Then VACUUM ANALYZE of the queue and outbox tables (what autovacuum would do after such a burst; the
   output says whether the server's autovacuum is on; ``--no-vacuum`` leaves it out).
2. starts W worker processes (``manage.py worker --batch``: they exit when the queue is empty) at the moment t0,
   and polls the outbox until every delivery is sent and, for SMS, every delivery report has come back, or the
   timeout passes: the workers are then stopped, what is left is shown, and it is marked dead so that it cannot
   spill into the next run.

How to read the figures:
* ``per s`` is sent deliveries over (last sent_at - t0): worker start-up (Python, Django, the first connection)
  included; ``steady/s`` is over (last - first sent_at), without it. With both channels the two rows share the
  same workers: the ``total`` row is the run's rate.
* ``wait p50/p95/p99`` is sent_at - t0 in seconds: how long a message waited once the workers started (with a
  backlog of N, the last one waits for the N-1 before it). ``task ms`` is the mean time inside a ``deliver`` task
  (claim the delivery, send it, mark it).
* SMS reports: delivered_at - sent_at per SMS (the worker notes sent_at after Kannel's HTTP answer, so a quick
  report can come back before it: those are counted in ``report first``), and when the last report came back.
* ``retried`` deliveries needed more than one attempt (a temporary error), ``dead`` gave up, ``left`` were still
  queued or being sent at the end; ``failed`` SMS were reported undelivered.
* arrivals: e-mails counted by their Message-ID (made from the delivery's id) at the SMTP server, SMS by their
  unique text at the handset. A lost, duplicated or unexpected message is listed and makes the bench exit with an
  error, as does a delivery left unsent or a worker that failed.
* the queue: ``deliver`` tasks run for the run's deliveries and their outcome (``skipped``: the task found its
  delivery already claimed or sent, as happens when the sweep enqueues a second task for a delivery whose first
  one is still waiting); ``queue ms``: the time in a worker between one task's end and the next one's start
  (marking the task done, finding and claiming the next one, reconnecting); ``find ms``: the query that finds the
  next task, timed from this process once a second while the workers run.
* CPU: seconds of CPU used during the run by the workers (from wait4, exact), PostgreSQL (the whole server: its
  postmaster, the backends it reaped and those still running, other databases' sessions included), gunicorn,
  Kannel, this process (the SMTP server and the polling) and everything else on the machine, sampled from /proc
  every 0.2 s; and how busy the machine's cores were. Nearly all cores busy: CPU-bound, and a
  large ``other`` means something else on the machine took the CPU and the figures are low.
* memory: peak resident set size (VmHWM, as wait4's ru_maxrss reports it) of each worker process.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import itertools
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_database import bench_keys, database_url, drop_database, recreate_database  # noqa: E402 (found through the path above)

BENCH_DATABASE = "vikno_bench_notify"
DELIVER_TASK = "vikno.messaging.tasks.deliver"
POLL_SECONDS = 0.2
EVENT = "decision_made"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    count: int
    email: bool
    sms: bool

    @property
    def channels(self) -> list[str]:
        return [name for name, on in (("email", self.email), ("sms", self.sms)) if on]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DATABASE} database and the logs")
    parser.add_argument("--emails", type=int, default=1000, help="notifications by e-mail only (0: skip)")
    parser.add_argument("--sms", type=int, default=500, help="notifications by SMS only (0: skip)")
    parser.add_argument("--both", type=int, default=500, help="notifications by e-mail and SMS (0: skip)")
    parser.add_argument("--workers", default="1,2", help="worker processes per run, comma-separated")
    parser.add_argument("--timeout", type=float, default=180, help="seconds a run may take once the workers start")
    parser.add_argument(
        "--worker-conn-max-age",
        type=int,
        default=None,
        help="VIKNO_DB_CONN_MAX_AGE for the workers (default: the portal's 0, a new connection for every task)",
    )
    parser.add_argument(
        "--no-vacuum", action="store_true", help="no VACUUM ANALYZE of the outbox and queue tables before each run"
    )
    parser.add_argument("--gunicorn-workers", type=int, default=2, help="gunicorn processes (delivery reports)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    return parser.parse_args()


# --- The database server and the bench database --------------------------------------------------------


def bench_database_url() -> str:
    return database_url(BENCH_DATABASE, "notifications")


def vacuum_analyze() -> None:
    """What autovacuum would do after a burst of writes: fresh planner statistics for the outbox and the queue."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("django_tasks_database_dbtaskresult", "messaging_delivery", "messaging_notification"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def claim_query_ms() -> float:
    """How long the query that finds a worker's next task takes now (without FOR UPDATE SKIP LOCKED, which would
    take the task from the workers), in milliseconds."""
    from django_tasks_db.models import DBTaskResult

    started = time.perf_counter()
    list(DBTaskResult.objects.ready().filter(backend_name="default", queue_name="default").values_list("id")[:1])
    return (time.perf_counter() - started) * 1000


def server_setting(name: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


class MailCounter:
    """The SMTP server's handler: notes the Message-ID of every message it accepts, in order of arrival."""

    MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)

    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        headers = (envelope.original_content or b"").split(b"\r\n\r\n", 1)[0]
        found = self.MESSAGE_ID.search(headers)
        self.message_ids.append(found.group(1).decode() if found else "(no Message-ID)")
        return "250 OK"

    @contextlib.contextmanager
    def serving(self, port: int):
        from aiosmtpd.controller import Controller

        controller = Controller(self, hostname="127.0.0.1", port=port, server_hostname="bench.localhost")
        controller.start()
        try:
            yield
        finally:
            controller.stop()


# --- Processes: workers, CPU accounting ------------------------------------------------------------------


class Worker:
    """One ``manage.py worker --batch`` process; reaped with wait4 to read its CPU time and peak RSS."""

    def __init__(self, worker_id: str, env: dict, log: Path):
        self.worker_id = worker_id
        self.log = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--batch", "--worker-id", worker_id],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.pid = self.process.pid
        self.returncode: int | None = None
        self.cpu_seconds = 0.0
        self.peak_rss_mb = 0.0

    def _reaped(self, status: int, usage) -> None:
        self.returncode = os.waitstatus_to_exitcode(status)
        self.process.returncode = self.returncode  # Popen must not wait for it again
        self.cpu_seconds = usage.ru_utime + usage.ru_stime
        self.peak_rss_mb = usage.ru_maxrss / 1024  # kB on Linux: the process's VmHWM

    def poll(self) -> bool:
        """Whether the process has exited (reaping it once it has)."""
        if self.returncode is None:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self._reaped(status, usage)
        return self.returncode is not None

    def stop(self) -> None:
        if self.poll():
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while not self.poll() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self.poll():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            _pid, status, usage = os.wait4(self.pid, 0)
            self._reaped(status, usage)

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _proc_times(pid: str) -> tuple[str, int, int, int, int] | None:
    """(command name, parent pid, CPU ticks used, CPU ticks of its ended children, start time in ticks since boot)
    of a process; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    # After the name (man 5 proc): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17, starttime 22.
    return name, int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]), int(fields[19])


def _machine_ticks() -> tuple[int, int]:
    """(all, idle + iowait) CPU ticks of the machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values[:8]), values[3] + values[4]


class CpuMeter:
    """CPU seconds used by each group of processes between start() and the last sample(), read from /proc.

    A process that existed at the start counts from its use then; one started later counts from zero; one that
    ended counts until its last sample (its last 0.2 s are missed, and a process that lived less than that is
    missed entirely). PostgreSQL's backends are often that short (a worker connects again for every task), so
    PostgreSQL is counted as the postmaster's own use and that of the backends it reaped (cutime, cstime), plus
    that of the backends still running at the last sample."""

    def __init__(self, classify):
        self.classify = classify  # (pid, command name) -> group
        self.seen: dict[str, list] = {}  # pid -> [group, baseline ticks, last ticks]
        self.reaped: dict[str, list] = {}  # postmaster pid -> [baseline, last] ticks of its ended children
        self.alive: set[str] = set()

    def start(self) -> None:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        self.boot_ticks_at_start = int(uptime * CLOCK_TICKS)
        self.machine_start = _machine_ticks()
        self.started = time.monotonic()
        self.seen, self.reaped = {}, {}
        self.sample(baseline=True)

    def sample(self, baseline: bool = False) -> None:
        names, alive = {}, set()
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            times = _proc_times(entry.name)
            if times is None:
                continue
            name, parent, ticks, children, started_at = times
            names[entry.name] = (name, str(parent), children)
            alive.add(entry.name)
            if entry.name in self.seen:
                self.seen[entry.name][2] = ticks
            else:
                first = ticks if baseline or started_at < self.boot_ticks_at_start else 0
                self.seen[entry.name] = [self.classify(int(entry.name), name), first, ticks]
        for pid, (name, parent, children) in names.items():
            if name.startswith("postgres") and not names.get(parent, ("",))[0].startswith("postgres"):
                self.reaped.setdefault(pid, [children, children])[1] = children  # the postmaster
        self.alive = alive
        self.machine_end = _machine_ticks()
        self.ended = time.monotonic()

    def seconds(self) -> dict[str, float]:
        totals: dict[str, float] = collections.defaultdict(float)
        for pid, (group, first, last) in self.seen.items():
            if group == "postgres" and pid not in self.alive:
                continue  # an ended backend: counted in full in the postmaster's reaped children
            totals[group] += (last - first) / CLOCK_TICKS
        for first, last in self.reaped.values():
            totals["postgres"] += (last - first) / CLOCK_TICKS
        return dict(totals)

    def busy_share(self) -> float:
        total = self.machine_end[0] - self.machine_start[0]
        idle = self.machine_end[1] - self.machine_start[1]
        return (total - idle) / total if total else float("nan")


# --- Figures -------------------------------------------------------------------------------------------------


def seconds_between(later, earlier) -> float:
    return (later - earlier).total_seconds()


@dataclass
class ChannelFigures:
    channel: str
    deliveries: int = 0
    sent: int = 0
    first: float = float("nan")
    last: float = float("nan")
    waits: list[float] = field(default_factory=list)  # sent_at - t0, seconds
    reports: list[float] = field(default_factory=list)  # delivered_at - sent_at, milliseconds
    reports_back: float = float("nan")  # last delivered_at - t0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    failed: int = 0
    left: int = 0
    awaiting_report: int = 0
    states: dict = field(default_factory=dict)
    arrived: int = 0
    lost: list = field(default_factory=list)
    duplicated: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    task_ms: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.sent / self.last if self.sent and self.last > 0 else float("nan")

    @property
    def steady_rate(self) -> float:
        span = self.last - self.first
        return (self.sent - 1) / span if self.sent > 1 and span > 0 else float("nan")

    @property
    def arrivals_ok(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected)


@dataclass
class RunFigures:
    scenario: Scenario
    workers: int
    notifications: int
    write_seconds: float
    enqueued: int
    leftover_tasks: collections.Counter
    wall: float = 0.0
    timed_out: bool = False
    channels: dict[str, ChannelFigures] = field(default_factory=dict)
    tasks: collections.Counter = field(default_factory=collections.Counter)
    other_tasks: int = 0
    queue_gaps_ms: list[float] = field(default_factory=list)
    claim_probe_ms: list[float] = field(default_factory=list)
    deliver_tasks: int = 0
    worker_exits: list = field(default_factory=list)
    worker_rss: list = field(default_factory=list)
    worker_cpu: float = 0.0
    cpu: dict = field(default_factory=dict)
    busy: float = float("nan")
    cpu_window: float = 0.0
    problems: list[str] = field(default_factory=list)


# --- A run: write, send, measure ----------------------------------------------------------------------------


class Bench:
    def __init__(self, args, env: dict, var_dir: Path, server, gateway, inbox: MailCounter, recipients: dict):
        self.args = args
        self.env = env
        self.var_dir = var_dir
        self.server = server
        self.gateway = gateway
        self.inbox = inbox
        self.recipients = recipients
        self.worker_pids: set[int] = set()

    def classify(self, pid: int, name: str) -> str:
        if pid in self.worker_pids:
            return "workers"
        if pid == os.getpid():
            return "bench"
        if pid == self.server.process.pid or pid in self.server_pids:
            return "gunicorn"
        if name == "postgres" or name.startswith("postgres"):
            return "postgres"
        if pid in self.kannel_pids:
            return "kannel"
        return "other"

    def write(self, scenario: Scenario, prefix: str) -> float:
        from django.db import transaction

        from vikno.messaging.notifications import notify

        people = self.recipients[scenario.slug]
        started = time.perf_counter()
        for n in range(scenario.count):
            params = {
                "reference": f"{prefix.split(':')[1]}-{n:06d}",
                "service": "Довідка про несудимість",
                "organisation": "Міністерство юстиції",
                "status": "схвалено",
            }
            with transaction.atomic():
                notify(
                    recipient=people[n],
                    event=EVENT,
                    key=f"{prefix}{n}",
                    params=params,
                    link=("identity:notifications", []),
                    subject=("bench", str(n)),
                )
        return time.perf_counter() - started

    def run(self, scenario: Scenario, workers: int) -> RunFigures:
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from vikno.messaging.constants import Channel, DeliveryState
        from vikno.messaging.models import Delivery

        label = f"{scenario.slug}-w{workers}"
        prefix = f"bench:{label}:"
        handset = self.gateway.handset()  # a fresh fake network connection (and log) for this run
        self.kannel_pids = {box.pid for box in self.gateway.boxes} | {handset.process.pid}
        self.server_pids = set(self.server.worker_pids())
        mail_mark = len(self.inbox.message_ids)
        # Tasks the previous run's workers left behind (scheduled tasks enqueued as they exited, or a timed-out
        # run's tasks) would run first in this run: they are counted and removed.
        ready = DBTaskResult.objects.filter(status="READY")
        leftover = collections.Counter(path.rsplit(".", 1)[-1] for path in ready.values_list("task_path", flat=True))
        ready.delete()

        print(f"  {scenario.title}, {workers} worker(s): writing {scenario.count:,} notifications...", flush=True)
        write_started = timezone.now()
        write_seconds = self.write(scenario, prefix)
        ours = Delivery.objects.filter(key__startswith=prefix)
        expected = list(ours.values_list("pk", "channel", "text"))
        enqueued = DBTaskResult.objects.filter(
            status="READY", task_path=DELIVER_TASK, enqueued_at__gte=write_started
        ).count()
        figures = RunFigures(scenario, workers, scenario.count, write_seconds, enqueued, leftover)
        if enqueued != len(expected):
            figures.problems.append(f"{len(expected)} deliveries written but {enqueued} deliver tasks enqueued")
        if not self.args.no_vacuum:
            vacuum_analyze()

        meter = CpuMeter(self.classify)
        meter.start()
        t0 = timezone.now()
        started = time.monotonic()
        pool = []
        try:
            for k in range(workers):
                pool.append(Worker(f"bench-{label}-{k}", self.env, self.var_dir / f"worker-{label}-{k}.log"))
                self.worker_pids.add(pool[-1].pid)
            unfinished = [DeliveryState.QUEUED, DeliveryState.SENDING]
            next_probe = 0.0
            while True:
                time.sleep(POLL_SECONDS)
                meter.sample()
                exited = all(worker.poll() for worker in pool)
                if not exited and time.monotonic() >= next_probe:
                    figures.claim_probe_ms.append(claim_query_ms())
                    next_probe = time.monotonic() + 1
                pending = ours.filter(state__in=unfinished).count()
                awaiting = ours.filter(channel=Channel.SMS, state=DeliveryState.SENT).count()
                if exited and not awaiting:
                    break  # everything sent and reported, or nobody left to send what remains
                if time.monotonic() - started > self.args.timeout:
                    figures.timed_out = True
                    print(
                        f"    TIMEOUT after {self.args.timeout:.0f} s: {pending} deliveries unsent, "
                        f"{awaiting} SMS without a delivery report",
                        flush=True,
                    )
                    break
            figures.wall = time.monotonic() - started
        finally:
            for worker in pool:
                worker.stop()
            meter.sample()
        figures.worker_exits = [worker.returncode for worker in pool]
        figures.worker_rss = [worker.peak_rss_mb for worker in pool]
        figures.worker_cpu = sum(worker.cpu_seconds for worker in pool)
        for number, worker in enumerate(pool):
            if worker.returncode != 0:
                figures.problems.append(f"worker {number} exited with {worker.returncode}:\n{worker.tail()}")
        cpu = meter.seconds()
        cpu["workers"] = figures.worker_cpu  # exact, from wait4
        figures.cpu, figures.busy, figures.cpu_window = cpu, meter.busy_share(), meter.ended - meter.started

        self.measure(figures, ours, t0)
        self.tasks(figures, expected, write_started)
        self.arrivals(figures, expected, handset, mail_mark)
        self.gateway.hang_up()
        if figures.timed_out:  # what was not sent must not be swept into the next run
            ours.filter(state__in=[DeliveryState.QUEUED, DeliveryState.SENDING]).update(
                state=DeliveryState.DEAD, last_error="bench: not sent before the timeout"
            )
        print_run(figures)
        return figures

    def measure(self, figures: RunFigures, ours, t0) -> None:
        from vikno.messaging.constants import DeliveryState

        rows = ours.values_list("channel", "state", "attempts", "sent_at", "delivered_at", "last_error")
        for channel in figures.scenario.channels:
            figures.channels[channel] = ChannelFigures(channel)
        for channel, state, attempts, sent_at, delivered_at, last_error in rows:
            row = figures.channels[channel]
            row.deliveries += 1
            row.states[state] = row.states.get(state, 0) + 1
            if sent_at is not None:
                row.sent += 1
                row.waits.append(seconds_between(sent_at, t0))
            if delivered_at is not None and sent_at is not None:
                row.delivered += 1
                row.reports.append(seconds_between(delivered_at, sent_at) * 1000)
                back = seconds_between(delivered_at, t0)
                row.reports_back = back if math.isnan(row.reports_back) else max(row.reports_back, back)
            row.retried += int(attempts > 1 or bool(last_error))
            row.dead += int(state == DeliveryState.DEAD)
            row.failed += int(state == DeliveryState.FAILED)
            row.left += int(state in (DeliveryState.QUEUED, DeliveryState.SENDING))
            row.awaiting_report += int(channel == "sms" and state == DeliveryState.SENT)
        for row in figures.channels.values():
            if row.waits:
                row.first, row.last = min(row.waits), max(row.waits)
            if row.left:
                figures.problems.append(f"{row.left} {row.channel} deliveries left unsent: {row.states}")
            if row.dead:
                figures.problems.append(f"{row.dead} {row.channel} deliveries dead")

    def tasks(self, figures: RunFigures, expected: list, write_started) -> None:
        from django_tasks_db.models import DBTaskResult

        channel_of = {str(pk): channel for pk, channel, _text in expected}
        results = DBTaskResult.objects.filter(enqueued_at__gte=write_started).values_list(
            "task_path", "status", "return_value", "started_at", "finished_at", "args_kwargs", "worker_ids"
        )
        by_worker = collections.defaultdict(list)
        for task_path, status, value, started_at, finished_at, args_kwargs, worker_ids in results:
            if started_at and finished_at and worker_ids:
                by_worker[worker_ids[-1]].append((started_at, finished_at))
            if task_path != DELIVER_TASK:
                figures.other_tasks += 1
                continue
            figures.deliver_tasks += 1
            figures.tasks[value if status == "SUCCESSFUL" else status.lower()] += 1
            if started_at and finished_at:
                milliseconds = seconds_between(finished_at, started_at) * 1000
                channel = channel_of.get(str(args_kwargs["args"][0]))
                if channel and value != "skipped":
                    figures.channels[channel].task_ms.append(milliseconds)
        # Between one task's end and the next one's start in the same worker: marking the task done, taking the
        # next one off the queue (SELECT ... FOR UPDATE SKIP LOCKED, then an UPDATE), the worker's own logging.
        for spans in by_worker.values():
            spans.sort()
            figures.queue_gaps_ms += [
                seconds_between(later[0], earlier[1]) * 1000 for earlier, later in itertools.pairwise(spans)
            ]
        if figures.tasks.get("failed"):
            failed = DBTaskResult.objects.filter(
                enqueued_at__gte=write_started, task_path=DELIVER_TASK, status="FAILED"
            )
            errors = collections.Counter(failed.values_list("exception_class_path", flat=True))
            first = failed.order_by("finished_at").values_list("traceback", flat=True).first() or ""
            figures.problems.append(
                f"{figures.tasks['failed']} deliver tasks failed: {dict(errors)}; the first one's traceback ends:\n"
                + indent("\n".join(first.strip().splitlines()[-12:]))
            )

    def arrivals(self, figures: RunFigures, expected: list, handset, mail_mark: int) -> None:
        """What the SMTP server and the handset received in this run, against the deliveries that were sent."""
        from django.conf import settings

        sent_ids = {pk for pk, channel, _text in expected if channel == "email"}
        if "email" in figures.channels:
            row = figures.channels["email"]
            domain = settings.EMAIL_MESSAGE_ID_DOMAIN
            wanted = {f"<{pk}@{domain}>" for pk in sent_ids}
            got = collections.Counter(self.inbox.message_ids[mail_mark:])
            self._compare(row, wanted, got, sent=row.sent)
        elif len(self.inbox.message_ids) > mail_mark:
            arrived = len(self.inbox.message_ids) - mail_mark
            figures.problems.append(f"{arrived} e-mails arrived in a run that sent none")
        texts = {text for _pk, channel, text in expected if channel == "sms"}
        if "sms" in figures.channels:
            row = figures.channels["sms"]
            handset.received(row.sent, seconds=15)
            time.sleep(1)  # a duplicate would come just after
            got = collections.Counter(sms.text for sms in handset.received(0))
            self._compare(row, texts, got, sent=row.sent)
        elif handset.received(0):
            figures.problems.append("SMS arrived in a run that sent none")
        for row in figures.channels.values():
            if not row.arrivals_ok:
                figures.problems.append(
                    f"{row.channel}: {len(row.lost)} lost, {len(row.duplicated)} duplicated, "
                    f"{len(row.unexpected)} unexpected (e.g. {(row.lost + row.duplicated + row.unexpected)[:3]})"
                )

    @staticmethod
    def _compare(row: ChannelFigures, wanted: set, got: collections.Counter, *, sent: int) -> None:
        row.arrived = sum(got.values())
        row.duplicated = sorted(key for key, count in got.items() if count > 1 and key in wanted)
        row.unexpected = sorted(key for key in got if key not in wanted)
        if sent == len(wanted):  # every delivery was sent: every one must have arrived
            row.lost = sorted(wanted - set(got))
        else:  # some were never sent (timeout, dead): only a sent one that did not arrive is lost
            row.lost = [] if sum(1 for key in wanted if key in got) == sent else ["(fewer arrived than were sent)"]


# --- Output ---------------------------------------------------------------------------------------------------


def cuts(values: list[float]) -> dict[str, float]:
    from applications_load import cuts as percentiles

    return percentiles(values)


def print_run(run: RunFigures) -> None:
    parts = []
    for row in run.channels.values():
        text = f"{row.sent}/{row.deliveries} {row.channel} sent, {row.rate:.1f}/s"
        if row.channel == "sms":
            text += f", {row.delivered} reported delivered"
        text += f", {row.arrived} arrived"
        parts.append(text)
    print(f"    {run.wall:.1f} s: " + "; ".join(parts), flush=True)


def indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def load_text() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def print_tables(runs: list[RunFigures], args) -> None:
    print("\nSending: per channel; per s = sent / (last sent_at - t0), steady /s = (sent - 1) / (last - first)")
    print("sent_at; wait = sent_at - t0 (t0: the workers are started, their start-up included)\n")
    header = (
        f"{'scenario':<10} {'W':>2} {'channel':<7} {'sent':>9} {'first s':>7} {'last s':>7} {'per s':>6} "
        f"{'steady/s':>8} {'wait p50':>8} {'p95':>6} {'p99':>6} {'task ms':>7} {'retried':>7} {'dead':>4} "
        f"{'left':>4}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        for row in run.channels.values():
            waits = cuts(row.waits)
            task = sum(row.task_ms) / len(row.task_ms) if row.task_ms else float("nan")
            print(
                f"{run.scenario.slug:<10} {run.workers:>2} {row.channel:<7} {f'{row.sent}/{row.deliveries}':>9} "
                f"{row.first:>7.2f} {row.last:>7.2f} {row.rate:>6.1f} {row.steady_rate:>8.1f} {waits['p50']:>8.2f} "
                f"{waits['p95']:>6.2f} {waits['p99']:>6.2f} {task:>7.1f} {row.retried:>7} {row.dead:>4} "
                f"{row.left:>4}" + ("  TIMEOUT" if run.timed_out else "")
            )
        if len(run.channels) > 1:
            sent = sum(row.sent for row in run.channels.values())
            last = max(row.last for row in run.channels.values())
            print(f"{'':<10} {'':>2} {'total':<7} {sent:>9} {'':>7} {last:>7.2f} {sent / last:>6.1f}")

    sms_runs = [(run, run.channels["sms"]) for run in runs if "sms" in run.channels]
    if sms_runs:
        print("\nSMS delivery reports (Kannel's dlr-url to gunicorn): report = delivered_at - sent_at;")
        print("report first = reported delivered before the worker noted sent_at; all back = last delivered_at - t0\n")
        header = (
            f"{'scenario':<10} {'W':>2} {'delivered':>9} {'report p50 ms':>13} {'p95':>7} {'p99':>7} "
            f"{'report first':>12} {'all back s':>10} {'failed':>6} {'no report':>9}"
        )
        print(header)
        print("-" * len(header))
        for run, row in sms_runs:
            reports = cuts(row.reports)
            early = sum(1 for value in row.reports if value < 0)
            print(
                f"{run.scenario.slug:<10} {run.workers:>2} {f'{row.delivered}/{row.sent}':>9} "
                f"{reports['p50']:>13.1f} {reports['p95']:>7.1f} {reports['p99']:>7.1f} {early:>12} "
                f"{row.reports_back:>10.2f} {row.failed:>6} {row.awaiting_report:>9}"
            )

    print(
        "\nArrivals: e-mail at the SMTP server (by Message-ID), SMS at the handset (by text), against what was sent\n"
    )
    header = (
        f"{'scenario':<10} {'W':>2} {'channel':<7} {'sent':>6} {'arrived':>7} {'lost':>5} {'dupl.':>5} {'unexp.':>6}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        for row in run.channels.values():
            verdict = "ok: each sent message arrived once" if row.arrivals_ok else "MISMATCH"
            print(
                f"{run.scenario.slug:<10} {run.workers:>2} {row.channel:<7} {row.sent:>6} {row.arrived:>7} "
                f"{len(row.lost):>5} {len(row.duplicated):>5} {len(row.unexpected):>6}  {verdict}"
            )

    print("\nWriting and the task queue: notify() in this process, one transaction per notification; deliver tasks")
    print("of the run (queued = enqueued on commit before the workers started; skipped = a task that found its")
    print("delivery already claimed or sent); queue ms = time between one task's end and the next one's start in a")
    print("worker (marking the task done, taking the next off the queue); find ms = the query that finds the next")
    print("task, timed from this process once a second while the workers ran; scheduled = the workers' own tasks\n")
    header = (
        f"{'scenario':<10} {'W':>2} {'notified':>8} {'write/s':>7} {'queued':>6} {'tasks':>6} {'sent':>5} "
        f"{'skipped':>7} {'other':>5} {'queue ms p50':>12} {'p95':>6} {'find ms p50':>11} {'max':>6} {'scheduled':>9}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        outcomes = dict(run.tasks)
        sent = sum(count for value, count in outcomes.items() if value in ("sent", "delivered"))
        skipped = outcomes.get("skipped", 0)
        other = run.deliver_tasks - sent - skipped
        gaps, probes = cuts(run.queue_gaps_ms), cuts(run.claim_probe_ms)
        slowest = max(run.claim_probe_ms, default=float("nan"))
        print(
            f"{run.scenario.slug:<10} {run.workers:>2} {run.notifications:>8} "
            f"{run.notifications / run.write_seconds:>7.1f} {run.enqueued:>6} {run.deliver_tasks:>6} {sent:>5} "
            f"{skipped:>7} {other:>5} {gaps['p50']:>12.1f} {gaps['p95']:>6.1f} {probes['p50']:>11.1f} {slowest:>6.1f} "
            f"{run.other_tasks:>9}"
        )
        if other:
            print(f"{'':>13} outcomes: {outcomes}")
        if run.leftover_tasks:
            left = ", ".join(f"{count} {name}" for name, count in sorted(run.leftover_tasks.items()))
            print(f"{'':>13} removed before the run, left READY by the previous run's workers: {left}")

    groups = ["workers", "postgres", "gunicorn", "kannel", "bench", "other"]
    print(f"\nCPU seconds used during each run (from the workers' start to the end; {os.cpu_count()} cores)")
    print("bench = this process: the SMTP server and the polling; other = processes this bench did not start\n")
    header = f"{'scenario':<10} {'W':>2} {'window s':>8} " + " ".join(f"{g:>8}" for g in groups) + f" {'busy':>5}"
    print(header)
    print("-" * len(header))
    for run in runs:
        print(
            f"{run.scenario.slug:<10} {run.workers:>2} {run.cpu_window:>8.1f} "
            + " ".join(f"{run.cpu.get(g, 0.0):>8.1f}" for g in groups)
            + f" {run.busy:>5.0%}"
        )

    print("\nPeak RSS of the worker processes (VmHWM, from wait4's ru_maxrss):")
    for run in runs:
        shown = ", ".join(f"{mb:.0f} MB" for mb in run.worker_rss)
        print(f"  {run.scenario.slug:<10} {run.workers} worker(s): {shown}")


# --- The run ----------------------------------------------------------------------------------------------


def make_recipients(scenarios: list[Scenario]) -> dict:
    """For each scenario, one person per notification who chose exactly its channels."""
    from django.contrib.auth.hashers import make_password

    from vikno.identity.models import User

    unusable = make_password(None)
    made = {}
    for number, scenario in enumerate(scenarios):
        people = [
            User(
                username=f"bench-{scenario.slug}-{n}",
                first_name="Олена",
                last_name="Шевченко",
                email=f"bench-{scenario.slug}-{n}@example.com",
                phone=f"+38067{number}{n:06d}",
                notify_by_email=scenario.email,
                notify_by_sms=scenario.sms,
                language="uk",
                password=unusable,
            )
            for n in range(scenario.count)
        ]
        made[scenario.slug] = User.objects.bulk_create(people, batch_size=1000)
    return made


def stop_kannel(gateway) -> None:
    try:
        gateway.stop()
    except subprocess.TimeoutExpired:
        for box in gateway.boxes:
            if box.poll() is None:
                box.kill()
                box.wait()


def main() -> None:
    args = parse_args()
    worker_counts = [int(n) for n in args.workers.split(",") if n]
    scenarios = [
        scenario
        for scenario in (
            Scenario("email", "E-mail only", args.emails, email=True, sms=False),
            Scenario("sms", "SMS only", args.sms, email=False, sms=True),
            Scenario("both", "E-mail and SMS", args.both, email=True, sms=True),
        )
        if scenario.count > 0
    ]
    url = bench_database_url()
    run_started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="vikno-bench-notify-"))
    token = secrets.token_urlsafe(24)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vikno.conf.base",
            "DATABASE_URL": url,
            "VIKNO_VAR_DIR": str(var_dir),
            **bench_keys(),
            "VIKNO_LOG_LEVEL": "WARNING",
            "VIKNO_DEBUG": "false",
            "VIKNO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "VIKNO_SMS_GATEWAY": "kannel",
            "VIKNO_SMS_CALLBACK_TOKEN": token,
            "VIKNO_SMS_QUIET_HOURS": "",  # quiet hours would hold every SMS until the morning
            "VIKNO_TASK_BACKEND": "database",
        }
    )
    for name in (
        "VIKNO_DB_POOL",
        "VIKNO_DB_CONN_MAX_AGE",
        "VIKNO_EMAIL_HOST_USER",
        "VIKNO_EMAIL_HOST_PASSWORD",
        "VIKNO_EMAIL_USE_TLS",
    ):
        os.environ.pop(name, None)  # this process and the workers use plain connections; gunicorn gets the pool
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop everything below on SIGTERM too
    recreate_database(url)
    print(f"Database {BENCH_DATABASE} created on {url.rsplit('@', 1)[-1].rsplit('/', 1)[0]}", flush=True)
    problems: list[str] = []
    try:
        with contextlib.ExitStack() as stack:
            import django

            django.setup()
            problems = run(args, scenarios, worker_counts, var_dir, stack)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"Kept the database {BENCH_DATABASE} (drop it with: DROP DATABASE {BENCH_DATABASE})")
            print(f"Kept the logs in {var_dir}")
        else:
            drop_database(url)
            print(f"Database {BENCH_DATABASE} dropped")
            shutil.rmtree(var_dir, ignore_errors=True)
        print(f"Total run time {time.perf_counter() - run_started:.0f} s")
    if problems:
        print("\nPROBLEMS:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit("The outbox lost, duplicated or left messages, or a worker failed (see above).")


def run(args, scenarios: list[Scenario], worker_counts: list[int], var_dir: Path, stack) -> list[str]:
    from applications_load import Server
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from vikno.core.tests.smtp import free_port
    from vikno.messaging.tests.kannel import PASSWORD, Kannel

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0].split()[0]

    smtp_port, inbox = free_port(), MailCounter()
    stack.enter_context(inbox.serving(smtp_port))
    os.environ.update({"VIKNO_EMAIL_HOST": "127.0.0.1", "VIKNO_EMAIL_PORT": str(smtp_port)})
    server = Server(workers=args.gunicorn_workers, threads=args.threads, pool=True, log_dir=var_dir)
    stack.callback(server.stop)
    server.wait_ready()
    kannel_dir = var_dir / "kannel"
    kannel_dir.mkdir()
    gateway = Kannel(kannel_dir, server.base, os.environ["VIKNO_SMS_CALLBACK_TOKEN"])
    stack.callback(stop_kannel, gateway)
    os.environ.update(
        {
            "VIKNO_SITE_URL": server.base,  # the dlr-url the workers give Kannel comes back to this gunicorn
            "VIKNO_KANNEL_SENDSMS_URL": gateway.sendsms_url,
            "VIKNO_KANNEL_PASSWORD": PASSWORD,
        }
    )
    settings.SITE_URL = server.base  # the links in the e-mails this process renders
    worker_env = dict(os.environ)
    if args.worker_conn_max_age is not None:
        worker_env["VIKNO_DB_CONN_MAX_AGE"] = str(args.worker_conn_max_age)
    worker_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), worker_env.get("PYTHONPATH")]))
    print(
        f"SMTP server on 127.0.0.1:{smtp_port}; Kannel sendsms on {gateway.sendsms_url}; "
        f"{server.description} on {server.base}",
        flush=True,
    )

    recipients = make_recipients(scenarios)
    bench = Bench(args, worker_env, var_dir, server, gateway, inbox, recipients)
    load_before = load_text()
    autovacuum = server_setting("autovacuum")
    runs = []
    for scenario in scenarios:
        for workers in worker_counts:
            runs.append(bench.run(scenario, workers))
    gunicorn_rss = server.peak_rss_mb()
    gunicorn_errors = [
        line for line in server.tail(2000).splitlines() if re.search(r"\b(ERROR|CRITICAL|Traceback)\b", line)
    ]

    print(f"\nNotifications on PostgreSQL {pg_version}, {os.cpu_count()} cores shared by everything below")
    print(f"Load average before the runs: {load_before}; after: {load_text()}")
    print(
        f"PostgreSQL autovacuum {autovacuum}, synchronous_commit {server_setting('synchronous_commit')}; "
        + (
            "no VACUUM ANALYZE before the runs (--no-vacuum)"
            if args.no_vacuum
            else "VACUUM ANALYZE of the outbox and queue tables after writing, before each run's workers start"
        )
    )
    connections = (
        "a new PostgreSQL connection for every task (VIKNO_DB_CONN_MAX_AGE 0, the default)"
        if not args.worker_conn_max_age
        else f"connections kept {args.worker_conn_max_age} s (VIKNO_DB_CONN_MAX_AGE)"
    )
    print(
        f"Workers: manage.py worker --batch (database task backend, django_tasks_db), {connections};"
        "\nSMTP: aiosmtpd in this process;"
        f"\nKannel: bearerbox + smsbox + fakesmsc handset; delivery reports to {server.description}"
    )
    print_tables(runs, args)
    print(
        "  gunicorn (delivery reports): "
        + (", ".join(f"pid {pid}: {mb:.0f} MB" for pid, mb in sorted(gunicorn_rss.items())) or "unknown")
    )
    problems = [f"{run.scenario.slug}, {run.workers} worker(s): {problem}" for run in runs for problem in run.problems]
    if gunicorn_errors:
        problems.append("gunicorn logged errors:\n" + "\n".join(gunicorn_errors[:10]))
    return problems


if __name__ == "__main__":
    main()
