"""What the theme and Markdown extensions leave out for screen readers, put into the page's HTML.

- A checklist item's checkbox (pymdownx.tasklist with `custom_checkbox`) sits in an empty
  label: it gets the item's own words as its name.
- mkdocs-material's search dialog has no name: it is called "Search".
"""

from __future__ import annotations

import re
from html import escape, unescape

_TASK = re.compile(
    r'(<li class="task-list-item"><label class="task-list-control"><input type="checkbox")([^>]*?)(/?>)'
    r'(?P<rest><span class="task-list-indicator"></span></label>(?P<text>.*?))(?=</li>|<ul|<ol|<div|<p>)',
    re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_SEARCH = re.compile(r'<div class="md-search" data-md-component="search" role="dialog"(?![^>]*aria-label)')
NAME_CHARS = 150


def _named(match: re.Match[str]) -> str:
    if "aria-label" in match.group(2):
        return match.group(0)
    words = " ".join(unescape(_TAG.sub(" ", match.group("text"))).split())
    if not words:
        return match.group(0)
    if len(words) > NAME_CHARS:
        words = words[:NAME_CHARS].rsplit(" ", 1)[0] + " …"
    return f'{match.group(1)}{match.group(2)} aria-label="{escape(words)}"{match.group(3)}{match.group("rest")}'


def accessible(html: str) -> str:
    """The page with names for unnamed checklist boxes and for the search dialog."""
    if 'class="task-list-control"' in html:
        html = _TASK.sub(_named, html)
    return _SEARCH.sub(r'\g<0> aria-label="Search"', html, count=1)
