"""Text analysis shared by the index and queries: words, Ukrainian lemmas (pymorphy3), English stems."""

from __future__ import annotations

import re
from functools import lru_cache

import pymorphy3
import tantivy

from vikno.catalog.search.knobs import MAX_WORD_CHARS


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
