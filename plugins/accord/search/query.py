"""Asking the search index: query parsing, typo correction, filters, ranked results with snippets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import highlight
from whoosh.qparser import FieldAliasPlugin, OrGroup, QueryParser
from whoosh.query import Every, Or, Phrase, Query, QueryError, Term
from whoosh.sorting import FieldFacet

from accord.search import scoring
from accord.search.filters import Filters
from accord.search.index import SearchIndex
from accord.search.schema import PART_FIELDS
from accord.search.terms import ANALYZER, MIN_SIZE, STOP, english, stem_word, words
from accord.search.text import plain_text

# A word of the query that could be a typo: letters only, not a field name (`title:`),
# not an operator, not part of a wildcard.
_WORD = re.compile(r"(?<![\w:*?~^])[^\W\d_]{4,}(?![\w:*?~^])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
START, END = "\x02", "\x03"  # around highlighted words in snippets


@dataclass
class Result:
    id: str
    type: str
    title: str
    score: float
    snippet: str  # highlighted words between START and END
    path: str  # docs-relative
    url: str  # site-relative
    line: int
    record: str
    context: dict[str, Any] = field(default_factory=dict)  # impact, topics, parent title…
    missing: int = 0  # how many words of the question it misses (accord.search.query.missing)


@dataclass
class Response:
    query: str
    searched: str  # the query after corrections
    corrections: dict[str, str]
    results: list[Result]
    total: int
    unknown: list[str]  # words found nowhere, with no correction
    without_filters: int | None = None  # results the query would have without the filters


class _Marker(highlight.Formatter):
    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return START + highlight.get_text(text, token, replace) + END


def parser(ix: SearchIndex) -> QueryParser:
    with ix.searcher() as searcher:
        schema = searcher.schema
    query_parser = QueryParser("text", schema, group=OrGroup)
    query_parser.add_plugin(FieldAliasPlugin(ALIASES))
    return query_parser


def live(reader: Any, field: str, term: str) -> bool:
    """Whether a document that is still in the index has `term` in `field`. (Whoosh's
    term counts include documents deleted since the last merge: a record that became
    internal would otherwise still lend its words to a public search's corrections.)"""
    try:
        return bool(reader.postings(field, term).is_active())
    except Exception:  # no such term (Whoosh raises TermNotFound)
        return False


def _known(reader: Any, word: str) -> bool:
    return live(reader, "text", stem_word(word)) or live(reader, "topics", word)


def correct(ix: SearchIndex, reader: Any, text: str) -> tuple[str, dict[str, str], list[str]]:
    """The query with each word that is in no document replaced by the nearest word
    that is (one edit for short words, two for longer ones), and the words left unknown.
    A word of the language is never replaced, only a word that is neither in a document
    nor in English (terms.english): "damp and mold" is not "damp and hold"."""
    corrections: dict[str, str] = {}
    unknown: list[str] = []
    vocabulary: list[str] | None = None

    def fix(match: re.Match[str]) -> str:
        nonlocal vocabulary
        original = match.group(0)
        word = original.lower()
        if original in _OPERATORS or word in STOP or len(word) < MIN_SIZE or _known(reader, word):
            return original
        if english(word):
            unknown.append(original)
            return original
        if vocabulary is None:
            vocabulary = ix.words()
        limit = 1 if len(word) <= 5 else 2
        found = process.extract(word, vocabulary, scorer=Levenshtein.distance, score_cutoff=limit, limit=8)
        candidates = [(distance, -_frequency(reader, w), w) for w, distance, _ in found if _known(reader, w)]
        if not candidates:
            unknown.append(original)
            return original
        best = min(candidates)[2]
        corrections[original] = best
        return best

    return _WORD.sub(fix, text), corrections, unknown


def _frequency(reader: Any, word: str) -> int:
    term = stem_word(word)
    return int(reader.doc_frequency("text", term))


def search(ix: SearchIndex, text: str, filters: Filters | None = None, limit: int = 10) -> Response:
    filters = filters or Filters()
    filter_query = filters.query()
    query_parser = parser(ix)
    wanted = max(limit, RERANKED)
    asked = subject(question(text))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        searched, corrections, unknown = correct(ix, reader, asked) if asked.strip() else (asked, {}, [])
        query = _parse(query_parser, searched)
        try:
            hits, total = _hits(searcher, query, filter_query, wanted, name_weight(text))
        except QueryError as exc:
            raise QueryProblem(f"cannot search for “{text}”: {exc}") from None
        terms = _terms(query)
        weights = letter_weights(text)
        weighted = sorted(((fields, score * weights.get(letter(fields), 1.0), missed)
                           for fields, score, missed in hits), key=lambda hit: (hit[2], -hit[1]))
        results = [_result(ix, fields, score, terms, missed) for fields, score, missed in weighted[:limit]]
        without = None
        if not results and filter_query is not None:
            without = _hits(searcher, query, None, 1)[1]
    return Response(text, searched, corrections, results, total, unknown, without)


class QueryProblem(Exception):
    """The query cannot be read or searched: the message says why, for the person who wrote it."""


# What a query may name, with `field:`: fields that are indexed (the rest are only stored).
SEARCHABLE = ("text", "title", "summary", "lesson", "facts", "topics", "tags", "partners", "kinds", "sectors",
              "type", "impact", "phase", "id", "record", "date")
ALIASES = {"topics": ["topic"], "partners": ["partner"], "kinds": ["kind"], "sectors": ["sector"], "tags": ["tag"],
           "facts": ["party", "parties", "objective", "objectives", "activity"]}
_FIELD_NAMES = frozenset([*SEARCHABLE, *(name for names in ALIASES.values() for name in names)])


def _parse(query_parser: QueryParser, text: str) -> Query:
    if not text.strip():
        return Every()
    try:
        query = query_parser.parse(text).accept(_phrases_in_parts)
    except Exception as exc:  # Whoosh's parser raises what its plugins raise (dates, ranges…)
        raise QueryProblem(f"cannot read the query “{text}”: {exc}") from None
    unknown = sorted({name for leaf in query.leaves() if (name := getattr(leaf, "fieldname", None))
                      and name not in SEARCHABLE})
    if unknown:
        raise QueryProblem(f"cannot search the field `{unknown[0]}`; fields: {', '.join(SEARCHABLE[1:])} "
                           "(or leave the field out to search everything)")
    return query


def _phrases_in_parts(node: Query) -> Query:
    """`text` keeps no positions (accord.search.schema): a phrase is looked for in each part that does."""
    if isinstance(node, Phrase) and node.fieldname == "text":
        return Or([Phrase(name, node.words, slop=node.slop, boost=node.boost) for name in PART_FIELDS])
    return node


def held_share(searcher: Any, terms: list[str], coverage: np.ndarray, named: np.ndarray | None) -> np.ndarray:
    """What a document's score is multiplied by, within its tier (`missing`): the share of
    the question it holds, each word weighed by its idf (of two results missing a word
    each, the one missing "hospital" comes after the one missing "data"), 1 for a document
    holding every word or a record the question names. A word no record has is not counted."""
    present = sum(searcher.idf("text", term) for term in set(terms) if searcher.doc_frequency("text", term))
    share = np.minimum(coverage / max(present, 1e-9), 1.0)
    if named is not None:
        share[named >= NAMES_IT] = 1.0
    return share


# A word of the question that this share of the records or more hold ("agreement",
# "partnership", "funding" in a knowledge base of partnership agreements) says little about
# which to read: it scores, but a result missing it is not put below those that have it
# (as Elasticsearch's common terms query does with its cutoff frequency). Without this,
# questions asked in other words than the records' (tests/data/relevance.yaml: "patients
# never agreed…", where the lesson says "consented") lost their answer below records that
# happen to hold a common word.
COMMON = 1 / 3
# The words that name a kind of record (singular or plural), by stem, and that kind: a
# record holds the word of its kind ("lessons from public private partnerships": every
# lesson holds "lessons"), and such a word is never common.
KIND_WORDS = {stem_word(word): kind for word, kind in (
    ("agreement", "agreement"), ("organisation", "organization"), ("organization", "organization"),
    ("playbook", "playbook"), ("retrospective", "retrospective"), ("lesson", "lesson"))}


def missing(searcher: Any, holding: dict[str, np.ndarray], named: np.ndarray | None) -> np.ndarray:
    """How many words of the question each document misses. Results come in tiers by it:
    every result holding all the words before any missing one, those missing one before
    those missing two, and so on; the score orders each tier.

    The words of the question are its distinct stems once stop words are out ("hospitals"
    and "hospital" are one word), typos corrected. Not counted: a word no record holds
    (all miss it) and a common word (COMMON), unless it names a kind of record. A document
    holds a word when the word's stem is anywhere in what is searched of it: title,
    summary, body, a lesson's event, lesson and recommendation, parties' names, kinds and
    sectors in words, objectives, RACI activities, topics and tags, a lesson's
    retrospective's title; and the word of its kind (KIND_WORDS). A record the question
    names (NAMES_IT: "partnering with the University of Northvale") misses nothing."""
    records = searcher.doc_count()
    missed = np.zeros(searcher.doc_count_all(), dtype=np.int64)
    for term, held in holding.items():
        kind = KIND_WORDS.get(term)
        if kind is not None:
            held = held.copy()
            held[list(searcher.docs_for_query(Term("type", kind)))] = True
        elif np.count_nonzero(held) >= COMMON * records:
            continue
        if held.any():
            missed += ~held
    if named is not None:
        missed[named >= NAMES_IT] = 0
    return missed


def _hits(searcher: Any, query: Query, filter_query: Query | None, limit: int, names: float = 0.0,
          ) -> tuple[list[tuple[dict[str, Any], float, int]], int]:
    """The best `limit` documents (stored fields, score, how many words of the question it
    misses) and how many match in all. `names`: the weight of a record whose title the words
    name (NAME_WEIGHT). A query in the query syntax (a field, a phrase, a wildcard, AND, NOT…)
    is ranked by Whoosh's score alone: none of its results is counted as missing a word."""
    terms = scoring.plain_terms(query)
    if terms is not None:
        coverage = np.zeros(searcher.doc_count_all())
        holding: dict[str, np.ndarray] = {}
        try:
            scores = scoring.bm25f(searcher, terms, scoring.mask(searcher, filter_query), coverage, holding)
        except scoring.Unsupported:
            pass
        else:
            named = scoring.title_overlap(searcher, terms) if names else None
            if named is not None and named.any():  # a record the question names: lessons' titles name no record
                named[list(searcher.docs_for_query(Term("type", "lesson")))] = 0.0
                scores *= 1 + names * named
            scores *= held_share(searcher, terms, coverage, named)
            missed = missing(searcher, holding, named)
            best = scoring.top(scores, limit, missed)
            return ([(searcher.stored_fields(doc), score, int(missed[doc])) for doc, score in best],
                    int(np.count_nonzero(scores)))
    if isinstance(query, Every):  # no words: what the filters let through, newest first
        found = searcher.search(query, limit=limit, filter=filter_query, sortedby=FieldFacet("date", reverse=True))
    else:
        found = searcher.search(query, limit=limit, filter=filter_query)
    hits = [(found[i].fields(), found[i].score or 0.0, 0) for i in range(found.scored_length())]
    total = found.scored_length() if found.scored_length() < limit else found.estimated_length()
    return hits, total


RERANKED = 50  # the best hits, re-ranked by what kind of result each is

# What kind of result a question asks for, from how it is asked. Each document has a
# letter (its type; a lesson that went wrong is `n`); its score is multiplied by its
# letter's weight, and again by that of each question form the question has. The site's
# search box reads these from its index (accord.search.static), so both rank alike.
LETTERS = {"agreement": "a", "organization": "o", "playbook": "b", "retrospective": "t", "lesson": "l", "page": "p"}
WEIGHTS = {"l": 1.5, "n": 1.5, "p": 0.6}  # people search past lessons first; other pages (guides) last
_PROBLEM = re.compile(r"\b(wrong|problems?|fail\w*|mistakes?|issues?|pitfalls?|avoid|late|delay\w*)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Form:
    """A form of question, and the weights it gives kinds of results. The words that make the
    form ("wrong", "responsible") say what is asked, not what about: they are not searched
    for, unless nothing else is left. `names`: whether a record the question names comes
    first (what went wrong with a partner is in lessons, not on the partner's page)."""

    name: str
    pattern: re.Pattern[str]
    weights: dict[str, float]
    names: bool = True


FORMS = (
    # "what went wrong…": the lessons that went wrong
    Form("problems", _PROBLEM, {"n": 1.3}, names=False),
    # "who is responsible for…", "who funds…": agreements (their parties and RACI) and partners
    Form("who", re.compile(r"^\W*who\b|\b(responsible|accountable|in charge)\b", re.IGNORECASE),
         {"a": 1.5, "o": 1.5, "l": 1 / 1.5, "n": 1 / 1.5}),
    # "how do I…", "how to…": playbooks
    Form("how", re.compile(r"^\W*how\s+(do|does|to|should|can|could|would|shall)\b|\b(playbooks?|checklists?)\b",
                           re.IGNORECASE), {"b": 1.5}),
)
# A record whose title the question names (a partner, an agreement, a playbook) comes
# first: its score is multiplied by 1 + NAME_WEIGHT × the overlap of the title's words and
# the question's (Jaccard: shared ÷ all, 1 for the title itself).
NAME_WEIGHT = 4.0
NAMED = frozenset("aobt")  # the letters of records (not lessons, not other pages)
# The overlap from which a question names a record: it holds the question (held_share).
NAMES_IT = 0.5


def letter(hit: dict[str, Any]) -> str:
    if hit["type"] == "lesson" and hit.get("impact") in ("negative", "mixed"):
        return "n"
    return LETTERS.get(hit["type"], "p")


def letter_weights(text: str) -> dict[str, float]:
    """Each letter's weight for this question."""
    weights = dict(WEIGHTS)
    for form in FORMS:
        if form.pattern.search(text):
            for key, value in form.weights.items():
                weights[key] = weights.get(key, 1.0) * value
    return weights


def name_weight(text: str) -> float:
    """NAME_WEIGHT, or 0 for a form of question that asks for no record by name."""
    return 0.0 if any(not form.names and form.pattern.search(text) for form in FORMS) else NAME_WEIGHT


_SYNTAX = re.compile(r"[\"*:()\[\]{}^~]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b")


def subject(text: str) -> str:
    """The words of a question that say what it is about: without the words of its form,
    unless nothing would be left (a query in the query syntax is left as written)."""
    if _SYNTAX.search(text):
        return text
    rest = text
    for form in FORMS:
        rest = form.pattern.sub(" ", rest)
    return rest if words(rest) else text


# Punctuation that ends a word in a question ("consent?", "hospital, school"), which the
# query syntax would read as a wildcard or leave on the word.
# (from the start of a run only, taken whole: linear whatever the text)
_TRAILING = re.compile(r"(?<![?!.,;*])[?!.,;]++(?=\s|$)")
_COLON = re.compile(r"(?<![\w\\])(\w+):(?!//)")


def question(text: str) -> str:
    """A question as the query syntax reads it: a `?`, `!`, `.`, `,` or `;` ending a word is
    punctuation (a wildcard is `*`), and `word:` is a field only for a field there is."""
    if not text.strip():
        return text
    text = _TRAILING.sub(" ", text)
    return _COLON.sub(lambda m: m.group(0) if m.group(1).lower() in _FIELD_NAMES else m.group(1) + " ", text)


_SNIPPET_FIELDS = ("lesson", "summary", "facts", "title")


def _terms(query: Query) -> frozenset[str]:
    """The analysed words a query looks for in text (for highlighting)."""
    found = set()
    for name, text in query.iter_all_terms():
        if name in ("text", "title", "summary", "lesson", "facts"):
            found.add(text.decode() if isinstance(text, bytes) else text)
    return frozenset(found)


def _highlight(text: str, terms: frozenset[str]) -> str:
    if not terms or not text:
        return ""
    fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
    return highlight.highlight(text, terms, ANALYZER, fragmenter, _Marker(), top=2)


def _result(ix: SearchIndex, hit: dict[str, Any], score: float, terms: frozenset[str], missed: int = 0,
            ) -> Result:
    snippet = ""
    for name in _SNIPPET_FIELDS:
        snippet = _highlight(hit.get(name, ""), terms)
        if snippet:
            break
    if not snippet and hit["type"] != "lesson":
        snippet = _highlight(_body(ix.docs_dir / hit["path"]), terms)
    if not snippet:  # nothing matched words (a filter-only search): the start of the text
        first = next((hit[name] for name in ("lesson", "summary", "facts") if hit.get(name)), "")
        snippet = first[:200] + (" …" if len(first) > 200 else "")
    context = {key: hit[key] for key in ("impact", "topics", "partners", "kinds", "parent_title") if hit.get(key)}
    if hit.get("date"):
        context["date"] = hit["date"].date().isoformat()
    return Result(
        id=hit["id"], type=hit["type"], title=hit["title"], score=round(score, 3),
        snippet=" ".join(snippet.split()), path=hit["path"], url=hit["url"], line=hit.get("line") or 1,
        record=hit["record"], context=context, missing=missed,
    )


def _body(path: Path) -> str:
    from accord.format.source import HANDLER

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    try:
        _, body = HANDLER.split(text)
    except Exception:
        return ""
    return plain_text(body)
