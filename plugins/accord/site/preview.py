"""The live preview while records are broken (`mkdocs serve`): the site keeps serving, each
broken record's page shows what is wrong with it (file, line, message, fix) in place of its
content, and every page carries a banner that leads there. `mkdocs build` still fails.

Only diagnostics are shown, never a broken record's content: its confidentiality may be
what is broken.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from html import escape
from typing import Any

from accord.format.diagnostics import CODES, Diagnostic
from accord.site.reference import table_cell

PROBLEMS_PAGE = "accord-problems.md"


def _rows(diagnostics: list[Diagnostic]) -> list[str]:
    lines = ["| Line | Problem | How to fix it |", "|---|---|---|"]
    for d in diagnostics:
        fix = CODES[d.code].fix if d.code in CODES else ""
        lines.append(f"| {d.line}:{d.column} | `{d.code}`: {_cell(d.message)} | {_cell(fix)} |")
    return lines


def _cell(text: str) -> str:
    return escape(table_cell(text), quote=False)


def record_page(path: str, diagnostics: list[Diagnostic]) -> str:
    """Markdown for a broken record's page: its problems, where its content would be."""
    count = len(diagnostics)
    return "\n".join([
        "---", "title: Errors in this record", "search:", "  exclude: true", "---", "",
        "# This record has errors", "",
        f"`{_cell(path)}` is not shown until {'its error is' if count == 1 else f'its {count} errors are'} fixed; "
        "save the file and this page reloads.", "", *_rows(diagnostics), "",
    ])


def problems_page(by_file: dict[str, list[Diagnostic]], pages: dict[str, str], hidden: int = 0) -> str:
    """Markdown for the page listing every error of the knowledge base, by file. `pages`:
    display path → the broken record's page (docs-relative), for a link. `hidden`: errors
    in records outside the audience, counted only."""
    total = sum(len(found) for found in by_file.values())
    parts = ["---", "title: Errors", "search:", "  exclude: true", "---", "",
             "# Errors in the knowledge base", "",
             f"{total} error{'s' if total != 1 else ''} in {len(by_file)} file{'s' if len(by_file) != 1 else ''}. "
             "The preview keeps serving the rest of the site; `mkdocs build` fails until they are fixed "
             "(`accord validate` lists the same).", ""]
    if hidden:
        parts += [f"{hidden} more error{'s' if hidden != 1 else ''} in records this site's audience may not see "
                  "are not shown here: run `accord validate`.", ""]
    for path, found in by_file.items():
        link = pages.get(path)
        title = f"[`{_cell(path)}`]({posixpath.relpath(link, posixpath.dirname(PROBLEMS_PAGE) or '.')})" if link \
            else f"`{_cell(path)}`"
        parts += [f"## {title}", "", *_rows(found), ""]
    return "\n".join(parts)


_CONFIDENTIALITY = re.compile(r"""^[ \t]*["']?confidentiality["']?[ \t]*:[ \t]*["']?([A-Za-z]+)""",
                              re.IGNORECASE | re.MULTILINE)


def declared_confidentiality(data: Any, front_matter: str) -> str | None:
    """What a broken record says of its confidentiality: its parsed value, or its line
    when the YAML could not be read; `internal` when it says nothing (the format's
    default); None when it cannot be told (the preview then shows nothing of it)."""
    if isinstance(data, dict):
        value = data.get("confidentiality", "internal")
        return value.strip().lower() if isinstance(value, str) else None
    found = _CONFIDENTIALITY.findall(front_matter)
    if len(found) > 1:
        return None
    return found[0].lower() if found else "internal"


def by_file(diagnostics: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    found: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        found[d.path].append(d)
    return dict(found)


def banner(count: int, url: str) -> str:
    """The line every page shows while the knowledge base has errors."""
    return (f'<div class="accord-preview-banner" role="alert"><strong>{count} error{"s" if count != 1 else ""}'
            f'</strong> in the knowledge base: the preview shows the rest of the site. '
            f'<a href="{escape(url)}">See what is wrong and how to fix it</a></div>')
