"""Field values as text wherever a page shows them: never Markdown, never HTML.

A value that held a blank line ended the raw HTML block it stood in, and the rest of it
was read as Markdown: `Sum\\n\\n[click](javascript:…)` became a link. So every value a page
shows is made one line (`one_line`: its line breaks, with the white space around them,
become one space) and escaped for where it stands: for HTML (`html_text`), and, where it
stands in Markdown (a heading), for Markdown's inline syntax and its extensions' too
(`markdown_text`). `TextEnvironment` does this for the pages' templates: a value is one
line from the moment a template reads it (attribute and item lookups), and one line
wherever it is printed (finalize, before autoescape; and the filters that escape on their
own: join, escape), so no filter, join or concatenation in between brings a line break back.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import jinja2
from jinja2.filters import do_join, make_attrgetter
from markupsafe import Markup, escape

# Every character Python (str.splitlines), Markdown or a browser may take for the end of a line.
_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# The characters Python-Markdown lets a backslash escape (markdown.Markdown.ESCAPED_CHARS).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!])")
# What else starts syntax in the extensions sites use, written as character references:
# `:` (autolinked schemes, emoji), `@` (mentions, e-mail links), `~ ^ = $ |` (strike,
# insert, mark, maths, tables). A browser shows the character itself.
_MD_ENTITY = re.compile(r"[:@~^=$|]")


def one_line(value: str) -> str:
    """`value` on one line: each run of white space that holds a line break is one space,
    and the ends are trimmed (a YAML folded title ends in a line break). Values without a
    line break are returned as they are."""
    if value.isprintable() or _BREAK.search(value) is None:  # (every line break is unprintable)
        return value
    return _SPACE.sub(_one_space, value).strip()


_SPACE = re.compile(r"\s+")


def _one_space(match: re.Match[str]) -> str:
    return " " if _BREAK.search(match.group()) else match.group()


def html_text(value: Any) -> Markup:
    """A value as HTML text: one line, escaped (quotes too: it may stand in an attribute)."""
    return escape(one_line(str(value)))


def markdown_text(value: Any) -> Markup:
    """A value as text in Markdown (a heading): one line, escaped for HTML and for
    Markdown's inline syntax, so that no link, image, emphasis or autolink is made."""
    text = html.escape(one_line(str(value)), quote=False)  # quotes stay: a heading is not an attribute
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return Markup(_MD_ENTITY.sub(lambda m: f"&#{ord(m.group())};", text))


def _text(value: Any) -> Any:
    """A value as a template reads or prints it: on one line, if it is text (autoescape
    then escapes it; markup, which Accord makes, is left whole)."""
    return one_line(value) if type(value) is str else value


def _markup(value: Any) -> Markup:
    return value if hasattr(value, "__html__") else html_text(value)


@jinja2.pass_eval_context
def _join(eval_ctx: jinja2.nodes.EvalContext, value: Iterable[Any], d: str = "", attribute: str | None = None,
          ) -> str:
    """Jinja's `join`, whose items are text: under autoescape it escapes each item, but
    keeps its line breaks."""
    if not eval_ctx.autoescape:
        return do_join(eval_ctx, value, d, attribute)
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    return Markup(_markup(d)).join(_markup(item) for item in value)


class TextEnvironment(jinja2.Environment):
    """A Jinja environment in which every value is text (see the module's docstring)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_text, **options)
        self.filters.update(join=_join, e=_markup, escape=_markup,
                            forceescape=lambda value: html_text(str(value)))

    def getattr(self, obj: Any, attribute: str) -> Any:
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            value = super().getattr(obj, attribute)  # an item, or undefined
        return one_line(value) if type(value) is str else value

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _text(super().getitem(obj, argument))
