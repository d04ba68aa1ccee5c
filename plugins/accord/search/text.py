"""Plain text from an author's Markdown, for search (no Markdown engine: it is only for words)."""

from __future__ import annotations

import bisect
import re

from accord.format import linkread
from accord.memo import Memo

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)  # an author's private notes
# A fenced block: from a line starting ``` or ~~~ to the next line of the same three alone.
_FENCE_OPEN = re.compile(r"^(```|~~~)", re.MULTILINE)
_FENCE_CLOSE = re.compile(r"^(```|~~~)[ \t]*$", re.MULTILINE)
# What is left of a link's target anywhere (a form no reader takes for a link, an address in
# a code span's prose): a relative or absolute path, a file of the site, an address. Link
# targets name pages, which may be hidden (an author's words that name a record stay: they are prose).
# A word (a run without spaces) holding `./`, `../` or `://`, or a file of the site, or
# starting with `/` (after brackets): tried once from the start of each word, so linear.
_PATHISH = re.compile(r"(?<!\S)(?:\S*?(?:\./|://|\.(?:md|markdown|html?|pdf)\b)|[(<\[]*/)\S*")
_MARKERS = re.compile(r"^[ \t]*(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+(\[[ xX]\][ \t]+)?|\d+[.)][ \t]+)", re.MULTILINE)
# A marker, then text up to the next place the same marker stands (never past it: each
# character is read once for each kind of marker, so a hostile text costs linear time).
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~|`{1,3})(?=\S)((?:(?!\1).){1,500}?)(?<=\S)\1")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # never to a terminal through a snippet
# The texts seen last: a build reads each body for its lessons to consider and its search
# entries, and `mkdocs serve` rebuilds with most bodies unchanged.
_PLAIN: Memo[str, str] = Memo(16_384)


def plain_text(markdown: str) -> str:
    """The words of a Markdown text: no markup, code blocks, comments, HTML tags or link
    targets (a target names the page it leads to, which may be hidden). The link forms, and
    what of each is words, are accord.format.linkread's, which the cutting of links to hidden
    records reads too: a form either took for a link, both do. Kept for the texts seen last."""
    return _PLAIN.setdefault(markdown, lambda: _plain_text(markdown))


def _plain_text(markdown: str) -> str:
    text = _CONTROL.sub(" ", _COMMENT.sub(" ", markdown))
    text = _without_fences(text)
    text = linkread.words(text)  # definitions, tags, links, images, attribute lists, addresses
    text = _PATHISH.sub(" ", text)
    text = _MARKERS.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    return _SPACE.sub(" ", text).strip()


def _without_fences(text: str) -> str:
    """The text with each fenced block as a space. Each opening line is paired with the next
    closing line by a lookup, not a search: a page of openings never closed (````x` on 50,000
    lines took 48 s as one pattern) costs linear time."""
    closings: dict[str, list[tuple[int, int]]] = {"```": [], "~~~": []}
    for match in _FENCE_CLOSE.finditer(text):
        closings[match.group(1)].append((match.start(), match.end()))
    starts = {marker: [start for start, _ in found] for marker, found in closings.items()}
    out, position = [], 0
    for match in _FENCE_OPEN.finditer(text):
        marker = match.group(1)
        after = bisect.bisect_right(starts[marker], match.start())  # a closing line below this one
        if match.start() < position or after == len(starts[marker]):
            continue
        out += [text[position:match.start()], " "]
        position = closings[marker][after][1]
    out.append(text[position:])
    return "".join(out)


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
