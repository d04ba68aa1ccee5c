"""Paths as MkDocs reads them and as people type them (no heavy imports: the search
command uses these before it knows whether it needs the record models)."""

from __future__ import annotations

import os
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
