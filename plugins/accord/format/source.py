"""Reading a Markdown file: bytes → text → front matter → Python values, with positions.

libyaml's C parser builds the node tree (every node carries its line and column); the
values are constructed here from that tree rather than by PyYAML's constructor, so
that the YAML pitfalls (duplicate keys, aliases, impossible dates, explicit tags) are
caught on their line instead of silently accepted. The node tree is not kept: when a
diagnostic needs a position, the front matter is composed again (that only happens for
files with a problem).
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
from accord.memo import Memo

try:  # libyaml's C parser: nodes still carry their marks, and it is ~8× faster.
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only where libyaml is missing
    _Base = yaml.SafeLoader

_RESOLVED: Memo[tuple[str, tuple[bool, bool]], str] = Memo(50_000)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Caches tag resolution of short scalars: keys and values repeat across records,
    and PyYAML resolves each one with a run of regular expressions."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is ScalarNode and len(value) < 40:
            key = (value, implicit)
            tag = _RESOLVED.get(key)
            if tag is None:
                tag = _RESOLVED.put(key, super().resolve(kind, value, implicit))
            return tag
        return super().resolve(kind, value, implicit)

RECORD_TYPES = ("agreement", "playbook", "retrospective", "organization")
MAX_DEPTH = 32

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
BOOL_WORDS = {"yes", "no", "on", "off", "y", "n"}  # YAML 1.1 booleans people mean as text
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {
    _STR,
    _BOOL,
    _TIMESTAMP,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
}
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
# A record-looking `type:` (block style, key quoted or not; or inside a flow mapping),
# to tell a broken record from a broken ordinary page.
_TYPE_LINE = re.compile(r"""^["']?[Tt][Yy][Pp][Ee]["']?[ \t]*:[ \t]*["']?([A-Za-z_-]+)""", re.MULTILINE)
_TYPE_FLOW = re.compile(r"""[{,][ \t]*["']?type["']?[ \t]*:[ \t]*["']?([A-Za-z_-]+)""", re.IGNORECASE)
_RECORD_WORDS = re.compile(r"\b(?:type|confidentiality)\b", re.IGNORECASE)
_ID_LINE = re.compile(r"""^id[ \t]*:[ \t]*(["']?)([a-z0-9-]+)\1[ \t]*(?:#.*)?$""", re.MULTILINE)
# Characters a reader cannot see, which YAML refuses or reads as line breaks.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
# Text-direction embeddings, overrides and isolates: one left open in a value reverses the
# text shown after it (another record's dates, a sentence of reasons). Never needed: text in
# a right-to-left script shows in its own direction without them.
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Nesting that could be deep enough to need the exact (event by event) depth check
# before composing: libyaml's composer recurses in C, and its parser is quadratic in
# flow depth. Deep block nesting needs indentation, which the size cap bounds.
_FLOW_MARKS = 64


def _may_be_deep(fm: str) -> bool:
    return fm.count("[") + fm.count("{") > _FLOW_MARKS or "- - " in fm or "-\t-" in fm


MAX_FRONT_MATTER = 256 * 1024

Location = tuple[int, int]
Path = tuple[str | int, ...]

_scalar_constructor = yaml.constructor.SafeConstructor()


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

    @property
    def is_record(self) -> bool:
        return self.data is not None or bool(self.diagnostics)

    def diagnostic(self, code: str, message: str, loc: Path = (), *, key: bool = False) -> Diagnostic:
        line, column = self.locate(loc, key=key)
        return Diagnostic(self.path, line, column, code, message)

    def locate(self, loc: Path, *, key: bool = False) -> Location:
        """Line and column (1-based, in the file) of the value (or key) at `loc`.

        Falls back to the nearest ancestor that exists: a missing field points at the
        mapping it belongs in.
        """
        found = self._find(loc)
        if found is None:
            return self.base_line + 1, 1
        key_node, node, _ = found
        return self._mark(key_node if key and key_node is not None else node)

    def raw_scalar(self, loc: Path) -> str | None:
        """The text of the scalar at `loc` exactly as written, if `loc` is one."""
        found = self._find(loc)
        if found is None or not found[2] or not isinstance(found[1], ScalarNode):
            return None
        return found[1].value

    def plain(self, loc: Path) -> bool:
        """Whether the value at `loc` is a scalar written without quotes (not `"…"`, `'…'`, `|`)."""
        found = self._find(loc)
        return found is not None and found[2] and isinstance(found[1], ScalarNode) and not found[1].style

    def _find(self, loc: Path) -> tuple[Node | None, Node, bool] | None:
        """Key node, value node, and whether the whole of `loc` was found."""
        if self._root is None:
            try:
                self._root = _compose(self.front_matter)
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

    def _mark(self, node: Node) -> Location:
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


def _compose(text: str) -> Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


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
        misplaced = _misplaced_front_matter(text)
        if misplaced is not None:
            source.diagnostics.append(Diagnostic(path, *misplaced))
        return source
    opening = HANDLER.FM_BOUNDARY.search(text)
    assert opening is not None  # detect() matched it
    try:
        fm, body = HANDLER.split(text)
    except ValueError:
        if _looks_like_record(text):
            source.diagnostics.append(_unclosed(source, text, opening.end()))
        else:
            source.body = text
            misplaced = _misplaced_front_matter(text)
            if misplaced is not None:
                source.diagnostics.append(Diagnostic(path, *misplaced))
        return source
    source.front_matter = fm
    source.base_line = text.count("\n", 0, opening.end())
    source.body = body
    source.body_line = source.base_line + fm.count("\n") + 2
    looks_like_record = _looks_like_record(fm)
    try:
        data, problems, root = _parse(source)
    except Exception as exc:  # the last guard: a file never ends in a traceback
        data, root = None, None
        problems = [Diagnostic(path, source.base_line + 1, 1, "yaml-syntax",
                               f"the front matter cannot be read ({type(exc).__name__}); check it for unusual YAML")]
    record_type = _record_type(data)
    if record_type is None and not (looks_like_record and problems):
        # An ordinary page: its front matter is MkDocs' business, unless it would publish
        # what a record keeps: front matter MkDocs cannot read (printed as text), a
        # confidentiality without a record type (which nothing would honour), or a record's
        # fields further down.
        if data is None and problems and (any(p.code == "yaml-syntax" for p in problems)
                                          or _RECORD_WORDS.search(fm)):
            # Front matter that does not parse is printed by MkDocs as the page's text, whatever
            # it holds (a record's type or confidentiality in a form only YAML would have
            # recognised); so is any that Accord refuses to read while it names a record's field.
            source.diagnostics.extend(problems)
            return source
        if not isinstance(data, dict):
            misplaced = _misplaced_front_matter(text)
            if misplaced is not None:
                source.diagnostics.append(Diagnostic(path, *misplaced))
            return source
        key = next((k for k in data if isinstance(k, str) and k.strip().lower() == "confidentiality"), None)
        confidentiality = data.get(key) if key is not None else None
        if confidentiality is not None and str(confidentiality).strip().lower() != "public":
            source._root = root
            source.diagnostics.append(source.diagnostic(
                "confidentiality-without-type",
                f"`confidentiality: {_clip(str(confidentiality))}` on a page that is not a record (no `type` "
                f"of {', '.join(sorted(RECORD_TYPES))}): nothing would keep it from readers; give it its record "
                "`type`, or move it out of the docs folder", (key,), key=True))
            return source
        misplaced = _misplaced_front_matter(body)
        if misplaced is not None:
            line, column, code, message = misplaced
            source.diagnostics.append(Diagnostic(path, line + source.body_line - 1, column, code, message))
        return source
    source.diagnostics.extend(problems)
    if isinstance(data, dict):
        source.data = data
        source._root = root
    elif not problems:
        source.diagnostics.append(Diagnostic(path, source.base_line + 1, 1, "yaml-syntax",
                                             "the front matter must be a mapping of `key: value` lines"))
    return source


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
        if isinstance(data, dict) and not problems and _record_type(data) and head.strip():
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
    data, problems, _ = _parse(source)
    return data, problems


def _parse(source: SourceFile) -> tuple[Any, list[Diagnostic], Node | None]:
    """Values, problems and node tree of a front matter, refusing what would be slow or unsafe."""
    fm, path = source.front_matter, source.path
    problems = _invisible(fm, source.base_line, path)
    if problems:
        return None, problems, None
    if len(fm) > MAX_FRONT_MATTER:
        return None, [Diagnostic(path, source.base_line + 1, 1, "yaml-size",
                                 f"the front matter is {len(fm) // 1024} KB; records keep it under "
                                 f"{MAX_FRONT_MATTER // 1024} KB, with long text in the body")], None
    if _may_be_deep(fm) and (too_deep := _too_deep(source)) is not None:
        return None, [too_deep], None
    try:
        root = _compose(fm)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_diagnostic(exc, source)], None
    except yaml.YAMLError as exc:  # errors without a mark
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        return None, [Diagnostic(path, source.base_line + 1, 1, "yaml-syntax", first)], None
    if root is None:
        return None, [], None
    builder = _Builder(source)
    return builder.build_document(root), builder.diagnostics, root


def _too_deep(source: SourceFile) -> Diagnostic | None:
    """Nesting deeper than MAX_DEPTH, found event by event before anything recurses."""
    loader = _Loader(source.front_matter)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return Diagnostic(source.path, source.base_line + mark.line + 1, mark.column + 1, "yaml-depth",
                                      f"more than {MAX_DEPTH} levels of nesting; flatten the structure")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        # libyaml 0.2.6 and later stop at 1,000 levels themselves, while scanning ahead:
        # the same refusal, whichever libyaml gets there first.
        mark = getattr(exc, "problem_mark", None)
        if "depth" in str(getattr(exc, "problem", "")) and mark is not None:
            return Diagnostic(source.path, source.base_line + mark.line + 1, mark.column + 1, "yaml-depth",
                              f"more than {MAX_DEPTH} levels of nesting; flatten the structure")
        return None  # composing reports the syntax error, with its line
    finally:
        loader.dispose()
    return None


def _record_type(data: Any) -> str | None:
    """The record type a front matter declares (or nearly declares), else None."""
    if not isinstance(data, dict):
        return None
    # `type:`, and `Type:`, `TYPE:`, `"type "`, `type<no-break space>`: each still a record's key.
    values = [v for k, v in data.items() if isinstance(k, str) and k.strip().lower() == "type"]
    for value in values:
        if isinstance(value, str) and (value.strip() in RECORD_TYPES or _near_record_type(value.strip())):
            return value
        if value is not None and not isinstance(value, int | float | bool):
            # `type: data sharing agreement`, `type: [agreement]`, `type: {agreement: yes}`: a
            # record written wrongly, not a page (published as one, it would show what its
            # confidentiality keeps).
            found = re.findall(r"[A-Za-z]+", str(value))
            if any(word.lower() in RECORD_TYPES or _near_record_type(word.lower()) for word in found):
                return str(value)
    return None


_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# A record's field alone on its line, as front matter has it: `type: agreement`, `confidentiality = "internal"`
# (a sentence that starts "Confidentiality: internal by default, …" is prose, not a field).
_RECORD_FIELD = re.compile(
    r"""^(["']?)(type|confidentiality)\1[ \t]*[:=][ \t]*(["']?)([A-Za-z_-]*)\3[ \t]*(?:#.*)?$""", re.IGNORECASE
)
_BOUNDARY = re.compile(r"(-{3,}|\+{3,})")  # YAML's and TOML's front matter lines


def _misplaced_front_matter(text: str) -> tuple[int, int, str, str] | None:
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
            if not (value in RECORD_TYPES or _near_record_type(value)):
                continue
        elif value == "public":
            continue
        return (number, 1, "frontmatter-misplaced",
                f"`{bare[:60]}` reads as a record's field, but MkDocs cannot read it as front matter (it is not "
                "on the first lines of the file between `---` lines, or it is indented, TOML or not plain "
                "`key: value` lines), so it would be published as text; put the record's front matter at the very "
                "top of the file, or put an example in a fenced code block")
    return None


def _looks_like_record(fm: str) -> bool:
    match = _TYPE_LINE.search(fm) or ("{" in fm and _TYPE_FLOW.search(fm))
    return bool(match) and (match.group(1) in RECORD_TYPES or _near_record_type(match.group(1)))


def _near_record_type(value: str) -> bool:
    from accord.format.suggest import closest

    return closest(value, RECORD_TYPES) is not None


def _invisible(fm: str, base_line: int, path: str) -> list[Diagnostic]:
    """Tabs and invisible characters, each on its line (YAML reads some as line breaks,
    which would shift every line number after them)."""
    if "\t" not in fm and not _INVISIBLE.search(fm):
        return []
    found = []
    for number, line in enumerate(fm.split("\n")):
        for match in re.finditer("\t|" + _INVISIBLE.pattern, line):
            char, column = match.group(), match.start()
            if char == "\t":
                if line[:column].strip():
                    continue  # a tab within a value is YAML's to judge (legal in quotes)
                message = "tab character in the indentation; YAML indents with spaces: replace the tab with spaces"
                code = "yaml-tab"
            elif _DIRECTION.match(char):
                message = (f"text-direction control character U+{ord(char):04X}: it would turn around the text "
                           "shown after this value; delete it (right-to-left text shows in its own direction "
                           "without it)")
                code = "yaml-invisible"
            else:
                message = f"invisible character U+{ord(char):04X} (a control or line-break character); delete it"
                code = "yaml-invisible"
            found.append(Diagnostic(path, base_line + number + 1, column + 1, code, message))
            if len(found) >= 20:
                return found
    return found


# Typographic quotes, as a word processor or a web page makes them: YAML reads them as text.
CURLY_QUOTES = "“”‘’„‚"


def in_curly_quotes(text: str) -> str | None:
    """The text inside, if `text` is wrapped in curly quotes (of either kind, even mixed)."""
    text = text.strip()
    if len(text) > 2 and text[0] in CURLY_QUOTES and text[-1] in CURLY_QUOTES and text[1:-1].strip():
        return text[1:-1]
    return None


def straight_quoted(text: str, limit: int = 60) -> str:
    """`text` in YAML's double quotes, as an author would write it (cut short past `limit`)."""
    return '"' + _clip(text.replace("\\", "\\\\").replace('"', '\\"'), limit) + '"'


_KEY_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:#'\"][^:#]*?):(?:\s+|$)(?P<value>.*)$")


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, source: SourceFile) -> Diagnostic:
    """libyaml's complaint told as what the author did, with the line in question."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (source.base_line + mark.line + 1, mark.column + 1) if mark else (source.base_line + 1, 1)
    lines = source.front_matter.split("\n")
    text = lines[mark.line] if mark and mark.line < len(lines) else ""
    shown = f": `{_clip(text.strip(), 70)}`" if text.strip() else ""
    problem, context = exc.problem or "invalid YAML", exc.context or ""
    opened = (source.base_line + exc.context_mark.line + 1) if exc.context_mark else line

    def said(code: str, message: str, where: tuple[int, int] = (line, column)) -> Diagnostic:
        return Diagnostic(source.path, where[0], where[1], code, message)

    if "anchor" in problem or "anchor" in context or "alias" in problem:
        return said("yaml-alias", f"line {line} reuses an anchor (`&name`){shown}; anchors and aliases are not "
                                  "accepted in records: write each value out in full")
    if "\\t" in problem or "\t" in problem:
        return said("yaml-tab", f"a tab where YAML needs spaces{shown}; replace the tab with spaces")
    if "mapping values are not allowed" in problem:
        match = _KEY_LINE.match(text)
        first_colon = text.find(":")
        if match and mark and mark.column > first_colon and match.group("value"):
            key, value = match.group("key").strip(), match.group("value").strip()
            said_colon = (f"the value of `{key}` contains a colon followed by a space, which YAML reads as the start "
                          "of another field; ")
            inside = in_curly_quotes(value)
            if inside is not None:
                return said("yaml-syntax", said_colon + "its curly quotes are not quotes to YAML but part of the "
                            "text: if you meant them as quotes, write straight ones: "
                            f"`{key}: {straight_quoted(inside)}`; to keep them in the text, "
                            f"`{key}: {straight_quoted(value)}`")
            return said("yaml-syntax", said_colon + f"put the value in quotes: `{key}: {straight_quoted(value)}`")
        return said("yaml-syntax", f"line {line} is indented more than the field above it{shown}; fields of one "
                                   "item line up under each other: indent it as far as its neighbours")
    if "flow sequence" in context:
        return said("yaml-syntax", f"the list opened with `[` on line {opened} is not closed: end it with `]` "
                                   "on the same line, after its last item",
                    (opened, exc.context_mark.column + 1) if exc.context_mark else (line, column))
    if "flow mapping" in context:
        return said("yaml-syntax", f"the `{{` opened on line {opened} is not closed: end it with `}}`")
    if "quoted scalar" in context:
        return said("yaml-syntax", f"the quoted text opened on line {opened} is not closed: end it with the same "
                                   "quote mark it starts with", (opened, (exc.context_mark.column + 1)
                                                                 if exc.context_mark else 1))
    if ("expected '-' indicator" in problem or "expected key" in problem or "block end" in problem
            or "block collection" in context or "block mapping" in context):
        return said("yaml-syntax", f"line {line} is not indented like the lines around it{shown}; list items "
                                   "start at the same column with `- `, and the fields of one item line up "
                                   "under each other")
    if "simple key" in context and exc.context_mark is not None and exc.context_mark.line < len(lines):
        plain = lines[exc.context_mark.line].strip()
        return said("yaml-syntax", f"line {opened} is not a `key: value` line"
                                   f"{f': `{_clip(plain, 70)}`' if plain else ''}; write the field's name, a colon "
                                   "and a space before its value, or, if the front matter ends before this line "
                                   "(the page's text), close it with a line `---` above it", (opened, 1))
    where = f" ({context}, line {opened})" if context else ""
    return said("yaml-syntax", f"{problem}{where}{shown}; check the indentation and the quoting of that line")


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
    return (bool(source.front_matter) and not _RECORD_WORDS.search(source.front_matter)
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


class _Builder:
    """Turns a node tree into Python values, reporting YAML pitfalls on their line."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[int] = set()
        self._alias_seen = False
        # An alias is written `*name`: without a `*` there is none to look for.
        self._track = "*" in source.front_matter
        self._top: Node | None = None

    def build_document(self, root: Node) -> Any:
        self._top = root
        value = self.build(root, 0)
        if self._alias_seen:
            self._report_aliases()
        return value

    def _report_aliases(self) -> None:
        """The composed tree only shows the anchored node; the events show each alias."""
        loader = _Loader(self.source.front_matter)
        try:
            while loader.check_event():
                event = loader.get_event()
                if isinstance(event, yaml.AliasEvent):
                    line, column = self.source.base_line + event.start_mark.line + 1, event.start_mark.column + 1
                    self.diagnostics.append(Diagnostic(
                        self.source.path, line, column, "yaml-alias",
                        f"the alias *{event.anchor} repeats another value; aliases are not accepted in records, "
                        "write the value out in full",
                    ))
                    if len(self.diagnostics) >= 20:
                        break
        finally:
            loader.dispose()

    def _report(self, node: Node, code: str, message: str) -> None:
        line, column = self.source._mark(node)
        self.diagnostics.append(Diagnostic(self.source.path, line, column, code, message))

    def build(self, node: Node, depth: int) -> Any:
        # Refusing a repeated node (an alias) keeps a "billion laughs" file linear.
        if self._repeated(node):
            return None
        if depth > MAX_DEPTH:
            self._report(node, "yaml-depth", f"more than {MAX_DEPTH} levels of nesting")
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self._report(node, "yaml-tag", f"explicit tag {_short(node.tag)} is not accepted; remove it")
            return [self.build(item, depth + 1) for item in node.value]
        assert isinstance(node, MappingNode)
        if node.tag != _MAP:
            self._report(node, "yaml-tag", f"explicit tag {_short(node.tag)} is not accepted; remove it")
        mapping: dict[Any, Any] = {}
        first_key: dict[str, Node] = {}
        for key_node, value_node in node.value:
            # The common case inline: a plain text key, no alias in the file.
            if not self._track and key_node.tag == _STR and isinstance(key_node, ScalarNode):
                key = key_node.value
            else:
                key = self._key(key_node)
            if key is None:
                continue
            if key in first_key:
                if node is self._top:
                    self.source.repeated.add(key)
                first_line, _ = self.source._mark(first_key[key])
                self._report(
                    key_node,
                    "yaml-duplicate-key",
                    f"duplicate key `{key}` (first on line {first_line}); YAML would silently keep only "
                    "the last one, so remove or rename one of them",
                )
            else:
                first_key[key] = key_node
            mapping[key] = self.build(value_node, depth + 1)
        return mapping

    def _control(self, node: ScalarNode) -> None:
        char = _CONTROL.search(node.value).group(0)  # type: ignore[union-attr]
        if _DIRECTION.match(char):
            self._report(node, "control-character",
                         f"the escape for text-direction control U+{ord(char):04X} in this text would turn around "
                         "the text shown after it; remove it")
            return
        self._report(node, "control-character",
                     f"the escape for control character U+{ord(char):04X} in this text would reach terminals and "
                     "spreadsheets as a command, not as text; remove it")

    def _repeated(self, node: Node) -> bool:
        """Whether `node` was met before: the C composer turns every alias into a second
        reference to its anchor's node, so that is how an alias shows."""
        if not self._track:
            return False
        if id(node) in self._seen:
            self._alias_seen = True
            return True
        self._seen.add(id(node))
        return False

    def _key(self, node: Node) -> str | None:
        """A mapping key as the text the author wrote; None (and a diagnostic) if it is not text."""
        if self._repeated(node):
            return None
        if not isinstance(node, ScalarNode):
            self._report(node, "yaml-key", "a key must be plain text, not a list or mapping")
            return None
        if node.tag == _MERGE:
            self._report(node, "yaml-alias", "merge keys (<<) are not accepted; write the keys out")
            return None
        if node.tag != _STR:
            kind = node.tag.rsplit(":", 1)[-1].replace("timestamp", "date")
            self._report(node, "yaml-key", f"the key `{node.value}` is read as a {kind}, not text; "
                                           f"put it in quotes: '{node.value}'")
        return node.value

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            if node.style == '"' and _CONTROL.search(node.value):  # only escapes ("\e") make them
                self._control(node)
            return node.value
        if tag not in _SCALAR_TAGS:
            self._report(node, "yaml-tag", f"explicit tag {_short(tag)} is not accepted; remove it")
            return node.value
        try:
            return _scalar_constructor.yaml_constructors[tag](_scalar_constructor, node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            if tag == _TIMESTAMP and re.match(r"\d{4}-\d\d?-\d\d?$", node.value):
                self._report(node, "yaml-date", f"`{node.value}` is not a real date; check the day and month")
            else:
                self._report(node, "yaml-syntax", f"`{_clip(node.value)}` cannot be read as a {_short(tag)[2:]}; "
                                                  "remove the tag, or put the value in quotes")
            return node.value


# Control characters a value may not hold (tab and line break are text).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # and direction controls


def _short(tag: str) -> str:
    """`tag:yaml.org,2002:binary` as the author wrote it: `!!binary`."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
