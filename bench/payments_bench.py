"""Payments benchmark on PostgreSQL: card callbacks per second over HTTP (first and repeated), a camt.053 bank
statement import, and the daily reconciliation of an organisation with thousands of payments.

    .venv/bin/python bench/payments_bench.py [--keep] [--callbacks 2000] [--transfers 5000] [--levels 1,8]
                                             [--small]
    make bench-payments            (BENCH_ARGS="--small" to pass options)

Needs PostgreSQL: the server DATABASE_URL names (default ``postgres://postgres@127.0.0.1:5432``). The bench
creates its own database ``vikno_bench_payments`` there (dropping a leftover one first), and drops it at the end
unless ``--keep``; it never touches any other database. Private files go to a temporary VIKNO_VAR_DIR. A run
takes about four and a half minutes on two cores, most of it the statement import (``--small``: about one).

What runs:
* setup, in this process: migrate; an authority with a fee account and a published definition with a fee (the
  rule of the payments tests: 0.85 % of UAH 3,028.00). One application goes all the way through the services
  (``application_start`` ... ``application_submit``, then ``card_checkout_start``) and is the model of the rest:
  for N + M more citizens, rows the same services would have written are bulk-created from it (the application
  awaiting its fee with a fresh reference and its ``submitted`` event, the Fee; for the N card ones a Payment
  ``pending`` with an order id, its expiry and next check, and its checkout event). Not written for those: the
  audit records, the passport scan (their answers name none). No service writes thousands of these at once.
* callbacks: gunicorn serving the portal (``vikno.wsgi``, ``vikno.conf.base``, 2 gthread workers with 4
  threads, psycopg pool) on a free local port. Each card payment gets one LiqPay "success" callback signed with
  the portal's merchant key (as the acquirer signs it), POSTed to ``/payments/liqpay/callback/`` (200 "OK"
  expected). The N payments are shared out between the concurrency levels (``--levels``): C client threads
  each post their part one after another, starting together; latency is the wall time of one POST, throughput
  the successful POSTs over the time from the start to the last answer. 16 callbacks from 4 threads warm
  gunicorn up first (not counted). Then every callback is posted again, the same way: a duplicate, which must
  change nothing. No task worker runs: the receipt (``issue_receipt``) and message (``deliver``) tasks that
  paying enqueues on commit stay in the database queue and are counted.
* statement import, in this process: a camt.053 (``statements.generate.camt053``) of the fee account with one
  credit per fee of the M other applications, booked today, each naming the application's reference as the
  payer writes it (``Fee.transfer_purpose``); ``statements.parse`` alone, then ``transfers.statement_import``
  (which parses again), then the same file once more (every transaction already known).
* reconciliation, in this process: ``reconciliation()`` and ``as_csv()`` for today, the organisation having the
  N card payments and M transfers of the day; then once more with its queries counted.
* memory: peak resident set size (VmHWM) of each gunicorn worker and of this process.

Outcomes are checked and printed as OK or MISMATCH lines; a mismatch is reported, the bench goes on.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_database import bench_keys, database_url, drop_database, recreate_database  # noqa: E402 (found through the path above)

BENCH_DATABASE = "vikno_bench_payments"
CALLBACK_PATH = "/payments/liqpay/callback/"
WARM_UP = 16
# The payments tests' fee: 0.85 % of UAH 3,028.00, rounded half up to the kopiyka (UAH 25.74).
FEE = {
    "currency": "UAH",
    "purpose": {"uk": "Адміністративний збір", "en": "Administrative fee"},
    "rules": [{"share": "0.0085", "of": 302800, "rounding": "half_up"}],
    "refund_on": ["refusal"],
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DATABASE} database at the end")
    parser.add_argument("--callbacks", type=int, default=None, help="card payments, one callback each (2000)")
    parser.add_argument("--transfers", type=int, default=None, help="credits in the camt.053 statement (5000)")
    parser.add_argument("--levels", default="1,8", help="concurrent clients, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--small", action="store_true", help="400 callbacks and 1000 transfers (a quick look)")
    args = parser.parse_args()
    args.callbacks = args.callbacks or (400 if args.small else 2000)
    args.transfers = args.transfers or (1000 if args.small else 5000)
    args.levels = [int(n) for n in args.levels.split(",") if n]
    if args.callbacks < WARM_UP + len(args.levels):
        parser.error(f"--callbacks must be at least {WARM_UP + len(args.levels)}")
    return args


# --- Setup ------------------------------------------------------------------------------------------------


def authority_with_fee_service():
    """An organisation with a fee account at the treasury and a published definition whose service has a fee."""
    from vikno.applications.tests.factories import published
    from vikno.catalog.tests.factories import OrganisationFactory, PublicServiceFactory
    from vikno.payments.models import FeeAccount
    from vikno.payments.statements.generate import ukrainian_iban

    organisation = OrganisationFactory(name_uk="Орган bench-payments", name_en="Authority bench-payments")
    service = published(PublicServiceFactory(competent_authority=organisation), fee=FEE).service
    account = FeeAccount.objects.create(
        organisation=organisation,
        iban=ukrainian_iban(account="31411234026001"),
        recipient_name="ГУК у м.Києві/Шевченк.р-н/22012500",
        recipient_code="37993783",
        budget_code="22012500",
    )
    return organisation, service, account


def model_payment(person, service):
    """One application through the services, awaiting its fee with an open card checkout: (payment, fee)."""
    from applications_data import drafts
    from django.conf import settings
    from django.urls import reverse

    from vikno.applications.services import application_submit
    from vikno.payments.services import card_checkout_start

    application = application_submit(application=drafts([person], service)[0], actor=person)
    payment, _checkout = card_checkout_start(
        fee=application.fee,
        language="uk",
        result_url=settings.SITE_URL + reverse("payments:returned", args=[application.pk]),
        server_url=settings.SITE_URL + reverse("payment-callbacks:liqpay"),
    )
    return payment, application.fee


def fresh_references(count: int) -> list[str]:
    """References as the services draw them (random, with a check digit), distinct from every existing one."""
    from vikno.applications.models import Application
    from vikno.core import clock, reference

    taken = set(Application.objects.exclude(reference=None).values_list("reference", flat=True))
    made: set[str] = set()
    year = clock.local_now().year
    while len(made) < count:
        drawn = reference.make(year)
        if drawn not in taken:
            made.add(drawn)
    return list(made)


def awaiting_fees(model_fee, people: list) -> list:
    """For each person, the rows ``application_submit`` writes for an application with a fee (the application
    awaiting payment, its ``submitted`` event, the Fee), copied from the model one. Returns the fees."""
    from vikno.applications.models import Application, ApplicationEvent
    from vikno.core import clock
    from vikno.payments.models import Fee

    model = model_fee.application
    event = model.events.get(kind="submitted")
    now = clock.now()
    applications = [
        Application(
            reference=ref,
            applicant=person,
            definition_id=model.definition_id,
            service_id=model.service_id,
            organisation_id=model.organisation_id,
            state=model.state,
            answers={**model.answers, "rnokpp": person.rnokpp, "passport": []},
            submitted_at=now,
            version=model.version,
        )
        for person, ref in zip(people, fresh_references(len(people)), strict=True)
    ]
    Application.objects.bulk_create(applications, batch_size=1000)
    ApplicationEvent.objects.bulk_create(
        [
            ApplicationEvent(
                application=a, occurred_at=now, kind=event.kind, actor=a.applicant, to_state=event.to_state
            )
            for a in applications
        ],
        batch_size=1000,
    )
    fees = [
        Fee(
            application=a,
            organisation_id=a.organisation_id,
            payer=a.applicant,
            amount=model_fee.amount,
            currency=model_fee.currency,
            purpose=model_fee.purpose,
        )
        for a in applications
    ]
    return Fee.objects.bulk_create(fees, batch_size=1000)


def open_card_payments(fees: list, model_payment) -> list:
    """For each fee, what ``card_checkout_start`` writes: a pending card payment and its checkout event."""
    from django.conf import settings

    from vikno.core import clock
    from vikno.payments.models import Payment, PaymentEvent

    model_event = model_payment.events.get()
    now = clock.now()
    payments = [
        Payment(
            fee=fee,
            method=model_payment.method,
            provider=model_payment.provider,
            order_id=f"vikno-{uuid.uuid4().hex}",
            amount=fee.amount,
            currency=fee.currency,
            state=model_payment.state,
            expires_at=now + dt.timedelta(minutes=settings.PAYMENT_CHECKOUT_MINUTES),
            next_check_at=now + dt.timedelta(seconds=settings.PAYMENT_POLL_SECONDS),
        )
        for fee in fees
    ]
    Payment.objects.bulk_create(payments, batch_size=1000)
    PaymentEvent.objects.bulk_create(
        [
            PaymentEvent(
                payment=p,
                received_at=now,
                source=model_event.source,
                provider=p.provider,
                order_id=p.order_id,
                outcome=model_event.outcome,
                from_state=model_event.from_state,
                to_state=model_event.to_state,
            )
            for p in payments
        ],
        batch_size=1000,
    )
    return payments


def success_callback(payment, number: int) -> dict[str, str]:
    """The acquirer's "success" callback for the payment, signed with the portal's merchant key."""
    from django.conf import settings

    from vikno.core.money import decimal_text
    from vikno.payments.providers.liqpay import encode, sign

    data = encode(
        {
            "version": 3,
            "public_key": settings.LIQPAY_PUBLIC_KEY,
            "action": "pay",
            "status": "success",
            "order_id": payment.order_id,
            "amount": decimal_text(payment.amount),
            "currency": payment.currency,
            "payment_id": 2_000_000_000 + number,
            "sender_card_mask2": "424242*42",
        }
    )
    return {"data": data, "signature": sign(settings.LIQPAY_PRIVATE_KEY, data)}


# --- Callbacks over HTTP ------------------------------------------------------------------------------------


def post_all(base: str, work: list[list[dict]]) -> dict:
    """Each list of callbacks is one client thread; all start together and POST theirs one after another."""
    import requests

    barrier = threading.Barrier(len(work) + 1)
    timings: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(bodies: list[dict]) -> None:
        http = requests.Session()
        mine, errors = [], []
        barrier.wait()
        for body in bodies:
            started = time.perf_counter()
            try:
                response = http.post(base + CALLBACK_PATH, data=body, allow_redirects=False, timeout=120)
            except requests.RequestException as error:
                errors.append(type(error).__name__)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code == 200 and response.text == "OK":
                mine.append(elapsed)
            else:
                errors.append(f"HTTP {response.status_code} {response.text[:80]!r}")
        with lock:
            timings.extend(mine)
            failures.extend(errors)

    threads = [threading.Thread(target=client, args=(bodies,), daemon=True) for bodies in work]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return {"timings": timings, "failures": failures, "wall": time.perf_counter() - started}


def deal(items: list, clients: int) -> list[list]:
    return [items[n::clients] for n in range(clients)]


def share_out(items: list, levels: list[int]) -> list[tuple[int, list]]:
    """The items in one consecutive part per concurrency level (as equal as can be)."""
    parts, start = [], 0
    for n, clients in enumerate(levels):
        end = start + (len(items) - start) // (len(levels) - n)
        parts.append((clients, items[start:end]))
        start = end
    return parts


def callback_pass(server, warm: list[dict], parts: list[tuple[int, list]], label: str) -> list:
    warmed = post_all(server.base, deal(warm, 4))
    for failure, count in collections.Counter(warmed["failures"]).most_common(5):
        print(f"  {label}, warm-up: {count} x {failure}")
    rows = []
    for clients, bodies in parts:
        print(f"  {label}: {clients} client(s), {len(bodies)} callbacks...", flush=True)
        rows.append((label, clients, len(bodies), post_all(server.base, deal(bodies, clients))))
    return rows


def print_callback_table(rows: list) -> None:
    from applications_load import cuts

    header = (
        f"{'callbacks':<10} {'clients':>7} {'posted':>6} {'ok':>6} {'wall s':>6} {'per s':>6} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for label, clients, posted, outcome in rows:
        figures = cuts(outcome["timings"])
        ok = len(outcome["timings"])
        rate = ok / outcome["wall"] if outcome["wall"] else 0.0
        print(
            f"{label:<10} {clients:>7} {posted:>6} {ok:>6} {outcome['wall']:>6.1f} {rate:>6.1f} "
            f"{figures['p50']:>7.1f} {figures['p95']:>7.1f} {figures['p99']:>7.1f} {len(outcome['failures']):>6}"
        )
        for failure, count in collections.Counter(outcome["failures"]).most_common(5):
            print(f"        {count} x {failure}")


# --- Checks ---------------------------------------------------------------------------------------------------


class Checks:
    def __init__(self) -> None:
        self.mismatches: list[str] = []

    def __call__(self, what: str, got, expected) -> None:
        ok = got == expected
        if not ok:
            self.mismatches.append(what)
        print(f"  {'OK      ' if ok else 'MISMATCH'} {what}: {got}" + ("" if ok else f" (expected {expected})"))


def check_paid(check: Checks, payments: list, *, method: str) -> None:
    """Every payment paid, its fee paid exactly once, its application submitted and told once of each."""
    from django.db.models import F

    from vikno.applications.models import Application, ApplicationEvent
    from vikno.messaging.models import Notification
    from vikno.payments.models import Fee, Payment

    ids = [p.pk for p in payments]
    fee_ids = [p.fee_id for p in payments]
    n = len(payments)
    fees = Fee.objects.filter(pk__in=fee_ids)
    applications = Application.objects.filter(fee__in=fee_ids)
    check(f"{method} payments paid", Payment.objects.filter(pk__in=ids, state="paid").count(), n)
    check(f"{method} payments of these fees", Payment.objects.filter(fee__in=fee_ids).count(), n)
    check(
        "fees paid exactly once (paid_amount == amount, paid_at set)",
        fees.filter(paid_amount=F("amount"), paid_at__isnull=False).count(),
        n,
    )
    check("applications submitted", applications.filter(state="submitted", due_date__isnull=False).count(), n)
    check(
        "applications with one payment_received event",
        ApplicationEvent.objects.filter(application__in=applications, kind="payment_received").count(),
        n,
    )
    keys = [f"payment:{pk}:paid" for pk in ids]
    check("payment_received notifications, one per payment", Notification.objects.filter(key__in=keys).count(), n)
    subjects = [str(pk) for pk in applications.values_list("pk", flat=True)]
    check(
        "application_submitted notifications, one per application",
        Notification.objects.filter(event="application_submitted", subject_id__in=subjects).count(),
        n,
    )


def event_counts(source: str) -> dict[str, int]:
    from django.db.models import Count

    from vikno.payments.models import PaymentEvent

    rows = PaymentEvent.objects.filter(source=source).values("outcome").annotate(n=Count("id"))
    return {row["outcome"]: row["n"] for row in rows}


def queued_tasks() -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.values("task_path", "status").annotate(n=Count("id")).order_by("task_path")
    return {f"{row['task_path'].rsplit('.', 1)[-1]} ({row['status']})": row["n"] for row in rows}


# --- Statement and reconciliation ---------------------------------------------------------------------------


def statement_of(account, fees: list) -> tuple[bytes, float]:
    """A camt.053 of the fee account with one credit per fee, booked today; and the seconds it took to write."""
    from vikno.core import clock
    from vikno.payments.statements.generate import Transfer, camt053

    started = time.perf_counter()
    today = clock.today()
    transfers = [
        Transfer(
            amount=fee.amount,
            remittance=f"{fee.purpose}; заява {fee.application.reference}",
            bank_reference=f"DKSU{today:%Y%m%d}{n:08d}",
            booked_on=today,
            end_to_end_id=f"E2E{n:08d}",
        )
        for n, fee in enumerate(fees, 1)
    ]
    data = camt053(
        account_iban=account.iban,
        transfers=transfers,
        statement_id=f"STMT-{today:%Y%m%d}-1",
        created_at=clock.local_now().replace(microsecond=0),
    )
    return data, time.perf_counter() - started


def timed(function, *args, **kwargs):
    """The function's result, the seconds it took and the number of queries it made."""
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        seconds = time.perf_counter() - started
    return result, seconds, queries


def own_peak_rss_mb() -> float:
    found = re.search(r"^VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(found.group(1)) / 1024 if found else float("nan")


# --- The run ----------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    url = database_url(BENCH_DATABASE, "payments")
    run_started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="vikno-bench-payments-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vikno.conf.base",
            "DATABASE_URL": url,
            "VIKNO_VAR_DIR": str(var_dir),
            **bench_keys(),
            "VIKNO_LOG_LEVEL": "WARNING",
            "VIKNO_DEBUG": "false",
            "VIKNO_TASK_BACKEND": "database",  # tasks wait in the database queue; no worker runs
        }
    )
    os.environ.pop("VIKNO_DB_POOL", None)  # this process uses one plain connection; gunicorn gets the pool
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up (gunicorn, database) on SIGTERM too
    recreate_database(url)
    print(f"Database {BENCH_DATABASE} created on {url.rsplit('@', 1)[-1].rsplit('/', 1)[0]}", flush=True)
    servers: list = []
    mismatches: list[str] = []
    try:
        import django

        django.setup()
        mismatches = run(args, var_dir, servers)
    finally:
        for server in servers:
            server.stop()
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"Kept the database {BENCH_DATABASE} (drop it with: DROP DATABASE {BENCH_DATABASE})")
        else:
            drop_database(url)
            print(f"Database {BENCH_DATABASE} dropped")
        shutil.rmtree(var_dir, ignore_errors=True)
        print(f"Total run time {time.perf_counter() - run_started:.0f} s")
    if mismatches:
        print(f"\n{len(mismatches)} MISMATCH line(s): {'; '.join(mismatches)}")


def run(args: argparse.Namespace, var_dir: Path, servers: list) -> list[str]:
    from applications_bench import load_text
    from applications_data import citizens
    from applications_load import Server
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from vikno.core import clock
    from vikno.payments.models import BankTransfer, Fee, Payment
    from vikno.payments.reconciliation import as_csv, reconciliation
    from vikno.payments.statements import parse
    from vikno.payments.transfers import statement_import

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0].split()[0]
    n, m = args.callbacks, args.transfers

    # --- Setup ------------------------------------------------------------------------------------------------
    phase = time.perf_counter()
    organisation, service, account = authority_with_fee_service()
    people = citizens(n + m, "c")
    payment, fee = model_payment(people[0], service)
    print(f"Writing {n - 1:,} + {m:,} applications awaiting their fee (rows as the services write them)...", flush=True)
    card_fees = [fee, *awaiting_fees(fee, people[1:n])]
    payments = [payment, *open_card_payments(card_fees[1:], payment)]
    transfer_fees = awaiting_fees(fee, people[n:])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    bodies = [success_callback(p, number) for number, p in enumerate(payments, 1)]
    print(f"  setup {time.perf_counter() - phase:.0f} s", flush=True)

    server = Server(workers=args.workers, threads=args.threads, pool=True, log_dir=var_dir)
    servers.append(server)
    server.wait_ready()
    print(
        f"\nPayments on PostgreSQL {pg_version}, {os.cpu_count()} cores shared by gunicorn, clients and database"
        f"\nServer: {server.description}; settings vikno.conf.base; task backend: database queue, no worker"
        f"\nFee {fee.amount / 100:.2f} {fee.currency} per application; {n:,} card payments, {m:,} transfers"
        f"\nLoad average before the callbacks: {load_text()}\n",
        flush=True,
    )

    # --- Callbacks over HTTP ------------------------------------------------------------------------------------
    warm, parts = bodies[:WARM_UP], share_out(bodies[WARM_UP:], args.levels)
    rows = callback_pass(server, warm, parts, "first")
    after_first = {"events": event_counts("callback"), "tasks": queued_tasks()}
    rows += callback_pass(server, warm, parts, "duplicate")
    callback_rss = server.peak_rss_mb()
    print(
        f"\nCallbacks: POST a signed LiqPay callback (status success) to {CALLBACK_PATH} over HTTP, 200 OK expected;"
        f"\n{WARM_UP} warm-up callbacks from 4 clients before each pass (not in the table; counted in the checks)."
        f"\nLoad average after: {load_text()}\n"
    )
    print_callback_table(rows)

    check = Checks()
    print("\nAfter the callbacks:")
    check_paid(check, payments, method="card")
    events = event_counts("callback")
    check("callback events applied", events.get("applied", 0), n)
    check("callback events unchanged (the duplicates)", events.get("unchanged", 0), n)
    check(
        "callback events of another outcome", {k: v for k, v in events.items() if k not in ("applied", "unchanged")}, {}
    )
    check("callback events applied after the first pass", after_first["events"].get("applied", 0), n)
    tasks = queued_tasks()
    check("issue_receipt tasks queued (READY)", tasks.get("issue_receipt (READY)", 0), n)
    check("tasks queued by the duplicates", tasks, after_first["tasks"])
    print(f"  queue: {tasks}")
    log_errors = [line for line in server.tail(5000).splitlines() if re.search(r"ERROR|CRITICAL|Traceback", line)]
    check("gunicorn log lines with ERROR/Traceback", len(log_errors), 0)
    for line in log_errors[:10]:
        print(f"      {line}")

    # --- Statement import ---------------------------------------------------------------------------------------
    print(f"\nStatement import (in this process): a camt.053 with {m:,} credits booked today...", flush=True)
    transfer_fees = list(Fee.objects.filter(pk__in=[f.pk for f in transfer_fees]).select_related("application"))
    data, generate_seconds = statement_of(account, transfer_fees)
    statements, parse_seconds, _ = timed(parse, data)
    first, import_seconds, import_queries = timed(statement_import, data=data, actor=None)
    again, again_seconds, again_queries = timed(statement_import, data=data, actor=None)
    header = f"{'statement':<32} {'seconds':>8} {'transfers/s':>11} {'queries':>8} {'per transfer':>12}"
    print(f"\n{header}\n{'-' * len(header)}")
    print(f"{'write the file (camt053)':<32} {generate_seconds:>8.2f}")
    print(f"{'parse (statements.parse)':<32} {parse_seconds:>8.2f} {m / parse_seconds:>11.0f}")
    for label, seconds, queries in (
        ("import, all new", import_seconds, import_queries),
        ("import again, all known", again_seconds, again_queries),
    ):
        print(f"{label:<32} {seconds:>8.2f} {m / seconds:>11.1f} {queries:>8,} {queries / m:>12.1f}")
    print(
        f"File: {len(data) / 1024 / 1024:.2f} MB camt.053.001.08, {len(statements[0].entries):,} entries, one"
        " statement.\nEach import (transfers.statement_import: a transaction per transfer) includes its own parse."
    )
    print("\nAfter the statement imports:")
    check("entries new in the first import", first[0].new_entries, m)
    check("entries new in the second import", again[0].new_entries, 0)
    matches = dict(BankTransfer.objects.values_list("match").annotate(count=Count("id")))
    check("bank transfers by match", matches, {"matched": m})
    transfer_payments = list(Payment.objects.filter(method="transfer"))
    check_paid(check, transfer_payments, method="transfer")
    statement_events = event_counts("statement")
    check("statement events", statement_events, {"applied": m})
    check("issue_receipt tasks queued (READY)", queued_tasks().get("issue_receipt (READY)", 0), n + m)

    # --- Reconciliation -----------------------------------------------------------------------------------------
    today = clock.today()
    report, report_seconds, report_queries = timed(reconciliation, organisation_id=organisation.pk, day=today)
    text, csv_seconds, _ = timed(as_csv, report)
    kinds = collections.Counter(f"{row.kind}/{row.category}" for row in report.rows)
    print(
        f"\nReconciliation of {today} for the organisation ({n:,} card payments and {m:,} transfers that day),"
        " in this process:"
        f"\n  reconciliation(): {len(report.rows):,} rows in {report_seconds * 1000:,.0f} ms,"
        f" {report_queries:,} queries"
        f"\n  as_csv(): {len(text) / 1024:,.0f} kB in {csv_seconds * 1000:,.0f} ms"
    )
    check("reconciliation rows", len(report.rows), n + m)
    check("rows by kind/category", dict(kinds), {"card/matched": n, "transfer/matched": m})
    check("rows needing attention", len(report.problems), 0)
    check("CSV lines (header + rows)", text.count("\r\n"), n + m + 1)

    print("\nPeak RSS (VmHWM):")
    for label, peaks in (("gunicorn workers after the callbacks", callback_rss), ("at the end", server.peak_rss_mb())):
        shown = ", ".join(f"pid {pid}: {mb:.0f} MB" for pid, mb in sorted(peaks.items())) or "unknown"
        print(f"  {label}: {shown}")
    print(f"  this process (setup, statement import, reconciliation): {own_peak_rss_mb():.0f} MB")
    return check.mismatches


if __name__ == "__main__":
    main()
