"""The audience guarantee without Accord: what an engine that does not run it would publish.

Zensical, MkDocs 2 and MkDocs without the accord plugins read `mkdocs.yml` but not a
record's `confidentiality`: they publish every Markdown file they are given. So the
record folders are kept out of every build by MkDocs' `exclude_docs` (Zensical honours
it too), and `accord/records` takes back in exactly the records its audience may see. A
record that is not public and lies outside those patterns would be published, whole, by
any other engine: `accord validate` warns about it, and the plugin refuses to build.

Patterns are matched as MkDocs matches them (gitignore rules, through pathspec), with
MkDocs' own default exclusions (dot files, `templates/`).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pathspec

from accord.format.diagnostics import Diagnostic
from accord.format.models import Confidentiality
from accord.format.paths import MARKDOWN_ENDINGS, nearest_owner, owner, owner_keys
from accord.format.records import Record

# Where `accord new` puts each type of record, and the folders the guard covers.
RECORD_FOLDERS = {
    "agreement": "agreements",
    "organization": "organizations",
    "playbook": "playbooks",
    "retrospective": "retrospectives",
}
GUARD_PATTERNS = tuple(f"/{folder}/" for folder in RECORD_FOLDERS.values())
# What MkDocs leaves out whatever exclude_docs says (mkdocs.structure.files._default_exclude).
DEFAULT_EXCLUDED = (".*", "/templates/")

GUARD_COMMENT = (
    "# Record folders are published only through accord/records, which takes back in the\n"
    "# records this site's audience may see: an engine without Accord (Zensical, or MkDocs\n"
    "# without the accord plugins) publishes none of them. Keep these lines.\n"
)


def guard_block() -> str:
    """The `exclude_docs` setting for a new mkdocs.yml."""
    return GUARD_COMMENT + "exclude_docs: |\n" + "".join(f"  {pattern}\n" for pattern in GUARD_PATTERNS)


def spec(lines: Iterable[str]) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines([*DEFAULT_EXCLUDED, *lines])


def without_guard(patterns: Iterable[str]) -> list[str]:
    """The author's own exclusions: the patterns other than the guard's."""
    return [p for p in patterns if p.strip() not in GUARD_PATTERNS]


def unguarded(records: Iterable[Record], exclude_docs: str | None, config_name: str = "mkdocs.yml",
              docs_dir: Path | None = None) -> list[Diagnostic]:
    """A warning for each record that is not public and that a build without Accord would
    publish, or some of whose files it would (its signed copy, `ID.pdf`, `ID/annex.md`: every
    file the record owns, accord.format.paths.owner, is checked against `exclude_docs` too).
    `docs_dir`: where the files are (default: read from the records' paths)."""
    records = list(records)
    lines = (exclude_docs or "").splitlines()
    excluded = spec(lines)
    guarded = {line.strip() for line in lines} >= set(GUARD_PATTERNS)
    folder = docs_dir if docs_dir is not None else _docs_dir(records)
    owned = owned_files(records, folder) if folder is not None else {}
    found = []
    for record in records:
        if record.confidentiality is Confidentiality.PUBLIC:
            continue
        loc: tuple[str, ...] = ("confidentiality",) if "confidentiality" in record.model.model_fields_set else ()
        files = [rel for rel in owned.get(record.rel_path, ()) if not excluded.match_file(rel)]
        if not excluded.match_file(record.rel_path):
            also = f" (and {_files_text(record, files)})" if files else ""
            found.append(record.diagnostic(
                "unguarded-record",
                f"this {record.confidentiality.value} record would be published whole by an engine that does not "
                f"run Accord (Zensical, or MkDocs without the accord plugins): `exclude_docs` in {config_name} does "
                f"not cover `{record.rel_path}`{also}; {how_to_guard(record, guarded, config_name)}",
                loc,
            ))
        elif files:
            found.append(record.diagnostic(
                "unguarded-record",
                f"{_files_text(record, files)} of this {record.confidentiality.value} record would be published by "
                f"an engine that does not run Accord (Zensical, or MkDocs without the accord plugins): "
                f"`exclude_docs` in {config_name} covers the record but not its files; add "
                f"{patterns_for(record, files)} to `exclude_docs` in {config_name}, or move the record and its "
                f"files under `{RECORD_FOLDERS.get(record.type, 'agreements')}/`",
                ("signed_copy", "file") if _copy(record) in files else loc,
            ))
    return found


def _copy(record: Record) -> str | None:
    """The docs-relative path of the record's signed copy, if it names one it may own."""
    copy = getattr(record.model, "signed_copy", None)
    if copy is None:
        return None
    parts = [part for part in copy.file.split("/") if part not in ("", ".")]
    return posixpath.normpath(posixpath.join(posixpath.dirname(record.rel_path), *parts)) if parts else None


def _files_text(record: Record, files: list[str]) -> str:
    """`the signed copy `x.pdf``, `the files `x.v2.pdf`, `x/annex.md``."""
    copy = _copy(record)
    named = [f"the signed copy `{rel}`" if rel == copy else f"`{rel}`" for rel in files[:5]]
    more = f" and {len(files) - 5} more" if len(files) > 5 else ""
    if named[0].startswith("`"):
        named[0] = ("the file " if len(files) == 1 else "the files ") + named[0]
    return ", ".join(named) + more


def patterns_for(record: Record, files: list[str]) -> str:
    """The lines of `exclude_docs` that cover the record's files: `/ID.*` and `/ID/` for a
    record filed as `ID.md`, `/ID/` for one filed as its folder's index page."""
    mine = owner(record.rel_path)
    patterns = []
    if mine != posixpath.splitext(record.rel_path)[0] or any(rel.startswith(mine + "/") for rel in files):
        patterns.append(f"`/{mine}/`")
    if mine == posixpath.splitext(record.rel_path)[0]:
        patterns.insert(0, f"`/{mine}.*`")
    return " and ".join(patterns)


def how_to_guard(record: Record, guarded: bool, config_name: str = "mkdocs.yml") -> str:
    folder = RECORD_FOLDERS.get(record.type, "agreements")
    if not guarded and record.rel_path.startswith(tuple(f"{f}/" for f in RECORD_FOLDERS.values())):
        return (f"add to {config_name} `exclude_docs: |` with the lines {', '.join(GUARD_PATTERNS)} "
                "(as `accord init` writes it)")
    parent = posixpath.dirname(record.rel_path)
    if parent:
        where = f"`/{parent}/`"
    else:  # at the docs root: the record and every file named after it (`secret.pdf`, `secret/annex.md`)
        mine = owner(record.rel_path)
        where = f"`/{mine}.*` and `/{mine}/`" if mine == posixpath.splitext(record.rel_path)[0] else f"`/{mine}/`"
    return f"move it and its files under `{folder}/`, or add {where} to `exclude_docs` in {config_name}"


def _docs_dir(records: list[Record]) -> Path | None:
    """The docs folder, from a record's path as shown (`docs/agreements/x.md`) and its docs-relative one."""
    for record in records:
        shown, rel = record.source.path.replace(os.sep, "/"), record.rel_path
        if shown == rel:
            return Path(".")
        if shown.endswith("/" + rel):
            return Path(shown[:-len(rel)] or "/")
    return None


def owned_files(records: list[Record], docs_dir: Path) -> dict[str, list[str]]:
    """The docs-relative paths of the files (not records) each record that is not public owns,
    by the record's path: the files named after it beside it and everything in the folder it
    owns, each given to the nearest record whose name it has (guard.Attachments)."""
    hidden = {owner(r.rel_path): r.rel_path for r in records if r.confidentiality is not Confidentiality.PUBLIC}
    if not hidden:
        return {}
    visible = {owner(r.rel_path) for r in records} - hidden.keys()
    record_files = {r.rel_path for r in records}
    listings: dict[str, dict[str, list[tuple[str, bool]]]] = {}
    found: dict[str, list[str]] = {}
    for mine, rel_path in hidden.items():
        parent, _, base = mine.rpartition("/")
        if parent not in listings:
            listings[parent] = _by_stem(docs_dir / parent if parent else docs_dir)
        for name, is_dir in listings[parent].get(base, ()):
            rel = f"{parent}/{name}" if parent else name
            for candidate in (_files_under(docs_dir, rel) if is_dir else [rel]):
                if candidate in record_files:
                    continue
                nearest = next((key for key in owner_keys(candidate) if key in hidden or key in visible), None)
                if nearest == mine:
                    found.setdefault(rel_path, []).append(candidate)
    return {rel_path: sorted(files) for rel_path, files in found.items()}


def _by_stem(folder: Path) -> dict[str, list[tuple[str, bool]]]:
    """The folder's entries by each name they could be owned under (`x.v2.pdf`: `x`, `x.v2`, `x.v2.pdf`)."""
    entries: dict[str, list[tuple[str, bool]]] = {}
    try:
        scanned = list(os.scandir(folder))
    except OSError:
        return entries
    for entry in scanned:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        name = entry.name
        stems = {name}
        dot = name.find(".", 1)
        while dot > 0:
            stems.add(name[:dot])
            dot = name.find(".", dot + 1)
        for stem in stems:
            entries.setdefault(stem, []).append((name, is_dir))
    return entries


def _files_under(docs_dir: Path, rel: str) -> list[str]:
    """Every file in the folder `rel` and below (docs-relative), links to folders not followed."""
    found = []
    for here, folders, files in os.walk(docs_dir / rel):
        inside = Path(here).relative_to(docs_dir).as_posix()
        found += [f"{inside}/{name}" for name in files]
        folders.sort()
    return found


class Attachments:
    """Which of the record folders' other files are published. Each file belongs to the
    nearest record named like it: `agreements/ID.pdf`, `agreements/ID.annex.md`,
    `agreements/ID.md.bak`, anything under `agreements/ID/`
    (an amendment filed there is a record of its own, and its files are its own); a record
    filed as `organizations/ID/index.md` owns its folder (accord.format.paths.owner). Where a
    visible and a hidden record claim the same name, the hidden one wins. A file
    goes out with the record it belongs to and stays out with a hidden one, Markdown pages
    included. A file that belongs to no record: an author's page goes out; anything else
    stays out (it may be a hidden record's, under another name) and is reported, so that a
    strict build stops and the author can move it out of the record folders."""

    def __init__(self, visible: Iterable[str], hidden: Iterable[str] = ()) -> None:
        self.hidden = {owner(rel_path) for rel_path in hidden}
        self.visible = {owner(rel_path) for rel_path in visible} - self.hidden
        self.folders = _RECORD_FOLDERS
        self.left_out: list[str] = []  # files of no record, held back (to be reported)

    def published(self, rel_path: str) -> bool:
        if not self.folders.match_file(rel_path):
            return not self.owned_by_hidden(rel_path)
        owned = self._owner(rel_path)
        if owned is not None:
            return owned
        if rel_path.lower().endswith(MARKDOWN_ENDINGS):
            return True  # an author's own page, of no record
        self.left_out.append(rel_path)
        return False

    def owned_by_hidden(self, rel_path: str) -> bool:
        """Whether the file belongs to a hidden record, wherever it is (a record kept out by
        the author's own `exclude_docs` outside the record folders owns its files too)."""
        return self._owner(rel_path) is False

    def _owner(self, rel_path: str) -> bool | None:
        """Whether the nearest record the file belongs to is visible (True) or hidden (False);
        None if it belongs to none. Its own name first, with each ending taken off (a copy
        `x.md.bak`, an annex `x.annex.md`, `x.v2.pdf` belong to `x`), then each folder."""
        return nearest_owner(rel_path, self.hidden, self.visible)

    @staticmethod
    def report(left_out: list[str], audience: str) -> list[str]:
        """The lines to say of the files held back as belonging to no record: each by name to
        the restricted audience; to another, only how many (a name may be a hidden record's)."""
        if not left_out:
            return []
        if audience == "restricted":
            return [Attachments.advice(rel_path) for rel_path in left_out]
        count = len(left_out)
        return [f"{count} file{'s' if count != 1 else ''} in the record folders belong{'s' if count == 1 else ''} "
                "to no record and {} not published; build for the restricted audience to see which, and keep shared "
                "files outside the record folders, e.g. in docs/assets/".format("is" if count == 1 else "are")]

    @staticmethod
    def advice(rel_path: str) -> str:
        return (f"{rel_path} is not published: in the record folders, a file that is not a page goes out only "
                "with the record it belongs to (agreements/ID.pdf, agreements/ID/annex.pdf); keep shared files "
                "outside the record folders, e.g. in docs/assets/")


def hidden_files(records: Iterable[Record], shown: Mapping[str, Record], failed: Iterable[Any] = ()) -> set[str]:
    """Docs-relative paths of the record files an audience may not see. A file is seen only
    if it is itself the record the audience's catalogue holds under its id (`shown`: id →
    record); any other record file is hidden: outside the audience, a second file with the
    id of one that is seen, or a record with errors (`failed`, its source files), whatever
    it declares. Decided per file, never per id."""
    hidden = {source.rel_path for source in failed}
    for record in records:
        kept = shown.get(record.id)
        if kept is None or kept.rel_path != record.rel_path:
            hidden.add(record.rel_path)
    return hidden


_RECORD_FOLDERS = pathspec.GitIgnoreSpec.from_lines(GUARD_PATTERNS)
