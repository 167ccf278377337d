"""Personal data at rest, measured on PostgreSQL: what encryption costs per value, per row read and per lookup,
and how fast `rotate_data_keys` moves a database to a new key.

    .venv/bin/python bench/privacy_bench.py [--keep] [--people 20000]
    make bench-privacy             (BENCH_ARGS="--people 5000" to pass options)

Needs PostgreSQL: the server DATABASE_URL names (default ``postgres://postgres@127.0.0.1:5432``). The bench
creates its own database ``vikno_bench_privacy`` there (dropping a leftover one first) and drops it at the end
unless ``--keep``. Keys are fresh random ones; private files go to a temporary VIKNO_VAR_DIR.

What runs, in this one process:
* values: encrypt and decrypt a taxpayer number and an application's answers (about 1 KB of JSON), the blind
  index of a number, and a 2 MB file sealed and opened: operations (or MB) per second, best of three rounds.
* rows: N citizens (taxpayer number, phone and date of birth encrypted, two blind indexes) bulk-created, then
  read back as model instances in full (decrypting three columns a row) and, for comparison, with the three
  encrypted columns deferred (the same instances, no decryption).
* lookups: 1,000 ``person_by_rnokpp`` calls for random existing numbers among the N: latency percentiles.
* rotation: N drafts with answers beside the N citizens, 200 private files; a new key put first, then
  ``data_keys_rotate``: values and files per second, and ``--check`` afterwards.
* memory: peak resident set size (VmHWM) of the process.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_database import bench_keys, database_url, drop_database, recreate_database  # noqa: E402

BENCH_DATABASE = "vikno_bench_privacy"
ANSWERS = {
    "full_name": "Шевченко Олена Петрівна",
    "birth_date": "1988-03-14",
    "rnokpp": "3221512000",
    "phone": "+380671234567",
    "email": "olena@example.com",
    "address": {"region": "Київська", "city": "Бровари", "street": "вул. Героїв України", "house": "12", "flat": "7"},
    "passport": {"series": "", "number": "001234567", "issued_by": "4610", "issued_on": "2019-05-10"},
    "reason": "Зміна місця проживання у зв'язку з переїздом родини. " * 8,
}


def rate(label: str, count: int, seconds: float, unit: str = "per s") -> None:
    print(f"  {label:<44} {count / seconds:>12,.0f} {unit}")


def best_of_three(work) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def values() -> None:
    import json

    from vikno.privacy import crypto

    print("\nValues (one process, best of three rounds)")
    n = 20_000
    answers = json.dumps(ANSWERS, ensure_ascii=False)
    for label, plain, purpose in (
        ("taxpayer number (10 characters)", "3221512000", "identity.user.rnokpp"),
        (f"answers ({len(answers.encode()):,} bytes of JSON)", answers, "applications.application.answers"),
    ):
        sealed = crypto.encrypt_text(plain, purpose=purpose)
        rate(
            f"encrypt {label}",
            n,
            best_of_three(lambda p=plain, u=purpose: [crypto.encrypt_text(p, purpose=u) for _ in range(n)]),
        )
        rate(
            f"decrypt {label}",
            n,
            best_of_three(lambda s=sealed, u=purpose: [crypto.decrypt_text(s, purpose=u) for _ in range(n)]),
        )
    rate(
        "blind index of a taxpayer number",
        n,
        best_of_three(lambda: [crypto.blind_index("3221512000", purpose="x") for _ in range(n)]),
    )
    blob = os.urandom(2 * 1024 * 1024)
    sealed_blob = crypto.encrypt_bytes(blob)
    rate("seal a 2 MB file", 2 * 20, best_of_three(lambda: [crypto.encrypt_bytes(blob) for _ in range(20)]), "MB/s")
    rate(
        "open a 2 MB file",
        2 * 20,
        best_of_three(lambda: [crypto.decrypt_bytes(sealed_blob) for _ in range(20)]),
        "MB/s",
    )


def rows_and_lookups(people: int) -> list:
    from applications_data import citizens

    from vikno.identity.models import User
    from vikno.identity.selectors import person_by_rnokpp

    print(f"\nRows ({people:,} citizens: taxpayer number, phone and date of birth encrypted)")
    started = time.perf_counter()
    made = citizens(people, "c")
    rate("bulk-create (encrypt 3 columns, 2 indexes)", people, time.perf_counter() - started, "rows/s")
    full = best_of_three(lambda: [u.rnokpp for u in User.objects.all().iterator(chunk_size=2000)])
    encrypted = ("rnokpp", "phone", "birth_date")
    plain = best_of_three(lambda: [u.email for u in User.objects.defer(*encrypted).iterator(chunk_size=2000)])
    rate("read whole rows (decrypting 3 columns)", people, full, "rows/s")
    rate("read the same rows without the 3 columns", people, plain, "rows/s")
    print(f"  decryption's share of a full read: {max(full - plain, 0) / full:.0%}")

    numbers = [u.rnokpp for u in random.Random(7).sample(made, min(1000, people))]
    latencies = []
    for number in numbers:
        started = time.perf_counter()
        found = person_by_rnokpp(number)
        latencies.append((time.perf_counter() - started) * 1000)
        assert found is not None and found.rnokpp == number
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"\nLookups: person_by_rnokpp among {people:,} accounts, {len(numbers):,} calls:"
        f" p50 {cuts[49]:.2f} / p95 {cuts[94]:.2f} / p99 {cuts[98]:.2f} ms"
    )
    return made


def rotation(people: list) -> None:
    from django.core.files.base import ContentFile
    from django.test import override_settings

    from vikno.applications.models import Application
    from vikno.catalog.tests.factories import OrganisationFactory
    from vikno.core.storage import private_storage
    from vikno.privacy import crypto
    from vikno.privacy.rotation import data_keys_rotate

    service_definition = _definition(OrganisationFactory())
    Application.objects.bulk_create(
        [
            Application(
                applicant=person,
                service=service_definition.service,
                definition=service_definition,
                organisation=service_definition.service.competent_authority,
                answers=ANSWERS,
            )
            for person in people
        ],
        batch_size=1000,
    )
    storage = private_storage()
    for number in range(200):
        storage.save(f"bench/{number}.bin", ContentFile(os.urandom(200 * 1024)))

    old = os.environ["VIKNO_DATA_KEYS"]
    new = f"bench-2:{base64.b64encode(os.urandom(32)).decode()},{old}"
    with override_settings(VIKNO_DATA_KEYS=new):
        started = time.perf_counter()
        report = data_keys_rotate()
        seconds = time.perf_counter() - started
        values_moved = sum(report.values.values())
        print(
            f"\nRotation to a new key: {values_moved:,} values in {len(report.values)} columns and {report.files} files"
        )
        print(f"  {seconds:.1f} s in all: {values_moved / seconds:,.0f} values/s (files included)")
        left = data_keys_rotate(dry_run=True).left
        print(f"  check afterwards: {'OK nothing under the old key' if not left else f'MISMATCH {dict(left)}'}")
        assert crypto.keyring().current_id == "bench-2"


def _definition(organisation):
    from vikno.applications.models import ServiceDefinition
    from vikno.applications.tests.factories import published
    from vikno.catalog.tests.factories import PublicServiceFactory

    service = PublicServiceFactory(competent_authority=organisation)
    published(service)
    return ServiceDefinition.objects.filter(service=service).latest("version")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DATABASE} database at the end")
    parser.add_argument("--people", type=int, default=20_000, help="citizens (and drafts) written (20000)")
    args = parser.parse_args()
    url = database_url(BENCH_DATABASE, "privacy")
    var_dir = Path(tempfile.mkdtemp(prefix="vikno-bench-privacy-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vikno.conf.base",
            "DATABASE_URL": url,
            "VIKNO_VAR_DIR": str(var_dir),
            "VIKNO_LOG_LEVEL": "WARNING",
            "VIKNO_DEBUG": "false",
            **bench_keys(),
        }
    )
    os.environ.pop("VIKNO_DB_POOL", None)
    recreate_database(url)
    started = time.perf_counter()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            print(f"Personal data at rest on PostgreSQL {cursor.fetchone()[0].split()[0]}, {os.cpu_count()} cores")
        values()
        people = rows_and_lookups(args.people)
        rotation(people)
        print(f"\nPeak RSS of the bench process: {peak_rss_mb():.0f} MB")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)
        shutil.rmtree(var_dir, ignore_errors=True)
        print(f"Total run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
