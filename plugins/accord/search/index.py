"""The search index: Whoosh over the records one audience may see, kept on disk and
brought up to date incrementally.

`.accord/index/<audience>/` holds the Whoosh index, a manifest (each file's size, time
and content hash, each record's facts and what its documents depend on), the lessons
as `accord lessons-for` compares them, and the words seen (for correcting typos).
Opening an unchanged index costs a walk of the docs folder and no parsing at all; after
an edit only the files whose content changed are parsed again, with the records whose
documents carry facts of theirs (a party's name, an agreement's kind). A change of
schema or of the cache's layout rebuilds it from nothing.

Its parts, each in its module: the fields and how documents are folded into them
(accord.search.schema), the manifest (accord.search.manifest), the generations on disk and
their seals (accord.search.generations), the docs folder scanned and each file parsed
(accord.search.reading), and the filters of a search (accord.search.filters). This module
brings them together in `SearchIndex`, and still answers for the names others import.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.index import LockError

from accord.format.vocabulary import AUDIENCE_RANK
from accord.search import generations, schema
from accord.search.facts import Documents, Facts, LessonRow
from accord.search.filters import Filters
from accord.search.generations import GENERATION, SHARDS, shard
from accord.search.manifest import FileState, IndexDamaged, Manifest, owners
from accord.search.reading import Parsed, Unreadable, parse, scan
from accord.search.schema import INDEX_VERSION, PART_FIELDS, WEIGHTS, codec, fold
from accord.search.terms import words

__all__ = [  # what others import from here (the CLI, the search plugin, scripts, tests)
    "INDEX_VERSION", "PART_FIELDS", "RANKS", "WEIGHTS", "FileState", "Filters", "IndexDamaged", "Manifest",
    "Progress", "RefreshReport", "SearchIndex", "Unreadable", "fold", "scan",
]

# Who sees what (accord.format.vocabulary, without importing the models): a record is in an
# audience's index when its confidentiality ranks no higher than the audience.
RANKS = AUDIENCE_RANK

Files = dict[str, tuple[str, os.stat_result]]  # rel_path → (path, stat), as scan finds them


@dataclass
class RefreshReport:
    rebuilt: bool = False
    reindexed: int = 0  # records whose documents were written again
    removed: int = 0
    invalid: list[str] = field(default_factory=list)  # rel_paths of records with errors (not indexed)
    read_only: bool = False  # the cache could not be written; an index in memory served this run
    locked: bool = False  # another process was updating the index; it was searched as it was
    unreadable: list[str] = field(default_factory=list)  # folders (docs-relative) that could not be read

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.reindexed or self.removed)


Progress = Callable[[int, int], None]  # (done, total)


class SearchIndex:
    """The on-disk search index of one knowledge base for one audience."""

    def __init__(self, docs_dir: Path, cache_dir: Path, audience: str) -> None:
        if audience not in RANKS:
            raise ValueError(f"unknown audience {audience!r}")
        self.docs_dir = Path(docs_dir)
        self.audience = audience
        self.home = Path(cache_dir) / "index" / audience  # CURRENT names the generation in use
        self.folder = self.home  # the generation folder, once known
        self._index: index.Index | None = None
        self._manifest: Manifest | None = None
        self._words: list[str] | None = None
        self._searcher: Any = None
        self._shards: set[int] = set()  # the lesson shards read in this refresh
        self._in_memory = False  # the index was made in memory (the cache could not be written)
        self._searcher_of: index.Index | None = None
        self._new_words: set[str] = set()  # words of the documents written in this refresh

    # Bringing it up to date ------------------------------------------------------------

    def refresh(self, progress: Progress | None = None) -> RefreshReport:
        """Bring the index up to date with the docs folder (one process at a time)."""
        with self._writing():
            try:
                return self._refresh(progress)
            except OSError:  # the cache cannot be written: an index in memory, for this run
                unreadable: list[str] = []
                report = self._rebuild(scan(self.docs_dir, unreadable), progress, memory=True)
                report.unreadable = unreadable
                return report

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """An exclusive lock on this audience's cache while it is brought up to date."""
        try:
            import fcntl

            self.home.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.home.parent / f"{self.audience}.lock", "a+")  # noqa: SIM115 - held below
        except (ImportError, OSError):  # no locks here (or nowhere to put one): go on without
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            handle.close()  # releases the lock

    def _refresh(self, progress: Progress | None) -> RefreshReport:
        unreadable: list[str] = []
        files = scan(self.docs_dir, unreadable)
        try:
            manifest, ix = self._open()
            generations.clean(self.home, keep=self.folder.name)  # generations left by killed or failed rebuilds
        except IndexDamaged:
            return self._rebuild_reporting(files, progress, unreadable)
        report = RefreshReport()
        changed = _changed(manifest, files)
        # A folder that cannot be read is not a folder deleted: its records stay as they were.
        removed = [rel_path for rel_path in manifest.files
                   if rel_path not in files and not rel_path.startswith(tuple(unreadable))]
        report.unreadable = unreadable
        if not changed and not removed:
            self._restamp(manifest, files)
            report.invalid = manifest.invalid()
            return report
        try:
            return self._update(manifest, ix, files, changed, removed, report, progress)
        except IndexDamaged:  # facts.json or graph.json unreadable: start again
            return self._rebuild_reporting(files, progress, unreadable)

    def _rebuild_reporting(self, files: Files, progress: Progress | None, unreadable: list[str]) -> RefreshReport:
        report = self._rebuild(files, progress)
        report.unreadable = unreadable
        return report

    def _restamp(self, manifest: Manifest, files: Files) -> None:
        """Nothing changed, but files were touched (their content as it was): their new times
        are kept, so that they are not read again next time."""
        if any((manifest.files[p].mtime_ns, manifest.files[p].ctime_ns) != (
                files[p][1].st_mtime_ns, files[p][1].st_ctime_ns) for p in files):
            generations.save_manifest(self.folder, manifest, records=False)
            with suppress(OSError):
                generations.seal(self.folder)

    def _update(self, manifest: Manifest, ix: index.Index, files: Files, changed: dict[str, Parsed],
                removed: list[str], report: RefreshReport, progress: Progress | None) -> RefreshReport:
        old_facts = dict(manifest.facts)
        old_owners = dict(manifest.owners)
        parsed_by_id = self._apply(manifest, files, changed, removed, old_facts, old_owners)
        touched = _touched(manifest, old_facts, old_owners, parsed_by_id)
        # Lessons are kept in shards by retrospective id: only the shards touched are read and written.
        manifest.lessons = self._lessons_file({shard(rid) for rid in touched})
        lookup = self._lookup(manifest)
        try:
            writer = ix.writer(timeout=5.0, codec=codec(), compound=False)
        except LockError:  # another process is updating it: search what is there
            report.locked = True
            return report
        try:
            self._rewrite(writer, manifest, files, touched, parsed_by_id, lookup, report, progress)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        self.close()  # the next search sees the new segments
        self._extend_words(manifest)
        generations.save_manifest(self.folder, manifest)
        with suppress(OSError):
            generations.seal(self.folder)
        report.invalid = manifest.invalid()
        return report

    def _apply(self, manifest: Manifest, files: Files, changed: dict[str, Parsed], removed: list[str],
               old_facts: dict[str, Facts], old_owners: dict[str, str]) -> dict[str, Parsed]:
        """Put the files removed and changed in the manifest, with each id's owner and facts;
        the records parsed on the way, by id."""
        for rel_path in removed:
            del manifest.files[rel_path]
        for rel_path, parsed in changed.items():
            manifest.files[rel_path] = parsed.state
        manifest.owners = owners(manifest.files)
        parsed_by_id: dict[str, Parsed] = {}
        for rel_path, parsed in changed.items():
            rid = parsed.state.record_id
            if parsed.state.valid and rid and manifest.owners.get(rid) == rel_path:
                parsed_by_id[rid] = parsed
        # Facts: kept for unchanged owners, new for changed ones, gone for the rest.
        facts: dict[str, Facts] = {}
        for rid, rel_path in manifest.owners.items():
            if rid in parsed_by_id:
                facts[rid] = self._kept(parsed_by_id[rid].facts)  # type: ignore[arg-type]
            elif old_owners.get(rid) == rel_path and rid in old_facts:
                facts[rid] = old_facts[rid]
            else:  # a duplicate's other file now owns the id: read it
                path, stat = files[rel_path]
                parsed = parse(path, rel_path, stat)
                if parsed.facts is not None:
                    parsed_by_id[rid] = parsed
                    facts[rid] = self._kept(parsed.facts)
        manifest.facts = facts
        return parsed_by_id

    def _rewrite(self, writer: Any, manifest: Manifest, files: Files, touched: set[str],
                 parsed_by_id: dict[str, Parsed], lookup: Callable[[str], Facts | None], report: RefreshReport,
                 progress: Progress | None) -> None:
        """Write the touched records' documents again (or delete them, for records gone)."""
        facts = manifest.facts
        for n, rid in enumerate(sorted(touched)):
            writer.delete_by_term("record", rid)
            manifest.depends.pop(rid, None)
            manifest.lessons.pop(rid, None)
            if rid not in facts:
                report.removed += 1
                continue
            parsed = parsed_by_id.get(rid)
            if parsed is None:
                path, stat = files[manifest.owners[rid]]
                parsed = parse(path, manifest.owners[rid], stat)
                manifest.files[manifest.owners[rid]] = parsed.state
            if parsed.documents is None:
                continue
            self._add(writer, manifest, rid, parsed.documents(lookup), lookup)
            report.reindexed += 1
            if progress:
                progress(n + 1, len(touched))

    def _add(self, writer: Any, manifest: Manifest, rid: str, documents: Documents,
             lookup: Callable[[str], Facts | None]) -> None:
        manifest.depends[rid] = sorted(documents.depends_on)
        if lookup(rid) is None:
            return  # hidden from this audience: facts kept for others, no documents
        for doc in map(fold, documents.docs):
            writer.add_document(**doc)
            self._new_words.update(words(doc["text"]))
        if documents.lessons:
            manifest.lessons[rid] = [row.to_json() for row in documents.lessons]

    def _rebuild(self, files: Files, progress: Progress | None, memory: bool = False) -> RefreshReport:
        """Index everything from nothing, into a new generation folder that CURRENT then
        names (or, with `memory` or when the cache cannot be written, in memory)."""
        report = RefreshReport(rebuilt=True, read_only=memory)
        manifest = Manifest(audience=self.audience, signature=schema.schema_signature())
        parsed_all = self._parse_all(manifest, files, progress)
        lookup = self._lookup(manifest)
        self._new_words = set()
        staging = None if memory else self._staging(report)
        self._in_memory = staging is None
        ix = schema.create(staging)
        self._write_all(ix, manifest, parsed_all, lookup, report, progress, staging)
        self._words = sorted(self._new_words)
        if staging is not None:
            self._publish(staging, manifest, report)
        self.close()
        self._index, self._manifest = ix, manifest
        report.invalid = manifest.invalid()
        return report

    def _parse_all(self, manifest: Manifest, files: Files, progress: Progress | None) -> dict[str, Parsed]:
        """Every file parsed into the manifest (the first half of a rebuild's progress)."""
        parsed_all: dict[str, Parsed] = {}
        total = len(files)
        for n, (rel_path, (path, stat)) in enumerate(files.items()):
            parsed = parse(path, rel_path, stat)
            manifest.files[rel_path] = parsed.state
            parsed_all[rel_path] = parsed
            if progress:
                progress(n + 1, total * 2)
        manifest.owners = owners(manifest.files)
        manifest.facts = {rid: self._kept(parsed_all[rel].facts)  # type: ignore[arg-type]
                          for rid, rel in manifest.owners.items()}
        return parsed_all

    def _staging(self, report: RefreshReport) -> Path | None:
        """A new generation folder to write into; None (read only) when none can be made."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            return Path(tempfile.mkdtemp(prefix=GENERATION, dir=self.home))
        except OSError:
            report.read_only = True
            return None

    def _write_all(self, ix: index.Index, manifest: Manifest, parsed_all: dict[str, Parsed],
                   lookup: Callable[[str], Facts | None], report: RefreshReport, progress: Progress | None,
                   staging: Path | None) -> None:
        """Every owner's documents, into a new index (the second half of a rebuild's progress)."""
        total = len(parsed_all)
        writer = ix.writer(limitmb=256, codec=codec(), compound=False)
        try:
            for n, (rid, rel_path) in enumerate(sorted(manifest.owners.items())):
                parsed = parsed_all[rel_path]
                assert parsed.documents is not None
                self._add(writer, manifest, rid, parsed.documents(lookup), lookup)
                report.reindexed += 1
                if progress:
                    progress(total + n + 1, total * 2)
            writer.commit()
        except BaseException:
            writer.cancel()
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            raise

    def _publish(self, staging: Path, manifest: Manifest, report: RefreshReport) -> None:
        self.folder = staging
        try:
            generations.publish(staging, self.home, manifest, self._words or [])
        except OSError:  # searchable all the same, from the folder just written
            report.read_only = True
            self._in_memory = True  # what the folder lacks, the manifest in memory has
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # never a half-written generation left behind
            raise
        else:
            generations.clean(self.home, keep=staging.name)

    def _extend_words(self, manifest: Manifest) -> None:
        if self._new_words:
            known = set(self.words())
            if not self._new_words <= known:
                self._words = sorted(known | self._new_words)
                generations.write_json(self.folder / "words.json", self._words)
        generations.write_lessons(self.folder, manifest.lessons,
                                  {shard(rid) for rid in manifest.lessons} | self._shards)

    def _kept(self, facts: Facts) -> Facts:
        """The facts this audience's cache keeps: of a record it may not see, only that it
        exists, its type and its confidentiality (so that a change of either is noticed),
        never its title or its parties."""
        if RANKS.get(facts.confidentiality, 99) <= RANKS[self.audience]:
            return facts
        return Facts(facts.type, "", facts.confidentiality)

    def _lookup(self, manifest: Manifest) -> Callable[[str], Facts | None]:
        facts, rank = manifest.facts, RANKS[self.audience]

        def lookup(record_id: str) -> Facts | None:
            found = facts.get(record_id)
            return found if found is not None and RANKS.get(found.confidentiality, 99) <= rank else None

        return lookup

    # Reading ----------------------------------------------------------------------------

    def _open(self) -> tuple[Manifest, index.Index]:
        self._new_words = set()
        try:
            self.folder = generations.current(self.home)
            generations.check_seals(self.folder)
            manifest = Manifest.read(self.folder, self.audience)
            ix = index.open_dir(str(self.folder / "whoosh"))
            with ix.searcher() as searcher:  # opens every segment: damage shows here, not mid-search
                searcher.doc_count_all()
                searcher.reader().doc_frequency("type", "lesson")
        except IndexDamaged:
            raise
        except Exception as exc:  # a missing, damaged or foreign cache is rebuilt, whatever broke
            raise IndexDamaged(str(exc)) from exc
        self._index, self._manifest = ix, manifest
        return manifest, ix

    def _read_lessons(self) -> dict[str, list[dict[str, Any]]]:
        if self._in_memory and self._manifest is not None:
            return self._manifest.lessons  # all of them: the index was made in memory
        return self._lessons_file(set(range(SHARDS)))

    def _lessons_file(self, shards: set[int]) -> dict[str, list[dict[str, Any]]]:
        self._shards = shards
        return generations.read_lessons(self.folder, shards)

    def words(self) -> list[str]:
        """Every word (unstemmed) in the indexed text, for spelling corrections."""
        if self._words is None:
            self._words = generations.read_words(self.folder)
        return self._words

    def lessons(self) -> Any:
        """The lessons ready to be scored (accord.search.advice.Lessons): kept as arrays beside
        the lessons' shards, made again when they change."""
        from accord.search.advice import Lessons

        if self._in_memory:
            return Lessons(self.lesson_rows())
        key = generations.lessons_key(self.folder)
        found = Lessons.load(self.folder, key)
        if found is None:
            found = Lessons(self.lesson_rows())
            with suppress(OSError), self._writing():
                found.save(self.folder, key)
                generations.seal(self.folder)
        return found

    def lesson_rows(self) -> list[LessonRow]:
        """Every lesson the audience may see, as `lessons-for` compares them."""
        return [LessonRow.from_json(value) for values in self._read_lessons().values() for value in values]

    @contextmanager
    def searcher(self) -> Iterator[Any]:
        """One searcher for the life of this object (opening one reads every segment's
        term index), renewed after a refresh that wrote to the index."""
        if self._index is None:
            self._open()
        assert self._index is not None
        if self._searcher is None or self._searcher_of is not self._index:
            self.close()
            self._searcher, self._searcher_of = self._index.searcher(), self._index
        yield self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def facts(self) -> dict[str, Facts]:
        """Every valid record's facts (rebuilding the index if they cannot be read)."""
        try:
            return self.manifest.facts
        except IndexDamaged:
            self._rebuild(scan(self.docs_dir), None)
            return self.manifest.facts

    def lookup(self) -> Callable[[str], Facts | None]:
        """Facts of a record this audience may see; None for any other id."""
        self.facts()
        return self._lookup(self.manifest)

    @property
    def manifest(self) -> Manifest:
        if self._manifest is None:
            self._open()
        assert self._manifest is not None
        return self._manifest


def _changed(manifest: Manifest, files: Files) -> dict[str, Parsed]:
    """The files whose content changed since the manifest was written, parsed again (a file
    only touched, its content as it was, gets its new times in the manifest instead)."""
    changed: dict[str, Parsed] = {}
    for rel_path, (path, stat) in files.items():
        old = manifest.files.get(rel_path)
        if old is not None and (old.mtime_ns, old.size, old.ctime_ns) == (
                stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns):
            continue
        parsed = parse(path, rel_path, stat)
        if old is not None and old.digest == parsed.state.digest and old.digest:
            old.mtime_ns, old.ctime_ns = stat.st_mtime_ns, stat.st_ctime_ns  # touched, not changed
            continue
        changed[rel_path] = parsed
    return changed


def _touched(manifest: Manifest, old_facts: dict[str, Facts], old_owners: dict[str, str],
             parsed_by_id: dict[str, Parsed]) -> set[str]:
    """The records whose documents must be written again: those parsed, gone or moved, and
    those whose documents carry facts that changed."""
    facts = manifest.facts
    touched = set(parsed_by_id) | (set(old_owners) - set(manifest.owners))
    touched |= {rid for rid, rel in old_owners.items() if manifest.owners.get(rid) != rel}
    moved = {rid for rid in set(old_facts) | set(facts) if old_facts.get(rid) != facts.get(rid)}
    for rid, depends in manifest.depends.items():
        if rid in facts and moved.intersection(depends):
            touched.add(rid)
    return touched
