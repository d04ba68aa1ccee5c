"""How far a change reaches: given the records a save changed, the records whose pages show
them (and so are made again), and what each generated page was made from. Pure: it reads
the last build's catalogue and this one's."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from accord.catalogue import Catalogue
from accord.memo import ObjectMemo
from accord.site.serve.plan import WHOLE, Built, Plan


def reach(built: Built, changed: frozenset[str], catalogue: Catalogue, advice: dict[str, list[Any]]) -> Plan:
    """The records whose pages the change to `changed` reaches (`WHOLE`: every page):

    - the changed records' pages;
    - the pages of every record that names one of them, or that one of them names, before or
      after the change (its parties, playbook, related records, the agreements it amends or
      supersedes and their whole lineage, the retrospective whose lessons it applies); for an
      organisation, also its partners' pages, which list it by name;
    - the agreements whose lessons to consider changed, or show a lesson that changed."""
    old = built.catalogue
    if old.audience != catalogue.audience or old.records.keys() != catalogue.records.keys():
        return WHOLE  # another audience, or records seen or hidden: pages come and go
    for record_id in changed:
        before, after = old.records.get(record_id), catalogue.records.get(record_id)
        if before is None or after is None or before.type != after.type:
            return WHOLE  # seen by the audience before and not now, or the reverse: files change
    ids = set(changed)
    for version in (old, catalogue):
        ids |= _named_around(version, changed, old, catalogue)
    for agreement in built.advice.keys() | advice.keys():
        before, after = built.advice.get(agreement, []), advice.get(agreement, [])
        if _shown(before) != _shown(after) or any(a.row.retrospective in changed for a in (*before, *after)):
            ids.add(agreement)
    return Plan("pages", frozenset(ids))


def _named_around(version: Catalogue, changed: frozenset[str], old: Catalogue, new: Catalogue) -> set[str]:
    """In one version of the catalogue, the records the changed ones name and those naming them."""
    names = references(version)
    ids: set[str] = set()
    for record_id in changed:
        ids |= names.get(record_id, set())
        if version.records[record_id].type == "agreement":
            ids |= lineage(version, record_id)
    naming = {other for other, named in names.items() if named & changed}
    ids |= naming
    for record_id in changed:
        if version.records[record_id].type == "organization":
            ids |= {o for other in naming for o in names.get(other, set())}  # its partners' pages
        if _lessons_move(old, new, record_id):
            ids |= _lessons_reach(version, record_id)
    return ids


class _Unknown(Exception):
    pass


def signature(value: Any, ids: Any) -> tuple[Any, frozenset[str]] | None:
    """What a generated page is made from, as a value to compare with the last build's, and
    the ids of the records it shows (`ids`: those there are). None: it cannot be told, so
    the page is always made again."""
    from accord.format.records import LessonRef, Record

    shown: set[str] = set()

    def walk(item: Any) -> Any:
        kind = type(item)  # the common exact types first: pages hold tens of thousands of values
        if kind is str:
            if item in ids:
                shown.add(item)
            return item
        if kind is dict:
            return tuple((walk(k), walk(v)) for k, v in item.items())
        if kind is list or kind is tuple:
            return tuple(walk(i) for i in item)
        if isinstance(item, Record):
            shown.add(item.id)
            return ("record", item.id)
        if isinstance(item, LessonRef):
            shown.add(item.record.id)
            return ("lesson", item.record.id, item.index)
        if isinstance(item, str):
            if item in ids:
                shown.add(item)
            return str(item)
        if item is None or isinstance(item, bool | int | float | date | Enum):
            return item
        if isinstance(item, list | tuple):
            return tuple(walk(i) for i in item)
        if isinstance(item, dict):
            return tuple((walk(k), walk(v)) for k, v in item.items())
        if isinstance(item, set | frozenset):
            return tuple(sorted((walk(i) for i in item), key=repr))
        raise _Unknown

    try:
        return walk(value), frozenset(shown)
    except _Unknown:
        return None


def lineage(catalogue: Catalogue, record_id: str) -> set[str]:
    """Every agreement joined to this one by `amends` or `supersedes`, either way and
    through any number of steps: each of their pages shows the lineage it is part of."""
    found, todo = {record_id}, [record_id]
    while todo:
        current = catalogue.records.get(todo.pop())
        if current is None or current.type != "agreement":
            continue
        model = current.agreement
        near = [model.amends, model.supersedes,
                *(r.id for r in catalogue.amended_by.get(current.id, [])),
                *(r.id for r in catalogue.superseded_by.get(current.id, []))]
        for other in near:
            if other and other not in found:
                found.add(other)
                todo.append(other)
    return found


def _lessons_move(old: Catalogue, new: Catalogue, record_id: str) -> bool:
    """Whether the change may move lessons between pages: a retrospective changed, or an
    agreement's kind, sector or parties (which say where its retrospectives' lessons go)."""
    before, after = old.records[record_id], new.records[record_id]
    if before.type != "agreement":
        return True
    a, b = before.agreement, after.agreement
    return (a.kind, a.sector, a.party_ids) != (b.kind, b.sector, b.party_ids)


def _lessons_reach(catalogue: Catalogue, record_id: str) -> set[str]:
    """The pages that show the lessons of a retrospective, or of an agreement's retrospectives
    (whose kind, sector and parties decide where its lessons are shown): the partners' pages,
    and the playbooks for the agreements' kinds and sectors."""
    record = catalogue.records[record_id]
    if record.type == "retrospective":
        retrospectives = [record]
    elif record.type == "agreement":
        retrospectives = [r for r in catalogue.retrospectives_of.get(record_id, []) if r.type == "retrospective"]
    else:
        return set()
    found: set[str] = set()
    kinds: set[str] = set()
    sectors: set[str] = set()
    for retrospective in retrospectives:
        model = retrospective.model
        found.update(model.partners)
        for agreement_id in model.agreements:
            agreement = catalogue.records.get(agreement_id)
            if agreement is not None:
                found.update(agreement.agreement.party_ids)
                kinds.add(agreement.agreement.kind.value)
                if agreement.agreement.sector:
                    sectors.add(agreement.agreement.sector)
    for playbook in catalogue.playbooks:
        covers = playbook.model.applies_to
        if {k.value for k in covers.kinds} & kinds or set(covers.sectors) & sectors:
            found.add(playbook.id)
    return found


def _shown(advice: list[Any]) -> list[tuple[Any, ...]]:
    return [(a.address, a.score, tuple(a.reasons), a.applied, a.row.title) for a in advice]


# The last build's catalogue and this one's are all that are asked for; a model's strings are
# kept while there are not many more models than a catalogue holds (ObjectMemo keeps each alive).
_REFERENCES: ObjectMemo[Catalogue, dict[str, set[str]]] = ObjectMemo(2)
_NAMED: ObjectMemo[Any, set[str]] = ObjectMemo(200_000)


def references(catalogue: Catalogue) -> dict[str, set[str]]:
    """For each record, the other records it names anywhere in its front matter (a lesson's
    address names its retrospective)."""
    kept = _REFERENCES.get(catalogue)
    if kept is not None:
        return kept
    ids = catalogue.records.keys()
    found: dict[str, set[str]] = {}
    for record in catalogue.records.values():
        named = _NAMED.get(record.model)
        if named is None:
            strings: set[str] = set()
            _strings(record.model.model_dump(mode="python"), strings)
            named = _NAMED.put(record.model, {n.split("#", 1)[0] for n in strings})
        found[record.id] = {n for n in named if n in ids and n != record.id}
    if len(_NAMED) > 4 * len(found) + 1000:
        _NAMED.clear()
    return _REFERENCES.put(catalogue, found)


def _strings(value: Any, into: set[str]) -> None:
    if isinstance(value, str):
        if len(value) < 200:
            into.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, into)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _strings(item, into)
