"""What the search index holds: its Whoosh fields, how a document's parts are weighted and
folded into them, and the version and signature that say when an index on disk was made
to another shape (it is then rebuilt from nothing)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from whoosh import fields, index
from whoosh.analysis import KeywordAnalyzer
from whoosh.codec.whoosh3 import W3Codec

from accord.search.terms import ANALYZER

INDEX_VERSION = 12  # 12: Porter's step 1b as Porter wrote it; 11: link targets in every form out; 10: objective targets
"""Bump whenever documents or files change shape: every index is then rebuilt."""

# What a plain query searches: one field, `text`, holding every part of a document, each
# part repeated by its weight. That is BM25F proper (weighted term frequencies, one
# saturation, one length), and one posting list per query word instead of one per part:
# Whoosh scores in Python, so the number of postings read is what a query costs.
WEIGHTS: dict[str, int] = {"title": 4, "summary": 2, "lesson": 2, "topics": 2, "facts": 1, "tags": 1, "body": 1}
# The parts, for fielded queries (`title:consent`, `lesson:…`); the body only in `text`.
PART_FIELDS = ("title", "summary", "lesson", "facts")
FOLDED = {
    "lesson": ("event", "lesson", "recommendation"),
    "facts": ("partner_names", "kind_names", "objectives", "activities", "parent_title"),
    "body": ("body", "resources", "governance"),
}
STORED_TEXT = {"title", "summary", "lesson", "facts"}
KEYWORD_FIELDS = ("topics", "tags")


def codec() -> W3Codec:
    """Larger, uncompressed posting blocks: fewer, cheaper blocks to decode per term.
    (Segments are written as separate files, not one compound file, which Whoosh would
    copy into memory every time a searcher opens it.)"""
    return W3Codec(blocklimit=1024, compression=0)


def schema() -> fields.Schema:
    slugs = KeywordAnalyzer(lowercase=True, commas=True)
    spec: dict[str, fields.FieldType] = {
        "id": fields.ID(stored=True, unique=True),
        "record": fields.ID(stored=True),
        "type": fields.ID(stored=True),
        "path": fields.STORED(),
        "url": fields.STORED(),
        "line": fields.STORED(),
        "impact": fields.ID(stored=True),
        "phase": fields.ID(stored=True),
        "confidentiality": fields.ID(stored=True),
        "partners": fields.KEYWORD(stored=True, commas=True, lowercase=True),
        "kinds": fields.KEYWORD(stored=True, commas=True, lowercase=True),
        "sectors": fields.KEYWORD(stored=True, commas=True, lowercase=True),
        "date": fields.DATETIME(stored=True),
        "parent_title": fields.STORED(),
    }
    # Frequencies only, no positions: scoring reads these postings whole (accord.search.scoring),
    # and positions would be most of what it reads. Phrases are matched in the parts.
    spec["text"] = fields.TEXT(analyzer=ANALYZER, phrase=False)
    for name in PART_FIELDS:
        spec[name] = fields.TEXT(analyzer=ANALYZER, stored=name in STORED_TEXT)
    for name in KEYWORD_FIELDS:
        spec[name] = fields.KEYWORD(stored=True, commas=True, lowercase=True, scorable=True)
        spec[name].analyzer = slugs
    return fields.Schema(**spec)


def schema_signature() -> str:
    described = sorted((name, type(f).__name__, getattr(f, "field_boost", 1.0), f.stored)
                       for name, f in schema().items())
    return hashlib.sha256(json.dumps([INDEX_VERSION, described]).encode()).hexdigest()[:16]


def create(staging: Path | None) -> index.Index:
    """An empty Whoosh index in the generation folder `staging` (in memory when None)."""
    if staging is None:
        from whoosh.filedb.filestore import RamStorage

        return RamStorage().create_index(schema())
    (staging / "whoosh").mkdir()
    return index.create_in(str(staging / "whoosh"), schema())


def fold(doc: dict[str, Any]) -> dict[str, Any]:
    """A document as indexed: its parts folded into a few fields, and all of them, by
    weight, into `text`."""
    folded = {key: value for key, value in doc.items() if not any(key in parts for parts in FOLDED.values())}
    for name, parts in FOLDED.items():
        text = "\n".join(doc[part] for part in parts if doc.get(part))
        if text:
            folded[name] = text
    weighted = []
    for name, weight in WEIGHTS.items():
        value = folded.get(name)
        if value:
            value = value.replace(",", " ").replace("-", " ") if name in KEYWORD_FIELDS else value
            weighted += [value] * weight
    folded["text"] = "\n".join(weighted)
    folded.pop("body", None)  # searched through `text` only: not indexed twice
    if doc.get("parent_title"):
        folded["parent_title"] = doc["parent_title"]
    return folded
