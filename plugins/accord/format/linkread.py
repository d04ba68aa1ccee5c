"""The one reader of link forms in an author's Markdown: where each link, image, reference,
tag or address stands, what a reader reads of it, and the targets it names.

Two things decide from it what a link target is: the cutting of links to hidden records in
the Markdown `accord render` writes (accord.site.links), and the words the search index
keeps of a body (accord.search.text), which drops every target. A form one of them read and
the other did not was a way to a hidden record's name (red team), so both ask this module.

It reads as widely as either did: a form is a link if Python-Markdown, another engine or a
reader of the text would take it for one, wherever it is written (in a code span too: a page
shows code as it is written, and a target there names its record all the same). Every finder
reads the text once (a stack for brackets and parentheses, patterns that try each start
once), so a hostile body of MBs of brackets, tags or backticks costs linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# The forms, as the table of tests/format/test_links_reader.py names them.
INLINE = "inline"  # [text](target "title"), nested brackets and parentheses, over lines
IMAGE = "image"  # ![alt](target)
REFERENCE = "reference"  # [text][label], [label][]: the target is the definition's
DEFINITION = "definition"  # [label]: target "title", indented, quoted, listed, target on the next line
FOOTNOTE = "footnote"  # [^note]: text (no target; its line is not words for search, as before)
ANGLE = "angle"  # <https://…>, <../x.md>: an autolink to Markdown (with a scheme), a link to other engines
TAG = "tag"  # raw HTML: every attribute value is a target (href, src, srcset, ping, content, style…)
ATTRIBUTES = "attributes"  # attr_list: { href="…" }
BARE = "bare"  # a web address in prose, as autolinkers find one


@dataclass(frozen=True, slots=True)
class Target:
    """A target as written, and where it stands in the text."""

    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Link:
    """A link form in the text, from `start` to `end`; a reader reads `text_start:text_end`
    of it (its text, an image's alt; empty for a definition, a tag, an address)."""

    form: str
    start: int
    end: int
    text_start: int
    text_end: int
    targets: tuple[Target, ...] = ()

    @property
    def target(self) -> str:
        return self.targets[0].value if self.targets else ""


def read(markdown: str) -> list[Link]:
    """Every link form in `markdown`, in the order they start (an enclosing one first)."""
    found = [*bracketed(markdown), *definitions(markdown), *angles(markdown), *tags(markdown),
             *attribute_lists(markdown), *bare_urls(markdown)]
    found.sort(key=lambda link: (link.start, -link.end))
    return found


def words(markdown: str) -> str:
    """`markdown` with every link form left as the words a reader reads of it: a link's text,
    an image's alt; a definition, a tag, an attribute list or an address as a space."""
    removed: list[tuple[int, int, str]] = []
    word_end = 0  # an address goes with the rest of its word (`…/x_(1)/`, `…/x"y`), as a path did
    for link in read(markdown):
        if link.text_start < link.text_end or link.form in (INLINE, IMAGE, REFERENCE):
            removed += [(link.start, link.text_start, ""), (link.text_end, link.end, "")]
        elif link.form == BARE:
            if link.start >= word_end:  # (each word read once, however many addresses it holds)
                word_end = _WORD.match(markdown, link.end).end()  # type: ignore[union-attr]
                removed.append((link.start, word_end, " "))
        else:
            removed.append((link.start, link.end, " "))
    removed.sort()
    out, position = [], 0
    for start, end, replacement in removed:
        if end <= position:
            continue
        out.append(markdown[position:max(start, position)])
        out.append(replacement)
        position = end
    out.append(markdown[position:])
    return "".join(out)


_WORD = re.compile(r"\S*")


# ---------------------------------------------------------------------------------------
# Brackets: inline links, images, references

# What brackets are made of: a backslash escape (an escaped `[` may still open a link to a
# reader; an escaped `]`, `(` or `)` closes nothing), a bracket, a parenthesis, a blank line
# (a paragraph's end: no link reaches past it).
_BRACKET_EVENT = re.compile(r"\\[\s\S]|[\[\]()]|\n[ \t>]*\n")


def _pairs(markdown: str) -> tuple[dict[int, int], dict[int, int], list[int]]:
    """Where each `[` and each `(` is closed, within its paragraph (one pass, two stacks),
    and the `]` that close none."""
    brackets: dict[int, int] = {}
    parentheses: dict[int, int] = {}
    orphans: list[int] = []
    open_brackets: list[int] = []
    open_parentheses: list[int] = []
    for match in _BRACKET_EVENT.finditer(markdown):
        char, at = match.group(), match.start()
        if char in ("[", "\\["):
            open_brackets.append(at + len(char) - 1)
        elif char == "]":
            if open_brackets:
                brackets[open_brackets.pop()] = at
            else:
                orphans.append(at)
        elif char == "(":
            open_parentheses.append(at)
        elif char == ")" and open_parentheses:
            parentheses[open_parentheses.pop()] = at
        elif char[0] == "\n":
            open_brackets.clear()
            open_parentheses.clear()
    return brackets, parentheses, orphans


def bracketed(markdown: str) -> Iterator[Link]:
    """`[text](target "title")`, `![alt](target)`, `[text][label]` and `[label][]`: the text
    may hold brackets (nested, balanced), the target parentheses (balanced) or spaces (in
    `<…>`), and either may run over lines of one paragraph. A `](target)` whose `[` is
    not in its paragraph is read as a link's end all the same (the search text always dropped
    one: its target is a target)."""
    brackets, parentheses, orphans = _pairs(markdown)
    for closing in orphans:
        after = closing + 1
        if markdown.startswith("(", after) and after in parentheses:
            end = parentheses[after] + 1
            target = _destination(markdown, after + 1, end - 1)
            yield Link(INLINE, closing, end, closing, closing, (target,) if target.value else ())
    for opening, closing in brackets.items():
        after = closing + 1
        start = opening - 1 if opening and markdown[opening - 1] == "!" else opening
        if markdown.startswith("(", after) and after in parentheses:
            end = parentheses[after] + 1
            target = _destination(markdown, after + 1, end - 1)
            yield Link(IMAGE if start < opening else INLINE, start, end, opening + 1, closing,
                       (target,) if target.value else ())
        elif markdown.startswith("[", after) and after in brackets:
            yield Link(REFERENCE, opening, brackets[after] + 1, opening + 1, closing)


_SPACE_AT = re.compile(r"\s*")
_ANGLED = re.compile(r"<([^<>\n]*)>")
# (not past a bracket: a target never runs into the next link's, so nested links cost linear time)
_RUN = re.compile(r"[^\s\[\]]*")


def _destination(markdown: str, start: int, end: int) -> Target:
    """The target between a link's parentheses: `<…>` (spaces and all) or the first run
    without spaces (a title may follow)."""
    at = _SPACE_AT.match(markdown, start, end).end()  # type: ignore[union-attr]
    angled = _ANGLED.match(markdown, at, end)
    if angled:
        return Target(angled.group(1), angled.start(1), angled.end(1))
    run = _RUN.match(markdown, at, end)
    assert run is not None
    return Target(run.group(), run.start(), run.end())


# ---------------------------------------------------------------------------------------
# Lines: reference definitions and footnotes

# [id]: target "title": at any indentation, in a quote or a list, its target on the next line or not
_DEFINITION = re.compile(r"^[ \t>]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?\[([^\]\n]+)\]:[ \t]*(?:\n[ \t>]*)?"
                         r"(<[^<>\n]*>|\S+).*$", re.MULTILINE)


def definitions(markdown: str) -> Iterator[Link]:
    """`[label]: target "title"` and `[^note]: text`: the whole line is the form."""
    for match in _DEFINITION.finditer(markdown):
        if match.group(1).startswith("^"):
            yield Link(FOOTNOTE, match.start(), match.end(), match.end(), match.end())
            continue
        written = match.group(2)
        angled = written.startswith("<") and written.endswith(">")
        start = match.start(2) + (1 if angled else 0)
        value = written[1:-1] if angled else written
        yield Link(DEFINITION, match.start(), match.end(), match.end(), match.end(),
                   (Target(value, start, start + len(value)),))


# ---------------------------------------------------------------------------------------
# Angle brackets, raw HTML, attribute lists, addresses

_ANGLE = re.compile(r"<([^<>\s]+)>")


def angles(markdown: str) -> Iterator[Link]:
    """`<https://…>` and `<../agreements/x.md>`: Python-Markdown makes autolinks only of
    addresses with a scheme, but the other is a link to Zensical and to readers."""
    for match in _ANGLE.finditer(markdown):
        yield Link(ANGLE, match.start(), match.end(), match.end(), match.end(),
                   (Target(match.group(1), match.start(1), match.end(1)),))


# A tag, its quoted values holding `>` or not, over several lines or not
# (no raw `<` inside: each `<` is tried once, so a hostile text costs linear time)
_TAG = re.compile(r"<[A-Za-z/!?](?:[^<>\"']|\"[^\"]{0,1000}\"|'[^']{0,1000}')*>")
# Any attribute of raw HTML, whatever its name: a URL can hide in `href`, `srcset`, `ping`,
# `content="0; url=…"`, `style="background: url(…)"` or a script.
ATTRIBUTE = re.compile(r"""(\s[^\s"'>/=]+\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")


def tags(markdown: str) -> Iterator[Link]:
    """Raw HTML tags, every attribute value a target (its quotes off)."""
    for match in _TAG.finditer(markdown):
        yield Link(TAG, match.start(), match.end(), match.end(), match.end(),
                   tuple(_values(ATTRIBUTE, markdown, match.start(), match.end())))


# attr_list: { #id .class key="value" }
_ATTRIBUTE_LIST = re.compile(r"\{[ \t]*(?:[:#.]|[\w:-]+[ \t]*=)[^{}\n]*\}")
_LIST_ATTRIBUTE = re.compile(r"""((?<![\w-])[\w:-]+[ \t]*=[ \t]*)("[^"]*"|'[^']*'|[^\s"'}]+)""")


def attribute_lists(markdown: str) -> Iterator[Link]:
    """`{ href="…" }` after a link or an image (attr_list): it sets their attributes too."""
    for match in _ATTRIBUTE_LIST.finditer(markdown):
        yield Link(ATTRIBUTES, match.start(), match.end(), match.end(), match.end(),
                   tuple(_values(_LIST_ATTRIBUTE, markdown, match.start(), match.end())))


def _values(pattern: re.Pattern[str], markdown: str, start: int, end: int) -> Iterator[Target]:
    for attribute in pattern.finditer(markdown, start, end):
        value = attribute.group(2)
        quoted = 1 if value[:1] in "\"'" else 0
        yield Target(value[quoted:len(value) - quoted], attribute.start(2) + quoted, attribute.end(2) - quoted)


# A web address in prose, as autolinkers (pymdownx.magiclink, an engine's own) find one.
BARE_URL = re.compile(r"""(?i)(?<![\w/.@])(?:(?:https?|ftp)://|www\.)[^\s<>()\[\]"'`]+""")


def bare_urls(markdown: str) -> Iterator[Link]:
    """Web addresses in prose; the target leaves out a sentence's closing punctuation."""
    for match in BARE_URL.finditer(markdown):
        value = match.group().rstrip(".,;:!?")
        yield Link(BARE, match.start(), match.end(), match.end(), match.end(),
                   (Target(value, match.start(), match.start() + len(value)),))


# ---------------------------------------------------------------------------------------
# Code: where Python-Markdown makes no link of a link form (a page shows it as written)

_FENCE_LINE = re.compile(r"^[ \t>]*(`{3,}|~{3,})(.*)$", re.MULTILINE)
_TICKS = re.compile(r"(?<!\\)`+")


def _fences(markdown: str) -> list[tuple[int, int]]:
    """Fenced code blocks, from the opening line to the closing one (a run of the same
    character, as long or longer, alone on its line) or the end: one pass over their lines."""
    fences: list[tuple[int, int]] = []
    opening: re.Match[str] | None = None
    for line in _FENCE_LINE.finditer(markdown):
        if opening is None:
            opening = line
        elif (line.group(1)[0] == opening.group(1)[0] and len(line.group(1)) >= len(opening.group(1))
              and not line.group(2).strip()):
            fences.append((opening.start(), line.end()))
            opening = None
    if opening is not None:
        fences.append((opening.start(), len(markdown)))
    return fences


def code(markdown: str) -> list[tuple[int, int]]:
    """Where code stands: fenced blocks, and code spans (a run of backticks to the next run as
    long), in order. Each run is paired in one pass (the next run of each length, found
    from the end), so a text of backticks costs linear time."""
    fences = _fences(markdown)
    runs = list(_TICKS.finditer(markdown))
    following: list[int | None] = [None] * len(runs)
    latest: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = len(runs[index].group())
        following[index] = latest.get(length)
        latest[length] = index
    spans, index, fence = [], 0, 0
    while index < len(runs):
        start = runs[index].start()
        while fence < len(fences) and fences[fence][1] <= start:
            fence += 1
        closing = following[index]
        if (fence < len(fences) and fences[fence][0] <= start) or closing is None:
            index += 1  # in a fence, or never closed: not a span
            continue
        spans.append((start, runs[closing].end()))
        index = closing + 1
    return sorted(fences + spans)


def unlinked(markdown: str, links: list[Link]) -> list[Link]:
    """The links of `links` Python-Markdown makes no link of, which a page shows as they are
    written: in code, after an escaped `[`, or a `](target)` whose `[` is in another paragraph."""
    places = code(markdown)
    found, place = [], 0
    for link in links:
        while place < len(places) and places[place][1] <= link.start:
            place += 1
        in_code = place < len(places) and places[place][0] <= link.start
        escaped = link.form in (INLINE, IMAGE) and markdown[max(0, link.start - 1):link.start + 1] == "\\["
        orphan = link.form == INLINE and link.text_start == link.start
        if in_code or escaped or orphan:
            found.append(link)
    return found
