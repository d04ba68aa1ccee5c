"""Front matter text → Python values, each value's YAML pitfalls caught on its line.

libyaml's C parser builds the node tree (every node carries its line and column); the
values are constructed here from that tree rather than by PyYAML's constructor, so
that the YAML pitfalls (duplicate keys, aliases, impossible dates, explicit tags) are
caught on their line instead of silently accepted. libyaml's own complaints are told as
what the author did (`syntax_diagnostic`). What is read whole, and from which file, is
accord.format.source's.
"""

from __future__ import annotations

import operator
import re
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from accord.format.diagnostics import Diagnostic
from accord.format.placeholders import FIELDS as SCAFFOLD_FIELDS
from accord.memo import Memo

if TYPE_CHECKING:
    from accord.format.source import SourceFile

try:  # libyaml's C parser: nodes still carry their marks, and it is ~8× faster.
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only where libyaml is missing
    _Base = yaml.SafeLoader

_RESOLVED: Memo[tuple[str, tuple[bool, bool]], str] = Memo(50_000)


class Loader(_Base):  # type: ignore[misc,valid-type]
    """Caches tag resolution of short scalars: keys and values repeat across records,
    and PyYAML resolves each one with a run of regular expressions."""

    # libyaml's composer tells the resolver each step down and up the tree, for resolvers
    # by path, which a safe loader has none of (PyYAML's own methods return at once). Calls
    # to functions of C that do nothing with the same arguments spare 76 calls of Python a
    # record: 8% of composing.
    descend_resolver = staticmethod(operator.is_)  # (node, index): a comparison, unused
    ascend_resolver = staticmethod(tuple)  # (): the empty tuple, unused

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is not ScalarNode:  # what PyYAML answers for a list or mapping without a tag (no path resolvers)
            return _SEQ if kind is SequenceNode else _MAP
        if len(value) < 40:
            key = (value, implicit)
            tag = _RESOLVED.get(key)
            if tag is None:
                tag = _RESOLVED.put(key, super().resolve(kind, value, implicit))
            return tag
        return super().resolve(kind, value, implicit)
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

_scalar_constructor = yaml.constructor.SafeConstructor()


def compose(text: str) -> Node | None:
    loader = Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()



def parse(source: SourceFile) -> tuple[Any, list[Diagnostic], Node | None]:
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
        root = compose(fm)
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_diagnostic(exc, source)], None
    except yaml.YAMLError as exc:  # errors without a mark
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        return None, [Diagnostic(path, source.base_line + 1, 1, "yaml-syntax", first)], None
    if root is None:
        return None, [], None
    builder = _Builder(source)
    return builder.build_document(root), builder.diagnostics, root


def _too_deep(source: SourceFile) -> Diagnostic | None:
    """Nesting deeper than MAX_DEPTH, found event by event before anything recurses."""
    loader = Loader(source.front_matter)
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
    return '"' + clip(text.replace("\\", "\\\\").replace('"', '\\"'), limit) + '"'


_KEY_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:#'\"][^:#]*?):(?:\s+|$)(?P<value>.*)$")


def syntax_diagnostic(exc: yaml.MarkedYAMLError, source: SourceFile) -> Diagnostic:
    """libyaml's complaint told as what the author did, with the line in question."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (source.base_line + mark.line + 1, mark.column + 1) if mark else (source.base_line + 1, 1)
    lines = source.front_matter.split("\n")
    text = lines[mark.line] if mark and mark.line < len(lines) else ""
    shown = f": `{clip(text.strip(), 70)}`" if text.strip() else ""
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
                                   f"{f': `{clip(plain, 70)}`' if plain else ''}; write the field's name, a colon "
                                   "and a space before its value, or, if the front matter ends before this line "
                                   "(the page's text), close it with a line `---` above it", (opened, 1))
    where = f" ({context}, line {opened})" if context else ""
    return said("yaml-syntax", f"{problem}{where}{shown}; check the indentation and the quoting of that line")



class _Builder:
    """Turns a node tree into Python values, reporting YAML pitfalls on their line."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[int] = set()
        self._alias_seen = False
        # An alias is written `*name`: without a `*` there is none to look for.
        self._track = "*" in source.front_matter
        # A control character reaches a value only by an escape (`"\e"`: a literal one is refused
        # before composing), and an escape is written with a backslash: without one, no
        # double-quoted value needs the search (0.03 ms a record, most values being quoted).
        self._escapes = "\\" in source.front_matter
        self._top: Node | None = None
        # Whether a text value is one `accord new` wrote (accord.format.placeholders.FIELDS),
        # noted as the values are made: most records have none, and then the rules need not
        # go through the values again to find where (0.06 ms a record).
        source.scaffold_text = False

    def build_document(self, root: Node) -> Any:
        self._top = root
        value = self.build(root, 0)
        if self._alias_seen:
            self._report_aliases()
        return value

    def _report_aliases(self) -> None:
        """The composed tree only shows the anchored node; the events show each alias."""
        loader = Loader(self.source.front_matter)
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
        line, column = self.source.mark(node)
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
            if self._track or depth >= MAX_DEPTH:
                return [self.build(item, depth + 1) for item in node.value]
            return [self._text(item) if item.tag == _STR and item.__class__ is ScalarNode
                    else self.build(item, depth + 1) for item in node.value]
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
            # The common case inline too: a text value (not an alias, not too deep).
            if (value_node.tag == _STR and value_node.__class__ is ScalarNode and not self._track
                    and depth < MAX_DEPTH and key not in first_key):
                first_key[key] = key_node
                mapping[key] = self._text(value_node)
                continue
            if key in first_key:
                if node is self._top:
                    self.source.repeated.add(key)
                first_line, _ = self.source.mark(first_key[key])
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

    def _text(self, node: ScalarNode) -> str:
        """A text value (a ScalarNode tagged str)."""
        value: str = node.value
        if self._escapes and node.style == '"' and _CONTROL.search(value):  # only escapes ("\e") make them
            self._control(node)
        if value.strip() in SCAFFOLD_FIELDS:
            self.source.scaffold_text = True
        return value

    def _scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return self._text(node)
        if tag not in _SCALAR_TAGS:
            self._report(node, "yaml-tag", f"explicit tag {_short(tag)} is not accepted; remove it")
            return node.value
        try:
            return _scalar_constructor.yaml_constructors[tag](_scalar_constructor, node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            if tag == _TIMESTAMP and re.match(r"\d{4}-\d\d?-\d\d?$", node.value):
                self._report(node, "yaml-date", f"`{node.value}` is not a real date; check the day and month")
            else:
                self._report(node, "yaml-syntax", f"`{clip(node.value)}` cannot be read as a {_short(tag)[2:]}; "
                                                  "remove the tag, or put the value in quotes")
            return node.value


# Control characters a value may not hold (tab and line break are text).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # and direction controls


def _short(tag: str) -> str:
    """`tag:yaml.org,2002:binary` as the author wrote it: `!!binary`."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"

