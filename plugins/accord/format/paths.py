"""Paths as MkDocs reads them and as people type them (no heavy imports: the search
command uses these before it knows whether it needs the record models)."""

from __future__ import annotations

import os
from collections.abc import Set
from pathlib import Path

# The endings MkDocs reads as Markdown pages (mkdocs.utils.markdown_extensions).
MARKDOWN_ENDINGS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


def display_path(path: Path) -> str:
    """The path as a person at this terminal would type it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


# The folders `accord new` files records in (accord.site.guard.RECORD_FOLDERS).
_RECORD_ROOTS = ("agreements", "organizations", "playbooks", "retrospectives")
_INDEX_NAMES = ("index", "readme")


def owner(rel_path: str) -> str:
    """What a record file owns, docs-relative and without an ending: its own name
    (`agreements/x.md` owns `agreements/x.pdf` and `agreements/x/…`), or, for a record
    filed as its folder's index page (`organizations/x/index.md`, `README.md`, as MkDocs
    makes `organizations/x/` of it), that whole folder. The index page of a record folder
    itself (`agreements/index.md`) owns only its own name: the folder holds other records."""
    stem = rel_path.rsplit(".", 1)[0] if "." in rel_path.rsplit("/", 1)[-1] else rel_path
    folder, _, name = stem.rpartition("/")
    if name.lower() in _INDEX_NAMES and folder and folder not in _RECORD_ROOTS:
        return folder
    return stem


def owner_keys(rel_path: str) -> list[str]:
    """The names that could own the file at `rel_path` (see `owner`), nearest first: the file's
    name with each of its endings taken off (`x.md.bak`, `x.annex.md` and `x.v2.pdf` all come
    to `x`), then each folder it is in, and each folder's name with its endings taken off."""
    keys: list[str] = []
    parts = rel_path.split("/")
    for depth in range(len(parts), 0, -1):
        name = parts[depth - 1]
        prefix = "/".join(parts[:depth - 1])
        prefix = prefix + "/" if prefix else ""
        keys.append(prefix + name)
        dot = name.rfind(".")
        while dot > 0:
            keys.append(prefix + name[:dot])
            dot = name.rfind(".", 0, dot)
    return keys


def nearest_owner(rel_path: str, hidden: Set[str], visible: Set[str]) -> bool | None:
    """Whether the nearest record the file at `rel_path` belongs to (`owner_keys`, nearest
    first) is one of `visible` (True) or of `hidden` (False; where both claim one name, the
    hidden one); None if it belongs to none."""
    for key in owner_keys(rel_path):
        if key in hidden:
            return False
        if key in visible:
            return True
    return None
