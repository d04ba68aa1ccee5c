"""What a search index holds, file by file and record by record: the manifest that tells a
refresh which files changed, which record each file holds, and whose facts each record's
documents carry."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from accord.search import schema
from accord.search.facts import Facts


class IndexDamaged(Exception):
    """The cache cannot be used (unreadable, damaged, or written by something else): it is
    rebuilt from nothing."""


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
            "version": schema.INDEX_VERSION,
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
            raise IndexDamaged(f"{name}: {exc}") from exc
        if not isinstance(data, dict) or data.get("generation") != self.generation:
            raise IndexDamaged(f"{name} is not of the same generation as files.json")
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

    @classmethod
    def read(cls, folder: Path, audience: str) -> Manifest:
        """The manifest of the generation in `folder` (its files.json), if it was written by
        this version, for `audience`, with this schema; else IndexDamaged."""
        data = json.loads((folder / "files.json").read_text(encoding="utf-8"))
        if data.get("version") != schema.INDEX_VERSION or data.get("audience") != audience:
            raise IndexDamaged("written by another version")
        manifest = cls.from_json(data, folder)
        if manifest.signature != schema.schema_signature():
            raise IndexDamaged("schema changed")
        return manifest

    def invalid(self) -> list[str]:
        """The rel_paths of records with errors (not indexed)."""
        return [p for p, s in self.files.items() if s.record_id and not s.valid]


def owners(files: dict[str, FileState]) -> dict[str, str]:
    """Which file holds each record id: of duplicates (an error), the first by path."""
    found: dict[str, str] = {}
    for rel_path, state in sorted(files.items()):
        if state.valid and state.record_id and state.record_id not in found:
            found[state.record_id] = rel_path
    return found
