"""Load a docs folder: every Markdown file read, every record checked, every rule run."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from accord.format import cost, signed
from accord.format.diagnostics import Diagnostic, Severity
from accord.format.files import Walk, walk
from accord.format.models import Confidentiality
from accord.format.paths import display_path, nearest_owner, owner
from accord.format.records import Record
from accord.format.rules import EVERYTHING, Naming, check_all
from accord.format.schema import check_record
from accord.format.source import SourceFile, declared_confidentiality, declared_id, ordinary_page, read_source


@dataclass
class LoadResult:
    docs_dir: Path
    records: list[Record] = field(default_factory=list)  # the valid ones
    broken: dict[str, list[SourceFile]] = field(default_factory=dict)  # id → records with errors declaring it
    # File name → records with errors whose id could not be read (one is likely the record of that id)
    unread: dict[str, list[SourceFile]] = field(default_factory=dict)
    failed: list[SourceFile] = field(default_factory=list)  # every record with errors, an id declared or not
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: int = 0  # ordinary pages (no record type)
    invalid: int = 0  # records left out because of errors
    elapsed: float = 0.0  # seconds
    naming: Naming = EVERYTHING  # what the messages may name (load's `audience`)
    # Display paths of the files an audience may not see, and the names hidden records own
    # (accord.format.paths.owner, docs-relative): for `shown`. Empty without an audience.
    unseen: frozenset[str] = frozenset()
    unseen_owners: frozenset[str] = frozenset()
    seen_owners: frozenset[str] = frozenset()

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def _owned_unseen(self, rel: str) -> bool:
        """Whether the nearest record owning the file is one the audience may not see (where a
        seen and an unseen record claim one name, the unseen one: guard.Attachments)."""
        return nearest_owner(rel, self.unseen_owners, self.seen_owners) is False

    def shown(self, diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], bool]:
        """Those of `diagnostics` the load's audience may be told of, and whether any was
        left out (about a record it may not see, or a file such a record owns)."""
        if not self.unseen:
            return list(diagnostics), False
        docs = os.path.abspath(self.docs_dir)
        kept = []
        for d in diagnostics:
            if d.path in self.unseen:
                continue
            if self.naming.paths is not None and d.path in self.naming.paths:
                kept.append(d)  # a file the audience sees, wherever it is filed
                continue
            rel = os.path.relpath(os.path.abspath(d.path), docs).replace(os.sep, "/")
            if not rel.startswith("../") and self._owned_unseen(rel):
                continue  # a file such a record owns: `ID.pdf`, `ID.md.bak`, `ID/minutes.md`
            kept.append(d)
        return kept, len(kept) != len(diagnostics)

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


def build_date() -> date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def markdown_files(docs_dir: Path) -> list[Path]:
    """The Markdown files MkDocs would read (it follows linked folders too) that are safe
    to read; hidden files and folders are skipped (accord.format.files)."""
    return walk(docs_dir).markdown


def read_file(path: Path, docs_dir: Path) -> SourceFile:
    rel_path = path.relative_to(docs_dir).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        source = SourceFile(path=display_path(path), rel_path=rel_path)
        source.diagnostics.append(Diagnostic(source.path, 1, 1, "unreadable", f"cannot read the file: {exc.strerror}; "
                                             "give it read permission, or move it out of the docs folder"))
        return source
    return read_source(raw, display_path(path), rel_path)


# A file read, its model (None: invalid), its problems, and what its Markdown would cost to read (accord.format.cost)
Checked = tuple[SourceFile, Any, list[Diagnostic], list[Diagnostic]]


def stamp(info: os.stat_result) -> tuple[int, ...]:
    """What says a file changed: its time of change, size, inode and time of status change."""
    return (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)


def load(docs_dir: Path, today: date | None = None, on_file: object = None, walked: Walk | None = None,
         cache: dict[str, tuple[tuple[int, ...], Checked]] | None = None,
         stamps: dict[str, tuple[int, ...]] | None = None, audience: str | None = None) -> LoadResult:
    """Read and check every record under `docs_dir`.

    `on_file`, if given, is called once per file read (a progress bar's `advance`);
    `walked`, the folder's walk if the caller has just made it; `cache`, what an earlier
    load of the same folder kept (it is updated): a file unchanged since (the same size,
    time of change and inode) is not read or checked again, only the rules across
    records run again. `mkdocs serve` keeps one between its rebuilds. `stamps`: each
    file's `stamp`, if the caller has just taken them. `audience`: the messages are for it
    (rules.Naming; `LoadResult.shown`); the verdicts are the same.
    """
    docs_dir = Path(docs_dir)
    result = LoadResult(docs_dir=docs_dir)
    started = time.perf_counter()
    found = walked if walked is not None else walk(docs_dir)
    result.diagnostics += found.problems
    seen: set[str] = set()
    for path in found.markdown:
        source, model, problems, costly = _checked(path, docs_dir, cache, seen, stamps or {})
        if callable(on_file):
            on_file()
        result.diagnostics += costly  # a page that would hang the build, record or not
        if not source.is_record:
            result.pages += 1
            if costly:  # not converted under mkdocs serve either: the preview shows why in its place
                result.failed.append(source)
            continue
        result.diagnostics += source.diagnostics
        if model is None or costly:  # (a record whose page would hang is not made: mkdocs serve shows why)
            result.diagnostics += problems
            result.invalid += 1
            result.failed.append(source)
            broken = declared_id(source)
            if broken:
                result.broken.setdefault(broken, []).append(source)
            else:
                result.unread.setdefault(owner(source.rel_path).rsplit("/", 1)[-1], []).append(source)
            continue
        result.records.append(Record(model, source))
    if audience is not None:
        _for_audience(result, Confidentiality(audience))
    result.diagnostics += check_all(result.records, today or build_date(), result.broken, result.naming, result.unread)
    result.diagnostics += signed.check(result.records, docs_dir, result.failed, result.naming)  # the files they name
    result.diagnostics.sort()
    for record in result.records:
        record.source.release()  # node trees composed again to place cross-record diagnostics
    result.elapsed = time.perf_counter() - started
    if cache is not None:
        for gone in cache.keys() - seen:
            del cache[gone]
    return result


def first_line(path: Path, body: str) -> int:
    """The line of the file at `path` where `body`, the end of its text, starts."""
    try:
        newlines = path.read_bytes().count(b"\n")
    except OSError:
        return 1
    return max(1, newlines - body.count("\n") + 1)


def _for_audience(result: LoadResult, audience: Confidentiality) -> None:
    """What the load's messages may name, and which files' problems are not for `audience`:
    a file is seen only if it is a record the audience may see (a broken record by what it
    declares, read narrowly: source.declared_confidentiality)."""
    seen: list[SourceFile] = []
    unseen: list[SourceFile] = []
    for record in result.records:
        (seen if record.confidentiality.rank <= audience.rank else unseen).append(record.source)
    for source in result.failed:
        if ordinary_page(source):  # a page, not a record: every audience sees it, once it is fixed
            seen.append(source)
            continue
        level = Confidentiality(declared_confidentiality(source))
        (seen if level.rank <= audience.rank else unseen).append(source)
    ids = {record.id for record in result.records if record.confidentiality.rank <= audience.rank}
    shown_failed = {id(source) for source in seen}
    ids |= {found for source in result.failed
            if id(source) in shown_failed and (found := declared_id(source)) is not None}
    result.naming = Naming(ids=frozenset(ids), paths=frozenset(source.path for source in seen))
    result.unseen = frozenset(source.path for source in unseen)
    # A name owned by a hidden record stays hidden even if a visible one claims it too.
    result.unseen_owners = frozenset(owner(source.rel_path) for source in unseen)
    result.seen_owners = frozenset(owner(source.rel_path) for source in seen) - result.unseen_owners


def _checked(path: Path, docs_dir: Path, cache: dict[str, tuple[tuple[int, ...], Checked]] | None,
             seen: set[str], stamps: dict[str, tuple[int, ...]]) -> Checked:
    """The file read and its front matter checked, or what `cache` kept of it unchanged."""
    now: tuple[int, ...] = ()
    if cache is not None:
        key = str(path)
        seen.add(key)
        now = stamps.get(key, ())
        if not now:
            with contextlib.suppress(OSError):
                now = stamp(path.stat())
        kept = cache.get(key)
        if kept is not None and now and kept[0] == now:
            return kept[1]
    source = read_file(path, docs_dir)
    model, problems = (None, []) if (not source.is_record or source.diagnostics or source.data is None) \
        else check_record(source)
    source.release()
    costly = cost.problems(source.body, source.path)
    if costly:  # (rare) their lines in the file: the body is its end
        first = first_line(path, source.body)
        costly = [replace(d, line=d.line + first - 1) for d in costly]
    if cache is not None and now:
        cache[str(path)] = (now, (source, model, problems, costly))
    return source, model, problems, costly
