"""The catalogue: the records one audience may see, and every relation derived from them.

Built once per build. Records outside the audience are dropped *first*, and
references to them are cut out of the visible records, so that nothing derived here
(pages, indexes, feeds, exports) can carry a hidden record's id, title or count.
"""

from __future__ import annotations

import heapq
import threading
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from accord.format.models import (
    Agreement,
    AgreementStatus,
    Confidentiality,
    Objective,
    Organization,
    PartyRole,
    Playbook,
    RecordBase,
    Retrospective,
)
from accord.format.records import LessonRef, Record, references
from accord.format.source import SourceFile


class Audience(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"

    def sees(self, confidentiality: Confidentiality) -> bool:
        return confidentiality.rank <= Confidentiality(self.value).rank



@dataclass(frozen=True)
class Party:
    """An organisation's place in one agreement."""

    agreement: Record
    org: str
    role: PartyRole
    signatory: str | None


@dataclass(frozen=True)
class Assignment:
    """An organisation's letters in one row of an agreement's RACI matrix."""

    agreement: Record
    row: int
    activity: str
    letters: str  # some of "RACI", in that order


@dataclass(frozen=True)
class Backlink:
    source: Record
    field: str


@dataclass(frozen=True)
class DueItem:
    """A date something is due: a review, an expiry or an objective."""

    when: date
    what: str  # "review", "expiry" or "objective"
    agreement: Record
    label: str
    responsible: tuple[str, ...]  # organisation ids
    overdue: bool


@dataclass
class Catalogue:
    audience: Audience
    records: dict[str, Record] = field(default_factory=dict)
    lessons: dict[str, LessonRef] = field(default_factory=dict)
    backlinks: dict[str, list[Backlink]] = field(default_factory=lambda: defaultdict(list))
    parties: dict[str, list[Party]] = field(default_factory=lambda: defaultdict(list))
    assignments: dict[str, list[Assignment]] = field(default_factory=lambda: defaultdict(list))
    owned_objectives: dict[str, list[tuple[Record, Objective]]] = field(default_factory=lambda: defaultdict(list))
    children: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    amended_by: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    superseded_by: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    applied_in: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    retrospectives_of: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    lessons_by_topic: dict[str, list[LessonRef]] = field(default_factory=lambda: defaultdict(list))
    lessons_by_partner: dict[str, list[LessonRef]] = field(default_factory=lambda: defaultdict(list))
    lessons_by_kind: dict[str, list[LessonRef]] = field(default_factory=lambda: defaultdict(list))
    lessons_by_sector: dict[str, list[LessonRef]] = field(default_factory=lambda: defaultdict(list))
    lessons_by_phase: dict[str, list[LessonRef]] = field(default_factory=lambda: defaultdict(list))
    lessons_by_impact: dict[str, list[LessonRef]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, records: list[Record], audience: Audience | str = Audience.INTERNAL) -> Catalogue:
        audience = Audience(audience)
        catalogue = cls(audience=audience)
        visible = [r for r in records if audience.sees(r.confidentiality)]
        ids = {record.id for record in visible}
        # The copies made for this visible set are kept for the next build (`mkdocs serve`):
        # a record unchanged keeps its very model, which caches keyed by model recognise.
        seen = frozenset(ids)
        with _REDACTED.lock:  # (one build at a time may read and replace them)
            kept = _REDACTED.copies if _REDACTED.visible == seen else {}
            copies: dict[int, tuple[RecordBase, RecordBase]] = {}
            for record in visible:
                if record.id not in catalogue.records:  # a duplicate id is a validation error; keep the first
                    found = kept.get(id(record.model))
                    model = found[1] if found is not None and found[0] is record.model else _redact(record.model, ids)
                    copies[id(record.model)] = (record.model, model)
                    catalogue.records[record.id] = Record(model, _redacted_source(record.source))
            _REDACTED.visible, _REDACTED.copies = seen, copies
        catalogue._derive()
        return catalogue

    # Queries ---------------------------------------------------------------------------

    def get(self, record_id: str) -> Record | None:
        return self.records.get(record_id)

    def of_type(self, record_type: str) -> list[Record]:
        return sorted((r for r in self.records.values() if r.type == record_type), key=lambda r: r.title.casefold())

    @property
    def organizations(self) -> list[Record]:
        return self.of_type("organization")

    @property
    def agreements(self) -> list[Record]:
        return self.of_type("agreement")

    @property
    def playbooks(self) -> list[Record]:
        return self.of_type("playbook")

    @property
    def retrospectives(self) -> list[Record]:
        return self.of_type("retrospective")

    def chain(self, agreement_id: str) -> list[Record]:
        """The agreement's lineage through `supersedes` and `amends`, oldest first."""
        root = agreement_id
        seen = {root}
        while True:  # walk back to the oldest ancestor
            model = self.records[root].agreement
            parent = model.supersedes or model.amends
            if not parent or parent in seen or parent not in self.records:
                break
            seen.add(parent)
            root = parent
        ordered: list[Record] = []
        stack, visited = [root], set()
        while stack:
            current = stack.pop()
            if current in visited:
                continue
            visited.add(current)
            ordered.append(self.records[current])
            later = self.superseded_by.get(current, []) + self.amended_by.get(current, [])
            stack.extend(r.id for r in sorted(later, key=_start, reverse=True))
        return ordered

    def lessons_for_playbook(self, playbook: Playbook, limit: int | None = None) -> tuple[list[LessonRef], int]:
        """Lessons whose agreements are of a kind or sector the playbook covers: the
        newest `limit` of them (all if None), and how many there are in all."""
        groups = [self.lessons_by_kind.get(kind.value, []) for kind in playbook.applies_to.kinds]
        groups += [self.lessons_by_sector.get(sector, []) for sector in playbook.applies_to.sectors]
        total = len({ref.address for group in groups for ref in group})
        newest: list[LessonRef] = []
        seen: set[str] = set()
        # Each group is already in lesson order: merge them instead of sorting the union.
        for ref in heapq.merge(*groups, key=_lesson_order):
            if ref.address not in seen:
                seen.add(ref.address)
                newest.append(ref)
                if limit is not None and len(newest) >= limit:
                    break
        return newest, total

    def unapplied_lessons(self) -> list[LessonRef]:
        """Negative and mixed lessons that no later agreement says it applies, oldest first.

        Any agreement but those the retrospective looks back on counts as later: the
        agreement a lesson was learned on cannot act on it, a new one can (and its
        negotiation often starts before the retrospective is written up)."""
        found = []
        for ref in self.lessons.values():
            if ref.lesson.impact is None or ref.lesson.impact.value not in ("negative", "mixed"):
                continue
            source = set(ref.record.retrospective.agreements)
            if any(agreement.id not in source for agreement in self.applied_in.get(ref.address, [])):
                continue
            found.append(ref)
        return sorted(found, key=lambda ref: (ref.record.retrospective.held, ref.record.id, ref.index))

    def due(self, today: date, within_days: int = 90) -> list[DueItem]:
        """Reviews, expiries and objective due dates up to `within_days` ahead, and overdue ones."""
        horizon = today + timedelta(days=within_days)
        items: list[DueItem] = []
        for record in self.agreements:
            agreement = record.agreement
            if agreement.status not in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE):
                continue
            lead = tuple(p.org for p in agreement.parties if p.role is PartyRole.LEAD) or tuple(agreement.party_ids[:1])
            dates = agreement.dates
            reviews = sorted(dates.review)
            for i, when in enumerate(reviews):
                later_review = any(r > when for r in reviews[i + 1 :])
                overdue = when < today and not later_review
                if overdue or today <= when <= horizon:
                    items.append(DueItem(when, "review", record, "Review", lead, overdue))
            if dates.expires and dates.expires <= horizon:
                items.append(DueItem(dates.expires, "expiry", record, "Expires", lead, dates.expires < today))
            for objective in agreement.objectives:
                if objective.due and objective.due <= horizon:
                    # An owner the audience may not see is not replaced by the lead: nobody is named.
                    owner = (objective.owner,) if objective.owner else (() if objective._owner_hidden else lead)
                    items.append(
                        DueItem(objective.due, "objective", record, objective.statement, owner, objective.due < today)
                    )
        return sorted(items, key=lambda item: (item.when, item.agreement.title.casefold(), item.what))

    # Derivation ------------------------------------------------------------------------

    def _derive(self) -> None:
        for record in self.records.values():
            for ref in references(record.model):
                if ref.target in self.records and ref.target != record.id:
                    links = self.backlinks[ref.target]
                    if not any(link.source is record and link.field == ref.field for link in links):
                        links.append(Backlink(record, ref.field))
            model = record.model
            if isinstance(model, Organization) and model.parent:
                self.children[model.parent].append(record)
            elif isinstance(model, Agreement):
                self._derive_agreement(record, model)
            elif isinstance(model, Retrospective):
                self._derive_retrospective(record, model)
        for values in (self.children, self.amended_by, self.superseded_by, self.applied_in, self.retrospectives_of):
            for key in values:
                values[key].sort(key=lambda r: r.title.casefold())
        for index in (
            self.lessons_by_topic,
            self.lessons_by_partner,
            self.lessons_by_kind,
            self.lessons_by_sector,
            self.lessons_by_phase,
            self.lessons_by_impact,
        ):
            for key in index:
                index[key].sort(key=_lesson_order)

    def _derive_agreement(self, record: Record, agreement: Agreement) -> None:
        for party in agreement.parties:
            self.parties[party.org].append(Party(record, party.org, party.role, party.signatory))
        for i, row in enumerate(agreement.responsibilities):
            letters: dict[str, str] = defaultdict(str)
            for letter, orgs in (
                ("R", row.responsible),
                ("A", [row.accountable] if row.accountable else []),
                ("C", row.consulted),
                ("I", row.informed),
            ):
                for org in orgs:
                    if letter not in letters[org]:
                        letters[org] += letter
            for org, held in letters.items():
                self.assignments[org].append(Assignment(record, i, row.activity, held))
        for objective in agreement.objectives:
            if objective.owner:
                self.owned_objectives[objective.owner].append((record, objective))
        if agreement.amends:
            self.amended_by[agreement.amends].append(record)
        if agreement.supersedes:
            self.superseded_by[agreement.supersedes].append(record)
        for address in agreement.lessons_applied:
            self.applied_in[address].append(record)

    def _derive_retrospective(self, record: Record, retrospective: Retrospective) -> None:
        partners = set(retrospective.partners)
        kinds, sectors = set(), set()
        for agreement_id in retrospective.agreements:
            self.retrospectives_of[agreement_id].append(record)
            agreement = self.records[agreement_id].agreement
            partners.update(agreement.party_ids)
            kinds.add(agreement.kind.value)
            if agreement.sector:
                sectors.add(agreement.sector)
        for org in retrospective.partners:
            self.retrospectives_of[org].append(record)
        for i, lesson in enumerate(retrospective.lessons):
            ref = LessonRef(record, lesson, i)
            self.lessons[ref.address] = ref
            for topic in lesson.topics:
                self.lessons_by_topic[topic].append(ref)
            for org in partners:
                self.lessons_by_partner[org].append(ref)
            for kind in kinds:
                self.lessons_by_kind[kind].append(ref)
            for sector in sectors:
                self.lessons_by_sector[sector].append(ref)
            if retrospective.phase:
                self.lessons_by_phase[retrospective.phase.value].append(ref)
            if lesson.impact:
                self.lessons_by_impact[lesson.impact.value].append(ref)


def _start(record: Record) -> date:
    dates = record.agreement.dates
    return dates.effective or dates.signed or date.min


def _lesson_order(ref: LessonRef) -> tuple[Any, ...]:
    """Newest retrospective first, then in the order written."""
    return (-ref.record.retrospective.held.toordinal(), ref.record.id, ref.index)


def _redacted_source(source: SourceFile) -> SourceFile:
    """The source without its raw front matter: downstream (page meta, templates) sees the
    redacted model's values only, never an id the audience may not see."""
    return replace(source, front_matter="", data=None, diagnostics=[], _root=None)


@dataclass
class _Redacted:
    """The last build's redacted models, and the set of visible ids they were made for
    (compared whole): id(model as loaded) → (that model, the copy the audience sees)."""

    visible: frozenset[str] = frozenset()
    copies: dict[int, tuple[RecordBase, RecordBase]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_REDACTED = _Redacted()


def _redact(model: RecordBase, visible: set[str]) -> RecordBase:
    """A copy of `model` in which every reference to a hidden record is cut out."""
    update: dict[str, Any] = {}
    if any(target not in visible for target in model.related):
        update["related"] = [target for target in model.related if target in visible]
    if isinstance(model, Organization) and model.parent and model.parent not in visible:
        update["parent"] = None
    elif isinstance(model, Playbook) and model.owner and model.owner not in visible:
        update["owner"] = None
    elif isinstance(model, Retrospective) and not visible.issuperset((*model.agreements, *model.partners)):
        update["agreements"] = [a for a in model.agreements if a in visible]
        update["partners"] = [p for p in model.partners if p in visible]
    elif isinstance(model, Agreement):
        update.update(_redact_agreement(model, visible))
    return model.model_copy(update=update) if update else model


def _redact_agreement(agreement: Agreement, visible: set[str]) -> dict[str, Any]:
    update: dict[str, Any] = {}
    parties = [p for p in agreement.parties if p.org in visible]
    kept = {p.org for p in parties}
    if len(parties) != len(agreement.parties):
        update["parties"] = parties
        update["responsibilities"] = [
            row.model_copy(
                update={
                    "responsible": [o for o in row.responsible if o in kept],
                    "accountable": row.accountable if row.accountable in kept else None,
                    "consulted": [o for o in row.consulted if o in kept],
                    "informed": [o for o in row.informed if o in kept],
                }
            )
            for row in agreement.responsibilities
        ]
        update["objectives"] = [
            o if not o.owner or o.owner in kept else _without_owner(o) for o in agreement.objectives
        ]
        update["resources"] = [
            r if not r.from_ or r.from_ in kept else r.model_copy(update={"from_": None}) for r in agreement.resources
        ]
    for name in ("amends", "supersedes"):
        target = getattr(agreement, name)
        if target and target not in visible:
            update[name] = None
    applied = [a for a in agreement.lessons_applied if a.partition("#")[0] in visible]
    if len(applied) != len(agreement.lessons_applied):
        update["lessons_applied"] = applied
    return update


def _without_owner(objective: Objective) -> Objective:
    copy = objective.model_copy(update={"owner": None})
    copy._owner_hidden = True
    return copy
