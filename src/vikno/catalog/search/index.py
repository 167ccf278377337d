"""The in-memory tantivy index of the published catalogue, and the per-process snapshot kept fresh by a stamp."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import tantivy
from django.db import connection, models

from vikno.catalog.constants import Audience
from vikno.catalog.models import Organisation, PublicService, Sector
from vikno.catalog.search.knobs import FIELD_BOOSTS, POPULARITY_WEIGHT
from vikno.catalog.search.text import content_terms, ukrainian_lemma_text
from vikno.catalog.selectors import published_services

LANGUAGES = ("uk", "en")


def _field(part: str, language: str) -> str:
    return f"{part}_{language}"


def _build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("pk", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("audience", tokenizer_name="raw", index_option="basic")
    for part in FIELD_BOOSTS:
        builder.add_text_field(_field(part, "uk"), tokenizer_name="whitespace")
        builder.add_text_field(_field(part, "en"), tokenizer_name="en_stem")
    for lang in LANGUAGES:
        # Each keyword as one term, its words as index terms: "загубив права" → "загубити право".
        builder.add_text_field(_field("keyphrase", lang), tokenizer_name="raw", index_option="basic")
    return builder.build()


_ROW_FIELDS = (
    "pk",
    "popularity",
    "for_citizens",
    "for_businesses",
    *(f"{part}_{lang}" for part in ("title", "summary", "keywords", "description") for lang in LANGUAGES),
    *(f"competent_authority__name_{lang}" for lang in LANGUAGES),
    *(f"competent_authority__short_name_{lang}" for lang in LANGUAGES),
    *(f"sector__name_{lang}" for lang in LANGUAGES),
)


def _document(row: dict) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("pk", str(row["pk"]))
    if row["for_citizens"]:
        doc.add_text("audience", Audience.CITIZENS.value)
    if row["for_businesses"]:
        doc.add_text("audience", Audience.BUSINESSES.value)
    for lang in LANGUAGES:
        texts = {
            "title": row[f"title_{lang}"],
            "summary": row[f"summary_{lang}"],
            "keywords": row[f"keywords_{lang}"],
            "description": row[f"description_{lang}"],
            "authority": " ".join(
                filter(
                    None,
                    (
                        row[f"competent_authority__name_{lang}"],
                        row[f"competent_authority__short_name_{lang}"],
                    ),
                )
            ),
            "sector": row[f"sector__name_{lang}"],
        }
        for part, text in texts.items():
            if not text:
                continue
            doc.add_text(_field(part, lang), ukrainian_lemma_text(text) if lang == "uk" else text)
        for keyword in (texts["keywords"] or "").split(","):
            terms = content_terms(keyword)[lang]
            if terms:
                doc.add_text(_field("keyphrase", lang), " ".join(terms))
    return doc


@dataclass(frozen=True)
class CatalogueIndex:
    """A built index and what ranking needs beside it."""

    index: tantivy.Index
    searcher: tantivy.Searcher
    prior: dict[str, float]  # service pk → popularity factor, 1.0 to 1 + POPULARITY_WEIGHT

    @property
    def size(self) -> int:
        return len(self.prior)


def build_index(rows: Iterable[dict]) -> CatalogueIndex:
    """An in-memory index of the given service rows (dicts with the keys in ``_ROW_FIELDS``)."""
    index = tantivy.Index(_build_schema())  # no path: the index lives in memory
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    popularity: dict[str, int] = {}
    for row in rows:
        writer.add_document(_document(row))
        popularity[str(row["pk"])] = row["popularity"] or 0
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    # Popularity breaks near-ties between similar services; the square root flattens the long tail.
    top = max(popularity.values(), default=0) or 1
    prior = {pk: 1 + POPULARITY_WEIGHT * math.sqrt(value / top) for pk, value in popularity.items()}
    return CatalogueIndex(index=index, searcher=index.searcher(), prior=prior)


@dataclass(frozen=True)
class _Snapshot:
    stamp: tuple
    catalogue: CatalogueIndex


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def _catalogue_stamp() -> tuple:
    """Changes whenever a service is added, removed or edited (publishing included), or an authority or a
    sector is renamed.

    One statement of four scalar subqueries, run before every search. Each part is a lookup the database
    answers from an index (a count, and MAX of ``service_updated_at_idx``), so it stays well under a millisecond
    at 10,000 services; authorities and sectors are a few hundred rows at most. Plain SQL
    because the ORM cannot express a SELECT of independent subqueries; the names come from the models.
    """
    quote = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return quote(model._meta.db_table)

    updated = quote("updated_at")
    # Table and column names from the models, quoted by the backend; nothing from the request (S608).
    count = f"(SELECT COUNT(*) FROM {table(PublicService)})"  # noqa: S608
    latest = [
        f"(SELECT MAX({updated}) FROM {table(model)})"  # noqa: S608
        for model in (PublicService, Organisation, Sector)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([count, *latest]))
        return tuple(cursor.fetchone())


def _published_rows() -> Iterable[dict]:
    return published_services().values(*_ROW_FIELDS).iterator(chunk_size=1000)


def _current_catalogue() -> CatalogueIndex:
    global _snapshot
    stamp = _catalogue_stamp()
    snapshot = _snapshot
    if snapshot is not None and snapshot.stamp == stamp:
        return snapshot.catalogue
    with _lock:
        # Another thread may have rebuilt while this one waited. A change made during a rebuild is stamped
        # with the older stamp, so the next search sees a difference and rebuilds again: late, never lost.
        snapshot = _snapshot
        if snapshot is None or snapshot.stamp != stamp:
            snapshot = _Snapshot(stamp=stamp, catalogue=build_index(_published_rows()))
            _snapshot = snapshot
    return snapshot.catalogue


def search_index_reset() -> None:
    """Forget the index; the next search builds it afresh (for tests and benchmarks)."""
    global _snapshot
    with _lock:
        _snapshot = None
