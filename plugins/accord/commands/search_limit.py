"""The engine's search limit in `accord render`'s plain project.

Zensical's search index (0.0.x) holds each token's place in a field in the bits a site's
number of items leaves: a field may hold at most 2^30 / (items, rounded up to a power of
two) tokens (32,768 at 17,178 items, 16,384 at 40,582), and a build with a longer one
fails ("exceeds the search index limit"). An item is a page or a section of one (each
heading). Tokens are split as its `search.separator` splits them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from accord.format import cost
from accord.format.loading import first_line

if TYPE_CHECKING:
    from accord.commands.plain import Plan

SEARCH_POSITIONS = 2**30
_SEPARATOR = re.compile(r"[\s\-_,:!=\[\]()\\\"`/]+|\.(?!\d)")
_TAG = re.compile(r"<[^<>]*>")
_HEADING = re.compile(r"^#|<h[1-6][\s>]", re.MULTILINE | re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*\n", re.DOTALL)
log = logging.getLogger("accord.render")


def search_limit(pages: Iterable[str]) -> int:
    """The most tokens a field of the engine's search may hold for a site of these pages:
    its items counted generously (every page, every line starting with `#`, every `<hN`),
    twice over, and a quarter kept spare (the engine adds words: footnote marks, titles)."""
    items = sum(1 + len(_HEADING.findall(page)) for page in pages)
    return SEARCH_POSITIONS // (1 << (2 * items - 1).bit_length()) * 3 // 4


def bound(out: Plan, originals: dict[str, str], sources: dict[str, tuple[str, str, Path | None]]) -> None:
    """Every page's sections within the engine's search limit: past it, the rest of a
    section is wrapped in `<div data-search-exclude markdown>` (shown, but not indexed), so
    that the engine builds and each section stays searchable by its beginning."""
    pages = {rel: text for rel, text in out.texts.items() if isinstance(text, str) and rel.endswith(".md")}
    pages |= originals
    limit = search_limit(pages.values())
    for rel, page in pages.items():
        bounded, cut = bound_search(page, limit)
        if not cut:
            continue
        out.search_cut = True
        out.texts[rel] = bounded
        out.copies.pop(rel, None)
        for line, words in cut:
            where = f"docs/{rel}:{line} (as written)"
            if rel in sources:  # the same line in the author's file
                path, source, file = sources[rel]  # (a record's body is the end of its file)
                written = page.split("\n")[line - 1]
                found = next((n for n, text in enumerate(source.split("\n")) if text == written), None)
                first = first_line(file, source) if file is not None else 1
                where = f"{path}:{first + found}" if found is not None and written.strip() else path
            log.warning(f"accord: {where}: a section of about {words:,} words, more than the engine's search can "
                        f"index in a site this size (about {limit:,}): from here on it is left out of the engine's "
                        "search (the page shows all of it); split it with headings to keep all of it searchable")


def bound_search(markdown: str, limit: int) -> tuple[str, list[tuple[int, int]]]:
    """`markdown` (a page, front matter and all) with the end of each section longer than
    `limit` search tokens wrapped in `<div data-search-exclude markdown>`, and where each
    cut starts (its line, 1-based, and the section's tokens). A page the engine leaves out
    of its search (`search: exclude`) is left alone."""
    front = _FRONT_MATTER.match(markdown)
    head = front.group(0) if front else ""
    if re.search(r"^search:\s*\n\s+exclude:\s*true", head, re.MULTILINE):
        return markdown, []
    if len(_SEPARATOR.split(_TAG.sub(" ", markdown))) <= limit:  # (pieces: tokens and more) most pages stop here
        return markdown, []
    lines = markdown[len(head):].split("\n")
    offset = head.count("\n")
    sections = _sections(lines)
    cuts: list[tuple[int, int, int]] = []  # (line where the excluded part starts, line where it ends, tokens)
    for start, end, boundaries in sections:
        before = [0]  # tokens before each line of the section
        for number in range(start, end):
            before.append(before[-1] + _tokens(lines[number]))
        total = before[-1]
        if total <= limit:
            continue
        # The last place a block starts with at most `limit` tokens before it (the section's own start at worst).
        cut = max((b for b in boundaries if before[b - start] - before[boundaries[0] - start] <= limit),
                  default=boundaries[0])
        cuts.append((cut, end, total))
    if not cuts:
        return markdown, []
    for cut, end, _ in reversed(cuts):
        lines[end:end] = ["", "</div>", ""]
        lines[cut:cut] = ["<div data-search-exclude markdown>", ""]
    return head + "\n".join(lines), [(offset + cut + 1, total) for cut, _, total in cuts]


def _tokens(line: str) -> int:
    return sum(1 for piece in _SEPARATOR.split(_TAG.sub(" ", line)) if piece)


def _sections(lines: list[str]) -> list[tuple[int, int, list[int]]]:
    """The sections of a page as the engine's search makes its items (a heading starts one):
    each one's first and end line, and the lines in it before which a block may be wrapped
    (a line that starts a block, outside code and raw HTML, after a blank line or a heading)."""
    sections: list[tuple[int, int, list[int]]] = []
    start, boundaries = 0, [0]
    fence: str | None = None
    raw: tuple[str, int] | None = None
    previous_blank = True
    for number, line in enumerate(lines):
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            previous_blank = False
            continue
        stripped = line.lstrip(" ")
        at_start = len(line) - len(stripped) < 4
        if raw is None and at_start and stripped.startswith("#"):
            if number > start:
                sections.append((start, number, boundaries))
            start, boundaries = number, [number + 1]
            previous_blank = True  # (a heading is a block of its own)
            continue
        if raw is not None:
            tag, depth = raw
            depth, end = cost.raw_end(tag, depth, line)
            raw = None if end is not None else (tag, depth)
            previous_blank = False
            continue
        if previous_blank and at_start and line.strip() and boundaries[-1] != number:
            boundaries.append(number)
        if at_start and (found := re.match(r"(`{3,}|~{3,})", stripped)):
            fence = found.group(1)
        elif previous_blank and (opened := cost.raw_start(line)) is not None:
            depth, end = cost.raw_end(opened[0], 0, line[opened[1]:])
            raw = None if end is not None else (opened[0], depth)
        previous_blank = not line.strip()
    sections.append((start, len(lines), boundaries))
    return sections
