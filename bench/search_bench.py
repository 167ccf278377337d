"""Catalogue search benchmark: relevance (MRR@5) and latency on the demo catalogue and on 10,000 services.

    .venv/bin/python bench/search_bench.py

Runs against a throwaway SQLite database under var/ (deleted at the end), so the working database is never
touched. Everything goes through the real code path: ``load_demo``, then ``search_services`` (catalogue stamp,
index build, tantivy query, one database query for the hits).

Figures:
* MRR@5: for each query of ``src/vikno/catalog/search_relevance.yaml``, 1/rank of the expected service when
  it is among the first five hits, else 0; averaged.
* latency: every query of the set, once to warm up, then REPEATS more times; p50/p95/p99 of the wall time of
  one ``search_services`` call (including its two database queries).
* stamp: median time of the freshness check every search starts with (one SQL statement).
* build: the first search after a reset, lemma cache emptied (so pymorphy3 work is included).
* memory: peak resident set size of this process (``resource.getrusage``), after each phase.

Rows: the demo catalogue; the demo mixed into 10,000 generated services. The stamp's MAX(updated_at) is an
index lookup (``service_updated_at_idx``), so it stays flat as the catalogue grows.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
VAR = ROOT / "var"
VAR.mkdir(exist_ok=True)
DB_FILE = VAR / f"bench-search-{os.getpid()}.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "vikno.conf.base"
os.environ["DATABASE_URL"] = f"sqlite:///{DB_FILE}"

import django  # noqa: E402

django.setup()

import yaml  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from vikno.catalog import search  # noqa: E402
from vikno.catalog.constants import OrganisationType, PublicationStatus  # noqa: E402
from vikno.catalog.models import Organisation, PublicService  # noqa: E402

RELEVANCE_FILE = ROOT / "src" / "vikno" / "catalog" / "search_relevance.yaml"
REPEATS = 5
GENERATED = 10_000
SEED = 20250101
MAX_MISSES_SHOWN = 40

REGIONS = [
    ("у Вінницькій області", "in Vinnytsia Oblast"),
    ("у Волинській області", "in Volyn Oblast"),
    ("у Дніпропетровській області", "in Dnipropetrovsk Oblast"),
    ("у Донецькій області", "in Donetsk Oblast"),
    ("у Житомирській області", "in Zhytomyr Oblast"),
    ("у Закарпатській області", "in Zakarpattia Oblast"),
    ("у Запорізькій області", "in Zaporizhzhia Oblast"),
    ("в Івано-Франківській області", "in Ivano-Frankivsk Oblast"),
    ("у Київській області", "in Kyiv Oblast"),
    ("у Кіровоградській області", "in Kirovohrad Oblast"),
    ("у Луганській області", "in Luhansk Oblast"),
    ("у Львівській області", "in Lviv Oblast"),
    ("у Миколаївській області", "in Mykolaiv Oblast"),
    ("в Одеській області", "in Odesa Oblast"),
    ("у Полтавській області", "in Poltava Oblast"),
    ("у Рівненській області", "in Rivne Oblast"),
    ("у Сумській області", "in Sumy Oblast"),
    ("у Тернопільській області", "in Ternopil Oblast"),
    ("у Харківській області", "in Kharkiv Oblast"),
    ("у Херсонській області", "in Kherson Oblast"),
    ("у Хмельницькій області", "in Khmelnytskyi Oblast"),
    ("у Черкаській області", "in Cherkasy Oblast"),
    ("у Чернівецькій області", "in Chernivtsi Oblast"),
    ("у Чернігівській області", "in Chernihiv Oblast"),
    ("у місті Києві", "in Kyiv City"),
]
CITIES = [
    ("Вінницька", "Vinnytsia"), ("Луцька", "Lutsk"), ("Дніпровська", "Dnipro"), ("Житомирська", "Zhytomyr"),
    ("Ужгородська", "Uzhhorod"), ("Запорізька", "Zaporizhzhia"), ("Івано-Франківська", "Ivano-Frankivsk"),
    ("Білоцерківська", "Bila Tserkva"), ("Кропивницька", "Kropyvnytskyi"), ("Львівська", "Lviv"),
    ("Миколаївська", "Mykolaiv"), ("Одеська", "Odesa"), ("Полтавська", "Poltava"), ("Рівненська", "Rivne"),
    ("Сумська", "Sumy"), ("Тернопільська", "Ternopil"), ("Харківська", "Kharkiv"), ("Херсонська", "Kherson"),
    ("Хмельницька", "Khmelnytskyi"), ("Черкаська", "Cherkasy"), ("Чернівецька", "Chernivtsi"),
    ("Чернігівська", "Chernihiv"), ("Броварська", "Brovary"), ("Бориспільська", "Boryspil"),
]  # fmt: skip
QUALIFIERS = [
    ("", ""),
    ("", ""),
    ("", ""),
    ("для ветеранів війни", "for war veterans"),
    ("в електронній формі", "online"),
    ("для юридичних осіб", "for legal entities"),
    ("іноземцям та особам без громадянства", "for foreigners and stateless persons"),
    ("повторно", "again"),
    ("внутрішньо переміщеним особам", "for internally displaced persons"),
    ("для осіб з інвалідністю", "for people with disabilities"),
    ("у скороченому порядку", "by the fast procedure"),
    ("за кордоном через консульство", "abroad through a consulate"),
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def load_relevance() -> list[dict]:
    return yaml.safe_load(RELEVANCE_FILE.read_text(encoding="utf-8"))["queries"]


def mrr_at_5(cases: list[dict]) -> tuple[float, list[tuple[str, str, int | None]]]:
    total = 0.0
    misses = []
    for case in cases:
        hits = search.search_services(case["query"], language=case.get("language", "uk"), limit=5)
        found = [hit.service.identifier for hit in hits]
        rank = found.index(case["expect"]) + 1 if case["expect"] in found else None
        total += 1 / rank if rank else 0.0
        if rank != 1:
            misses.append((case["query"], case["expect"], rank, found[:3]))
    return total / len(cases), misses


def latency_ms(cases: list[dict]) -> dict[str, float]:
    for case in cases:  # warm up: lemma cache, SQLite page cache
        search.search_services(case["query"], language=case.get("language", "uk"))
    timings = []
    for _ in range(REPEATS):
        for case in cases:
            started = time.perf_counter()
            search.search_services(case["query"], language=case.get("language", "uk"))
            timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "n": len(timings)}


def build_seconds() -> float:
    search.search_index_reset()
    search.lemmas.cache_clear()
    started = time.perf_counter()
    search.search_services("паспорт", language="uk")
    return time.perf_counter() - started


def generate_catalogue(count: int) -> None:
    """``count`` more services made of the demo's own words, under many regional and local authorities.

    A title is the action of one demo service ("Видача", "Реєстрація"...) with part of the object of another
    and often a qualifier ("для ветеранів війни"); the summary and half the description come from the
    service that gave the object, the rest of the description from a third; the popularity has a long tail.
    Each demo service thus competes with over a hundred variants on the same subject. Generated services have
    no keywords: editors write colloquial keywords for the services people look for most, not for the long
    tail (copying the demo's keywords at random would make every variant a perfect match for them).
    """
    rng = random.Random(SEED)
    demo = list(PublicService.objects.filter(status=PublicationStatus.PUBLISHED).select_related("sector"))
    authorities = []
    national = Organisation.objects.filter(org_type__in=[OrganisationType.MINISTRY, OrganisationType.AGENCY])
    for organisation in national[:12]:
        for region_uk, region_en in REGIONS:
            authorities.append(
                Organisation(
                    slug=f"generated-{len(authorities)}",
                    name_uk=f"{organisation.name_uk}: територіальний орган {region_uk}"[:255],
                    name_en=f"{organisation.name_en}: office {region_en}"[:255],
                    org_type=OrganisationType.REGIONAL_OFFICE,
                    parent=organisation,
                )
            )
    for city_uk, city_en in CITIES:
        authorities.append(
            Organisation(
                slug=f"generated-{len(authorities)}",
                name_uk=f"{city_uk} міська рада",
                name_en=f"{city_en} City Council",
                org_type=OrganisationType.LOCAL_COUNCIL,
            )
        )
    Organisation.objects.bulk_create(authorities)

    def title(action_from: str, object_from: str, qualifier: str) -> str:
        action, _, _ = action_from.partition(" ")
        object_words = object_from.split()[1:] or object_from.split()
        cut = rng.randint(min(2, len(object_words)), len(object_words))
        return " ".join(filter(None, (action, *object_words[:cut], qualifier)))[:255]

    def sentences(text: str | None, k: int) -> list[str]:
        parts = [p.strip() for p in (text or "").replace("\n", " ").split(". ") if p.strip()]
        return rng.sample(parts, min(k, len(parts)))

    services = []
    for n in range(count):
        base, other, third = (rng.choice(demo) for _ in range(3))
        qualifier_uk, qualifier_en = rng.choice(QUALIFIERS)
        title_uk = title(base.title_uk, other.title_uk, qualifier_uk)
        services.append(
            PublicService(
                identifier=f"GEN-{n:05d}",
                slug=f"generated-{n}",
                title=title_uk,
                title_uk=title_uk,
                title_en=title(base.title_en or "", other.title_en or "", qualifier_en),
                summary_uk=other.summary_uk,
                summary_en=other.summary_en,
                description_uk=". ".join(sentences(other.description_uk, 2) + sentences(third.description_uk, 2)),
                description_en=". ".join(sentences(other.description_en, 2) + sentences(third.description_en, 2)),
                sector=other.sector,
                competent_authority=rng.choice(authorities),
                for_citizens=other.for_citizens,
                for_businesses=other.for_businesses,
                cost_kind="free",
                popularity=min(int(rng.expovariate(1 / 120)), 1000),
                status=PublicationStatus.PUBLISHED if rng.random() < 0.9 else PublicationStatus.DRAFT,
            )
        )
    PublicService.objects.bulk_create(services, batch_size=500)


def stamp_ms() -> float:
    """Median time of the freshness check every search starts with."""
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        search._catalogue_stamp()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(name: str, cases: list[dict]) -> tuple[dict, list]:
    """One row of figures: index build, memory, relevance, then latency."""
    row = {"name": name, "published": PublicService.objects.filter(status=PublicationStatus.PUBLISHED).count()}
    row["build"] = build_seconds()
    row["rss"] = peak_rss_mb()
    row["mrr"], misses = mrr_at_5(cases)
    row.update(latency_ms(cases))
    row["stamp"] = stamp_ms()
    return row, misses


def main() -> None:
    started = time.perf_counter()
    try:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", verbosity=0)
        cases = load_relevance()
        demo_row, demo_misses = measure("demo", cases)
        generate_catalogue(GENERATED)
        big_row, big_misses = measure(f"demo + {GENERATED:,} generated", cases)
    finally:
        connection.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)

    print(
        f"\nCatalogue search: {len(cases)} relevance queries; latency of search_services() over {REPEATS} warm passes"
    )
    print("(stamp = the freshness check each search starts with; build = first search after a reset)\n")
    columns = [
        ("catalogue", "name", "<27", ""),
        ("published", "published", ">9", "d"),
        ("MRR@5", "mrr", ">6", ".3f"),
        ("p50 ms", "p50", ">7", ".2f"),
        ("p95 ms", "p95", ">7", ".2f"),
        ("p99 ms", "p99", ">7", ".2f"),
        ("stamp ms", "stamp", ">8", ".2f"),
        ("build s", "build", ">7", ".2f"),
        ("peak RSS MB", "rss", ">11", ".0f"),
    ]
    header = " ".join(f"{title:{align}}" for title, _, align, _ in columns)
    print(header)
    print("-" * len(header))
    for row in (demo_row, big_row):
        print(" ".join(f"{row[key]:{align}{fmt}}" for _, key, align, fmt in columns))
    for title, misses in (("demo", demo_misses), (f"demo + {GENERATED:,}", big_misses)):
        print(f"\nNot first on {title} ({len(misses)}): query → expected (rank; top 3)")
        for query, expect, rank, top in misses[:MAX_MISSES_SHOWN]:
            print(f"  {query!r} → {expect} ({rank or '-'}; {', '.join(top)})")
    print(f"\nTotal run time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
