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

The modules:

* ``knobs``: the limits on what a query may cost and the relevance knobs;
* ``text``: words, Ukrainian lemmas, English stems, stop words (the analysis both the index and queries use);
* ``index``: the schema, one document per service, the in-memory index and its per-process snapshot;
* ``query``: the clauses of a query, ranking and ``search_services``.

The knobs in ``knobs.py`` were set against ``search_relevance.yaml`` (next to this package);
``bench/search_bench.py`` prints MRR@5 and latency.
"""

from vikno.catalog.search.index import CatalogueIndex, build_index, search_index_reset
from vikno.catalog.search.index import _catalogue_stamp as _catalogue_stamp  # bench/search_bench.py times it
from vikno.catalog.search.query import SearchHit, build_query, search_services
from vikno.catalog.search.text import content_terms, lemmas, ukrainian_lemma_text, words

__all__ = [
    "CatalogueIndex",
    "SearchHit",
    "build_index",
    "build_query",
    "content_terms",
    "lemmas",
    "search_index_reset",
    "search_services",
    "ukrainian_lemma_text",
    "words",
]
