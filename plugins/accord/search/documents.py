"""What search knows of each record: its documents (one per record, one per lesson).

A record's documents carry facts of the records it names (party names, the kinds and
sectors of a retrospective's agreements). Those facts come from a `lookup` that returns
None for a record the audience may not see, so a document never carries a hidden
record's id or name; and every id looked up is remembered, so that an index can tell
which documents to remake when another record changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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


class _Looked:
    """The facts of one build's lookups, and every id it asked for (whether the audience
    may see it or not): the build's documents depend on each."""

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self.seen: set[str] = set()

    def facts(self, record_id: str) -> Facts | None:
        self.seen.add(record_id)
        return self.lookup(record_id)

    def names(self, ids: list[str] | set[str]) -> list[str]:
        found = (self.facts(i) for i in sorted(set(ids)))
        return [f.title for f in found if f is not None]

    def visible(self, ids: list[str] | set[str]) -> list[str]:
        return [i for i in sorted(set(ids)) if self.facts(i) is not None]


@dataclass
class _Facets:
    """What a record's documents are filtered and found by, besides their text."""

    partners: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    when: date | None = None
    agreements: list[str] = field(default_factory=list)  # a retrospective's, that the audience may see

    def fields(self, looked: _Looked) -> dict[str, str]:
        return {
            "partners": _join(self.partners),
            "partner_names": _lines(looked.names(self.partners)),
            "kinds": _join(self.kinds),
            "kind_names": _lines(_kind_names(self.kinds, self.sectors)),
            "sectors": _join(self.sectors),
        }


def build(model: RecordBase, rel_path: str, body: str, lookup: Lookup, line_of: Callable[[int], int] | None = None,
          ) -> Documents:
    """The documents of one visible record. `line_of(i)` gives the line of lesson `i`."""
    looked = _Looked(lookup)
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
    facets = _facets(model, doc, looked)
    if isinstance(model, Retrospective):
        _lessons(model, rel_path, url, facets, looked, line_of, result)
    doc.update({**facets.fields(looked), "topics": _join(facets.topics), "date": _when(facets.when)})
    result.docs.insert(0, {key: value for key, value in doc.items() if value not in ("", None)})
    result.docs[1:] = [{k: v for k, v in d.items() if v not in ("", None)} for d in result.docs[1:]]
    result.depends_on = looked.seen - {model.id}
    return result


def _facets(model: RecordBase, doc: dict[str, Any], looked: _Looked) -> _Facets:
    """The record's facets, by its type (and the parts of `doc` only its type has)."""
    facets = _Facets()
    if isinstance(model, Agreement):
        facets.partners = looked.visible(model.party_ids)
        facets.kinds = [model.kind.value]
        facets.sectors = [model.sector] if model.sector else []
        facets.when = model.dates.signed or model.dates.effective
        doc["objectives"] = _lines([" ".join(p for p in (o.statement, o.metric, o.baseline, o.target) if p)
                                    for o in model.objectives])
        doc["activities"] = _lines([r.activity for r in model.responsibilities])
        doc["resources"] = _lines([r.description for r in model.resources])
        governance = model.governance
        doc["governance"] = _lines([governance.meetings, governance.escalation, governance.reporting])
    elif isinstance(model, Organization):
        facets.partners = [model.id]
        doc["summary"] = _lines([model.summary, model.jurisdiction])
    elif isinstance(model, Playbook):
        facets.partners = looked.visible([model.owner] if model.owner else [])
        facets.kinds = [k.value for k in model.applies_to.kinds]
        facets.sectors = list(model.applies_to.sectors)
        facets.when = model.reviewed
    elif isinstance(model, Retrospective):
        _retrospective_facets(model, facets, looked)
    return facets


def _retrospective_facets(model: Retrospective, facets: _Facets, looked: _Looked) -> None:
    """A retrospective's parties, kinds and sectors: its own, and those of its agreements."""
    facets.when = model.held
    facets.agreements = looked.visible(model.agreements)
    partners = looked.visible(model.partners)
    for agreement_id in facets.agreements:
        agreement = looked.facts(agreement_id)
        assert agreement is not None
        partners = sorted({*partners, *looked.visible(list(agreement.parties))})
        if agreement.kind:
            facets.kinds.append(agreement.kind)
        if agreement.sector:
            facets.sectors.append(agreement.sector)
    facets.partners = partners
    facets.topics = sorted({t for lesson in model.lessons for t in lesson.topics})


def _lessons(model: Retrospective, rel_path: str, url: str, facets: _Facets, looked: _Looked,
             line_of: Callable[[int], int] | None, result: Documents) -> None:
    """One document per lesson, and its row as `lessons-for` compares them."""
    shared = {
        "record": model.id,
        "path": rel_path,
        **facets.fields(looked),
        "tags": _join(model.tags),
        "phase": model.phase.value if model.phase else "",
        "date": _when(facets.when),
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
            partners=facets.partners,
            kinds=sorted(set(facets.kinds)),
            sectors=sorted(set(facets.sectors)),
            topics=sorted({*lesson.topics, *model.tags}),
            agreements=facets.agreements,
            terms=dict(stems(_lines([lesson.title, lesson.event, lesson.lesson, lesson.recommendation]))),
        ))


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
