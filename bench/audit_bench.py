"""Audit trail benchmark on PostgreSQL: appends per second through ``record()`` with 1 and 8 concurrent writers,
sealing days, and ``audit_verify``'s throughput over a long chain.

    .venv/bin/python bench/audit_bench.py [--keep] [--appends 2000] [--levels 1,8] [--records 200000] [--days 10]
                                          [--small]
    make bench-audit               (BENCH_ARGS="--small" to pass options)

Needs PostgreSQL: the server DATABASE_URL names (default ``postgres://postgres@127.0.0.1:5432``). The bench
creates its own database ``vikno_bench_audit`` there (dropping a leftover one first), and drops it at the end
unless ``--keep``; it never touches any other database.

What runs, in this process:
* chain: ``--records`` records spread over ``--days`` Kyiv days before today, written with ``bulk_create``
  exactly as ``record()`` would have written them (hashed and linked by ``chain.record_hash``), then the head.
* seal: ``sealing.days_seal()`` seals those days (the Merkle root over each day's record hashes).
* verify: ``verification.trail_verify()`` over the whole chain and every seal, then the same as the
  ``audit_verify`` command; records per second, and the peak resident set size (VmHWM) of the process.
* appends: C writer threads, each on its own connection, start together and each call ``record()`` the same
  number of times (``--appends`` shared out), one transaction per call, as a service's transaction would. They
  queue on the chain head's row lock: the figure is how many audited transactions per second can commit at all.
  Latency is the wall time of one transaction. Then today's appends get a partial seal and the whole chain is
  checked once more.

Outcomes are checked and printed as OK or MISMATCH lines; a mismatch is reported, the bench goes on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_database import database_url, drop_database, recreate_database  # noqa: E402 (found through the path above)

BENCH_DATABASE = "vikno_bench_audit"
BATCH = 5000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DATABASE} database at the end")
    parser.add_argument("--appends", type=int, default=None, help="record() calls per concurrency level (2000)")
    parser.add_argument("--levels", default="1,8", help="concurrent writers, comma-separated")
    parser.add_argument("--records", type=int, default=None, help="records in the chain to seal and verify (200000)")
    parser.add_argument("--days", type=int, default=10, help="days those records are spread over")
    parser.add_argument("--small", action="store_true", help="400 appends and 20000 records (a quick look)")
    args = parser.parse_args()
    args.appends = args.appends or (400 if args.small else 2000)
    args.records = args.records or (20_000 if args.small else 200_000)
    args.levels = [int(n) for n in args.levels.split(",") if n]
    return args


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def check(mismatches: list[str], ok: bool, label: str) -> None:
    print(f"  {'OK' if ok else 'MISMATCH'}: {label}")
    if not ok:
        mismatches.append(label)


# --- Appends ----------------------------------------------------------------------------------------------


def appends(writers: int, total: int) -> tuple[float, list[float], list[BaseException]]:
    """`writers` threads share `total` record() calls; (seconds, latencies, errors)."""
    from django.db import connection, transaction

    from vikno.audit.services import record

    each = total // writers
    start = threading.Barrier(writers + 1)
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        mine = []
        try:
            connection.ensure_connection()
            start.wait()
            for n in range(each):
                began = time.perf_counter()
                with transaction.atomic():
                    record(
                        actor=None,
                        action="bench.appended",
                        target_type="bench.writer",
                        target_id=f"{number}-{n}",
                        source_ip="192.0.2.10",
                        details={"writer": number, "n": n},
                    )
                mine.append(time.perf_counter() - began)
        except BaseException as error:  # counted and printed
            errors.append(error)
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, errors


# --- A long chain -----------------------------------------------------------------------------------------


def long_chain(count: int, days: int) -> None:
    """`count` records over the `days` days before today, as record() writes them, and the head after them."""
    from django.db import transaction

    from vikno.audit import chain
    from vikno.audit.models import AuditRecord, ChainHead
    from vikno.audit.sealing import SEAL_ZONE
    from vikno.core import clock

    today = clock.now().astimezone(SEAL_ZONE).date()
    first_day = dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min, tzinfo=SEAL_ZONE)
    step = dt.timedelta(days=days) / (count + 1)
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get()
        sequence, previous = head.sequence, head.record_hash
        batch = []
        for n in range(count):
            sequence += 1
            entry = AuditRecord(
                id=uuid.uuid4(),
                sequence=sequence,
                occurred_at=first_day + step * (n + 1),
                actor=None,
                action=("applications.submitted", "identity.signed_in", "payments.paid")[n % 3],
                object_type="bench.thing",
                object_id=str(n),
                source_ip="2001:db8::7" if n % 2 else "192.0.2.20",
                reason="Повторна перевірка" if n % 5 == 0 else "",
                details={"n": n, "amount": 2574, "state": "submitted"},
                previous_hash=previous,
            )
            entry.record_hash = previous = chain.record_hash(**entry.hash_fields())
            batch.append(entry)
            if len(batch) == BATCH:
                AuditRecord._base_manager.bulk_create(batch)
                batch = []
        AuditRecord._base_manager.bulk_create(batch)
        ChainHead.objects.update(sequence=sequence, record_hash=previous)


# --- Run --------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> list[str]:
    from django.core.management import call_command
    from django.db import connection

    from vikno.audit import sealing
    from vikno.audit.models import AuditRecord, DaySeal
    from vikno.audit.verification import trail_verify

    mismatches: list[str] = []
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0].split()[0]
    print(f"PostgreSQL {pg_version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    print(f"\nA chain of {args.records:,} records over the {args.days} days before today (written as record() would):")
    began = time.perf_counter()
    long_chain(args.records, args.days)
    print(f"  written in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    written = sealing.days_seal()
    seal_seconds = time.perf_counter() - began
    sealed = sum(s.record_count for s in written)
    print(
        f"\nSeal: {len(written)} days, {sealed:,} records in {seal_seconds:.2f} s "
        f"({seal_seconds / max(len(written), 1) * 1000:.0f} ms a day, {sealed / seal_seconds:,.0f} records/s)"
    )
    check(mismatches, len(written) == args.days, f"{args.days} days sealed")
    check(mismatches, sealed == args.records, f"{args.records} records under the seals")

    total = AuditRecord.objects.count()
    print(f"\nVerify the whole chain ({total:,} records, {DaySeal.objects.count()} seals):")
    rss_before = peak_rss_mb()
    began = time.perf_counter()
    result = trail_verify()
    seconds = time.perf_counter() - began
    print(f"  trail_verify: {seconds:.1f} s, {result.records / seconds:,.0f} records/s")
    check(mismatches, result.intact and result.records == total, f"intact, {total} records checked")
    out, err = io.StringIO(), io.StringIO()
    began = time.perf_counter()
    call_command("audit_verify", stdout=out, stderr=err)
    seconds = time.perf_counter() - began
    print(f"  manage.py audit_verify: {seconds:.1f} s, {total / seconds:,.0f} records/s")
    print(f"  {out.getvalue().strip()}")
    check(mismatches, err.getvalue() == "", "audit_verify found nothing wrong")
    print(f"  peak RSS of this process: {rss_before:.0f} MB before verifying, {peak_rss_mb():.0f} MB after")

    print(f"\nAppends through record(), one transaction each ({args.appends} per level):")
    for writers in args.levels:
        before = AuditRecord.objects.count()
        seconds, latencies, errors = appends(writers, args.appends)
        done = len(latencies)
        latencies.sort()
        p95 = latencies[int(0.95 * (done - 1))] if done else float("nan")
        median = statistics.median(latencies) * 1000 if done else float("nan")
        print(
            f"  {writers} writer{'s' if writers > 1 else ''}: {done / seconds:,.0f} appends/s "
            f"(median {median:.1f} ms, p95 {p95 * 1000:.1f} ms, {done} in {seconds:.1f} s)"
        )
        failed = f": {errors[0]!r}" if errors else ""
        check(mismatches, not errors, f"no writer failed ({len(errors)} errors{failed})")
        check(mismatches, AuditRecord.objects.count() - before == done, f"{done} records appended")
    began = time.perf_counter()
    sealing.days_seal(until=sealing.seal_today())
    print(f"\nToday so far (a partial seal over the appends): {(time.perf_counter() - began) * 1000:.0f} ms")
    result = trail_verify()
    check(mismatches, result.intact, f"the chain is intact after the appends ({result.records:,} records)")
    return mismatches


def main() -> None:
    args = parse_args()
    url = database_url(BENCH_DATABASE, "audit")
    run_started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="vikno-bench-audit-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vikno.conf.base",
            "DATABASE_URL": url,
            "VIKNO_VAR_DIR": str(var_dir),
            "VIKNO_LOG_LEVEL": "WARNING",
            "VIKNO_DEBUG": "false",
        }
    )
    os.environ.pop("VIKNO_DB_POOL", None)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    recreate_database(url)
    print(f"Database {BENCH_DATABASE} created on {url.rsplit('@', 1)[-1].rsplit('/', 1)[0]}", flush=True)
    mismatches: list[str] = []
    try:
        import django

        django.setup()
        mismatches = run(args)
    finally:
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


if __name__ == "__main__":
    main()
