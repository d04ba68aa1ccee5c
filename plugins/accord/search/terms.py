"""Words for search and for comparing texts: one tokeniser, one stop list, one stemmer.

The Whoosh index analyses text with `ANALYZER`; `stems()` gives the same terms as fast
as Python allows (a C regex and a cached stemmer), for scoring thousands of texts at
once in a site build. The site's search box stems a question's words with `porter` in
templates/assets/search.js, which gives the same stems (tests/e2e/test_search_results.py).
"""

from __future__ import annotations

import functools
import gzip
import re
from collections import Counter
from pathlib import Path

from whoosh.analysis import STOP_WORDS, StemmingAnalyzer

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


# Porter's algorithm (https://tartarus.org/martin/PorterStemmer/), as Whoosh writes it
# (whoosh.lang.porter) but for two tests of step 1b that Whoosh anchors at the start of the
# word instead of its end: so "calibrating" became "calibrat", never "calibr" as
# "calibrate" does, and "planned" "plann". templates/assets/search.js has the same steps.
_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble", "alli": "al",
    "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate", "ator": "ate", "alism": "al",
    "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al", "iviti": "ive", "biliti": "ble",
    "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}
_C, _V = "[^aeiouy]+", "[aeiou]+"
_M_GT0 = re.compile(f"^({_C})?{_V}{_C}")
_M_EQ1 = re.compile(f"^({_C})?{_V}{_C}({_V})?$")
_M_GT1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")
_HAS_VOWEL = re.compile(f"^({_C})?[aeiouy]")
_CVC = re.compile(f"^{_C}[aeiouy][^aeiouwxy]$")
_ED_ING = re.compile("^(.*)(ed|ing)$")
_AT_BL_IZ = re.compile("(at|bl|iz)$")
_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_STEP2_RE = re.compile(f"^(.+?)({'|'.join(_STEP2)})$")
_STEP3_RE = re.compile(f"^(.+?)({'|'.join(_STEP3)})$")
_STEP4 = re.compile("^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$")
_STEP4_ION = re.compile("^(.+?)(s|t)(ion)$")


def porter(w: str) -> str:
    """The stem of a lower-case word."""
    if len(w) < 3:
        return w
    first_is_y = w[0] == "y"
    if first_is_y:
        w = "Y" + w[1:]
    if w.endswith("s"):  # step 1a
        if w.endswith(("sses", "ies")):
            w = w[:-2]
        elif w[-2] != "s":
            w = w[:-1]
    if w.endswith("eed"):  # step 1b
        if _M_GT0.match(w[:-3]):
            w = w[:-1]
    elif (m := _ED_ING.match(w)) and _HAS_VOWEL.match(m.group(1)):
        w = m.group(1)
        if _AT_BL_IZ.search(w):
            w += "e"
        elif _DOUBLE.search(w):
            w = w[:-1]
        elif _CVC.match(w):
            w += "e"
    if w.endswith("y") and _HAS_VOWEL.match(w[:-1]):  # step 1c
        w = w[:-1] + "i"
    if (m := _STEP2_RE.match(w)) and _M_GT0.match(m.group(1)):
        w = m.group(1) + _STEP2[m.group(2)]
    if (m := _STEP3_RE.match(w)) and _M_GT0.match(m.group(1)):
        w = m.group(1) + _STEP3[m.group(2)]
    if m := _STEP4.match(w):
        if _M_GT1.match(m.group(1)):
            w = m.group(1)
    elif (m := _STEP4_ION.match(w)) and _M_GT1.match(m.group(1) + m.group(2)):
        w = m.group(1) + m.group(2)
    if w.endswith("e"):  # step 5
        rest = w[:-1]
        if _M_GT1.match(rest) or (_M_EQ1.match(rest) and not _CVC.match(rest)):
            w = rest
    if w.endswith("ll") and _M_GT1.match(w):
        w = w[:-1]
    if first_is_y:
        w = "y" + w[1:]
    return w


@functools.lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    return porter(word)


ANALYZER = StemmingAnalyzer(expression=TOKEN.pattern, stoplist=STOP, minsize=MIN_SIZE, stemfn=porter, cachesize=-1)
"""Titles, bodies and lessons in the index: words, lower-cased, stop words out, stemmed."""


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
