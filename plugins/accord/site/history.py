"""When each record last changed: its last commit where the docs are in Git, else its file's
modification time (a fresh clone gives every file the same time, which says nothing).

For the home page's "Recently changed" list, made at build time.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

GIT_TIMEOUT_S = 20
MAX_COMMITS = 5000  # the history read: older changes fall back to modification times


def last_changed(docs_dir: Path, rel_paths: list[str]) -> dict[str, date]:
    """Each docs-relative path's date of last change."""
    found = _from_git(docs_dir, set(rel_paths))
    for rel in rel_paths:
        if rel not in found:
            try:
                found[rel] = datetime.fromtimestamp(os.stat(docs_dir / rel).st_mtime, UTC).date()
            except OSError:
                continue
    return found


def _from_git(docs_dir: Path, wanted: set[str]) -> dict[str, date]:
    """Dates of the last commit of each path that Git knows and that has no uncommitted change."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-prefix"], cwd=docs_dir, capture_output=True, text=True,
                             timeout=GIT_TIMEOUT_S, check=True).stdout.strip()
        log = subprocess.run(
            ["git", "log", f"--max-count={MAX_COMMITS}", "--format=%x00%cs", "--name-only", "--no-renames",
             "--relative", "--", "."],
            cwd=docs_dir, capture_output=True, text=True, timeout=GIT_TIMEOUT_S, check=True).stdout
        dirty = subprocess.run(["git", "status", "--porcelain", "--no-renames", "-z", "--", "."],
                               cwd=docs_dir, capture_output=True, text=True, timeout=GIT_TIMEOUT_S, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    # Porcelain paths are from the repository's top: the docs folder's own start with `top`.
    edited = {entry[3:][len(top):] for entry in dirty.split("\0") if len(entry) > 3 and entry[3:].startswith(top)}
    found: dict[str, date] = {}
    when: date | None = None
    for line in log.splitlines():
        if line.startswith("\0"):
            try:
                when = date.fromisoformat(line[1:].strip())
            except ValueError:
                when = None
        elif line and when is not None and line in wanted and line not in found and line not in edited:
            found[line] = when
    return found
