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

import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

import pathspec

from accord.format.diagnostics import Diagnostic
from accord.format.models import Confidentiality
from accord.format.paths import MARKDOWN_ENDINGS, nearest_owner, owner
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


def unguarded(records: Iterable[Record], exclude_docs: str | None, config_name: str = "mkdocs.yml") -> list[Diagnostic]:
    """A warning for each record that is not public and that a build without Accord would publish."""
    lines = (exclude_docs or "").splitlines()
    excluded = spec(lines)
    guarded = {line.strip() for line in lines} >= set(GUARD_PATTERNS)
    found = []
    for record in records:
        if record.confidentiality is Confidentiality.PUBLIC or excluded.match_file(record.rel_path):
            continue
        loc: tuple[str, ...] = ("confidentiality",) if "confidentiality" in record.model.model_fields_set else ()
        found.append(record.diagnostic(
            "unguarded-record",
            f"this {record.confidentiality.value} record would be published whole by an engine that does not run "
            f"Accord (Zensical, or MkDocs without the accord plugins): `exclude_docs` in {config_name} does not "
            f"cover `{record.rel_path}`; {how_to_guard(record, guarded, config_name)}",
            loc,
        ))
    return found


def how_to_guard(record: Record, guarded: bool, config_name: str = "mkdocs.yml") -> str:
    folder = RECORD_FOLDERS.get(record.type, "agreements")
    if not guarded and record.rel_path.startswith(tuple(f"{f}/" for f in RECORD_FOLDERS.values())):
        return (f"add to {config_name} `exclude_docs: |` with the lines {', '.join(GUARD_PATTERNS)} "
                "(as `accord init` writes it)")
    parent = posixpath.dirname(record.rel_path)
    where = f"`/{parent}/`" if parent else f"`/{record.rel_path}`"
    return f"move it under `{folder}/`, or add {where} to `exclude_docs` in {config_name}"


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
