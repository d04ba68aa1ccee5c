"""What a page's Markdown would cost Python-Markdown (MkDocs' and Zensical's reader) to read,
estimated in linear time without reading it, so that a page that would hang a build is
refused with its file and line instead (`markdown-cost`).

Python-Markdown's time is not linear in what it reads. Measured (Python-Markdown 3.11 with
the extensions a knowledge base uses, one paragraph each, before MkDocs' own work on top):

- every piece of inline markup it makes (a code span, emphasis, a link, a tag, an entity)
  copies the whole paragraph once: 450 KB of code spans (`a` `a` …) took about 100 s in
  `mkdocs build`, 160 KB about 8 s, while 4 MB of plain words take 0.6 s;
- every `[` is read, character by character in Python, up to its `]` or the paragraph's
  end: 10 KB of `[[[[…` took 12 s, 10 KB of `[a [a …` 3 s;
- every HTML tag left open (`<a` with no `>`) and every code fence never closed is read
  to the end of the page, whatever blank lines lie between: 16,000 of `x <a y` took 45 s;
- every fenced code block costs a little more than the one before: 16,000 took 8 s.

The estimate adds these up with constants measured on an ordinary machine (each a little
above what was measured, so that it errs towards refusing): a paragraph may cost
`PARAGRAPH_SECONDS`, a page `PAGE_SECONDS`. A realistic record is far below both: a 1 MB
body of ordinary paragraphs, lists, tables and code is estimated at well under a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accord.format.diagnostics import Diagnostic
from accord.memo import Memo

PARAGRAPH_SECONDS = 2.0
PAGE_SECONDS = 10.0

_SCAN = 4e-7  # seconds per character read for a `[` (measured 1.8e-7 to 3.5e-7)
_COPY = 6e-10  # seconds per character of a paragraph, for each mark of inline markup (measured 2e-10 to 6e-10)
_OPEN = 5e-8  # seconds per character of the page, for each tag or fence left open (measured 6e-9 to 4.8e-8)
_BLOCK = 5e-4  # seconds per fenced code block (measured 3e-4 to 5e-4 at 16,000 blocks)

# Where inline markup may start: each run of `*`, `_`, `~`, `=`, `^` and backticks, and
# each `[`, `<`, `&`, `\`, `{` and `!`.
_MARKS = re.compile(r"[`*_~=^]+|[\[<&\\{!]")
_MARK_CHARACTERS = "`*_~=^[<&\\{!"
# Each one of them, counted in one pass (twelve `str.count`s took 11 µs a page, this 7 µs).
_MARK_CHARACTER = re.compile("[" + re.escape(_MARK_CHARACTERS) + "]")
_BRACKETS = re.compile(r"[\[\]]")
_QUOTE = re.compile(r"^(?: {0,3}>[ \t]?)+")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CLOSING = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*$")
# A list item at the list's own level (a marker further in is read as part of the item)
_ITEM = re.compile(r" {0,3}(?:[*+-]|\d+\.) +")
_TABLE_RULE = re.compile(r" *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$")
_PIPE = re.compile(r"(?<!\\)\|")
# A tag begun and not ended before the next `<` (`x <a y`), or one whose Markdown is read
# by md_in_html (`<div markdown>`): Python-Markdown reads on to the end of the page for each.
_OPEN_TAG = re.compile(r"<[A-Za-z/!?][^<>]*(?=<|\Z)|<[A-Za-z][^<>]*\smarkdown\b")
# Python-Markdown's block-level elements: a line starting with one opens a raw HTML block
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "canvas", "center", "colgroup", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "group", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "iframe", "legend", "li", "main", "map", "math", "menu", "nav", "noscript",
    "object", "ol", "option", "output", "p", "pre", "progress", "script", "section", "style", "summary", "table",
    "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul", "video",
})
_RAW_START = re.compile(r" {0,3}<([A-Za-z][A-Za-z0-9]*)\b([^<>]*)>")
# One pattern per block tag: bounded by _BLOCK_TAGS (64 names), so the limit is never reached.
_TAG_PATTERNS: Memo[str, re.Pattern[str]] = Memo(len(_BLOCK_TAGS))
_FENCE_WALK = 64  # closing lines looked at for one opening fence, at most (then: not a fence)


@dataclass(frozen=True)
class Paragraph:
    """One text Python-Markdown reads for inline markup (a paragraph, a list item, a table
    row, a heading), and what it would cost."""

    line: int  # of the text given, 1-based
    characters: int
    marks: int
    scanned: int  # characters read for `[`
    seconds: float


@dataclass(frozen=True)
class Cost:
    seconds: float  # the whole text
    costliest: Paragraph | None
    over: list[Paragraph]  # the paragraphs over PARAGRAPH_SECONDS, in order
    open_tags: int  # tags and fences left open
    open_line: int  # the first one's line
    blocks: int  # fenced code blocks


def paragraph(text: str, line: int = 1) -> Paragraph:
    """The estimated cost of one paragraph's inline markup."""
    size = len(text)
    marks = len(_MARKS.findall(text)) if size else 0
    scanned = 0
    if "[" in text:
        stack: list[int] = []
        for match in _BRACKETS.finditer(text):
            if match.group() == "[":
                stack.append(match.start())
            elif stack:
                scanned += match.start() - stack.pop()
        scanned += sum(size - start for start in stack)
    return Paragraph(line, size, marks, scanned, _SCAN * scanned + _COPY * marks * size)


def estimate(text: str) -> Cost:
    """What Python-Markdown would take to read `text` (a page's Markdown), in linear time."""
    size = len(text)
    brackets = text.count("[")
    marks = len(_MARK_CHARACTER.findall(text))
    tags = text.count("<")
    fences = text.count("```") + text.count("~~~")
    # At most: the whole text one paragraph (its tabs four spaces each), every tag and fence
    # open, every fence a block. Nearly every page stops here.
    size += 3 * text.count("\t")
    bound = _SCAN * brackets * size + _COPY * marks * size + _OPEN * (tags + fences) * size + _BLOCK * fences
    if bound <= PARAGRAPH_SECONDS:
        return Cost(bound, None, [], 0, 0, 0)
    return _estimate_by_paragraph(text)


def _estimate_by_paragraph(text: str) -> Cost:
    lines = text.split("\n")
    bare = [_QUOTE.sub("", line).expandtabs(4) for line in lines]  # block quotes read as their content
    code = _fenced(bare)
    paragraphs: list[Paragraph] = []
    block: list[int] = []  # line numbers (0-based) of the current block
    blocks = 0
    open_tags, open_line = 0, 0
    raw: tuple[str, int] | None = None  # a raw HTML block being read: its tag, how deep
    lines = list(bare)  # what is read for inline markup: raw HTML blocks taken out
    for number, line in enumerate(bare):
        if code[number]:
            if block:
                paragraphs += _units(block, lines)
                block = []
            if number == 0 or not code[number - 1]:
                blocks += 1
            continue
        if raw is None and not block and (start := raw_start(line)) is not None:
            raw = (start[0], 0)
            line = lines[number] = line[start[1]:]
        if raw is not None:  # raw HTML (no inline markup) up to its closing tag; Markdown after it
            tag, depth = raw
            depth, end = raw_end(tag, depth, line)
            if end is None:
                raw = (tag, depth)
                continue
            raw = None
            line = lines[number] = line[end:]
        if not line.strip():
            if block:
                paragraphs += _units(block, lines)
                block = []
            continue
        block.append(number)
    if block:
        paragraphs += _units(block, lines)
    # Tags left open are read to the end of the page by the HTML block reader (code blocks aside),
    # and so is each code fence that never closes.
    prose = "\n".join(line for number, line in enumerate(bare) if not code[number])
    for match in _OPEN_TAG.finditer(prose):
        if not open_tags:
            open_line = _line_of(bare, code, prose, match.start())
        open_tags += 1
    unclosed = [number for number, line in enumerate(bare) if not code[number] and _FENCE.match(line)]
    if unclosed and (not open_tags or unclosed[0] + 1 < open_line):
        open_line = unclosed[0] + 1
    open_tags += len(unclosed)
    seconds = sum(p.seconds for p in paragraphs) + _OPEN * open_tags * len(text) + _BLOCK * blocks
    costliest = max(paragraphs, key=lambda p: p.seconds, default=None)
    over = [p for p in paragraphs if p.seconds > PARAGRAPH_SECONDS]
    return Cost(seconds, costliest, over, open_tags, open_line, blocks)


def _units(block: list[int], lines: list[str]) -> list[Paragraph]:
    """The texts of one block (lines between blank lines) that Python-Markdown reads for
    inline markup each on its own: a list's items, a table's rows, headings, paragraphs."""
    first = lines[block[0]]
    if _ITEM.match(first):  # a list: each item (its lines up to the next marker) on its own
        starts = [n for n in block if _ITEM.match(lines[n])]
    elif len(block) > 1 and _table(first, lines[block[1]]):
        starts = block  # a table: each row
    else:  # a paragraph, split where a heading stands (`#` at the start of a line)
        starts = [block[0], *(n for n in block[1:] if lines[n].startswith("#") or lines[n - 1].startswith("#"))]
    ends = [*starts[1:], block[-1] + 1]
    return [paragraph("\n".join(lines[start:end]), start + 1) for start, end in zip(starts, ends, strict=True)]


def raw_start(line: str) -> tuple[str, int] | None:
    """A raw HTML block's opening tag at the start of a line (a block-level element whose
    Markdown is not read, its tag whole on the line): its name, and where it starts."""
    match = _RAW_START.match(line)
    if match is None or match.group(1).lower() not in _BLOCK_TAGS or match.group(1).lower() == "hr":
        return None
    if match.group(2).rstrip().endswith("/") or re.search(r"\smarkdown\b", match.group(2)):
        return None  # empty, or its Markdown read (md_in_html)
    return match.group(1).lower(), match.start(1) - 1


def raw_end(tag: str, depth: int, line: str) -> tuple[int, int | None]:
    """How deep a raw HTML block of `tag` is after `line`, and where in it it ends (None: not in it)."""
    pattern = _TAG_PATTERNS.get(tag)
    if pattern is None:
        pattern = _TAG_PATTERNS.put(tag, re.compile(rf"<(/?){tag}\b[^>]*?(/?)>", re.IGNORECASE))
    for match in pattern.finditer(line):
        if match.group(1):
            depth -= 1
        elif not match.group(2):
            depth += 1
        if depth <= 0:
            return 0, match.end()
    return depth, None


def _table(header: str, rule: str) -> bool:
    """Whether a block starting with these two lines is a table to Python-Markdown: as many
    cells in each (a header with code in it is taken for a paragraph: an overestimate)."""
    if "`" in header or not _TABLE_RULE.match(rule):
        return False

    def cells(row: str) -> int:
        row = row.strip()
        row = row[1:] if row.startswith("|") else row
        row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
        return len(_PIPE.findall(row)) + 1

    return cells(header) == cells(rule) > 1


def _fenced(lines: list[str]) -> list[bool]:
    """Which lines are inside (or open or close) a fenced code block that both readers of
    fences agree on: closed by the first later fence line of the same kind and at least
    its length, which has exactly its length (superfences closes on a longer one,
    fenced_code only on the same). Any other fence is read as text: an overestimate."""
    code = [False] * len(lines)
    closing: dict[str, list[int]] = {"`": [], "~": []}  # closing-fence lines of each kind, in order
    for number, line in enumerate(lines):
        match = _CLOSING.match(line)
        if match:
            closing[match.group(1)[0]].append(number)
    seen = {"`": 0, "~": 0}  # how far each list has been passed
    number = 0
    while number < len(lines):
        match = _FENCE.match(lines[number])
        if not match:
            number += 1
            continue
        fence = match.group(1)
        kind, length = fence[0], len(fence)
        candidates = closing[kind]
        while seen[kind] < len(candidates) and candidates[seen[kind]] <= number:
            seen[kind] += 1
        end = None
        for candidate in candidates[seen[kind]:seen[kind] + _FENCE_WALK]:
            run = len(_CLOSING.match(lines[candidate]).group(1))  # type: ignore[union-attr]
            if run >= length:
                end = candidate if run == length else None
                break
        if end is None:
            number += 1
            continue
        for inside in range(number, end + 1):
            code[inside] = True
        number = end + 1
    return code


def _line_of(lines: list[str], code: list[bool], prose: str, offset: int) -> int:
    """The line (1-based, of `lines`) of an offset in the prose joined from the lines outside code."""
    wanted = prose.count("\n", 0, offset)
    seen = -1
    for number, inside in enumerate(code):
        if not inside:
            seen += 1
            if seen == wanted:
                return number + 1
    return len(lines)


MAX_REPORTED = 5  # paragraphs named in one file, at most


def problems(text: str, path: str, first_line: int = 1) -> list[Diagnostic]:
    """`markdown-cost` errors for a page's Markdown (`text`, starting at `first_line` of
    the file at `path`): each paragraph over PARAGRAPH_SECONDS, or the page over
    PAGE_SECONDS, with what makes it slow."""
    cost = estimate(text)
    if cost.seconds <= PARAGRAPH_SECONDS:
        return []
    found = []
    for number, part in enumerate(cost.over[:MAX_REPORTED]):
        more = len(cost.over) - MAX_REPORTED if number == MAX_REPORTED - 1 else 0
        found.append(Diagnostic(
            path, first_line + part.line - 1, 1, "markdown-cost",
            f"a paragraph Markdown would take about {_seconds(part.seconds)} to read ({_why(part)}), more than "
            f"a paragraph may take ({PARAGRAPH_SECONDS:.0f} s); split it into paragraphs with blank lines "
            "between them, or put code and data in a fenced code block"
            + (f" ({more} more paragraph{'s' if more != 1 else ''} like it)" if more > 0 else "")))
    if found or cost.seconds <= PAGE_SECONDS:
        return found
    tags = _OPEN * cost.open_tags * len(text)
    fences = _BLOCK * cost.blocks
    rest = cost.seconds - tags - fences
    if tags >= max(fences, rest):
        line, why = cost.open_line, (f"{cost.open_tags:,} HTML tags or code fences never closed (the first here), "
                                     "each read to the end of the page; close them")
    elif fences >= rest:
        line, why = 1, f"{cost.blocks:,} code blocks; keep long code in files beside the page"
    else:
        line = cost.costliest.line if cost.costliest is not None else 1
        why = "its paragraphs together (the costliest here); split them, or split the page"
    return [Diagnostic(path, first_line + line - 1, 1, "markdown-cost",
                       f"the page's Markdown would take about {_seconds(cost.seconds)} to read, more than a page "
                       f"may take ({PAGE_SECONDS:.0f} s): {why}")]


def _why(part: Paragraph) -> str:
    if _SCAN * part.scanned >= _COPY * part.marks * part.characters:
        return (f"its `[` make Markdown read {part.scanned:,} characters one by one; close each with `]` "
                "or write it as `\\[`")
    return (f"{part.marks:,} pieces of inline markup in {part.characters:,} characters, each making Markdown copy "
            "the paragraph again")


def _seconds(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:,.0f} minutes"
    return f"{seconds:.0f} s"
