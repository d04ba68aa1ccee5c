"""The search index's cache on disk: generations, seals, and the files written whole.

`.accord/index/<audience>/` holds one generation folder in use (`g-XXXXXXXX`, named by the
file `CURRENT`), each holding the Whoosh index, the manifest (accord.search.manifest), the
lessons in shards, the words seen, and the seals of all of these. A rebuild writes a new
generation beside the old one and then names it in CURRENT, so a search running meanwhile
reads the old one whole; earlier generations are removed once no search can still be
reading them. Every file is written whole or not at all, by whichever process holds the
audience's lock (accord.search.index.SearchIndex), and its seal is checked before it is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zlib
from contextlib import suppress
from pathlib import Path
from typing import Any

from accord.format.files import write_whole
from accord.search import schema
from accord.search.manifest import IndexDamaged, Manifest

CURRENT = "CURRENT"  # names the generation folder in use
GENERATION = "g-"  # generation folders are g-XXXXXXXX; a rebuild makes a new one
SHARDS = 64  # lessons are kept in this many files, by retrospective id
GRACE_SECONDS = 600  # an earlier generation is removed once this old: a running search may still read it
SEALS = "seals.json"  # every file of a generation: size, time and (small files) CRC-32
_CHECKSUMMED = 1 << 20  # files up to 1 MB are read whole, so their checksums are checked too


def current(home: Path) -> Path:
    """The generation folder CURRENT names (IndexDamaged if it names none)."""
    name = (home / CURRENT).read_text(encoding="utf-8").strip()
    if not name.startswith(GENERATION) or "/" in name:
        raise IndexDamaged("CURRENT names no generation")
    return home / name


def publish(staging: Path, home: Path, manifest: Manifest, words: list[str]) -> None:
    """Write a rebuilt generation's files, seal them, and name it in CURRENT (last: until
    then, searches read the generation before it)."""
    write_json(staging / "facts.json", manifest.facts_json())
    write_json(staging / "graph.json", manifest.graph_json())
    write_json(staging / "files.json", manifest.files_json())
    write_lessons(staging, manifest.lessons, set(range(SHARDS)))
    write_json(staging / "words.json", words)
    seal(staging)
    write_text(home / CURRENT, staging.name)


def save_manifest(folder: Path, manifest: Manifest, records: bool = True) -> None:
    """files.json last: it names the generation the others belong to."""
    with suppress(OSError):
        if records:
            manifest.generation = os.urandom(8).hex()
            write_json(folder / "facts.json", manifest.facts_json())
            write_json(folder / "graph.json", manifest.graph_json())
        write_json(folder / "files.json", manifest.files_json())


def clean(home: Path, keep: str) -> None:
    """Remove earlier generations, once no command can still be reading them."""
    now = time.time()
    for entry in home.iterdir():
        if entry.name in (keep, CURRENT):
            continue
        with suppress(OSError):
            if now - entry.stat().st_mtime < GRACE_SECONDS:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink()


def seal(folder: Path) -> None:
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
    write_json(folder / SEALS, seals)


def check_seals(folder: Path) -> None:
    """Raise IndexDamaged (the cache is rebuilt) if any file differs from its seal."""
    try:
        seals = json.loads((folder / SEALS).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexDamaged(f"no seals: {exc}") from None
    if not isinstance(seals, dict) or not seals:
        raise IndexDamaged("no seals")
    for rel, (size, mtime_ns, crc) in seals.items():
        path = folder / rel
        try:
            info = path.stat()
            if (info.st_size, info.st_mtime_ns) != (size, mtime_ns):
                raise IndexDamaged(f"{rel} changed after it was written")
            if crc != -1 and zlib.crc32(path.read_bytes()) != crc:
                raise IndexDamaged(f"{rel} is damaged (checksum)")
        except OSError as exc:
            raise IndexDamaged(f"{rel}: {exc.strerror}") from None


def write_json(path: Path, data: Any) -> None:
    """Write whole or not at all: a reader never sees half a file."""
    write_whole(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")), shared=True)


def write_text(path: Path, text: str) -> None:
    write_whole(path, text, shared=True)


def read_words(folder: Path) -> list[str]:
    """The words seen (unstemmed), for spelling corrections; none if they cannot be read."""
    try:
        return json.loads((folder / "words.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


def shard(record_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(record_id.encode(), digest_size=2).digest(), "big") % SHARDS


def write_lessons(folder: Path, lessons: dict[str, list[dict[str, Any]]], shards: set[int]) -> None:
    (folder / "lessons").mkdir(exist_ok=True)
    by_shard: dict[int, dict[str, list[dict[str, Any]]]] = {number: {} for number in shards}
    for rid, rows in sorted(lessons.items()):
        number = shard(rid)
        if number in by_shard:
            by_shard[number][rid] = rows
    for number, content in by_shard.items():
        write_json(folder / "lessons" / f"{number:02d}.json", content)


def read_lessons(folder: Path, shards: set[int]) -> dict[str, list[dict[str, Any]]]:
    """The lesson rows kept in `shards`, by retrospective id (IndexDamaged if one is unreadable)."""
    lessons: dict[str, list[dict[str, Any]]] = {}
    for number in sorted(shards):
        path = folder / "lessons" / f"{number:02d}.json"
        if not path.exists():
            continue  # a shard with no lessons yet
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexDamaged(f"lesson shard {number}: {exc}") from None
        if isinstance(data, dict):
            lessons.update(data)
    return lessons


def lessons_key(folder: Path) -> str:
    """A digest of every lesson shard as it is now (and of the index version), naming the
    lessons' arrays kept beside them (accord.search.advice.Lessons.save)."""
    digest = hashlib.blake2b(str(schema.INDEX_VERSION).encode(), digest_size=16)
    for number in range(SHARDS):
        with suppress(OSError):
            digest.update((folder / "lessons" / f"{number:02d}.json").read_bytes())
    return digest.hexdigest()
