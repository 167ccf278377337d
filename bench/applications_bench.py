"""Applications benchmark on PostgreSQL: submissions per second and latency under 1, 8 and 32 concurrent
clients, and the officials' queue page with a million applications in the database.

    .venv/bin/python bench/applications_bench.py [--keep] [--cases 1000000] [--submissions 400]
    make bench-applications            (BENCH_ARGS="--keep" to pass options)

Needs PostgreSQL: the server DATABASE_URL names (default ``postgres://postgres@127.0.0.1:5432``). The bench
creates its own database ``vikno_bench`` there (dropping a leftover one first), and drops it at the end unless
``--keep``; it never touches any other database. Private files go to a temporary VIKNO_VAR_DIR. A run takes
about three minutes on two cores.

What runs:
* setup, in this process: migrate; an authority with a published definition (``tests/factories.py``); one
  citizen per draft, each draft made by the applicant's services (``application_start``, ``attachment_add``
  with a PNG, ``application_save_step``); a signed-in session per citizen, written straight into the session
  store with the keys the sign-in pages leave (auth keys, method, level of assurance, tracked-session id).
* submissions: the portal served by gunicorn (``vikno.wsgi`` with ``vikno.conf.base``; 2 gthread workers with
  4 threads and the psycopg pool by default) on a free local port. Client threads in this process each GET
  one check page (CSRF cookie and form token), wait at a barrier, then POST ``declaration=yes`` to
  ``/applications/<id>/check/`` for their own drafts one after another, each with its draft's citizen's
  session. Latency is the wall time of one POST (302 to ``/sent/`` expected, not followed); throughput is the
  successful POSTs over the time from the barrier to the last answer. Clients, gunicorn and PostgreSQL share
  the machine's cores. Afterwards: submitted applications == successful POSTs, references unique.
* the queue: ``--cases`` submitted applications written with ``INSERT ... SELECT generate_series`` (five
  organisations, the case officer's with 20 %; states over the whole workflow; open cases due around today,
  decided ones over the past three years; some assigned), then VACUUM ANALYZE. The officer's queue page
  (``backoffice:queue``) is fetched over HTTP from the same gunicorn, one request at a time; then the view is
  run once per variant in this process to count its queries, and every query over 50 ms is shown with
  EXPLAIN ANALYZE. Without the back office's queue page, the selector and a Paginator page are timed in this
  process instead (the output says so).
* memory: peak resident set size (VmHWM) of each gunicorn worker.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_database import bench_keys, database_url, drop_database, recreate_database  # noqa: E402 (found through the path above)

BENCH_DATABASE = "vikno_bench"
WARM_UP = 16
QUEUE_REQUESTS = 50
QUEUE_VARIANTS = [
    ("no filter", ""),
    ("deadline=overdue", "deadline=overdue"),
    ("assignee=me", "assignee=me"),
    ("state=in_review", "state=in_review"),
    ("page 100", "page=100"),
]
SLOW_MS = 200  # p95 of the queue page above which a row is flagged
SLOW_QUERY_MS = 50  # queries of the queue page above this are explained
PAGE_SIZE = 50


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DATABASE} database at the end")
    parser.add_argument("--cases", type=int, default=1_000_000, help="applications inserted for the queue")
    parser.add_argument("--submissions", type=int, default=400, help="submissions per concurrency level")
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--no-pool", action="store_true", help="a new database connection per request")
    return parser.parse_args()


# --- The database server and the bench database --------------------------------------------------------


def bench_database_url() -> str:
    return database_url(BENCH_DATABASE, "applications")


# --- Diagnostics in this process ------------------------------------------------------------------------


def view_queries(path: str, key: str, query: str = "", method: str = "get", data=None) -> tuple[int, list]:
    """Run a view in this process (django.test.Client) with the given session; its status and its queries as
    (milliseconds, SQL)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    address = f"{path}?{query}" if query else path
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(address, data=data)
    return response.status_code, [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def short_sql(sql: str) -> str:
    """The SQL with its column list folded ("SELECT <96 columns> FROM ...")."""
    match = re.match(r"SELECT (.*?) FROM ", sql, re.DOTALL)
    if not match or "COUNT(" in match.group(1):
        return sql
    columns = match.group(1).count(", ") + 1
    return f"SELECT <{columns} columns> FROM " + sql[match.end() :]  # noqa: S608 (printed, never run)


def sorts_everything(plan: str) -> bool:
    """Whether the page's rows are found by sorting every matching row rather than read in index order."""
    return plan.lstrip().startswith("Limit") and "Sort Key: applications_application.due_date" in plan


def load_text() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews every figure here."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def filters_of(query: str):
    from vikno.applications.selectors import QueueFilters

    values = dict(part.split("=", 1) for part in query.split("&") if part)
    page = values.pop("page", "1")
    return QueueFilters(**values), page


def time_selector(official) -> dict:
    """Without the queue page: cases_for_official() and a Paginator page, evaluated in this process."""
    from applications_load import cuts
    from django.core.paginator import Paginator

    from vikno.applications.selectors import cases_for_official

    rows = {}
    for name, query in QUEUE_VARIANTS:
        filters, number = filters_of(query)
        timings = []
        for n in range(QUEUE_REQUESTS + 3):
            started = time.perf_counter()
            page = Paginator(cases_for_official(official=official, filters=filters), PAGE_SIZE).get_page(number)
            list(page.object_list)
            if n >= 3:
                timings.append((time.perf_counter() - started) * 1000)
        rows[name] = {**cuts(timings), "n": len(timings), "errors": []}
    return rows


# --- The run ----------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    levels = [int(n) for n in args.levels.split(",") if n]
    url = bench_database_url()
    run_started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="vikno-bench-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vikno.conf.base",
            "DATABASE_URL": url,
            "VIKNO_VAR_DIR": str(var_dir),
            **bench_keys(),
            "VIKNO_LOG_LEVEL": "WARNING",
            "VIKNO_DEBUG": "false",
        }
    )
    os.environ.pop("VIKNO_DB_POOL", None)  # this process uses one plain connection; gunicorn gets the pool
    recreate_database(url)
    print(f"Database {BENCH_DATABASE} created on {url.rsplit('@', 1)[-1].rsplit('/', 1)[0]}", flush=True)
    servers: list = []  # the gunicorn started, stopped here whatever happens
    try:
        import django

        django.setup()
        run(args, levels, var_dir, servers)
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


def run(args: argparse.Namespace, levels: list[int], var_dir: Path, servers: list) -> None:
    import applications_data as data
    from applications_load import Server, cuts, split, submit_all, time_pages
    from django.core.management import call_command
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    from vikno.applications.constants import DRAFT, SUBMITTED
    from vikno.applications.models import Application
    from vikno.applications.selectors import case_organisation_ids, cases_for_official

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0].split()[0]

    # --- Setup: one citizen, session and complete draft per submission ----------------------------------
    phase = time.perf_counter()
    organisation, service, definition = data.authority_with_service("bench")
    plan = {clients: math.ceil(args.submissions / clients) for clients in levels}
    needed = WARM_UP + sum(clients * each for clients, each in plan.items()) + 1  # +1: the in-process one
    people = data.citizens(needed, "c")
    print(f"Making {needed:,} complete drafts through the applicant's services...", flush=True)
    drafts = data.drafts(people, service)
    keys = data.sessions(people)
    pairs = [(str(d.pk), keys[d.applicant_id]) for d in drafts]
    print(f"  setup {time.perf_counter() - phase:.0f} s", flush=True)

    # --- Submissions over HTTP ----------------------------------------------------------------------------
    load_before = load_text()
    server = Server(workers=args.workers, threads=args.threads, pool=not args.no_pool, log_dir=var_dir)
    servers.append(server)
    server.wait_ready()
    warm = submit_all(server, split(pairs[:WARM_UP], 4, WARM_UP // 4))
    rest = pairs[WARM_UP:-1]
    results = []
    all_posted = list(warm["posted"])
    for clients in levels:
        each = plan[clients]
        batch, rest = rest[: clients * each], rest[clients * each :]
        print(f"  {clients} client(s) x {each} submissions...", flush=True)
        outcome = submit_all(server, split(batch, clients, each))
        all_posted += outcome["posted"]
        results.append((clients, outcome))
    submit_rss = server.peak_rss_mb()
    last_id, last_key = pairs[-1]
    status, submit_queries = view_queries(
        f"/applications/{last_id}/check/", last_key, method="post", data={"declaration": "yes"}
    )
    all_posted += [last_id] if status == 302 else []

    submitted = Application.objects.filter(state=SUBMITTED)
    count = submitted.count()
    distinct = submitted.values("reference").distinct().count()
    left_as_drafts = Application.objects.filter(pk__in=all_posted, state=DRAFT).count()
    consistent = count == len(all_posted) and distinct == count and left_as_drafts == 0

    print(f"\nApplications on PostgreSQL {pg_version}, {os.cpu_count()} cores shared by gunicorn, clients and database")
    print(f"Load average before the submissions: {load_before}; after: {load_text()}")
    print(f"Server: {server.description}; settings vikno.conf.base")
    print(
        "\nSubmissions: POST declaration=yes to /applications/<id>/check/ over HTTP, one citizen and session per"
        f"\ndraft, 302 to /sent/ expected; {WARM_UP} warm-up submissions first (not counted)\n"
    )
    header = (
        f"{'clients':>7} {'submitted':>9} {'wall s':>6} {'per s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for clients, outcome in results:
        figures = cuts(outcome["timings"])
        rate = len(outcome["posted"]) / outcome["wall"] if outcome["wall"] else 0.0
        print(
            f"{clients:>7} {len(outcome['posted']):>9} {outcome['wall']:>6.1f} {rate:>6.1f} {figures['p50']:>7.1f} "
            f"{figures['p95']:>7.1f} {figures['p99']:>7.1f} {len(outcome['failures']):>6}"
        )
        for failure in sorted(set(outcome["failures"]))[:5]:
            print(f"        error: {failure}")
    database_ms = sum(ms for ms, _ in submit_queries)
    print(
        f"\nOne submission run in process (django.test.Client): HTTP {status}, {len(submit_queries)} queries, "
        f"{database_ms:.1f} ms in the database"
    )
    print(
        f"Check: {len(all_posted)} successful submissions, {count} submitted applications, {distinct} distinct "
        f"references, {left_as_drafts} posted drafts left as drafts: {'ok' if consistent else 'MISMATCH'}"
    )

    # --- A million cases, and the queue -----------------------------------------------------------------
    phase = time.perf_counter()
    office = data.officials(organisation, 10, "officer")
    me = office[0]
    organisations = [
        {"organisation_id": organisation.pk, "service_id": service.pk, "definition_id": definition.pk,
         "officials": [o.pk for o in office]},
    ]  # fmt: skip
    for n in range(1, 5):
        other, other_service, other_definition = data.authority_with_service(f"other-{n}")
        organisations.append(
            {"organisation_id": other.pk, "service_id": other_service.pk, "definition_id": other_definition.pk,
             "officials": [o.pk for o in data.officials(other, 3, f"other-{n}")]}
        )  # fmt: skip
    official_key = data.sessions([me], staff=True)[me.pk]
    print(f"\nInserting {args.cases:,} submitted applications...", flush=True)
    inserted = data.insert_cases(total=args.cases, organisations=organisations, applicant_ids=[p.pk for p in people])
    vacuum_seconds = data.vacuum_analyze()
    insert_seconds = time.perf_counter() - phase
    total_rows = Application.objects.count()
    # The queue itself shows open cases only; count the organisation's cases of every state as well.
    organisation_ids = case_organisation_ids(official=me)
    in_queue = Application.objects.filter(organisation_id__in=organisation_ids).exclude(state="draft").count()
    open_cases = cases_for_official(official=me).count()
    assigned_to_me = cases_for_official(official=me).filter(assignee=me).count()

    try:
        queue_path = reverse("backoffice:queue")
    except NoReverseMatch:
        queue_path = None
    if queue_path:
        mode = f"HTTP GET {queue_path} from the gunicorn above, one request at a time, signed-in case officer"
        queue_rows = time_pages(server, queue_path, official_key, QUEUE_VARIANTS, QUEUE_REQUESTS)
    else:
        mode = (
            "IN PROCESS: there is no backoffice:queue page yet, so cases_for_official() and a Paginator page of "
            f"{PAGE_SIZE} are evaluated in this process (no HTTP, no view, no template)"
        )
        queue_rows = time_selector(me)
    final_rss = server.peak_rss_mb()
    server.stop()

    per_variant = {}
    if queue_path:
        for name, query in QUEUE_VARIANTS:
            view_queries(queue_path, official_key, query)  # warm this process
            per_variant[name] = view_queries(queue_path, official_key, query)[1]

    print(
        f"\nQueue: {total_rows:,} applications in the table ({inserted:,} inserted in {insert_seconds:.0f} s, "
        f"VACUUM ANALYZE included: {vacuum_seconds:.0f} s).\nThe case officer's organisation has {in_queue:,} "
        f"cases ({open_cases:,} open); {assigned_to_me:,} are assigned to the officer."
    )
    print(f"Measured: {mode}; {QUEUE_REQUESTS} requests per row after 3 warm-up ones (load now {load_text()}).")
    if per_variant:
        print("queries / db ms / slowest ms: the same page run once more in this process, its queries timed.")
    print()
    header = f"{'queue page':<18} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
    if per_variant:
        header += f" {'queries':>7} {'db ms':>7} {'slowest ms':>10}"
    print(header)
    print("-" * len(header))
    for name, row in queue_rows.items():
        line = f"{name:<18} {row['p50']:>7.1f} {row['p95']:>7.1f} {row['p99']:>7.1f} {len(row['errors']):>6}"
        if name in per_variant:
            queries = per_variant[name]
            line += f" {len(queries):>7} {sum(ms for ms, _ in queries):>7.1f} {max(ms for ms, _ in queries):>10.1f}"
        print(line + ("  SLOW" if row["p95"] > SLOW_MS else ""))
        if row["errors"]:
            print(f"        HTTP {sorted(set(row['errors']))}")

    print("\nEXPLAIN ANALYZE of cases_for_official(official=...)[:50], no filter (the selector's own query):")
    selector_plan = cases_for_official(official=me)[:PAGE_SIZE].explain(analyze=True, buffers=True)
    print(indent(selector_plan))
    explained = set()
    for name, queries in per_variant.items():
        for ms, sql in queries:
            if ms < SLOW_QUERY_MS or sql in explained:
                continue
            explained.add(sql)
            plan_text = explain(sql)
            print(f"\nQuery of the queue page '{name}' that took {ms:.0f} ms, with EXPLAIN ANALYZE:")
            print(indent(short_sql(sql)))
            print(indent(plan_text))
            if sorts_everything(plan_text):
                print(
                    "  -> the page is found by reading and sorting every matching row: no index gives this"
                    "\n     organisation's cases in (due_date, submitted_at) order (app_queue is organisation, state,"
                    "\n     due_date, and the query asks for state <> 'draft', not one state)."
                )

    print("\nPeak RSS of the gunicorn workers (VmHWM):")
    for label, peaks in (("after the submissions", submit_rss), ("after the queue", final_rss)):
        shown = ", ".join(f"pid {pid}: {mb:.0f} MB" for pid, mb in sorted(peaks.items())) or "unknown"
        print(f"  {label}: {shown}")
    if not consistent:
        raise SystemExit("Submitted applications do not match the successful submissions.")


if __name__ == "__main__":
    main()
