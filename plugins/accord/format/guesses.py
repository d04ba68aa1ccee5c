"""Guessing at what an author meant: whether a file that is not quite a record is one
written wrongly (a `type` near a record's, front matter in the wrong place, never closed
or unreadable), and what a broken record still declares (its id, its confidentiality), so
that it is neither published as a plain page nor reported twice."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.format.source import SourceFile

RECORD_TYPES = ("agreement", "playbook", "retrospective", "organization")
# A record-looking `type:` (block style, key quoted or not; or inside a flow mapping),
# to tell a broken record from a broken ordinary page.
_TYPE_LINE = re.compile(r"""^["']?[Tt][Yy][Pp][Ee]["']?[ \t]*:[ \t]*["']?([A-Za-z_-]+)""", re.MULTILINE)
_TYPE_FLOW = re.compile(r"""[{,][ \t]*["']?type["']?[ \t]*:[ \t]*["']?([A-Za-z_-]+)""", re.IGNORECASE)
RECORD_WORDS = re.compile(r"\b(?:type|confidentiality)\b", re.IGNORECASE)
_ID_LINE = re.compile(r"""^id[ \t]*:[ \t]*(["']?)([a-z0-9-]+)\1[ \t]*(?:#.*)?$""", re.MULTILINE)


def record_type(data: Any) -> str | None:
    """The record type a front matter declares (or nearly declares), else None."""
    if not isinstance(data, dict):
        return None
    # `type:`, and `Type:`, `TYPE:`, `"type "`, `type<no-break space>`: each still a record's key.
    values = [v for k, v in data.items() if isinstance(k, str) and k.strip().lower() == "type"]
    for value in values:
        if isinstance(value, str) and (value.strip() in RECORD_TYPES or near_record_type(value.strip())):
            return value
        if value is not None and not isinstance(value, int | float | bool):
            # `type: data sharing agreement`, `type: [agreement]`, `type: {agreement: yes}`: a
            # record written wrongly, not a page (published as one, it would show what its
            # confidentiality keeps).
            found = re.findall(r"[A-Za-z]+", str(value))
            if any(word.lower() in RECORD_TYPES or near_record_type(word.lower()) for word in found):
                return str(value)
    return None


_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# A record's field alone on its line, as front matter has it: `type: agreement`, `confidentiality = "internal"`
# (a sentence that starts "Confidentiality: internal by default, …" is prose, not a field).
_RECORD_FIELD = re.compile(
    r"""^(["']?)(type|confidentiality)\1[ \t]*[:=][ \t]*(["']?)([A-Za-z_-]*)\3[ \t]*(?:#.*)?$""", re.IGNORECASE
)
_BOUNDARY = re.compile(r"(-{3,}|\+{3,})")  # YAML's and TOML's front matter lines


def misplaced_front_matter(text: str) -> tuple[int, int, str, str] | None:
    """Where a page that is not a record still carries a record's fields: front matter that
    does not start on line 1 (a blank line, a comment, a second byte-order mark before it),
    that is indented, TOML, or not a mapping, or `type:` / `confidentiality:` lines with no
    `---` around them. MkDocs, and any other engine, would publish such a file as text,
    fields and body with it. Fenced code (a guide's examples) is not read; in indented code
    only a confidentiality that is not public counts."""
    fence = ""
    opening: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = ""
            continue
        if marker:
            fence = marker.group(1)
            continue
        plain = line.replace("\u00a0", " ").replace("\ufeff", "")
        bare = plain.strip()
        if _BOUNDARY.fullmatch(bare):
            opening = number if opening is None else opening
            continue
        field = _RECORD_FIELD.match(bare)
        if field is None:
            continue
        value = field.group(4).lower()
        if plain.startswith(("    ", "\t")) and opening is None:
            continue  # indented code (an example), unless it is front matter indented whole
        if field.group(2).lower() == "type":
            if not (value in RECORD_TYPES or near_record_type(value)):
                continue
        elif value == "public":
            continue
        return (number, 1, "frontmatter-misplaced",
                f"`{bare[:60]}` reads as a record's field, but MkDocs cannot read it as front matter (it is not "
                "on the first lines of the file between `---` lines, or it is indented, TOML or not plain "
                "`key: value` lines), so it would be published as text; put the record's front matter at the very "
                "top of the file, or put an example in a fenced code block")
    return None



def looks_like_record(fm: str) -> bool:
    match = _TYPE_LINE.search(fm) or ("{" in fm and _TYPE_FLOW.search(fm))
    return bool(match) and (match.group(1) in RECORD_TYPES or near_record_type(match.group(1)))


def near_record_type(value: str) -> bool:
    from accord.format.suggest import closest

    return closest(value, RECORD_TYPES) is not None



_LEVELS = ("public", "internal", "restricted")
_INEXACT = frozenset(("yaml-alias", "yaml-tag", "yaml-key", "yaml-depth", "yaml-size"))
# The one form of the field that a front matter YAML cannot read is still read exactly: a
# top-level line of its own, the key and the value plain or quoted, nothing else on it.
_PLAIN_CONFIDENTIALITY = re.compile(
    r"""^(["']?)confidentiality\1[ \t]*:[ \t]*(["']?)(public|internal|restricted)\2[ \t]*(?:#.*)?$""")


def ordinary_page(source: SourceFile) -> bool:
    """Whether a file with problems is an ordinary page rather than a record written wrongly:
    no front matter values, and either no problem of its own (a page too costly to convert)
    or YAML problems in front matter that names no record's field."""
    if source.data is not None:
        return False
    if not source.diagnostics:
        return True
    return (bool(source.front_matter) and not RECORD_WORDS.search(source.front_matter)
            and all(d.code.startswith("yaml-") for d in source.diagnostics))


def declared_confidentiality(source: SourceFile) -> str:
    """The confidentiality a record says it has, read only where it is read exactly; the
    narrowest level (`restricted`) whenever it cannot be: a value that is not one of the
    three levels as written, the key written twice (in any spelling or case), or, when the
    YAML cannot be read, any mention of the key but one plain top-level line, or a
    backslash (a double-quoted key can spell it with escapes). A record whose YAML cannot be
    read is never taken as public: its one plain line may sit inside a quoted text."""
    restricted = "restricted"
    # A file whose front matter was not found at all (misplaced): its whole text is read.
    text = source.front_matter or (source.body if source.data is None else "")
    data = source.data
    # Values read past a YAML feature the builder refuses (an alias, a merge key, a tag, a key
    # that is not text) may differ from what YAML would read: read as text, below.
    inexact = any(d.code in _INEXACT for d in source.diagnostics)
    if isinstance(data, dict) and not inexact:
        keys = [key for key in data if isinstance(key, str) and key.strip().lower() == "confidentiality"]
        if len(keys) > 1 or any(key in source.repeated for key in keys):
            return restricted
        if not keys:
            return "internal"  # the format's default
        value = data[keys[0]]
        return value if keys[0] == "confidentiality" and value in _LEVELS else restricted
    if "\\" in text or (not text and source.diagnostics):
        return restricted  # (nothing could be read: front matter never closed, bytes not UTF-8)
    mentions = len(re.findall("confidentiality", text, re.IGNORECASE))
    if not mentions:
        return "internal"
    lines = [match for line in text.splitlines() if (match := _PLAIN_CONFIDENTIALITY.match(line))]
    if mentions > 1 or len(lines) != 1:
        return restricted
    return "restricted" if lines[0].group(3) == "restricted" else "internal"


def declared_id(source: SourceFile) -> str | None:
    """The id a broken record declares, so references to it are not reported twice."""
    if source.data is not None and isinstance(source.data.get("id"), str):
        return source.data["id"]
    match = _ID_LINE.search(source.front_matter or source.unclosed)
    return match.group(2) if match else None

