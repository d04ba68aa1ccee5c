"""When each record changed, from Git: read once a build, for the home page's "Recently
changed" list and for each record page's history (accord.site.changes).

One `git log` over the docs folder gives every commit that touched a file there, with the
file's content before and after as blob ids (`--raw`); the versions a page needs are then
read in one `git cat-file --batch`. Where the docs are not in Git, a file is dated by its
modification time, and said to be (a fresh clone gives every file the same time, which says
nothing).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

GIT_TIMEOUT_S = 20
MAX_COMMITS = 5000  # the history read: older changes fall back to modification times
_NULL = {"0" * 40, "0" * 64}


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    day: date
    subject: str
    files: tuple[str, ...]  # docs-relative paths it changed
    boundary: bool = False  # its parents are not in this copy (a shallow clone's oldest commit)


@dataclass(frozen=True)
class Change:
    """One commit's change to one file: its content before and after (blob ids; None: the
    file was added, or deleted)."""

    commit: Commit
    old: str | None
    new: str | None


@dataclass
class GitLog:
    """What Git knows of the docs folder. `state`: `git`, `shallow` (a shallow clone: the
    oldest commits are not there), or `none` (no Git, or no repository: `reason` says which)."""

    state: str
    reason: str = ""
    root: Path | None = None  # where git runs (the docs folder)
    head: str = ""
    changes: dict[str, list[Change]] = field(default_factory=dict)  # path → its changes, newest first
    dirty: set[str] = field(default_factory=set)  # paths changed since their last commit, or never committed
    truncated: bool = False  # more commits than MAX_COMMITS: the oldest are not read

    @property
    def in_git(self) -> bool:
        return self.state != "none"

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The contents of these blobs, read by one `git cat-file --batch` (those already
        read are not read again)."""
        wanted = [sha for sha in dict.fromkeys(shas) if sha not in _BLOBS]
        if wanted and self.root is not None:
            try:
                out = subprocess.run(["git", "cat-file", "--batch"], cwd=self.root, input=("\n".join(wanted) + "\n")
                                     .encode(), capture_output=True, timeout=GIT_TIMEOUT_S * 3, check=True).stdout
            except (OSError, subprocess.SubprocessError):
                out = b""
            _read_batch(out)
            if len(_BLOBS) > 50_000:
                _BLOBS.clear()
                _read_batch(out)
        return {sha: _BLOBS[sha] for sha in shas if sha in _BLOBS}


_BLOBS: dict[str, bytes] = {}  # blob id → content: the same id is the same content, in any build
_LOGS: dict[tuple[str, str], GitLog] = {}  # (docs folder, HEAD) → its log, kept for `mkdocs serve` rebuilds


def _read_batch(out: bytes) -> None:
    at = 0
    while at < len(out):
        end = out.find(b"\n", at)
        if end < 0:
            return
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # (`<sha> missing`: not in this copy)
        size = int(header[2])
        _BLOBS[header[0].decode()] = out[at:at + size]
        at += size + 1


def _git(docs_dir: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=docs_dir, capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=GIT_TIMEOUT_S, check=check).stdout


def read_log(docs_dir: Path) -> GitLog:
    """The docs folder's history, read once for each commit at HEAD (the log is kept; which
    files have uncommitted changes is asked every time)."""
    try:
        facts = _git(docs_dir, "rev-parse", "--is-shallow-repository", "--show-prefix", "--git-path", "shallow",
                     "--verify", "--quiet", "HEAD", check=False).splitlines()
    except FileNotFoundError:
        return GitLog("none", "Git is not installed where the site is built")
    except (OSError, subprocess.SubprocessError):
        return GitLog("none", "Git could not be run in the docs folder")
    if len(facts) < 3:
        return GitLog("none", "the knowledge base is not in a Git repository")
    if len(facts) < 4:  # (a repository without a commit has no HEAD)
        return GitLog("none", "the knowledge base's repository has no commit yet")
    shallow_flag, prefix, shallow_file, head = facts[0].strip(), facts[1].strip(), facts[2].strip(), facts[3].strip()
    key = (os.path.realpath(docs_dir), head)
    log = _LOGS.get(key)
    if log is None:
        try:
            log = _read(docs_dir, head, shallow_flag == "true", Path(docs_dir, shallow_file))
        except (OSError, subprocess.SubprocessError):
            return GitLog("none", "Git could not read the knowledge base's history")
        if len(_LOGS) > 4:
            _LOGS.clear()
        _LOGS[key] = log
    try:
        log.dirty = _dirty(docs_dir, prefix)
    except (OSError, subprocess.SubprocessError):
        log.dirty = set()
    return log


def _read(docs_dir: Path, head: str, shallow: bool, shallow_file: Path) -> GitLog:
    boundary: set[str] = set()
    if shallow:
        try:
            boundary = set(shallow_file.read_text(encoding="ascii").split())
        except OSError:
            boundary = set()
    # `-z`: each path as it is, NUL-ended (without it, Git quotes a name with `"`, `\` or a
    # control character, and such a path would be misread). Tokens: a commit's header (after
    # \x1e), then for each file its `:modes blobs status` and its path.
    out = _git(docs_dir, "log", f"--max-count={MAX_COMMITS}", "--format=%x1e%H%x1f%P%x1f%an%x1f%cs%x1f%s",
               "--raw", "-z", "--no-abbrev", "--no-renames", "--root", "--relative", "--", ".")
    log = GitLog("shallow" if shallow else "git", root=docs_dir, head=head)
    count = 0
    tokens = out.split("\0")
    at, end = 0, len(tokens)
    while at < end:
        header = tokens[at].lstrip("\n")
        at += 1
        if not header.startswith("\x1e"):
            continue
        files: list[tuple[str, str | None, str | None]] = []
        while at < end and tokens[at].lstrip("\n").startswith(":"):
            fields = tokens[at].lstrip("\n").split()
            path = tokens[at + 1] if at + 1 < end else ""
            at += 2  # (with --no-renames, one path a file)
            if len(fields) < 5 or not path:
                continue
            old, new = fields[2], fields[3]
            files.append((path, None if old in _NULL else old, None if new in _NULL else new))
        parts = header[1:].split("\x1f", 4)
        if len(parts) != 5:
            continue
        sha, parents, author, when, subject = parts
        try:
            day = date.fromisoformat(when)
        except ValueError:
            continue
        count += 1
        commit = Commit(sha, author, day, subject, tuple(path for path, _, _ in files),
                        boundary=sha in boundary or (shallow and not parents.strip()))
        for path, old, new in files:
            log.changes.setdefault(path, []).append(Change(commit, old, new))
    log.truncated = count >= MAX_COMMITS
    return log


def _dirty(docs_dir: Path, prefix: str) -> set[str]:
    """Docs-relative paths with uncommitted changes, or untracked (porcelain paths are from
    the repository's top: the docs folder's own start with `prefix`)."""
    out = _git(docs_dir, "status", "--porcelain", "--no-renames", "--untracked-files=all", "-z", "--", ".",
               check=False)
    return {entry[3:][len(prefix):] for entry in out.split("\0") if len(entry) > 3 and entry[3:].startswith(prefix)}


def file_day(path: Path) -> date | None:
    """The file's modification date, or None if it cannot be read."""
    try:
        return datetime.fromtimestamp(os.stat(path).st_mtime, UTC).date()
    except OSError:
        return None


def last_changed(docs_dir: Path, rel_paths: list[str], log: GitLog | None = None) -> dict[str, date]:
    """Each docs-relative path's date of last change: its last commit, if Git knows it and it
    has no uncommitted change; else its file's date."""
    log = log if log is not None else read_log(docs_dir)
    found: dict[str, date] = {}
    for rel in rel_paths:
        changes = log.changes.get(rel)
        if changes and rel not in log.dirty and changes[0].new is not None:
            found[rel] = changes[0].commit.day
            continue
        when = file_day(docs_dir / rel)
        if when is not None:
            found[rel] = when
    return found
