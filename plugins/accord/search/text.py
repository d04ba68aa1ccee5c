"""Plain text from an author's Markdown, for search (no Markdown engine: it is only for words)."""

from __future__ import annotations

import functools
import re

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)  # an author's private notes
# [id]: target "title": at any indentation, in a quote or a list, its target on the next line or not
_REFERENCE = re.compile(r"^[ \t>]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?\[[^\]\n]+\]:[ \t]*(?:\n[ \t>]*)?\S.*$",
                        re.MULTILINE)
_TARGET = re.compile(r"\]\([^()\n]*(?:\n[^()\n]*)?\)")  # what is left of `](target)` (no `(` inside: linear)
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
# A tag, its quoted values holding `>` or not, over several lines or not
# (no raw `<` inside: each `<` is tried once, so a hostile text costs linear time)
_HTML = re.compile(r"<[A-Za-z/!?](?:[^<>\"']|\"[^\"]{0,1000}\"|'[^']{0,1000}')*>")
# What is left of a link's target anywhere (nested brackets, a target over several lines):
# a relative or absolute path, a file of the site, an address. Link targets name pages,
# which may be hidden (an author's words that name a record stay: they are prose).
# A word (a run without spaces) holding `./`, `../` or `://`, or a file of the site, or
# starting with `/` (after brackets): tried once from the start of each word, so linear.
_PATHISH = re.compile(r"(?<!\S)(?:\S*?(?:\./|://|\.(?:md|markdown|html?|pdf)\b)|[(<\[]*/)\S*")
# (no `[` inside the text: each `[` is tried once, so a hostile text costs linear time)
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)|\[([^\[\]]*)\]\[[^\[\]]*\]")
_ATTRS = re.compile(r"\{[ \t]*(?:[:#.]|[\w:-]+[ \t]*=)[^{}\n]*\}")  # attr_list: { #id .class key="value" }
_MARKERS = re.compile(r"^[ \t]*(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+(\[[ xX]\][ \t]+)?|\d+[.)][ \t]+)", re.MULTILINE)
# A marker, then text up to the next place the same marker stands (never past it: each
# character is read once for each kind of marker, so a hostile text costs linear time).
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~|`{1,3})(?=\S)((?:(?!\1).){1,500}?)(?<=\S)\1")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # never to a terminal through a snippet


@functools.lru_cache(maxsize=16_384)
def plain_text(markdown: str) -> str:
    """The words of a Markdown text: no markup, code blocks, comments, HTML tags or link
    targets (a target names the page it leads to, which may be hidden). Kept for the
    texts seen last: a build reads each body for its lessons to consider and its search
    entries, and `mkdocs serve` rebuilds with most bodies unchanged."""
    text = _CONTROL.sub(" ", _COMMENT.sub(" ", markdown))
    text = _REFERENCE.sub(" ", text)
    text = _FENCE.sub(" ", text)
    text = _HTML.sub(" ", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _TARGET.sub("]", text)
    text = _PATHISH.sub(" ", text)
    text = _ATTRS.sub(" ", text)
    text = _MARKERS.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    return _SPACE.sub(" ", text).strip()


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
