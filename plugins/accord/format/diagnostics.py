"""Diagnostics: what is wrong, where, and how to fix it.

Every problem Accord finds in a knowledge base is a `Diagnostic` carrying one of the
codes in `CODES`. The table is the single source of truth for the codes: the command
line, the site build and the authors' documentation all read it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    severity: Severity
    summary: str
    fix: str


_E, _W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    # Reading the file
    "encoding": Code(_E, "the file is not valid UTF-8", "save the file as UTF-8"),
    "unreadable": Code(_E, "a file or folder that cannot be read", "give it read permission, or move it out of docs"),
    "file-name": Code(_E, "a file name that is not valid UTF-8", "rename the file"),
    "file-size": Code(_E, "a Markdown file too large to be a page (over 16 MB)", "split it, or keep data beside it"),
    "markdown-cost": Code(
        _E,
        "a paragraph (or a page) that Markdown would take too long to read: more than 2 s (10 s for a page), "
        "so that it would stall every build",
        "split long paragraphs with blank lines, close every `[` and HTML tag, and keep long code or data in "
        "fenced code blocks or in a file beside the page",
    ),
    "link-outside": Code(
        _E, "a link (symlink) to a file or folder outside the docs folder", "copy the file into the docs folder"
    ),
    "link-dangling": Code(_E, "a link (symlink) that leads nowhere", "delete it, or point it at a file in docs"),
    "link-inside": Code(
        _E, "a link (symlink) to another file or folder of the docs folder", "link to its page in Markdown instead"
    ),
    "link-loop": Code(_E, "a linked folder that leads back into the docs folder", "delete the link"),
    "not-a-file": Code(_E, "a FIFO, socket or device in the docs folder", "remove it"),
    "frontmatter-unclosed": Code(
        _E, "the front matter has no closing `---` line", "end the front matter with a line `---`"
    ),
    "frontmatter-misplaced": Code(
        _E,
        "a record's fields that are not front matter: it does not start on line 1, or has no `---` lines, so "
        "the page would be published as text",
        "put the front matter between `---` lines at the very top of the file, with nothing before it",
    ),
    "confidentiality-without-type": Code(
        _E,
        "a page with a `confidentiality` that is not public but no record `type`: it would be published to all",
        "give it its record `type`, or move it out of the docs folder",
    ),
    # YAML pitfalls
    "yaml-syntax": Code(_E, "the front matter is not valid YAML", "fix the YAML at the line shown"),
    "yaml-tab": Code(_E, "a tab character in the front matter", "replace the tab with spaces"),
    "yaml-duplicate-key": Code(_E, "the same key appears twice in one mapping", "remove or rename one of the two keys"),
    "yaml-boolean": Code(
        _E,
        "a yes/no/on/off/true/false word where text is expected (YAML reads it as a boolean)",
        "put the value in quotes, e.g. 'no'",
    ),
    "yaml-date": Code(_E, "a date that does not exist", "write a real calendar date as YYYY-MM-DD"),
    "yaml-alias": Code(_E, "YAML anchors, aliases and merge keys are not accepted", "write the value out in full"),
    "yaml-tag": Code(_E, "an explicit YAML tag such as `!!binary`", "remove the tag"),
    "yaml-depth": Code(_E, "the front matter is nested too deeply", "flatten the structure"),
    "yaml-key": Code(_E, "a mapping key that is not plain text", "use a plain text key, in quotes if need be"),
    "yaml-invisible": Code(
        _E, "an invisible control, line-break or text-direction character in the front matter",
        "delete the character"
    ),
    "control-character": Code(
        _E, "an escaped control or text-direction character (such as `\\e`, `\\x07` or `\\u202e`) in a text value",
        "remove the escape"
    ),
    "yaml-size": Code(_E, "a front matter too large to be a record", "keep long text in the body"),
    "more-problems": Code(_E, "more problems in the same file", "fix the ones shown, then validate again"),
    # One record
    "unknown-type": Code(
        _E, "`type` is not one of the record types", "use agreement, playbook, retrospective or organization"
    ),
    "unknown-field": Code(
        _E, "a field the format does not define", "fix the spelling, or move custom data under `extra:`"
    ),
    "missing-field": Code(_E, "a required field is missing", "add the field"),
    "invalid-value": Code(_E, "a value of the wrong kind", "write a value of the kind the field takes"),
    "invalid-choice": Code(_E, "a value outside the field's list of choices", "use one of the listed values"),
    "invalid-id": Code(
        _E,
        "an id that is not a slug of lowercase letters, digits and single hyphens (at most 80 characters)",
        "rename it, e.g. `city-water-mou`",
    ),
    "invalid-date": Code(_E, "a value that is not a date", "write the date as YYYY-MM-DD, without quotes"),
    "invalid-url": Code(_E, "a website that is not an http or https URL", "write the full URL, https://…"),
    "invalid-currency": Code(
        _E, "a currency that is not an ISO 4217 code", "use three capital letters, e.g. EUR or USD"
    ),
    "invalid-email": Code(_E, "an e-mail address that is not valid", "write it as name@example.org"),
    "too-few": Code(_E, "a list with fewer items than the format requires", "add the missing items"),
    "duplicate-party": Code(_E, "an organisation listed twice as a party", "list each party once"),
    "duplicate-lesson": Code(_E, "two lessons with the same id in one retrospective", "give each lesson its own id"),
    "partners-missing": Code(
        _E,
        "a retrospective with neither agreements nor partners",
        "list the `agreements` it looks back on, or its `partners`",
    ),
    "raci-accountable": Code(
        _E, "a RACI activity without exactly one accountable party", "name exactly one `accountable` party id"
    ),
    "raci-responsible": Code(
        _E, "a RACI activity without a responsible party", "name at least one party under `responsible`"
    ),
    "date-order": Code(_E, "`effective` is later than `expires`", "correct one of the two dates"),
    "scaffold-placeholder": Code(
        _W, "text that `accord new` wrote for you to replace is still there, and would be published",
        "write the record's own text in its place, or delete the line",
    ),
    "curly-quotes": Code(
        _W, "a value written in curly quotes (“…”), which YAML does not read as quotes: they are kept as part of "
        "the text, and shown", "write straight quotes (\"…\") if you meant quotes; to keep them, put the whole "
        "value in straight quotes",
    ),
    "date-list-commas": Code(
        _W, "review dates written with commas but no brackets (read as a list)",
        "put them in brackets: `review: [2027-07-01, 2028-01-15]`",
    ),
    "signed-missing": Code(
        _E,
        "an agreement that is signed or later has no `dates.signed`",
        "add the date of signature under `dates: signed:`",
    ),
    "active-expired": Code(
        _W, "an active agreement whose `expires` date has passed", "set the status to `expired`, or renew it"
    ),
    "due-after-expiry": Code(
        _W, "an objective due after the agreement expires", "bring the due date forward, or extend the term"
    ),
    "signed-copy-path": Code(
        _E,
        "a signed copy's `file` that is not a file of the agreement's own: an absolute path or an address, "
        "`..`, a link (symlink), a hidden name, a page, or a file another record owns",
        "put the file in the agreement's own folder (`agreements/ID/` for `agreements/ID.md`) or name it after "
        "the agreement (`agreements/ID.pdf`), and write it as a link from the agreement's file: `ID.pdf`",
    ),
    "signed-copy-not-found": Code(
        _E, "the signed copy's `file` is not there", "add the file, or correct `signed_copy.file` (its case too)"
    ),
    "signed-copy-changed": Code(
        _E,
        "the signed copy's file does not have the SHA-256 digest recorded: it changed, or was replaced",
        "put back the copy that was signed; if this file is it (scanned again), record its digest with "
        "`accord sign ID FILE --replace`",
    ),
    "signed-copy-name-hidden": Code(
        _W,
        "a signed copy's file name (or folder) holds the id of a record more confidential than the agreement: "
        "the agreement's readers see the name on its page and in the file's address",
        "rename the file, e.g. after the agreement (`ID.pdf`), and record it: `accord sign ID FILE --replace`",
    ),
    "no-signed-copy": Code(
        _W,
        "an agreement in force (signed or active) names no signed copy, in a knowledge base that keeps them "
        "(another agreement names one); said by `accord validate`, not by the site's build",
        "put the signed copy beside the agreement and run `accord sign ID FILE`",
    ),
    # Across records
    "duplicate-id": Code(_E, "two records share one id", "give each record its own id"),
    "unknown-id": Code(_E, "a reference to an id no record has", "fix the id, or add the record"),
    "wrong-type": Code(_E, "a reference to a record of the wrong type", "name a record of the type shown"),
    "unknown-lesson": Code(
        _E, "a lesson address that names no lesson", "write it as RETROSPECTIVE-ID#LESSON-ID of a real lesson"
    ),
    "not-a-party": Code(
        _E, "an organisation named in an agreement that is not one of its parties", "add it to `parties`"
    ),
    "chain-cycle": Code(_E, "`amends` / `supersedes` references that go round in a circle", "break the cycle"),
    "superseded-status": Code(
        _W,
        "an agreement superseded by another whose status is not `superseded`",
        "set its status to `superseded`",
    ),
    "unknown-template": Code(_E, "a `template` the theme does not have", "name a template of your custom_dir"),
    "unknown-icon": Code(_E, "an `icon` the theme does not have", "use one of mkdocs-material's icons"),
    "unguarded-record": Code(
        _W,
        "a record that is not public, which an engine without Accord would publish (mkdocs.yml's `exclude_docs` "
        "does not cover it)",
        "keep records in their type's folder (`agreements/`, `organizations/`, `playbooks/`, `retrospectives/`) "
        "and those folders in `exclude_docs`, as `accord init` writes them",
    ),
    "public-references-hidden": Code(
        _W,
        "a public record names a record that a public reader will not see",
        "make the named record public too, or remove the reference",
    ),
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    code: str
    message: str

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def fix(self) -> str:
        return CODES[self.code].fix

    def format_text(self) -> str:
        """One line, whatever the path and message hold (a line break in a value would
        otherwise start a line of its own, which CI runners may read as a command)."""
        return one_line(f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {self.code}: {self.message}")

    def format_github(self) -> str:
        level = "error" if self.severity is Severity.ERROR else "warning"
        message = _github_escape(one_line(f"{self.code}: {self.message}"))
        path = _github_escape(one_line(self.path), properties=True)
        return f"::{level} file={path},line={self.line},col={self.column},title=accord {self.code}::{message}"

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = asdict(self)
        data["severity"] = self.severity.value
        return data


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """Line breaks and other control characters shown as escapes (`\\n`, `\\x1b`)."""
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _github_escape(text: str, *, properties: bool = False) -> str:
    """GitHub's workflow-command escaping (properties also escape `:` and `,`)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if properties else text


def format_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in diagnostics], indent=2, ensure_ascii=False)


def count(diagnostics: list[Diagnostic]) -> tuple[int, int]:
    """Number of errors and of warnings."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return errors, len(diagnostics) - errors


# A record's lists of items, as an author calls one item, and the fields that name it (the first
# one written): `responsibilities[3]` is told as responsibility #4 (“Recruit wardens”).
_ITEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "parties": ("party", ("org",)),
    "objectives": ("objective", ("id", "statement")),
    "responsibilities": ("responsibility", ("activity",)),
    "resources": ("resource", ("description", "from")),
    "lessons": ("lesson", ("id", "title")),
    "contacts": ("contact", ("name", "email")),
}
_ID_FIELDS = frozenset(("org", "id", "from", "email"))


def place(loc: tuple[str | int, ...], data: Any = None) -> str:
    """Where `loc` is in a front matter, as an author counts: from 1, an item named by what
    identifies it (`data`, the front matter's values, says what that is), and with its own
    backticks: `title`, `dates.expires`, `org` of party #2 (`river-trust`), `responsible` #2 of
    responsibility #1 (“Monthly clean-up”), `dates.review` #2. One line, whatever the values hold."""
    if not loc:
        return "the front matter"
    segments: list[tuple[tuple[str, ...], int | None]] = []
    names: list[str] = []
    for part in loc:
        if isinstance(part, int):
            segments.append((tuple(names), part))
            names = []
        else:
            names.append(str(part))
    if names:
        segments.append((tuple(names), None))
    pieces = []
    for number, (names_, index) in enumerate(segments):
        dotted = ".".join(names_)
        if index is None:
            pieces.append(f"`{dotted}`")
        elif number == 0 and len(names_) == 1 and names_[0] in _ITEMS:
            noun, fields = _ITEMS[names_[0]]
            after = segments[1][0][0] if len(segments) > 1 and segments[1][0] else None
            pieces.append(f"{noun} #{index + 1}{_label(data, names_[0], index, fields, after)}")
        else:
            pieces.append(f"`{dotted}` #{index + 1}" if dotted else f"#{index + 1}")
    return " of ".join(reversed(pieces))


def _label(data: Any, name: str, index: int, fields: tuple[str, ...], about: str | None) -> str:
    """What names item `index` of list `name`: one of `fields`, not the one a message is `about`."""
    items = data.get(name) if isinstance(data, dict) else None
    item = items[index] if isinstance(items, list) and 0 <= index < len(items) else None
    if not isinstance(item, dict):
        return ""
    for field in fields:
        value = item.get(field)
        if field == about or not isinstance(value, str) or not value.strip():
            continue
        text = " ".join(value.split()).replace("`", "'")
        text = text if len(text) <= 40 else text[:39] + "…"
        return f" (`{text}`)" if field in _ID_FIELDS else f" (“{text}”)"
    return ""
