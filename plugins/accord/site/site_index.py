"""The entries of the site's search index (mkdocs-material's `search_index.json`) for records.

The browser gets a compact index: one entry per record (title, summary, the facts people
search by, the start of the body) and one per lesson (its whole text), as far as a byte
budget allows (LEVELS), so that a knowledge base of 10,000 records stays searchable in the
browser. Full bodies are for `accord search`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from typing import Any

from accord.catalogue import Catalogue
from accord.format.records import Record
from accord.format.vocabulary import KIND_NAMES
from accord.search.text import excerpt, plain_text

BODY_EXCERPT = 300
BUDGET_MB = 5.0

# What an entry holds, richest last: the richest that keeps the whole index within the
# budget is chosen. Measured in Chromium at 10,000 records (the closing note of issue 5):
# mkdocs-material's search worker needs about one second per megabyte of index before
# the first result, and about 30 MB of memory per megabyte.
LEVELS = ("titles", "summaries", "lessons", "bodies")


def record_entries(catalogue: Catalogue, url_of: Callable[[Record], str | None], *,
                   lesson_boost: float = 2.0, body_excerpt: int = BODY_EXCERPT,
                   budget_mb: float = BUDGET_MB, other_bytes: int = 0) -> tuple[list[dict[str, Any]], str]:
    """The records' entries, and the level of detail chosen (one of LEVELS).

    Every level has each record's title, parties, kind and facts and each lesson's title
    and topics; then come summaries, then lesson texts, then the start of each record's
    body, as far as `budget_mb` (with `other_bytes` of other pages) allows.
    """
    budget = budget_mb * 1_000_000 - other_bytes
    chosen: list[dict[str, Any]] = []
    level = LEVELS[0]
    for depth, name in enumerate(LEVELS):
        entries = _entries(catalogue, url_of, lesson_boost, body_excerpt, depth)
        size = len(json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        if depth and size > budget:
            break
        chosen, level = entries, name
    return chosen, level


def _entries(catalogue: Catalogue, url_of: Callable[[Record], str | None], lesson_boost: float, body_excerpt: int,
             depth: int) -> list[dict[str, Any]]:
    summaries, lessons, bodies = depth >= 1, depth >= 2, depth >= 3 and body_excerpt > 0
    entries: list[dict[str, Any]] = []
    for record in catalogue.records.values():
        url = url_of(record)
        if url is None:
            continue
        facts = _facts(record, catalogue)
        body = excerpt(plain_text(record.body), body_excerpt) if bodies else ""
        summary = (record.model.summary or "") if summaries else ""
        text = " ".join(part for part in (summary, facts, body) if part)
        entries.append({
            "location": url,
            "title": escape(record.title, quote=False),
            "text": escape(text, quote=False),
            "tags": [escape(tag, quote=False) for tag in dict.fromkeys(_tags(record, catalogue))],
        })
        if record.type == "retrospective":
            for lesson in record.retrospective.lessons:
                parts = (lesson.event, lesson.lesson, lesson.recommendation) if lessons else ()
                entry: dict[str, Any] = {
                    "location": f"{url}#{lesson.id}",
                    "title": escape(lesson.title, quote=False),
                    "text": escape(" ".join(p for p in parts if p), quote=False),
                    "tags": [escape(t, quote=False) for t in lesson.topics]
                    + ([lesson.impact.value] if lesson.impact else []),
                }
                if lesson_boost != 1:
                    entry["boost"] = lesson_boost
                entries.append(entry)
    return entries


def _names(ids: list[str], catalogue: Catalogue) -> list[str]:
    return [catalogue.records[i].title for i in ids if i in catalogue.records]


def _facts(record: Record, catalogue: Catalogue) -> str:
    if record.type == "agreement":
        agreement = record.agreement
        parties = ", ".join(f"{catalogue.records[p.org].title} ({p.role.value})" for p in agreement.parties
                            if p.org in catalogue.records)
        sector = f", {agreement.sector}" if agreement.sector else ""
        return f"{KIND_NAMES[agreement.kind.value]}, {agreement.status.value}{sector}. Parties: {parties}."
    if record.type == "organization":
        org = record.organization
        where = f", {org.jurisdiction}" if org.jurisdiction else ""
        return f"{org.kind.value.capitalize()} organisation{where}."
    if record.type == "retrospective":
        retrospective = record.retrospective
        names = _names(retrospective.agreements + retrospective.partners, catalogue)
        return f"Retrospective held {retrospective.held}: {', '.join(names)}." if names else ""
    playbook = record.playbook
    kinds = ", ".join(KIND_NAMES[k.value] for k in playbook.applies_to.kinds)
    return f"Playbook for {kinds}." if kinds else ""


def _tags(record: Record, catalogue: Catalogue) -> list[str]:
    """Names people search for: parties and partners by name, kinds, statuses, topics."""
    tags = list(record.model.tags)
    if record.type == "agreement":
        agreement = record.agreement
        tags += [KIND_NAMES[agreement.kind.value], agreement.status.value, *_names(agreement.party_ids, catalogue)]
        if agreement.sector:
            tags.append(agreement.sector)
    elif record.type == "organization":
        tags.append(record.organization.kind.value)
    elif record.type == "retrospective":
        tags += _names(record.retrospective.partners, catalogue)
    return tags
