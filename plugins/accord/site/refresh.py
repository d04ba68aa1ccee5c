"""`mkdocs serve` after a record is saved: only the pages it changes are made again.

MkDocs rebuilds the whole site on every change, which at a few thousand records takes
longer than an author will wait. When the only files changed since the last good build
are records (none added, removed or renamed, mkdocs.yml untouched), Accord runs MkDocs'
own `--dirty` build instead, and tells it which pages are out of date:

- the changed records' pages;
- the pages of every record that names one of them, or that one of them names, before or
  after the change (its parties, playbook, related records, the agreements it amends or
  supersedes and their whole lineage, the retrospective whose lessons it applies); for an
  organisation, also its partners' pages, which list it by name;
- the agreements whose lessons to consider changed, or show a lesson that changed;
- every generated page (registers, overview, lessons, due) that shows one of those
  records, or whose list of records changed (accord/pages compares what each was made
  from: `signature`), and every page of the author's, which may show the records (the
  dashboard, reference tables).

Anything else (a record whose confidentiality, id or type changed, a record that is in
the navigation, a change that left errors, a site with a plugin that may gather from every
page, such as a blog) makes every page again, as MkDocs would. The
records loaded are kept between builds (accord.format.loading's cache): an unchanged file
is not read again.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from accord.catalogue import Catalogue
from accord.format.loading import stamp

Stamps = dict[str, tuple[int, ...]]
# Plugins known to make a page from that page alone (a dirty build is the same for them),
# and mkdocs-material's tags plugin, which accord/pages gives the tags of the record pages
# not made again; with any other (blog…), which may gather from every page, each build is whole.
PAGE_BY_PAGE = frozenset({"search", "material/search", "accord/records", "accord/pages", "accord/search",
                          "tags", "material/tags"})


def stamps(docs_dir: Path, config_file: str | None, also: list[str] | tuple[str, ...] = (),
           dotfiles: bool = False) -> Stamps:
    """Every file of the docs folder (and the config file, and the files or folders `also`:
    the theme's custom_dir, `watch:`), as it is now: one `stat` each. Files and folders
    whose names start with a dot are left out unless `dotfiles`: MkDocs leaves them out of
    the site unless exclude_docs takes them back, and editors keep swap files there."""
    found: Stamps = {}
    for extra in also:
        if os.path.isfile(extra):
            with contextlib.suppress(OSError):
                found[extra] = stamp(os.stat(extra))
    folders = [str(docs_dir), *(extra for extra in also if os.path.isdir(extra))]
    while folders:
        with contextlib.suppress(OSError), os.scandir(folders.pop()) as entries:
            for entry in entries:
                if not dotfiles and entry.name.startswith("."):
                    continue
                with contextlib.suppress(OSError):
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    else:
                        found[entry.path] = stamp(entry.stat())
    if config_file:
        with contextlib.suppress(OSError):
            found[config_file] = stamp(os.stat(config_file))
    return found


@dataclass
class Built:
    """What the last complete build was made from."""

    stamps: Stamps
    catalogue: Catalogue
    advice: dict[str, list[Any]]
    records: dict[str, str]  # absolute path of each record file → its id
    today: Any = None  # the build's date: overdue marks and next reviews depend on it


@dataclass
class Refresh:
    """The state `mkdocs serve` keeps between its builds (see the module's docstring)."""

    built: Built | None = None
    started: Stamps = field(default_factory=dict)  # the files as the current build began
    planned: Stamps | None = None  # as `plan` found them just before
    dotfiles: bool = False  # whether exclude_docs takes back files whose names start with a dot
    plugins: list[str] = field(default_factory=list)  # the site's plugins, as the last build had them
    tags_ready: bool = False  # mkdocs-material's tags plugin there, as accord/pages can feed it
    also: list[str] = field(default_factory=list)  # custom_dir and `watch:`, which pages are made from too
    changed: set[str] | None = None  # ids of the records changed, if only they changed; None: every page
    dirty: bool = False  # the current build is MkDocs' dirty one
    reach: set[str] | None = None  # ids of the records whose pages the change reaches (None: every page)

    def plan(self, docs_dir: Path, config_file: str | None, also: list[str] | tuple[str, ...] = (),
             today: Any = None) -> set[str] | None:
        """Before a rebuild: the ids of the records changed since the last build, when they
        are all that changed (none: nothing changed); None when the whole site must be made. `also`: other files and
        folders the site is made from (custom_dir, `watch:`); `today`: the build date now."""
        if not set(self.plugins) <= PAGE_BY_PAGE:
            return None
        if {"tags", "material/tags"} & set(self.plugins) and not self.tags_ready:
            return None
        built, now = self.built, stamps(docs_dir, config_file, also, self.dotfiles)
        if built is not None and today is not None and built.today != today:
            return None  # past midnight: what is overdue changed everywhere
        self.planned = now
        if built is None or now.keys() != built.stamps.keys():
            return None
        paths = {path for path, stamp in now.items() if built.stamps[path] != stamp}
        if not paths <= built.records.keys():
            return None
        return {built.records[path] for path in paths}  # empty: nothing it watches changed

    def affected(self, catalogue: Catalogue, advice: dict[str, list[Any]]) -> set[str] | None:
        """The ids of the records whose pages the change reaches; None: every page."""
        assert self.built is not None and self.changed is not None
        old, changed = self.built.catalogue, self.changed
        if old.audience != catalogue.audience or old.records.keys() != catalogue.records.keys():
            return None  # another audience, or records seen or hidden: pages come and go
        for record_id in changed:
            before, after = old.records.get(record_id), catalogue.records.get(record_id)
            if before is None or after is None or before.type != after.type:
                return None  # seen by the audience before and not now, or the reverse: files change
        ids = set(changed)
        for version in (old, catalogue):
            names = references(version)
            for record_id in changed:
                ids |= names.get(record_id, set())
                record = version.records[record_id]
                if record.type == "agreement":
                    ids |= lineage(version, record_id)
            naming = {other for other, named in names.items() if named & changed}
            ids |= naming
            for record_id in changed:
                if version.records[record_id].type == "organization":
                    ids |= {o for other in naming for o in names.get(other, set())}  # its partners' pages
                if _lessons_move(old, catalogue, record_id):
                    ids |= _lessons_reach(version, record_id)
        for agreement in self.built.advice.keys() | advice.keys():
            before, after = self.built.advice.get(agreement, []), advice.get(agreement, [])
            if _shown(before) != _shown(after) or any(a.row.retrospective in changed for a in (*before, *after)):
                ids.add(agreement)
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


_REFERENCES: dict[int, tuple[Catalogue, dict[str, set[str]]]] = {}
_NAMED: dict[int, tuple[Any, set[str]]] = {}  # a model (kept alive while here) → the strings it holds


def references(catalogue: Catalogue) -> dict[str, set[str]]:
    """For each record, the other records it names anywhere in its front matter (a lesson's
    address names its retrospective)."""
    kept = _REFERENCES.get(id(catalogue))
    if kept is not None and kept[0] is catalogue:
        return kept[1]
    ids = catalogue.records.keys()
    found: dict[str, set[str]] = {}
    for record in catalogue.records.values():
        kept = _NAMED.get(id(record.model))
        if kept is None or kept[0] is not record.model:
            named: set[str] = set()
            _strings(record.model.model_dump(mode="python"), named)
            kept = (record.model, {n.split("#", 1)[0] for n in named})
            _NAMED[id(record.model)] = kept
        found[record.id] = {n for n in kept[1] if n in ids and n != record.id}
    if len(_NAMED) > 4 * len(found) + 1000:
        _NAMED.clear()
    if len(_REFERENCES) > 1:  # the last build's and this one's are all that are asked for
        _REFERENCES.clear()
    _REFERENCES[id(catalogue)] = (catalogue, found)
    return found


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


class _Quiet(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation and links inaccurate: not so
    here, where a change that could is made into a whole build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


@contextlib.contextmanager
def dirty_builds() -> Iterator[bool]:
    """Within: `mkdocs serve`'s builder makes MkDocs' dirty build. Yields whether it could
    (a server that does not build through `mkdocs.commands.serve.build` builds whole)."""
    try:
        from mkdocs.commands import serve
    except ImportError:
        yield False
        return
    real = getattr(serve, "build", None)
    if real is None:
        yield False
        return

    def build(config: Any, *, serve_url: str | None = None, dirty: bool = False) -> None:
        real(config, serve_url=serve_url, dirty=True)

    quiet = _Quiet()
    logger = logging.getLogger("mkdocs.commands.build")
    serve.build = build  # type: ignore[attr-defined]
    logger.addFilter(quiet)
    try:
        yield True
    finally:
        serve.build = real  # type: ignore[attr-defined]
        logger.removeFilter(quiet)


def publishes_dotfiles(exclude_docs: Any) -> bool:
    """Whether an exclude_docs spec takes back (`!`) a file or folder whose name starts
    with a dot, which MkDocs leaves out by default."""
    for pattern in getattr(exclude_docs, "patterns", None) or ():
        text = getattr(pattern, "pattern", "") or ""
        if getattr(pattern, "include", True) is False and any(part.startswith(".") for part in
                                                                 text.lstrip("!").split("/")):
            return True
    return False
