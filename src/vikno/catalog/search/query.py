"""Queries: one clause per word, bonuses for matching together, ranking, and the search itself."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import tantivy

from vikno.catalog.constants import Audience
from vikno.catalog.models import PublicService
from vikno.catalog.search.index import CatalogueIndex, _current_catalogue, _field
from vikno.catalog.search.knobs import (
    COORDINATION_TIERS,
    FIELD_BOOSTS,
    FUZZY_FIELDS,
    FUZZY_WEIGHT,
    KEYPHRASE_MAX_WORDS,
    KEYPHRASE_WEIGHT,
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    MAX_WORD_CHARS,
    OWN_LANGUAGE_WEIGHT,
    PHRASE_FIELDS,
    PHRASE_WEIGHT,
    PREFIX_WEIGHT,
    PRESENCE_WEIGHT,
    TIE_BREAKER,
    UNNORMALISED_FIELDS,
    UNNORMALISED_SCALE,
)
from vikno.catalog.search.text import _index_terms, content_terms, words
from vikno.catalog.selectors import service_list_public


@dataclass(frozen=True)
class SearchHit:
    service: PublicService
    score: float


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
