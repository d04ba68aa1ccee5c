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
from whoosh.query import Every, Or, Phrase, Query, QueryError
from whoosh.sorting import FieldFacet

from accord.search import scoring
from accord.search.index import PART_FIELDS, Filters, SearchIndex
from accord.search.terms import ANALYZER, MIN_SIZE, STOP, stem_word
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
    query_parser.add_plugin(FieldAliasPlugin({
        "topics": ["topic"], "partners": ["partner"], "kinds": ["kind"], "sectors": ["sector"],
        "tags": ["tag"], "facts": ["party", "parties", "objective", "objectives", "activity"],
    }))
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
    that is (one edit for short words, two for longer ones), and the words left unknown."""
    corrections: dict[str, str] = {}
    unknown: list[str] = []
    vocabulary: list[str] | None = None

    def fix(match: re.Match[str]) -> str:
        nonlocal vocabulary
        original = match.group(0)
        word = original.lower()
        if original in _OPERATORS or word in STOP or len(word) < MIN_SIZE or _known(reader, word):
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
    with ix.searcher() as searcher:
        reader = searcher.reader()
        searched, corrections, unknown = correct(ix, reader, text) if text.strip() else (text, {}, [])
        query = _parse(query_parser, searched)
        try:
            hits, total = _hits(searcher, query, filter_query, wanted)
        except QueryError as exc:
            raise QueryProblem(f"cannot search for “{text}”: {exc}") from None
        terms = _terms(query)
        problems = bool(_PROBLEM.search(text))
        ranked = sorted(hits, key=lambda hit: -hit[1] * _weight(hit[0], problems))
        results = [_result(ix, fields, score * _weight(fields, problems), terms) for fields, score in ranked[:limit]]
        without = None
        if not results and filter_query is not None:
            without = _hits(searcher, query, None, 1)[1]
    return Response(text, searched, corrections, results, total, unknown, without)


class QueryProblem(Exception):
    """The query cannot be read or searched: the message says why, for the person who wrote it."""


# What a query may name, with `field:`: fields that are indexed (the rest are only stored).
SEARCHABLE = ("text", "title", "summary", "lesson", "facts", "topics", "tags", "partners", "kinds", "sectors",
              "type", "impact", "phase", "id", "record", "date")


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
    """`text` keeps no positions (accord.search.index): a phrase is looked for in each part that does."""
    if isinstance(node, Phrase) and node.fieldname == "text":
        return Or([Phrase(name, node.words, slop=node.slop, boost=node.boost) for name in PART_FIELDS])
    return node


def _hits(searcher: Any, query: Query, filter_query: Query | None, limit: int,
          ) -> tuple[list[tuple[dict[str, Any], float]], int]:
    """The best `limit` documents (stored fields, score) and how many match in all."""
    terms = scoring.plain_terms(query)
    if terms is not None:
        try:
            scores = scoring.bm25f(searcher, terms, scoring.mask(searcher, filter_query))
        except scoring.Unsupported:
            pass
        else:
            best = scoring.top(scores, limit)
            return [(searcher.stored_fields(doc), score) for doc, score in best], int(np.count_nonzero(scores))
    if isinstance(query, Every):  # no words: what the filters let through, newest first
        found = searcher.search(query, limit=limit, filter=filter_query, sortedby=FieldFacet("date", reverse=True))
    else:
        found = searcher.search(query, limit=limit, filter=filter_query)
    hits = [(found[i].fields(), found[i].score or 0.0) for i in range(found.scored_length())]
    total = found.scored_length() if found.scored_length() < limit else found.estimated_length()
    return hits, total


RERANKED = 50  # the best hits, re-ranked by what kind of result each is
LESSON_WEIGHT = 1.5  # people search past lessons first
PROBLEM_WEIGHT = 1.3  # …and the ones that went wrong when they ask what went wrong
_PROBLEM = re.compile(r"\b(wrong|problems?|fail\w*|mistakes?|issues?|pitfalls?|avoid|late|delay\w*)\b", re.IGNORECASE)


def _weight(hit: dict[str, Any], problems: bool) -> float:
    if hit["type"] != "lesson":
        return 1.0
    if problems and hit.get("impact") in ("negative", "mixed"):
        return LESSON_WEIGHT * PROBLEM_WEIGHT
    return LESSON_WEIGHT


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


def _result(ix: SearchIndex, hit: dict[str, Any], score: float, terms: frozenset[str]) -> Result:
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
        record=hit["record"], context=context,
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
