"""Full-text search of the published catalogue: tantivy for the index, pymorphy3 for Ukrainian word forms.

How it works, in short:

* **One in-memory index per process.** It is built lazily from the database on the first search and rebuilt
  when the catalogue changes. Every search reads a cheap stamp (one query: the number of services and the
  latest ``updated_at`` of services, organisations and sectors); a new stamp means a rebuild.
  Rebuilds are serialised by a lock; searches meanwhile keep reading the snapshot they already hold. Only
  published services are indexed, and the rows are re-read from the database with the same filter after the
  search, so a draft or a withdrawn service can never be shown.
* **Ukrainian text** is cut into words, each word is reduced to its dictionary forms with pymorphy3
  ("паспорта", "паспортом" → "паспорт"), and the lemmas are indexed with tantivy's ``whitespace`` tokenizer so
  tantivy does not stem them a second time. A query is lemmatised by the very same function, so both sides
  always agree. Where pymorphy3 cannot choose (``віку`` may be ``вік`` or ``віко``) every common-noun reading
  is kept, on both sides; readings as personal names are dropped because they only add noise.
* **English text** uses tantivy's built-in ``en_stem`` analyzer for the index; queries are analysed with an
  analyzer built from the same parts (simple tokenizer, remove-long, lowercase, English stemmer).
* **The query** is plain text, never tantivy query syntax: each word becomes one clause that matches its exact
  lemma or stem in any field (with per-field boosts, title and keywords highest). A word that no service has
  in its title, keywords, summary or sector is taken as misspelt or half typed: it also matches, with a
  smaller score, words within one or two typing errors (``пасорт``, ``субсідія``), for a verb the nouns made
  from it ("розлучитися" → "розлучення") and, for the last word, the words it begins (search as you type).
  Clauses are OR-ed, so services matching more of the words rank higher. Both languages are searched at
  once, so mixed queries ("ID card паспорт") work.
* **Ranking** is tantivy's BM25 per word, best field first (keywords are scored by the word's rarity alone,
  as editors' keyword lists vary in length), plus bonuses for services that match most or all of the words,
  for two query words found side by side, and for query words that are, word for word, one of the service's
  keywords ("загубив права"); times a small popularity prior (at most +20 %) that settles near-ties between
  similar services in favour of the one people use most.

The knobs below were set against ``search_relevance.yaml``; ``bench/search_bench.py`` prints MRR@5 and latency.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pymorphy3
import tantivy
from django.db import connection, models

from vikno.catalog.constants import Audience
from vikno.catalog.models import Organisation, PublicService, Sector
from vikno.catalog.selectors import published_services, service_list_public

# --- Limits on what a query may cost ----------------------------------------------------------------------
MAX_QUERY_CHARS = 500  # the form allows 200; anything past this is not read at all
MAX_QUERY_WORDS = 12
MAX_WORD_CHARS = 40  # same limit as tantivy's remove_long filter in en_stem

# --- Relevance knobs ------------------------------------------------------------------------------------
# Weight of a match in each indexed part of a service (BM25 score is multiplied by it).
FIELD_BOOSTS = {
    "title": 4.0,
    "keywords": 3.5,
    "summary": 2.0,
    "authority": 1.0,
    "sector": 1.0,
    "description": 0.8,
}
# Parts scored by the rarity of the word alone (see _word_clause), and the scale of that score.
UNNORMALISED_FIELDS = ("keywords",)
UNNORMALISED_SCALE = 1.1
# The key parts of a service: an exact word found in one also scores PRESENCE_WEIGHT times the part's boost,
# and a word found in none of them is taken as misspelt and looked for with typing errors there (the long
# description is left out of that; it only adds noise).
FUZZY_FIELDS = ("title", "keywords", "summary", "sector")
PRESENCE_WEIGHT = 1.0
# A misspelt or half-typed word scores a constant (tantivy gives fuzzy matches no BM25): this share of the
# field's boost. Kept below a typical exact match so that exact words win.
FUZZY_WEIGHT = 0.45
PREFIX_WEIGHT = 0.4
# Matches in the reader's language count a little more; both languages are always searched.
OWN_LANGUAGE_WEIGHT = 1.2
# Within one query word the best-matching field counts in full, the others by this share.
TIE_BREAKER = 0.2
# Coordination bonuses: (share of the query words a service must match, bonus as a share of its score).
COORDINATION_TIERS = ((0.66, 0.35), (1.0, 0.35))
# Two neighbouring query words found side by side in these parts add this share of the part's boost.
PHRASE_FIELDS = ("title", "keywords", "summary")
PHRASE_WEIGHT = 1.0
# A run of up to KEYPHRASE_MAX_WORDS query words equal to a whole keyword adds this share of the keywords'
# boost per word.
KEYPHRASE_MAX_WORDS = 4
KEYPHRASE_WEIGHT = 4.0
# Among similar matches the more used service goes first: the score is multiplied by up to 1 + this.
POPULARITY_WEIGHT = 0.2

LANGUAGES = ("uk", "en")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no meaning in a search ("як отримати довідку для дитини" → "отримати довідку дитини").
UK_STOPWORDS = _wordset(
    """
    а або аби адже але б би бо в вам вас ви від він вона вони воно все всі втім де для до є же з за зі із
    і й їй їм їх його йому коли куди ліпше мене мені мій мною моя моє мої на над нам нас наш не ні ніж
    о от ось під після по поки при про саме свій себе собі та так також те тим то тобі тому треба ту тут ти
    у хоч хто це цей ця ці цього чи чий що щоб як який яка яке які якщо я
    можна можливо потрібно потрібен потрібна необхідно хочу хочемо будь ласка прошу
    """
)
EN_STOPWORDS = _wordset(
    """
    a an and are as at be but by can do does for from get getting how i if in into is it its me my no not of
    on or please such that the their then there these they this to was what when where which who will with
    you your want need
    """
)

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "′": "'", "´": "'"})
# A word: letters and digits, with apostrophes inside (Ukrainian "сім'я", "об'єкт"). Hyphens split words.
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_PROPER_NAMES = frozenset({"Name", "Surn", "Patr"})


@dataclass(frozen=True)
class SearchHit:
    service: PublicService
    score: float


# --- Text analysis --------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """Lower-case words of a text, apostrophes unified to the ASCII one pymorphy3's dictionary uses."""
    return _WORD.findall(text.lower().translate(_APOSTROPHES))


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="uk")


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> tuple[str, ...]:
    """Dictionary forms of one lower-case word; the word itself when it is not Ukrainian.

    All distinct readings that are not personal names count, best first, at most three: a query word and a
    text word then meet whenever they share any reading.
    """
    if not _CYRILLIC.search(word):
        return (word,)
    parses = _morph().parse(word)
    found: list[str] = []
    for parse in parses:
        if _PROPER_NAMES & parse.tag.grammemes:
            continue
        if parse.normal_form not in found:
            found.append(parse.normal_form)
            if len(found) == 3:
                break
    return tuple(found) or ((parses[0].normal_form,) if parses else (word,))


def ukrainian_lemma_text(text: str) -> str:
    """A text as space-separated lemmas, the form in which Ukrainian fields are indexed."""
    return " ".join(
        lemma
        for word in words(text)
        if len(word) <= MAX_WORD_CHARS and word not in UK_STOPWORDS
        for lemma in lemmas(word)
    )


@lru_cache(maxsize=1)
def _english_analyzer() -> tantivy.TextAnalyzer:
    """The same chain as tantivy's built-in ``en_stem``, to analyse query words the way the index did."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_WORD_CHARS))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def _index_terms(word: str) -> dict[str, tuple[str, ...]]:
    """What one word is looked up as, per index language: its lemmas, or its English stems (and, for a Latin
    word, the word itself in Ukrainian text: "ID-картка", "Дія.Підпис"). Nothing for a stop word."""
    if _CYRILLIC.search(word):
        return {} if word in UK_STOPWORDS else {"uk": lemmas(word)}
    if word in EN_STOPWORDS:
        return {}
    return {"en": tuple(_english_analyzer().analyze(word)), "uk": (word,)}


def content_terms(text: str) -> dict[str, list[str]]:
    """The meaningful words of a text in order, as index terms per language (one reading per word)."""
    found: dict[str, list[str]] = {"uk": [], "en": []}
    for word in words(text):
        if len(word) > MAX_WORD_CHARS:
            continue
        targets = _index_terms(word)
        found["uk"].extend(targets.get("uk", ())[:1])
        found["en"].extend(targets.get("en", ()))
    return found


# --- The index ------------------------------------------------------------------------------------------


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


# --- Queries --------------------------------------------------------------------------------------------


_INFINITIVE_ENDING = re.compile(r"[аеиіїоуюя]?(?:тися|тись|ти)$")


def _verb_stem(lemma: str) -> str | None:
    """The stem of a Ukrainian infinitive, at least four letters: "розлучитися" → "розлуч", "замінити" →
    "замін"; nouns made from the verb begin with it ("розлучення", "заміна")."""
    if not lemma.endswith(("ти", "тися", "тись")):
        return None
    stem = _INFINITIVE_ENDING.sub("", lemma)
    return stem if len(stem) >= 4 else None


def _fuzzy_distance(term: str) -> int:
    """Typing errors allowed in a word: none below 4 letters, one up to 7, two beyond."""
    if len(term) < 4 or any(ch.isdigit() for ch in term):
        return 0
    return 1 if len(term) <= 7 else 2


def _word_clause(catalogue: CatalogueIndex, word: str, *, last: bool, language: str) -> tantivy.Query | None:
    """Everything one query word may match, as one dismax clause (its best field counts)."""
    Q = tantivy.Query
    schema, searcher = catalogue.index.schema, catalogue.searcher
    options: list[tantivy.Query] = []

    def weight(part: str, lang: str) -> float:
        return FIELD_BOOSTS[part] * (OWN_LANGUAGE_WEIGHT if lang == language else 1.0)

    targets = _index_terms(word)
    for lang, terms in targets.items():
        known = False  # the word, as it is, is in the title, keywords, summary or sector of some service
        for term in terms:
            found_in = {part: searcher.doc_freq(_field(part, lang), term) for part in FIELD_BOOSTS}
            known = known or any(found_in[part] for part in FUZZY_FIELDS)
            # How rare the term is in the whole catalogue, whichever part of a service it appears in.
            commonest = max(found_in.values())
            idf = math.log(1 + (catalogue.size - commonest + 0.5) / (commonest + 0.5))
            for part, count in found_in.items():
                if not count:
                    continue  # a term no service has here: no clause at all
                exact = Q.term_query(schema, _field(part, lang), term)
                if part in UNNORMALISED_FIELDS:
                    # BM25 with no length normalisation: the term's rarity alone, at the scale of a typical
                    # BM25 score. A long keyword list is not less relevant than a short one, and when most
                    # services have no keywords BM25 would punish those that have them.
                    options.append(Q.const_score_query(exact, weight(part, lang) * idf * UNNORMALISED_SCALE))
                else:
                    options.append(Q.boost_query(exact, weight(part, lang)))
                if part in FUZZY_FIELDS:
                    # Plus a constant for being there at all: a word in the title, the keywords and the summary
                    # counts more than a word in one of them, whatever their lengths.
                    options.append(Q.const_score_query(exact, weight(part, lang) * PRESENCE_WEIGHT))
        if known or (lang == "uk" and "en" in targets):
            # A word the catalogue uses is taken as meant: looking for its neighbours too would only add
            # noise (and time). Latin words are looked up in Ukrainian text exactly.
            continue
        # Probably misspelt or half typed: words one or two edits away, from the lemma/stem and from the word
        # as typed (a misspelt word has no real lemma); and, for the last word, the words it begins.
        fuzzy_terms = {t: _fuzzy_distance(t) for t in (*terms[:1], word) if _fuzzy_distance(t)}
        # A verb the catalogue does not use also finds the nouns made from it: "одружитися" → "одруження".
        prefixes = {stem for stem in map(_verb_stem, terms) if stem and lang == "uk"}
        if last and len(word) >= 3:
            prefixes.add(word)
        for part in FUZZY_FIELDS:
            field = _field(part, lang)
            for term, distance in fuzzy_terms.items():
                fuzzy = Q.fuzzy_term_query(schema, field, term, distance=distance, transposition_cost_one=True)
                options.append(Q.boost_query(fuzzy, weight(part, lang) * FUZZY_WEIGHT))
            for start in prefixes:
                prefix = Q.fuzzy_term_query(schema, field, start, distance=0, prefix=True)
                options.append(Q.boost_query(prefix, weight(part, lang) * PREFIX_WEIGHT))
    if not options:
        return None
    return Q.disjunction_max_query(options, tie_breaker=TIE_BREAKER)


def _phrase_clause(catalogue: CatalogueIndex, query_words: list[str], *, language: str) -> tantivy.Query | None:
    """A bonus for two neighbouring query words found side by side ("місце проживання", "birth certificate").

    Stop words are left out on both sides, so "довідка з місця проживання" matches "довідка про місце
    проживання"; a slop of one absorbs the second reading of an ambiguous word in the index.
    """
    sequences = content_terms(" ".join(query_words))
    Q, searcher = tantivy.Query, catalogue.searcher
    pairs = []
    for lang, terms in sequences.items():
        for first, second in itertools.pairwise(terms):
            if first == second:
                continue
            options = []  # each pair counts once, in the part where it weighs most
            for part in PHRASE_FIELDS:
                field = _field(part, lang)
                if not (searcher.doc_freq(field, first) and searcher.doc_freq(field, second)):
                    continue
                phrase = Q.phrase_query(catalogue.index.schema, field, [first, second], slop=1)
                bonus = FIELD_BOOSTS[part] * PHRASE_WEIGHT * (OWN_LANGUAGE_WEIGHT if lang == language else 1.0)
                options.append(Q.const_score_query(phrase, bonus))
            if options:
                pairs.append((tantivy.Occur.Should, Q.disjunction_max_query(options, tie_breaker=0.0)))
    return Q.boolean_query(pairs) if pairs else None


def _keyphrase_clause(catalogue: CatalogueIndex, query_words: list[str], *, language: str) -> tantivy.Query | None:
    """A bonus for a run of query words that is, word for word, one of a service's keywords.

    Editors list the words people search with; "загубив права", "прописка" or "birth certificate" typed (in
    any form) as a keyword says what the person wants better than any frequency. Longer runs weigh more.
    """
    Q, searcher = tantivy.Query, catalogue.searcher
    bonuses = []
    for lang, terms in content_terms(" ".join(query_words)).items():
        field = _field("keyphrase", lang)
        for size in range(1, min(KEYPHRASE_MAX_WORDS, len(terms)) + 1):
            for start in range(len(terms) - size + 1):
                phrase = " ".join(terms[start : start + size])
                if not searcher.doc_freq(field, phrase):
                    continue
                weight = FIELD_BOOSTS["keywords"] * KEYPHRASE_WEIGHT * size
                weight *= OWN_LANGUAGE_WEIGHT if lang == language else 1.0
                term = Q.term_query(catalogue.index.schema, field, phrase)
                bonuses.append((tantivy.Occur.Should, Q.const_score_query(term, weight)))
    return Q.boolean_query(bonuses) if bonuses else None


def build_query(catalogue: CatalogueIndex, text: str, *, language: str, audience: str | None) -> tantivy.Query | None:
    """The tantivy query for a search text, or None when the text has no searchable word."""
    Q, Should, Must = tantivy.Query, tantivy.Occur.Should, tantivy.Occur.Must
    found = [w for w in words(text[:MAX_QUERY_CHARS]) if len(w) <= MAX_WORD_CHARS]
    query_words = list(dict.fromkeys(found))[:MAX_QUERY_WORDS]
    clauses = []
    for position, word in enumerate(query_words):
        clause = _word_clause(catalogue, word, last=position == len(query_words) - 1, language=language)
        if clause is not None:
            clauses.append((Should, clause))
    if not clauses:
        return None
    query = Q.boolean_query(clauses)
    extra: list[tuple[tantivy.Occur, tantivy.Query]] = []
    if len(clauses) > 1:
        # Coordination: a service that matches most of the words gets the sum of their scores once more,
        # times a bonus, and again if it matches all of them; so "загубив права" prefers the service about
        # lost licences over one that merely has "права" in its title many times.
        tiers: dict[int, float] = {}
        for share, weight in COORDINATION_TIERS:
            needed = max(2, math.ceil(share * len(clauses)))
            tiers[needed] = tiers.get(needed, 0.0) + weight
        extra.extend((Should, Q.boost_query(Q.boolean_query(clauses, n), w)) for n, w in tiers.items())
        phrases = _phrase_clause(catalogue, query_words, language=language)
        if phrases is not None:
            extra.append((Should, phrases))
    keyphrases = _keyphrase_clause(catalogue, query_words, language=language)
    if keyphrases is not None:
        extra.append((Should, keyphrases))
    if extra:
        # The bonuses only add to services that match the words anyway (Must).
        query = Q.boolean_query([(Must, query), *extra])
    if audience in (Audience.CITIZENS, Audience.BUSINESSES):
        audience_only = Q.const_score_query(Q.term_query(catalogue.index.schema, "audience", str(audience)), 0.0)
        query = Q.boolean_query([(Must, query), (Must, audience_only)])
    return query


def search_services(query: str, *, language: str, audience: str | None = None, limit: int = 20) -> list[SearchHit]:
    """Published services matching a free-text query, best first. Never raises on odd input."""
    if not query or limit <= 0:
        return []
    catalogue = _current_catalogue()
    tantivy_query = build_query(catalogue, query, language=language, audience=audience)
    if tantivy_query is None:
        return []
    searcher = catalogue.searcher
    # A few more candidates than asked for, so that the popularity prior can reorder near-ties.
    result = searcher.search(tantivy_query, limit=max(limit * 3, 30), count=False)
    ranked = []
    for score, address in result.hits:
        pk = searcher.doc(address)["pk"][0]
        ranked.append((pk, score * catalogue.prior.get(pk, 1.0)))
    ranked.sort(key=lambda item: item[1], reverse=True)
    ranked = ranked[:limit]
    if not ranked:
        return []
    # The database has the last word: only services published (and for the audience) right now are shown.
    services = service_list_public().filter(pk__in=[pk for pk, _ in ranked])
    if audience == Audience.CITIZENS:
        services = services.filter(for_citizens=True)
    elif audience == Audience.BUSINESSES:
        services = services.filter(for_businesses=True)
    by_pk = {str(service.pk): service for service in services}
    return [SearchHit(service=by_pk[pk], score=score) for pk, score in ranked if pk in by_pk]
