"""Limits on what a query may cost, and the relevance knobs (set against ``search_relevance.yaml``)."""

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
# Parts scored by the rarity of the word alone (see query._word_clause), and the scale of that score.
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
