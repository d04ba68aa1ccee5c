"""The search index: Whoosh over the records one audience may see, kept on disk and
brought up to date incrementally.

`.accord/index/<audience>/` holds the Whoosh index, a manifest (each file's size, time
and content hash, each record's facts and what its documents depend on), the lessons
as `accord lessons-for` compares them, and the words seen (for correcting typos).
Opening an unchanged index costs a walk of the docs folder and no parsing at all; after
an edit only the files whose content changed are parsed again, with the records whose
documents carry facts of theirs (a party's name, an agreement's kind). A change of
schema or of the cache's layout rebuilds it from nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from whoosh import fields, index
from whoosh.analysis import KeywordAnalyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import LockError
from whoosh.query import And, DateRange, Query, Term

from accord.format.vocabulary import AUDIENCE_RANK
from accord.search.facts import Documents, Facts, LessonRow
from accord.search.terms import ANALYZER, words

INDEX_VERSION = 12  # 12: Porter's step 1b as Porter wrote it; 11: link targets in every form out; 10: objective targets
# Who sees what (accord.format.vocabulary, without importing the models): a record is in an
# audience's index when its confidentiality ranks no higher than the audience.
RANKS = AUDIENCE_RANK
CURRENT = "CURRENT"  # names the generation folder in use
GENERATION = "g-"  # generation folders are g-XXXXXXXX; a rebuild makes a new one
SHARDS = 64  # lessons are kept in this many files, by retrospective id
GRACE_SECONDS = 600  # an earlier generation is removed once this old: a running search may still read it
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


def _schema_signature() -> str:
    described = sorted((name, type(f).__name__, getattr(f, "field_boost", 1.0), f.stored)
                       for name, f in schema().items())
    return hashlib.sha256(json.dumps([INDEX_VERSION, described]).encode()).hexdigest()[:16]


class IndexError_(Exception):
    """The cache cannot be used (unreadable, or written by something else)."""


@dataclass
class FileState:
    mtime_ns: int
    size: int
    digest: str
    record_id: str | None  # None: an ordinary page, or a record with errors
    valid: bool
    # The change time too: a copy that keeps size and modification time (`cp -p`, `rsync -t`,
    # `tar -x`) still gets a new one, so its new content is read.
    ctime_ns: int = 0

    def to_json(self) -> list[Any]:
        return [self.mtime_ns, self.size, self.digest, self.record_id, self.valid, self.ctime_ns]

    @classmethod
    def from_json(cls, values: list[Any]) -> FileState:
        return cls(*values)


@dataclass
class Manifest:
    """What the index holds: `files.json` (each file's state, read by every command to see
    what changed), `facts.json` (each record's facts) and `graph.json` (which file holds
    each id, and whose facts each record's documents carry), each read only when needed."""

    audience: str
    signature: str = ""
    files: dict[str, FileState] = field(default_factory=dict)  # rel_path → state
    generation: str = field(default_factory=lambda: os.urandom(8).hex())
    folder: Path | None = None  # where facts.json and graph.json are, for a manifest read from disk
    lessons: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # retrospective id → lesson rows

    def files_json(self) -> dict[str, Any]:
        return {
            "version": INDEX_VERSION,
            "signature": self.signature,
            "audience": self.audience,
            "generation": self.generation,
            "files": {path: state.to_json() for path, state in sorted(self.files.items())},
        }

    def facts_json(self) -> dict[str, Any]:
        return {"generation": self.generation,
                "facts": {rid: facts.to_json() for rid, facts in sorted(self.facts.items())}}

    def graph_json(self) -> dict[str, Any]:
        return {"generation": self.generation, "owners": dict(sorted(self.owners.items())),
                "depends": dict(sorted(self.depends.items()))}

    def _read(self, name: str, empty: dict[str, Any]) -> dict[str, Any]:
        if self.folder is None:
            return empty
        try:
            data = json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexError_(f"{name}: {exc}") from exc
        if not isinstance(data, dict) or data.get("generation") != self.generation:
            raise IndexError_(f"{name} is not of the same generation as files.json")
        return data

    @cached_property
    def facts(self) -> dict[str, Facts]:
        """Record id → facts, of every valid record (whatever its audience)."""
        raw = self._read("facts.json", {"facts": {}})["facts"]
        return {rid: Facts.from_json(values) for rid, values in raw.items()}

    @cached_property
    def _graph(self) -> dict[str, Any]:
        return self._read("graph.json", {"owners": {}, "depends": {}})

    @cached_property
    def owners(self) -> dict[str, str]:
        """Record id → rel_path of the file that holds it."""
        return dict(self._graph["owners"])

    @cached_property
    def depends(self) -> dict[str, list[str]]:
        """Record id → the ids whose facts its documents carry."""
        return dict(self._graph["depends"])

    @classmethod
    def from_json(cls, data: dict[str, Any], folder: Path) -> Manifest:
        return cls(
            audience=data["audience"],
            signature=data["signature"],
            files={path: FileState.from_json(values) for path, values in data["files"].items()},
            generation=data["generation"],
            folder=folder,
        )


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


@dataclass
class Parsed:
    state: FileState
    documents: Callable[[Callable[[str], Facts | None]], Documents] | None = None
    facts: Facts | None = None


Progress = Callable[[int, int], None]  # (done, total)


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _parse(path: str, rel_path: str, stat: os.stat_result) -> Parsed:
    """Read one file: its state, and a way to make its documents once the facts of the
    records it names are known."""
    from accord.format.paths import display_path
    from accord.format.schema import check_record
    from accord.format.source import read_source
    from accord.search.documents import build

    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError:
        return Parsed(FileState(stat.st_mtime_ns, stat.st_size, "", None, False, stat.st_ctime_ns))
    source = read_source(raw, display_path(Path(path)), rel_path)
    state = FileState(stat.st_mtime_ns, stat.st_size, _digest(raw), None, False, stat.st_ctime_ns)
    if not source.is_record:
        return Parsed(state)
    model = None
    if source.data is not None and not source.diagnostics:
        model, _ = check_record(source)
    if model is None:
        from accord.format.source import declared_id

        state.record_id = declared_id(source)
        return Parsed(state)
    state.record_id, state.valid = model.id, True
    lines = [source.locate(("lessons", i, "id"))[0] for i in range(len(getattr(model, "lessons", [])))]
    source.release()
    body = source.body

    def documents(lookup: Callable[[str], Facts | None]) -> Documents:
        return build(model, rel_path, body, lookup, lines.__getitem__)

    return Parsed(state, documents, Facts.of(model))


class Unreadable(Exception):
    """The docs folder itself cannot be read."""


def scan(docs_dir: Path, unreadable: list[str] | None = None) -> dict[str, tuple[str, os.stat_result]]:
    """Every Markdown file MkDocs would read, with its stat: the same files as
    `accord.format.loading.markdown_files`, found with os.scandir (its cached stats make an
    unchanged knowledge base of 10,000 files cost a few tens of milliseconds)."""
    from accord.format.files import MAX_FILE, leaves, utf8_name
    from accord.format.paths import MARKDOWN_ENDINGS

    found: dict[str, tuple[str, os.stat_result]] = {}
    seen: set[tuple[int, int]] = set()  # folders already walked: a linked folder may loop

    def walk(folder: str, prefix: str) -> None:
        try:
            key = os.stat(folder)
            if (key.st_dev, key.st_ino) in seen:
                return
            seen.add((key.st_dev, key.st_ino))
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            if not prefix:
                raise Unreadable(f"cannot read the docs folder {folder}: {exc.strerror}") from None
            if unreadable is not None:
                unreadable.append(prefix)
            return
        for entry in entries:
            # What validate refuses (accord.format.files) is not indexed either.
            if entry.name.startswith(".") or not utf8_name(entry.name):
                continue
            try:
                if entry.is_symlink() and leaves(root, entry.path):
                    continue
                if entry.is_dir():
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.name.lower().endswith(MARKDOWN_ENDINGS) and entry.is_file():
                    info = entry.stat()
                    if info.st_size <= MAX_FILE:  # larger ones are refused by validate, never read whole
                        found[prefix + entry.name] = (entry.path, info)
            except OSError:
                continue

    root = os.path.realpath(docs_dir)
    walk(str(docs_dir), "")
    return found


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
            self._clean(keep=self.folder.name)  # generations left by killed or failed rebuilds
        except IndexError_:
            report = self._rebuild(files, progress)
            report.unreadable = unreadable
            return report
        report = RefreshReport()
        changed: dict[str, Parsed] = {}
        for rel_path, (path, stat) in files.items():
            old = manifest.files.get(rel_path)
            if old is not None and (old.mtime_ns, old.size, old.ctime_ns) == (
                    stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns):
                continue
            parsed = _parse(path, rel_path, stat)
            if old is not None and old.digest == parsed.state.digest and old.digest:
                old.mtime_ns, old.ctime_ns = stat.st_mtime_ns, stat.st_ctime_ns  # touched, not changed
                continue
            changed[rel_path] = parsed
        # A folder that cannot be read is not a folder deleted: its records stay as they were.
        removed = [rel_path for rel_path in manifest.files
                   if rel_path not in files and not rel_path.startswith(tuple(unreadable))]
        report.unreadable = unreadable
        if not changed and not removed:
            if any((manifest.files[p].mtime_ns, manifest.files[p].ctime_ns) != (
                    files[p][1].st_mtime_ns, files[p][1].st_ctime_ns) for p in files):
                self._write_manifest(manifest, records=False)
                with suppress(OSError):
                    _seal(self.folder)
            report.invalid = [p for p, s in manifest.files.items() if s.record_id and not s.valid]
            return report
        try:
            return self._update(manifest, ix, files, changed, removed, report, progress)
        except IndexError_:  # facts.json or graph.json unreadable: start again
            report = self._rebuild(files, progress)
            report.unreadable = unreadable
            return report

    def _update(self, manifest: Manifest, ix: index.Index, files: dict[str, tuple[str, os.stat_result]],
                changed: dict[str, Parsed], removed: list[str], report: RefreshReport,
                progress: Progress | None) -> RefreshReport:
        old_facts = dict(manifest.facts)
        old_owners = dict(manifest.owners)
        for rel_path in removed:
            del manifest.files[rel_path]
        for rel_path, parsed in changed.items():
            manifest.files[rel_path] = parsed.state
        manifest.owners = _owners(manifest.files)
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
                parsed = _parse(path, rel_path, stat)
                if parsed.facts is not None:
                    parsed_by_id[rid] = parsed
                    facts[rid] = self._kept(parsed.facts)
        manifest.facts = facts
        touched = set(parsed_by_id) | (set(old_owners) - set(manifest.owners))
        touched |= {rid for rid, rel in old_owners.items() if manifest.owners.get(rid) != rel}
        moved = {rid for rid in set(old_facts) | set(facts) if old_facts.get(rid) != facts.get(rid)}
        for rid, depends in manifest.depends.items():
            if rid in facts and moved.intersection(depends):
                touched.add(rid)
        # Lessons are kept in shards by retrospective id: only the shards touched are read and written.
        shards = {_shard(rid) for rid in touched}
        manifest.lessons = self._lessons_file(shards)
        lookup = self._lookup(manifest)
        try:
            writer = ix.writer(timeout=5.0, codec=codec(), compound=False)
        except LockError:  # another process is updating it: search what is there
            report.locked = True
            return report
        try:
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
                    parsed = _parse(path, manifest.owners[rid], stat)
                    manifest.files[manifest.owners[rid]] = parsed.state
                if parsed.documents is None:
                    continue
                self._add(writer, manifest, rid, parsed.documents(lookup), lookup)
                report.reindexed += 1
                if progress:
                    progress(n + 1, len(touched))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        self.close()  # the next search sees the new segments
        self._extend_words(manifest)
        self._write_manifest(manifest)
        with suppress(OSError):
            _seal(self.folder)
        report.invalid = [p for p, s in manifest.files.items() if s.record_id and not s.valid]
        return report

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

    def _rebuild(self, files: dict[str, tuple[str, os.stat_result]], progress: Progress | None,
                 memory: bool = False) -> RefreshReport:
        """Index everything from nothing, into a new generation folder that CURRENT then
        names (or, with `memory` or when the cache cannot be written, in memory)."""
        report = RefreshReport(rebuilt=True, read_only=memory)
        manifest = Manifest(audience=self.audience, signature=_schema_signature())
        parsed_all: dict[str, Parsed] = {}
        total = len(files)
        for n, (rel_path, (path, stat)) in enumerate(files.items()):
            parsed = _parse(path, rel_path, stat)
            manifest.files[rel_path] = parsed.state
            parsed_all[rel_path] = parsed
            if progress:
                progress(n + 1, total * 2)
        manifest.owners = _owners(manifest.files)
        manifest.facts = {rid: self._kept(parsed_all[rel].facts)  # type: ignore[arg-type]
                          for rid, rel in manifest.owners.items()}
        lookup = self._lookup(manifest)
        self._new_words = set()
        staging: Path | None = None
        if not memory:
            try:
                self.home.mkdir(parents=True, exist_ok=True)
                staging = Path(tempfile.mkdtemp(prefix=GENERATION, dir=self.home))
            except OSError:
                report.read_only = True
        self._in_memory = staging is None
        ix = _create(staging)
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
        self._words = sorted(self._new_words)
        if staging is not None:
            self.folder = staging
            try:
                _write_json(staging / "facts.json", manifest.facts_json())
                _write_json(staging / "graph.json", manifest.graph_json())
                _write_json(staging / "files.json", manifest.files_json())
                _write_lessons(staging, manifest.lessons, set(range(SHARDS)))
                _write_json(staging / "words.json", self._words)
                _seal(staging)
                _write_text(self.home / CURRENT, staging.name)
            except OSError:  # searchable all the same, from the folder just written
                report.read_only = True
                self._in_memory = True  # what the folder lacks, the manifest in memory has
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)  # never a half-written generation left behind
                raise
            else:
                self._clean(keep=staging.name)
        self.close()
        self._index, self._manifest = ix, manifest
        report.invalid = [p for p, s in manifest.files.items() if s.record_id and not s.valid]
        return report

    def _clean(self, keep: str) -> None:
        """Remove earlier generations, once no command can still be reading them."""
        now = time.time()
        for entry in self.home.iterdir():
            if entry.name in (keep, CURRENT):
                continue
            with suppress(OSError):
                if now - entry.stat().st_mtime < GRACE_SECONDS:
                    continue
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink()

    def _extend_words(self, manifest: Manifest) -> None:
        if self._new_words:
            known = set(self.words())
            if not self._new_words <= known:
                self._words = sorted(known | self._new_words)
                _write_json(self.folder / "words.json", self._words)
        _write_lessons(self.folder, manifest.lessons, {_shard(rid) for rid in manifest.lessons} | self._shards)

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
            name = (self.home / CURRENT).read_text(encoding="utf-8").strip()
            if not name.startswith(GENERATION) or "/" in name:
                raise IndexError_("CURRENT names no generation")
            self.folder = self.home / name
            _check_seals(self.folder)
            data = json.loads((self.folder / "files.json").read_text(encoding="utf-8"))
            if data.get("version") != INDEX_VERSION or data.get("audience") != self.audience:
                raise IndexError_("written by another version")
            manifest = Manifest.from_json(data, self.folder)
            if manifest.signature != _schema_signature():
                raise IndexError_("schema changed")
            ix = index.open_dir(str(self.folder / "whoosh"))
            with ix.searcher() as searcher:  # opens every segment: damage shows here, not mid-search
                searcher.doc_count_all()
                searcher.reader().doc_frequency("type", "lesson")
        except IndexError_:
            raise
        except Exception as exc:  # a missing, damaged or foreign cache is rebuilt, whatever broke
            raise IndexError_(str(exc)) from exc
        self._index, self._manifest = ix, manifest
        return manifest, ix

    def _write_manifest(self, manifest: Manifest, records: bool = True) -> None:
        """files.json last: it names the generation the others belong to."""
        with suppress(OSError):
            if records:
                manifest.generation = os.urandom(8).hex()
                _write_json(self.folder / "facts.json", manifest.facts_json())
                _write_json(self.folder / "graph.json", manifest.graph_json())
            _write_json(self.folder / "files.json", manifest.files_json())

    def _read_lessons(self) -> dict[str, list[dict[str, Any]]]:
        if self._in_memory and self._manifest is not None:
            return self._manifest.lessons  # all of them: the index was made in memory
        return self._lessons_file(set(range(SHARDS)))

    def _lessons_file(self, shards: set[int]) -> dict[str, list[dict[str, Any]]]:
        self._shards = shards
        lessons: dict[str, list[dict[str, Any]]] = {}
        for shard in sorted(shards):
            path = self.folder / "lessons" / f"{shard:02d}.json"
            if not path.exists():
                continue  # a shard with no lessons yet
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise IndexError_(f"lesson shard {shard}: {exc}") from None
            if isinstance(data, dict):
                lessons.update(data)
        return lessons

    def words(self) -> list[str]:
        """Every word (unstemmed) in the indexed text, for spelling corrections."""
        if self._words is None:
            try:
                self._words = json.loads((self.folder / "words.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._words = []
        return self._words

    def lessons(self) -> Any:
        """The lessons ready to be scored (accord.search.advice.Lessons): kept as arrays beside
        the lessons' shards, made again when they change."""
        from accord.search.advice import Lessons

        if self._in_memory:
            return Lessons(self.lesson_rows())
        digest = hashlib.blake2b(str(INDEX_VERSION).encode(), digest_size=16)
        for shard in range(SHARDS):
            with suppress(OSError):
                digest.update((self.folder / "lessons" / f"{shard:02d}.json").read_bytes())
        key = digest.hexdigest()
        found = Lessons.load(self.folder, key)
        if found is None:
            found = Lessons(self.lesson_rows())
            with suppress(OSError), self._writing():
                found.save(self.folder, key)
                _seal(self.folder)
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
        except IndexError_:
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


def _owners(files: dict[str, FileState]) -> dict[str, str]:
    """Which file holds each record id: of duplicates (an error), the first by path."""
    owners: dict[str, str] = {}
    for rel_path, state in sorted(files.items()):
        if state.valid and state.record_id and state.record_id not in owners:
            owners[state.record_id] = rel_path
    return owners


def _create(staging: Path | None) -> index.Index:
    if staging is None:
        from whoosh.filedb.filestore import RamStorage

        return RamStorage().create_index(schema())
    (staging / "whoosh").mkdir()
    return index.create_in(str(staging / "whoosh"), schema())


SEALS = "seals.json"  # every file of a generation: size, time and (small files) CRC-32
_CHECKSUMMED = 1 << 20  # files up to 1 MB are read whole, so their checksums are checked too


def _seal(folder: Path) -> None:
    """Record every file of a generation as it now is (after each write), so that a file
    damaged, truncated, replaced or lost afterwards is noticed before it is read."""
    seals: dict[str, list[int]] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel == SEALS or path.name.startswith(".") or path.name.endswith("WRITELOCK") or not path.is_file():
            continue
        info = path.stat()
        crc = zlib.crc32(path.read_bytes()) if info.st_size <= _CHECKSUMMED else -1
        seals[rel] = [info.st_size, info.st_mtime_ns, crc]
    _write_json(folder / SEALS, seals)


def _check_seals(folder: Path) -> None:
    """Raise IndexError_ (the cache is rebuilt) if any file differs from its seal."""
    try:
        seals = json.loads((folder / SEALS).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexError_(f"no seals: {exc}") from None
    if not isinstance(seals, dict) or not seals:
        raise IndexError_("no seals")
    for rel, (size, mtime_ns, crc) in seals.items():
        path = folder / rel
        try:
            info = path.stat()
            if (info.st_size, info.st_mtime_ns) != (size, mtime_ns):
                raise IndexError_(f"{rel} changed after it was written")
            if crc != -1 and zlib.crc32(path.read_bytes()) != crc:
                raise IndexError_(f"{rel} is damaged (checksum)")
        except OSError as exc:
            raise IndexError_(f"{rel}: {exc.strerror}") from None


def _write_json(path: Path, data: Any) -> None:
    """Write whole or not at all: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


def _shard(record_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(record_id.encode(), digest_size=2).digest(), "big") % SHARDS


def _write_lessons(folder: Path, lessons: dict[str, list[dict[str, Any]]], shards: set[int]) -> None:
    (folder / "lessons").mkdir(exist_ok=True)
    by_shard: dict[int, dict[str, list[dict[str, Any]]]] = {shard: {} for shard in shards}
    for rid, rows in sorted(lessons.items()):
        shard = _shard(rid)
        if shard in by_shard:
            by_shard[shard][rid] = rows
    for shard, content in by_shard.items():
        _write_json(folder / "lessons" / f"{shard:02d}.json", content)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# Filters -------------------------------------------------------------------------------------


@dataclass
class Filters:
    type: str | None = None
    topic: str | None = None
    partner: str | None = None
    kind: str | None = None
    impact: str | None = None
    since: date | None = None

    def query(self) -> Query | None:
        terms: list[Query] = []
        for name, value in (("type", self.type), ("topics", self.topic), ("partners", self.partner),
                            ("kinds", self.kind), ("impact", self.impact)):
            if value:
                terms.append(Term(name, value.lower()))
        if self.since:
            terms.append(DateRange("date", datetime(self.since.year, self.since.month, self.since.day), None))
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else And(terms)

    def given(self) -> list[str]:
        return [f"--{name} {value}" for name, value in vars(self).items() if value]

