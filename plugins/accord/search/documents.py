"""What search knows of each record: its documents (one per record, one per lesson).

A record's documents carry facts of the records it names (party names, the kinds and
sectors of a retrospective's agreements). Those facts come from a `lookup` that returns
None for a record the audience may not see, so a document never carries a hidden
record's id or name; and every id looked up is remembered, so that an index can tell
which documents to remake when another record changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from accord.format.models import Agreement, Organization, Playbook, RecordBase, Retrospective
from accord.format.records import page_url
from accord.format.vocabulary import KIND_NAMES
from accord.search.facts import Documents, Facts, LessonRow, Lookup
from accord.search.terms import stems
from accord.search.text import plain_text

__all__ = ["Documents", "DocumentsCache", "Facts", "LessonRow", "build", "catalogue_lookup"]


def _join(values: list[str] | tuple[str, ...] | set[str]) -> str:
    return ",".join(sorted(set(values)))


def _lines(values: list[str | None]) -> str:
    return "\n".join(v for v in values if v)


def _kind_names(kinds: list[str], sectors: list[str]) -> list[str | None]:
    """Kinds and sectors in words: "Public–private partnership", "public health"."""
    return [KIND_NAMES.get(k, k).replace("–", " ") for k in sorted(set(kinds))] + [
        s.replace("-", " ") for s in sorted(set(sectors))]


def _when(value: date | None) -> datetime | None:
    return datetime(value.year, value.month, value.day) if value else None


def catalogue_lookup(catalogue: Any) -> Lookup:
    """The facts of a catalogue's records (only those its audience may see)."""
    records = catalogue.records

    def lookup(record_id: str) -> Facts | None:
        record = records.get(record_id)
        return Facts.of(record.model) if record is not None else None

    return lookup


def build(model: RecordBase, rel_path: str, body: str, lookup: Lookup, line_of: Callable[[int], int] | None = None,
          ) -> Documents:
    """The documents of one visible record. `line_of(i)` gives the line of lesson `i`."""
    seen: set[str] = set()

    def facts(record_id: str) -> Facts | None:
        seen.add(record_id)
        return lookup(record_id)

    def names(ids: list[str] | set[str]) -> list[str]:
        found = (facts(i) for i in sorted(set(ids)))
        return [f.title for f in found if f is not None]

    def visible(ids: list[str] | set[str]) -> list[str]:
        return [i for i in sorted(set(ids)) if facts(i) is not None]

    url = page_url(rel_path)
    result = Documents(model.id)
    doc: dict[str, Any] = {
        "id": model.id,
        "record": model.id,
        "type": model.type,  # type: ignore[attr-defined]
        "path": rel_path,
        "url": url,
        "line": 1,
        "title": model.title,
        "summary": model.summary or "",
        "body": plain_text(body),
        "tags": _join(model.tags),
        "confidentiality": model.confidentiality.value,
    }
    partners: list[str] = []
    kinds: list[str] = []
    sectors: list[str] = []
    topics: list[str] = []
    when: date | None = None
    if isinstance(model, Agreement):
        partners = visible(model.party_ids)
        kinds = [model.kind.value]
        sectors = [model.sector] if model.sector else []
        when = model.dates.signed or model.dates.effective
        doc["objectives"] = _lines([" ".join(p for p in (o.statement, o.metric, o.baseline, o.target) if p)
                                    for o in model.objectives])
        doc["activities"] = _lines([r.activity for r in model.responsibilities])
        doc["resources"] = _lines([r.description for r in model.resources])
        governance = model.governance
        doc["governance"] = _lines([governance.meetings, governance.escalation, governance.reporting])
    elif isinstance(model, Organization):
        partners = [model.id]
        doc["summary"] = _lines([model.summary, model.jurisdiction])
    elif isinstance(model, Playbook):
        partners = visible([model.owner] if model.owner else [])
        kinds = [k.value for k in model.applies_to.kinds]
        sectors = list(model.applies_to.sectors)
        when = model.reviewed
    elif isinstance(model, Retrospective):
        when = model.held
        agreements = visible(model.agreements)
        partners = visible(model.partners)
        for agreement_id in agreements:
            agreement = facts(agreement_id)
            assert agreement is not None
            partners = sorted({*partners, *visible(list(agreement.parties))})
            if agreement.kind:
                kinds.append(agreement.kind)
            if agreement.sector:
                sectors.append(agreement.sector)
        topics = sorted({t for lesson in model.lessons for t in lesson.topics})
        shared = {
            "record": model.id,
            "path": rel_path,
            "partners": _join(partners),
            "partner_names": _lines(names(partners)),
            "kinds": _join(kinds),
            "kind_names": _lines(_kind_names(kinds, sectors)),
            "sectors": _join(sectors),
            "tags": _join(model.tags),
            "phase": model.phase.value if model.phase else "",
            "date": _when(when),
            "confidentiality": model.confidentiality.value,
        }
        for i, lesson in enumerate(model.lessons):
            address = f"{model.id}#{lesson.id}"
            result.docs.append({
                **shared,
                "id": address,
                "type": "lesson",
                "url": f"{url}#{lesson.id}",
                "line": line_of(i) if line_of else 1,
                "title": lesson.title,
                "event": lesson.event or "",
                "lesson": lesson.lesson,
                "recommendation": lesson.recommendation or "",
                "topics": _join(lesson.topics),
                "impact": lesson.impact.value if lesson.impact else "",
                "parent_title": model.title,
            })
            result.lessons.append(LessonRow(
                address=address,
                title=lesson.title,
                retrospective=model.id,
                retrospective_title=model.title,
                held=model.held,
                impact=lesson.impact.value if lesson.impact else None,
                url=f"{url}#{lesson.id}",
                path=rel_path,
                partners=partners,
                kinds=sorted(set(kinds)),
                sectors=sorted(set(sectors)),
                topics=sorted({*lesson.topics, *model.tags}),
                agreements=agreements,
                terms=dict(stems(_lines([lesson.title, lesson.event, lesson.lesson, lesson.recommendation]))),
            ))
    doc.update({
        "partners": _join(partners),
        "partner_names": _lines(names(partners)),
        "kinds": _join(kinds),
        "kind_names": _lines(_kind_names(kinds, sectors)),
        "sectors": _join(sectors),
        "topics": _join(topics),
        "date": _when(when),
    })
    result.docs.insert(0, {key: value for key, value in doc.items() if value not in ("", None)})
    result.docs[1:] = [{k: v for k, v in d.items() if v not in ("", None)} for d in result.docs[1:]]
    result.depends_on = seen - {model.id}
    return result


class DocumentsCache:
    """`build`, keeping each record's documents for the next call (`mkdocs serve` rebuilds):
    made again when the record's model, path or body is another, or a fact they used changed."""

    def __init__(self) -> None:
        self.kept: dict[str, tuple[RecordBase, str, str, dict[str, Facts | None], Documents]] = {}

    def build(self, model: RecordBase, rel_path: str, body: str, lookup: Lookup) -> Documents:
        kept = self.kept.get(model.id)
        if kept is not None and kept[0] is model and kept[1] == rel_path and kept[2] == body \
                and all(lookup(i) == facts for i, facts in kept[3].items()):
            return kept[4]
        documents = build(model, rel_path, body, lookup)
        self.kept[model.id] = (model, rel_path, body, {i: lookup(i) for i in documents.depends_on}, documents)
        return documents
