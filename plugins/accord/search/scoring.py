"""BM25F scores for plain word queries, computed with numpy over Whoosh's own postings.

Whoosh scores one posting at a time in Python: a query of common words in a knowledge
base of 10,000 records reads tens of thousands of postings and takes a second. Here the
same postings are read a block at a time into numpy arrays and scored at once, with
Whoosh's formula, idf and field lengths, so the scores are Whoosh's own (the tests check
that they are equal). Anything but a plain disjunction of words in `text`, and any
Whoosh that stores its postings differently, goes through Whoosh's searcher instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as q
from whoosh import scoring
from whoosh.util.numeric import byte_to_length

from accord.compat import (
    whoosh_blocks,
    whoosh_field_b,
    whoosh_leaf_matcher,
    whoosh_length_bytes,
    whoosh_segment_terms,
    whoosh_term_matcher,
)

# The layout of Whoosh 2.7's default codec, read through accord.compat; without it, Whoosh scores.
W3LeafMatcher = whoosh_leaf_matcher()
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

FIELD = "text"


class Unsupported(Exception):
    """This query or this index is for Whoosh's own searcher."""


def plain_terms(query: q.Query) -> list[str] | None:
    """The words of a query that is only words OR-ed together in `text`, else None."""
    leaves = query.subqueries if isinstance(query, q.Or) and query.boost == 1 else [query]
    terms = []
    for leaf in leaves:
        if not isinstance(leaf, q.Term) or leaf.fieldname != FIELD or leaf.boost != 1:
            return None
        terms.append(leaf.text if isinstance(leaf.text, str) else leaf.text.decode())
    return terms


def _postings(reader: Any, field: str, term: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and term frequencies of one term in one segment."""
    matcher = whoosh_term_matcher(reader, field, term)
    if not isinstance(matcher, W3LeafMatcher):
        raise Unsupported(type(matcher).__name__)
    ids, weights = [], []
    for encoded, weight, n, byteids in whoosh_blocks(matcher):
        if byteids:
            ids.append(np.frombuffer(encoded, dtype=np.uint8).astype(np.int64))
        else:
            ids.append(np.cumsum(np.asarray(encoded, dtype=np.int64)))  # stored as deltas
        if weight is None:
            weights.append(np.ones(n))
        elif isinstance(weight, float):
            weights.append(np.full(n, weight))
        else:
            weights.append(np.asarray(weight, dtype=np.float64))
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(ids), np.concatenate(weights)


def _lengths(reader: Any, field: str) -> np.ndarray:
    """Every document's length in `field`, as Whoosh stores it (one byte, quantised)."""
    raw = np.frombuffer(whoosh_length_bytes(reader, field), dtype=np.uint8)
    lengths = np.zeros(reader.doc_count_all(), dtype=np.uint8)
    lengths[: len(raw)] = raw
    return _LENGTHS[lengths]


def _segments(searcher: Any) -> list[tuple[Any, int]]:
    return [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]


def mask(searcher: Any, filter_query: q.Query | None) -> np.ndarray | None:
    """Which documents a filter lets through (None: all)."""
    if filter_query is None:
        return None
    allowed = np.zeros(searcher.doc_count_all(), dtype=bool)
    allowed[list(searcher.docs_for_query(filter_query))] = True
    return allowed


def bm25f(searcher: Any, terms: list[str], allowed: np.ndarray | None = None,
          coverage: np.ndarray | None = None, holding: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Every document's score for the words `terms`, as Whoosh's BM25F gives it.
    `coverage`, if given, gets the sum of the idf of the words each document holds;
    `holding`, for each word, which documents hold it (all of the index's, whatever the
    filter: `allowed` weighs only the scores)."""
    weighting = searcher.weighting
    if type(weighting) is not scoring.BM25F or W3LeafMatcher is None:
        raise Unsupported("weighting")
    b = whoosh_field_b(weighting, FIELD)
    k1 = weighting.K1
    average = searcher.avg_field_length(FIELD) or 1.0
    scores = np.zeros(searcher.doc_count_all())
    if holding is not None:
        for term in terms:
            holding[term] = np.zeros(searcher.doc_count_all(), dtype=bool)
    for reader, offset in _segments(searcher):
        segment_terms = whoosh_segment_terms(reader)
        if segment_terms is None:
            continue  # an empty index (no records): Whoosh's EmptyReader, with no terms at all
        lengths = None
        for term in dict.fromkeys(terms):
            encoded = term.encode("utf-8")
            if (FIELD, encoded) not in segment_terms:
                continue
            if lengths is None:
                lengths = _lengths(reader, FIELD)
            ids, tf = _postings(reader, FIELD, encoded)
            norm = k1 * ((1 - b) + b * lengths[ids] / average)
            idf = searcher.idf(FIELD, term)
            scores[offset + ids] += idf * tf * (k1 + 1) / (tf + norm)
            if coverage is not None:
                coverage[offset + ids] += idf
            if holding is not None:
                holding[term][offset + ids] = True
        if reader.has_deletions():
            deleted = [offset + d for d in reader.deleted_docs_set]
            scores[deleted] = 0.0
            for held in (holding or {}).values():
                held[deleted] = False
    if allowed is not None:
        scores[~allowed] = 0.0
    return scores


def title_overlap(searcher: Any, terms: list[str], field: str = "title") -> np.ndarray:
    """Every document's overlap of its title's words with the words `terms` (Jaccard: the
    words in both ÷ the words in either), from the title's postings and stored length."""
    wanted = list(dict.fromkeys(terms))
    overlap = np.zeros(searcher.doc_count_all())
    if W3LeafMatcher is None or not wanted:
        return overlap
    for reader, offset in _segments(searcher):
        segment_terms = whoosh_segment_terms(reader)
        if segment_terms is None:
            continue
        shared = np.zeros(reader.doc_count_all())
        for term in wanted:
            encoded = term.encode("utf-8")
            if (field, encoded) in segment_terms:
                ids, _ = _postings(reader, field, encoded)
                shared[ids] += 1
        found = np.flatnonzero(shared)
        if len(found):
            lengths = _lengths(reader, field)[found]
            overlap[offset + found] = shared[found] / np.maximum(lengths + len(wanted) - shared[found], 1)
    return overlap


def top(scores: np.ndarray, limit: int, tiers: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The `limit` best (document, score) pairs with a score, best first, ties by document.
    `tiers`, if given, come first: every document of a lower tier before any of a higher
    one (accord.search.query.missing: how many words of the question each misses), each
    tier by score."""
    candidates = np.flatnonzero(scores > 0)
    if tiers is not None:
        if len(candidates) > limit:  # the tiers the best `limit` reach
            last = int(np.searchsorted(np.cumsum(np.bincount(tiers[candidates])), limit))
            candidates = candidates[tiers[candidates] <= last]
        order = candidates[np.lexsort((candidates, -scores[candidates], tiers[candidates]))][:limit]
        return [(int(doc), float(scores[doc])) for doc in order]
    if len(candidates) > limit:
        kth = len(candidates) - limit
        threshold = np.partition(scores[candidates], kth)[kth]
        candidates = candidates[scores[candidates] >= threshold]
    order = candidates[np.lexsort((candidates, -scores[candidates]))][:limit]
    return [(int(doc), float(scores[doc])) for doc in order]
