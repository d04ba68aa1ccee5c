"""Reading a Markdown file: bytes → text → front matter → Python values, with positions.

The values are built by accord.format.yaml_build (libyaml's node tree, each YAML pitfall
caught on its line); what a file that is not quite a record was meant to be is guessed by
accord.format.guesses. The node tree is not kept: when a diagnostic needs a position, the
front matter is composed again (that only happens for files with a problem).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from accord.format.diagnostics import Diagnostic
from accord.format.guesses import (
    RECORD_TYPES,
    RECORD_WORDS,
    declared_confidentiality,
    declared_id,
    looks_like_record,
    misplaced_front_matter,
    ordinary_page,
    record_type,
)
from accord.format.yaml_build import (
    BOOL_WORDS,
    CURLY_QUOTES,
    MAX_DEPTH,
    MAX_FRONT_MATTER,
    clip,
    compose,
    in_curly_quotes,
    parse,
    straight_quoted,
)

__all__ = [  # what others import from here, wherever it is now written
    "BOOL_WORDS", "CURLY_QUOTES", "HANDLER", "MAX_DEPTH", "MAX_FRONT_MATTER", "RECORD_TYPES", "FrontMatterHandler",
    "KeyPath", "Location", "SourceFile", "construct", "declared_confidentiality", "declared_id", "in_curly_quotes",
    "ordinary_page", "read_draft", "read_source", "straight_quoted",
]

Location = tuple[int, int]
KeyPath = tuple[str | int, ...]  # where a value is in the front matter: keys and list positions


class FrontMatterHandler(YAMLHandler):
    """python-frontmatter's YAML handler, with Accord's positioned loader."""

    def load(self, fm: str, **kwargs: object) -> Any:
        values, _ = construct(fm, base_line=0, path="<front matter>")
        return values


HANDLER = FrontMatterHandler()


@dataclass
class SourceFile:
    """One Markdown file of the knowledge base."""

    path: str  # as shown in diagnostics
    rel_path: str  # docs-relative, with forward slashes
    front_matter: str = ""
    base_line: int = 0  # 0-based line of the file where the front matter text starts
    data: dict[str, Any] | None = None  # None: an ordinary page
    body: str = ""
    body_line: int = 1
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _root: Node | None = field(default=None, repr=False)
    # What accord.format.rules finds in the file alone (scaffold placeholders, values in curly
    # quotes), once asked: kept with the file read, which `mkdocs serve` keeps between its
    # rebuilds while the file is unchanged.
    placeholders: list[Diagnostic] | None = field(default=None, repr=False, compare=False)
    # A front matter never closed: its text up to the first blank line (declared_id reads it).
    unclosed: str = field(default="", repr=False, compare=False)
    # Top-level keys written more than once (YAML keeps only the last value of each).
    repeated: set[str] = field(default_factory=set, repr=False, compare=False)
    # Whether a text value is one `accord new` wrote, as noted while the values were made
    # (accord.format.yaml_build); None: not known.
    scaffold_text: bool | None = field(default=None, repr=False, compare=False)

    @property
    def is_record(self) -> bool:
        return self.data is not None or bool(self.diagnostics)

    def diagnostic(self, code: str, message: str, loc: KeyPath = (), *, key: bool = False) -> Diagnostic:
        line, column = self.locate(loc, key=key)
        return Diagnostic(self.path, line, column, code, message)

    def locate(self, loc: KeyPath, *, key: bool = False) -> Location:
        """Line and column (1-based, in the file) of the value (or key) at `loc`.

        Falls back to the nearest ancestor that exists: a missing field points at the
        mapping it belongs in.
        """
        found = self._find(loc)
        if found is None:
            return self.base_line + 1, 1
        key_node, node, _ = found
        return self.mark(key_node if key and key_node is not None else node)

    def raw_scalar(self, loc: KeyPath) -> str | None:
        """The text of the scalar at `loc` exactly as written, if `loc` is one."""
        found = self._find(loc)
        if found is None or not found[2] or not isinstance(found[1], ScalarNode):
            return None
        return found[1].value

    def plain(self, loc: KeyPath) -> bool:
        """Whether the value at `loc` is a scalar written without quotes (not `"…"`, `'…'`, `|`)."""
        found = self._find(loc)
        return found is not None and found[2] and isinstance(found[1], ScalarNode) and not found[1].style

    def _find(self, loc: KeyPath) -> tuple[Node | None, Node, bool] | None:
        """Key node, value node, and whether the whole of `loc` was found."""
        if self._root is None:
            try:
                self._root = compose(self.front_matter)
            except yaml.YAMLError:
                return None
            if self._root is None:
                return None
        node: Node = self._root
        key_node: Node | None = None
        for part in loc:
            child = _child(node, part)
            if child is None:
                return key_node, node, False
            key_node, node = child
        return key_node, node, True

    def mark(self, node: Node) -> Location:
        mark = node.start_mark
        return self.base_line + mark.line + 1, mark.column + 1

    def release(self) -> None:
        """Forget the node tree (it is rebuilt on demand)."""
        self._root = None


def _child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == str(part):
                return key_node, value_node
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None



def read_source(raw: bytes, path: str, rel_path: str) -> SourceFile:
    """Read one Markdown file; `data` stays None for ordinary pages.

    Whatever the bytes, the answer is a SourceFile with diagnostics, never an exception.
    """
    source = SourceFile(path=path, rel_path=rel_path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        _undecodable(source, raw, exc)
        return source
    text = text.removeprefix("\ufeff")
    if not HANDLER.detect(text):
        source.body = text
        _misplaced(source, text)
        return source
    opening = HANDLER.FM_BOUNDARY.search(text)
    assert opening is not None  # detect() matched it
    try:
        fm, body = HANDLER.split(text)
    except ValueError:
        if looks_like_record(text):
            source.diagnostics.append(_unclosed(source, text, opening.end()))
        else:
            source.body = text
            _misplaced(source, text)
        return source
    source.front_matter = fm
    source.base_line = text.count("\n", 0, opening.end())
    source.body = body
    source.body_line = source.base_line + fm.count("\n") + 2
    _read_front_matter(source, text)
    return source


def _read_front_matter(source: SourceFile, text: str) -> None:
    """The values of a front matter found whole: a record's, or an ordinary page's."""
    looks_like = looks_like_record(source.front_matter)
    try:
        data, problems, root = parse(source)
    except Exception as exc:  # the last guard: a file never ends in a traceback
        data, root = None, None
        problems = [Diagnostic(source.path, source.base_line + 1, 1, "yaml-syntax",
                               f"the front matter cannot be read ({type(exc).__name__}); check it for unusual YAML")]
    if record_type(data) is None and not (looks_like and problems):
        _ordinary_page(source, text, data, problems, root)
        return
    source.diagnostics.extend(problems)
    if isinstance(data, dict):
        source.data = data
        source._root = root
    elif not problems:
        source.diagnostics.append(Diagnostic(source.path, source.base_line + 1, 1, "yaml-syntax",
                                             "the front matter must be a mapping of `key: value` lines"))


def _ordinary_page(source: SourceFile, text: str, data: Any, problems: list[Diagnostic], root: Node | None) -> None:
    """An ordinary page: its front matter is MkDocs' business, unless it would publish
    what a record keeps: front matter MkDocs cannot read (printed as text), a
    confidentiality without a record type (which nothing would honour), or a record's
    fields further down."""
    fm = source.front_matter
    if data is None and problems and (any(p.code == "yaml-syntax" for p in problems) or RECORD_WORDS.search(fm)):
        # Front matter that does not parse is printed by MkDocs as the page's text, whatever
        # it holds (a record's type or confidentiality in a form only YAML would have
        # recognised); so is any that Accord refuses to read while it names a record's field.
        source.diagnostics.extend(problems)
        return
    if not isinstance(data, dict):
        _misplaced(source, text)
        return
    key = next((k for k in data if isinstance(k, str) and k.strip().lower() == "confidentiality"), None)
    confidentiality = data.get(key) if key is not None else None
    if confidentiality is not None and str(confidentiality).strip().lower() != "public":
        source._root = root
        source.diagnostics.append(source.diagnostic(
            "confidentiality-without-type",
            f"`confidentiality: {clip(str(confidentiality))}` on a page that is not a record (no `type` "
            f"of {', '.join(sorted(RECORD_TYPES))}): nothing would keep it from readers; give it its record "
            "`type`, or move it out of the docs folder", (key,), key=True))
        return
    _misplaced(source, source.body, source.body_line)


def _misplaced(source: SourceFile, text: str, first_line: int = 1) -> None:
    """Report a record's fields in `text` (which starts on the file's line `first_line`)
    that MkDocs cannot read as front matter (accord.format.guesses.misplaced_front_matter)."""
    misplaced = misplaced_front_matter(text)
    if misplaced is not None:
        line, column, code, message = misplaced
        source.diagnostics.append(Diagnostic(source.path, line + first_line - 1, column, code, message))


def _unclosed(source: SourceFile, text: str, start: int) -> Diagnostic:
    """A front matter never closed. Its fields are taken to end at the first blank line: they
    give the record's id (declared_id: what names it is then not reported unknown), and, if
    they read as a record's, the line to close them after."""
    end = re.search(r"\n[ \t]*(?:\n|$)", text[start:])
    head = text[start:start + end.start() + 1] if end else text[start:]
    source.unclosed = head
    message = "the front matter starting here has no closing `---` line"
    base_line = text.count("\n", 0, start)
    with contextlib.suppress(Exception):
        data, problems = construct(head, base_line, source.path) if len(head) <= MAX_FRONT_MATTER else (None, [])
        if isinstance(data, dict) and not problems and record_type(data) and head.strip():
            last = base_line + len(head.rstrip("\n").split("\n"))
            message += f"; end it with a line `---` after line {last}, where its fields end"
    return Diagnostic(source.path, 1, 1, "frontmatter-unclosed", message)


def _undecodable(source: SourceFile, raw: bytes, exc: UnicodeDecodeError) -> None:
    line_start = raw.rfind(b"\n", 0, exc.start) + 1
    line = raw.count(b"\n", 0, exc.start) + 1
    column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
    source.diagnostics.append(Diagnostic(source.path, line, column, "encoding",
                                         f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8"))
    # Still learn the record's id, so references to it are not reported again.
    text = raw.decode("utf-8", errors="replace")
    if HANDLER.detect(text):
        with contextlib.suppress(ValueError):
            source.front_matter = HANDLER.split(text)[0]


def read_draft(raw: bytes, path: str) -> tuple[dict[str, Any] | None, str, list[Diagnostic]]:
    """A draft's front matter and body, read as far as they go: whatever its `type` (or
    none yet), and with any bytes that are not UTF-8 replaced (and reported)."""
    problems: list[Diagnostic] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        source = SourceFile(path=path, rel_path=path)
        _undecodable(source, raw, exc)
        problems += source.diagnostics
        text = raw.decode("utf-8", errors="replace")
    text = text.removeprefix("\ufeff")
    if not HANDLER.detect(text):
        return None, text, problems
    opening = HANDLER.FM_BOUNDARY.search(text)
    try:
        fm, body = HANDLER.split(text)
    except ValueError:
        problems.append(Diagnostic(path, 1, 1, "frontmatter-unclosed",
                                   "the front matter starting here has no closing `---` line"))
        return None, text, problems
    base_line = text.count("\n", 0, opening.end()) if opening else 0
    try:
        data, found = construct(fm, base_line, path)
    except Exception as exc:  # the last guard, as in read_source
        data, found = None, [Diagnostic(path, base_line + 1, 1, "yaml-syntax",
                                        f"the front matter cannot be read ({type(exc).__name__})")]
    return (data if isinstance(data, dict) else None), body, problems + found


def construct(fm: str, base_line: int, path: str) -> tuple[Any, list[Diagnostic]]:
    """Values of a front matter text, and the YAML problems found on the way."""
    source = SourceFile(path=path, rel_path=path, front_matter=fm, base_line=base_line)
    data, problems, _ = parse(source)
    return data, problems

