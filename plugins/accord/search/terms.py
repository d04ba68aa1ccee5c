"""Words for search and for comparing texts: one tokeniser, one stop list, one stemmer.

The Whoosh index analyses text with `ANALYZER`; `stems()` gives the same terms as fast
as Python allows (a C regex and a cached stemmer), for scoring thousands of texts at
once in a site build.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections import Counter
from pathlib import Path

from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.lang.porter import stem

# Words that say nothing about a text's subject: common English function words, and those
# of a question ("what went wrong last time…").
FUNCTION_WORDS = frozenset((
    "about", "above", "after", "again", "against", "all", "almost", "along", "already", "also", "although",
    "among", "another", "any", "anyone", "anything", "are", "around", "because", "been", "before", "behind",
    "being", "below", "between", "both", "but", "came", "come", "comes", "could", "did", "do", "does",
    "doing", "done", "each", "either", "else", "enough", "even", "ever", "every", "few", "first", "former",
    "further", "gave", "get", "give", "given", "gives", "giving", "go", "goes", "going", "got", "had", "has",
    "here", "how", "however", "i", "into", "it's", "its", "itself", "just", "last", "later", "least", "less",
    "like", "made", "make", "makes", "many", "me", "might", "more", "most", "much", "must", "my", "near",
    "need", "needs", "never", "new", "next", "no", "nor", "now", "off", "often", "once", "one", "only",
    "other", "others", "otherwise", "our", "ours", "out", "over", "own", "per", "put", "rather", "same",
    "second", "several", "shall", "she", "should", "since", "so", "some", "still", "such", "take", "taken",
    "than", "that", "their", "theirs", "them", "themselves", "then", "there", "therefore", "these", "they",
    "thing", "things", "third", "those", "though", "three", "through", "thus", "time", "times", "together",
    "too", "took", "toward", "two", "under", "until", "up", "upon", "use", "used", "uses", "using", "very",
    "via", "was", "way", "ways", "well", "went", "were", "what", "whatever", "when", "whenever", "where",
    "whether", "which", "while", "who", "whole", "whom", "whose", "why", "within", "without", "would", "yes",
    "yet",
))
MONTHS = frozenset((
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
))
STOP = STOP_WORDS | FUNCTION_WORDS | MONTHS
MIN_SIZE = 2
TOKEN = re.compile(r"\w+(?:\.?\w+)*")

ANALYZER = StemmingAnalyzer(expression=TOKEN.pattern, stoplist=STOP, minsize=MIN_SIZE, cachesize=-1)
"""Titles, bodies and lessons in the index: words, lower-cased, stop words out, stemmed."""


@functools.lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    return stem(word)


def words(text: str) -> list[str]:
    """The words of `text` that carry meaning, lower-cased and unstemmed."""
    return [w for w in TOKEN.findall(text.lower()) if len(w) >= MIN_SIZE and w not in STOP]


def stems(text: str) -> Counter[str]:
    """How often each stemmed term occurs in `text`: what `ANALYZER` would index."""
    return Counter(map(stem_word, words(text)))


_ENGLISH = Path(__file__).with_name("english.txt.gz")


@functools.cache
def _english() -> frozenset[str]:
    with gzip.open(_ENGLISH, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines if not line.startswith("#"))


def english(word: str) -> bool:
    """Whether `word` (four letters or more) is an English word, in British or American spelling
    (SCOWL's size-50 lists, 74,000 words with their inflections and common names: english.NOTICE).
    Search corrects only a word that is neither in the index nor here: `mold` is not a typo of
    `hold`, however close they are."""
    return word.lower() in _english()
