"""The docs folder as the search index reads it: which files (one walk, accord.format.files.tree),
and each one read and checked into its state, its facts and a way to make its documents."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from accord.search.facts import Documents, Facts
from accord.search.manifest import FileState


class Unreadable(Exception):
    """The docs folder itself cannot be read."""


def scan(docs_dir: Path, unreadable: list[str] | None = None) -> dict[str, tuple[str, os.stat_result]]:
    """Every Markdown file MkDocs would read, by docs-relative path, with its path and stat: the files
    of `accord.format.loading.markdown_files`, but that dot folders are not entered and a
    link that stays in the docs folder is followed (accord.format.files.tree says why). Its
    cached stats make an unchanged knowledge base of 10,000 files cost a few tens of
    milliseconds. What validate refuses is not indexed either; a folder that cannot be read
    is added to `unreadable` (docs-relative, ending with `/`), the docs folder itself raises
    Unreadable."""
    from accord.format.files import tree

    walked = tree(docs_dir, hidden="skip", links="inside")
    for item in walked.refused:
        if item.folder:
            if not item.rel_path:
                raise Unreadable(f"cannot read the docs folder {item.path}: {item.reason}")
            if unreadable is not None:
                unreadable.append(item.rel_path)
    return walked.files


@dataclass
class Parsed:
    state: FileState
    documents: Callable[[Callable[[str], Facts | None]], Documents] | None = None
    facts: Facts | None = None


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def parse(path: str, rel_path: str, stat: os.stat_result) -> Parsed:
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
    state = FileState(stat.st_mtime_ns, stat.st_size, digest(raw), None, False, stat.st_ctime_ns)
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
