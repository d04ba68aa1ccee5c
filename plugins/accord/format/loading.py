"""Load a docs folder: every Markdown file read, every record checked, every rule run."""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from accord.format import cost, forked, signed
from accord.format.diagnostics import Diagnostic, Severity
from accord.format.files import Walk, walk
from accord.format.models import Confidentiality
from accord.format.paths import display_path, nearest_owner, owner
from accord.format.records import Record
from accord.format.rules import EVERYTHING, Naming, check_all, file_problems
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


def read_file(path: Path, docs_dir: Path, where: tuple[str, str] | None = None) -> SourceFile:
    """The file at `path` read; `where`: its docs-relative path and its path as shown, if known."""
    rel_path, shown = where or (path.relative_to(docs_dir).as_posix(), display_path(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        source = SourceFile(path=shown, rel_path=rel_path)
        source.diagnostics.append(Diagnostic(source.path, 1, 1, "unreadable", f"cannot read the file: {exc.strerror}; "
                                             "give it read permission, or move it out of the docs folder"))
        return source
    return read_source(raw, shown, rel_path)


# A file read, its model (None: invalid), its problems, and what its Markdown would cost to read (accord.format.cost)
Checked = tuple[SourceFile, Any, list[Diagnostic], list[Diagnostic]]
_VALID = True  # in a `_fresh` result: a valid record, its model to make again (a singleton a pickle keeps)


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
    with _collector_paused():
        return _load(docs_dir, today, on_file, walked, cache, stamps, audience)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the records are read. Reading makes hundreds of
    thousands of objects that all live on (node trees, values, models), and each of them
    counts towards the next collection, which walks every object made so far: at 10,000
    records the collector took 1.5 s of a 4.8 s load, and found nothing to free (the same
    peak memory with it off, 250 MB). It is put back as it was, whatever happens; what was
    made meanwhile is moved to the collector's oldest generation, as if it had lived through
    the collections it missed (else the first one would go through all of it at once: 0.26 s),
    unless something has been set aside (gc.freeze) that this would let go of."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()  # (into the oldest generation, unwalked)
            gc.enable()


def _load(docs_dir: Path, today: date | None, on_file: object, walked: Walk | None,
          cache: dict[str, tuple[tuple[int, ...], Checked]] | None, stamps: dict[str, tuple[int, ...]] | None,
          audience: str | None) -> LoadResult:
    docs_dir = Path(docs_dir)
    result = LoadResult(docs_dir=docs_dir)
    started = time.perf_counter()
    found = walked if walked is not None else walk(docs_dir)
    result.diagnostics += found.problems
    advance = on_file if callable(on_file) else _nothing
    for source, model, problems, costly in _all_checked(found.markdown, docs_dir, cache, stamps or {}, advance):
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


def _nothing() -> None:
    pass


def _all_checked(paths: list[Path], docs_dir: Path, cache: dict[str, tuple[tuple[int, ...], Checked]] | None,
                 stamps: dict[str, tuple[int, ...]], advance: Callable[[], None]) -> list[Checked]:
    """Every file read and checked, in order, or what `cache` kept of it unchanged (and the
    cache brought up to date); `advance()` once a file, as it is done. Many files to read are
    shared among processes (accord.format.forked): at 10,000 records, on two cores, 2.6 s → 1.8 s."""
    kept: list[Checked | None] = []
    now: list[tuple[int, ...]] = []
    for path in paths:
        stamped, checked = _kept(path, cache, stamps)
        kept.append(checked)
        now.append(stamped)
        if checked is not None:
            advance()
    unread = [path for path, checked in zip(paths, kept, strict=True) if checked is None]
    fresh = iter(forked.ordered(partial(_fresh, docs_dir=docs_dir, where=_Where(docs_dir)), unread,
                                forked.processes(len(unread)),
                                sent=_unmodelled, received=_revived, advance=advance))
    checked_all = [checked if checked is not None else next(fresh) for checked in kept]
    if cache is not None:
        for path, stamped, checked in zip(paths, now, checked_all, strict=True):
            if stamped:
                cache[str(path)] = (stamped, checked)
        for gone in cache.keys() - {str(path) for path in paths}:
            del cache[gone]
    return checked_all


def _kept(path: Path, cache: dict[str, tuple[tuple[int, ...], Checked]] | None,
          stamps: dict[str, tuple[int, ...]]) -> tuple[tuple[int, ...], Checked | None]:
    """The file's stamp now, and what `cache` kept of it if it is unchanged since."""
    if cache is None:
        return (), None
    key = str(path)
    now = stamps.get(key, ())
    if not now:
        with contextlib.suppress(OSError):
            now = stamp(path.stat())
    kept = cache.get(key)
    return now, (kept[1] if kept is not None and now and kept[0] == now else None)


class _Where:
    """A file's docs-relative path and its path as shown (accord.format.paths.display_path),
    from its path as walked, by cutting text: both asked of the path itself took 15 µs a file
    (0.15 s at 10,000 files)."""

    def __init__(self, docs_dir: Path) -> None:
        self.prefix = os.path.join(str(docs_dir), "")
        try:
            relative: str | None = os.path.relpath(docs_dir)
        except ValueError:  # another drive, on Windows: shown whole
            relative = None
        # What display_path makes of the files inside: the docs folder's relative path and
        # theirs below it; or, if the folder is not below this one, the path as given
        # (None), unless this folder is inside it (some files are below: each is asked).
        self.shown = None if relative is None or relative.startswith("..") else relative
        self.each = self.shown is None and os.path.abspath(os.curdir).startswith(
            os.path.join(os.path.abspath(docs_dir), ""))

    def __call__(self, path: Path, docs_dir: Path) -> tuple[str, str]:
        text = str(path)
        if self.each or not text.startswith(self.prefix):  # (`.` as the docs folder: its files are `x.md`)
            return path.relative_to(docs_dir).as_posix(), display_path(path)
        below = text[len(self.prefix):]
        rel_path = below if os.sep == "/" else below.replace(os.sep, "/")
        if self.shown is None:
            return rel_path, text
        return rel_path, below if self.shown == "." else os.path.join(self.shown, below)


def _fresh(path: Path, docs_dir: Path, where: _Where | None = None) -> Checked:
    """The file read and its front matter checked (what the rules find in the file alone too,
    while its node tree is at hand)."""
    source = read_file(path, docs_dir, where(path, docs_dir) if where is not None else None)
    model, problems = (None, []) if (not source.is_record or source.diagnostics or source.data is None) \
        else check_record(source)
    if model is not None:
        file_problems(source)
    source.release()
    costly = cost.problems(source.body, source.path)
    if costly:  # (rare) their lines in the file: the body is its end
        first = first_line(path, source.body)
        costly = [replace(d, line=d.line + first - 1) for d in costly]
    return source, model, problems, costly


def _unmodelled(checked: Checked) -> Checked:
    """A `_fresh` result, made in another process, as it is sent: a valid record's model
    left out (_VALID), to be made again by `_revived` where the results are gathered:
    pickled, a model costs three times what validating its values again does."""
    source, model, problems, costly = checked
    return source, _VALID if model is not None else None, problems, costly


def _revived(checked: Checked) -> Checked:
    """A result `_unmodelled` sent, with its valid record's model made again (from the
    values already checked: the same model, with no problem)."""
    source, model, problems, costly = checked
    if model is _VALID:
        model, problems = check_record(source)
    return source, model, problems, costly
