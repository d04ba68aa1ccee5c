"""The rebuild plan: before `mkdocs serve` builds again, what changed since the last good
build, and so what must be made (a `Plan`: the whole site, nothing, or these records'
pages). `stamps()` reads the files; `plan()` is pure: it compares them with the last build's."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.catalogue import Catalogue
from accord.format.files import tree
from accord.format.loading import stamp

Stamps = dict[str, tuple[int, ...]]
# Plugins known to make a page from that page alone (a dirty build is the same for them),
# and mkdocs-material's tags plugin, which accord/pages gives the tags of the record pages
# not made again; with any other (blog…), which may gather from every page, each build is whole.
PAGE_BY_PAGE = frozenset({"search", "material/search", "accord/records", "accord/pages", "accord/search",
                          "tags", "material/tags"})
TAGS = ("material/tags", "tags")  # mkdocs-material's tags plugin, by either of its names


@dataclass(frozen=True)
class Plan:
    """What a build makes: every page (`whole`), nothing (`skip`: nothing it is made from
    changed), or the pages of the records `ids` and whatever they reach."""

    kind: str  # "whole", "skip" or "pages"
    ids: frozenset[str] = frozenset()

    @classmethod
    def pages(cls, ids: set[str] | frozenset[str]) -> Plan:
        return cls("pages", frozenset(ids)) if ids else SKIP

    @property
    def whole(self) -> bool:
        return self.kind == "whole"

    @property
    def skip(self) -> bool:
        return self.kind == "skip"


WHOLE = Plan("whole")
SKIP = Plan("skip")


@dataclass
class Built:
    """What the last complete build was made from."""

    stamps: Stamps
    catalogue: Catalogue
    advice: dict[str, list[Any]]
    records: dict[str, str]  # absolute path of each record file → its id
    today: Any = None  # the build's date: overdue marks and next reviews depend on it


def stamps(docs_dir: Path, config_file: str | None, also: list[str] | tuple[str, ...] = (),
           dotfiles: bool = False) -> Stamps:
    """Every file of the docs folder (and the config file, and the files or folders `also`:
    the theme's custom_dir, `watch:`), as it is now: one `stat` each, in the one walk of the
    docs folder (accord.format.files.tree), links not followed. Files and folders
    whose names start with a dot are left out unless `dotfiles`: MkDocs leaves them out of
    the site unless exclude_docs takes them back, and editors keep swap files there."""
    found: Stamps = {}
    for extra in also:
        if os.path.isfile(extra):
            with contextlib.suppress(OSError):
                found[extra] = stamp(os.stat(extra))
    for folder in [str(docs_dir), *(extra for extra in also if os.path.isdir(extra))]:
        walked = tree(folder, hidden="include" if dotfiles else "skip", links="unfollowed", every_file=True)
        for path, info in walked.files.values():
            found[path] = stamp(info)
    if config_file:
        with contextlib.suppress(OSError):
            found[config_file] = stamp(os.stat(config_file))
    return found


def plan(built: Built | None, now: Stamps, plugins: list[str], tags_ready: bool, today: Any = None) -> Plan:
    """The plan for a rebuild: the records changed since the `built` build, when they are
    all that changed, from the files `now`; the whole site when anything else may have
    (a file added, removed or not a record's, a plugin that gathers from every page, the
    date past midnight)."""
    if not set(plugins) <= PAGE_BY_PAGE:
        return WHOLE
    if set(TAGS) & set(plugins) and not tags_ready:
        return WHOLE
    if built is not None and today is not None and built.today != today:
        return WHOLE  # past midnight: what is overdue changed everywhere
    if built is None or now.keys() != built.stamps.keys():
        return WHOLE
    paths = {path for path, mark in now.items() if built.stamps[path] != mark}
    if not paths <= built.records.keys():
        return WHOLE
    return Plan.pages({built.records[path] for path in paths})


def publishes_dotfiles(exclude_docs: Any) -> bool:
    """Whether an exclude_docs spec takes back (`!`) a file or folder whose name starts
    with a dot, which MkDocs leaves out by default."""
    for pattern in getattr(exclude_docs, "patterns", None) or ():
        text = getattr(pattern, "pattern", "") or ""
        if getattr(pattern, "include", True) is False and any(part.startswith(".") for part in
                                                                 text.lstrip("!").split("/")):
            return True
    return False
