"""The live preview while records are broken (`mkdocs serve`): the site keeps serving, each
broken record's page shows what is wrong with it (file, line, message, fix) in place of its
content, and every page carries a banner that leads there. `mkdocs build` still fails.

Only diagnostics are shown, never a broken record's content: its confidentiality may be
what is broken.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from html import escape
from urllib.parse import quote

from accord.format.diagnostics import CODES, Diagnostic, one_line
from accord.site.text import markdown_text

PROBLEMS_PAGE = "accord-problems.md"


def _rows(diagnostics: list[Diagnostic]) -> list[str]:
    """The problems as a raw HTML table: a message is text, whatever it quotes (a value's
    backticks, brackets, tags, entities, pipes or line breaks), never Markdown."""
    # No class: mkdocs-material styles (and wraps for narrow screens) the tables that have none.
    lines = ["<table>",
             "<thead><tr><th>Line</th><th>Problem</th><th>How to fix it</th></tr></thead>", "<tbody>"]
    for d in diagnostics:
        fix = CODES[d.code].fix if d.code in CODES else ""
        lines.append(f"<tr><td>{d.line}:{d.column}</td><td>{_code(d.code)}: {_cell(d.message)}</td>"
                     f"<td>{_cell(fix)}</td></tr>")
    return [*lines, "</tbody>", "</table>"]


def _cell(text: str) -> str:
    """A message as escaped text on one line, its `quoted` names in <code> elements made
    here: each backtick opens or closes one (a lone last one is text), and whatever a
    value brings between them is escaped text all the same."""
    parts = one_line(text).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: the last is not a quote
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    return "".join(_code(part) if i % 2 else escape(part, quote=False) for i, part in enumerate(parts))


def _code(text: str) -> str:
    return f"<code>{escape(text, quote=False)}</code>"


def record_page(path: str, diagnostics: list[Diagnostic]) -> str:
    """Markdown for a broken record's page: its problems, where its content would be."""
    count = len(diagnostics)
    return "\n".join([
        "---", "title: Errors in this record", "search:", "  exclude: true", "---", "",
        "# This record has errors", "",
        f"<p>{_code(one_line(path))} is not shown until "
        f"{'its error is' if count == 1 else f'its {count} errors are'} fixed; save the file and this page "
        "reloads.</p>", "", *_rows(diagnostics), "",
    ])


def problems_page(by_file: dict[str, list[Diagnostic]], pages: dict[str, str]) -> str:
    """Markdown for the page listing every error of the knowledge base, by file. `pages`:
    display path → the broken record's page (docs-relative), for a link. Only the errors
    the site's audience may be shown are given (not even a count of the others)."""
    total = sum(len(found) for found in by_file.values())
    parts = ["---", "title: Errors", "search:", "  exclude: true", "---", "",
             "# Errors in the knowledge base", "",
             f"{total} error{'s' if total != 1 else ''} in {len(by_file)} file{'s' if len(by_file) != 1 else ''}. "
             "The preview keeps serving the rest of the site; `mkdocs build` fails until they are fixed "
             "(`accord validate` lists every record's).", ""]
    for path, found in by_file.items():
        # A file's name is the author's: text for Markdown, and its page's address quoted.
        link = pages.get(path)
        title = f"<code>{markdown_text(one_line(path))}</code>"
        if link:
            title = f"[{title}](<{quote(posixpath.relpath(link, posixpath.dirname(PROBLEMS_PAGE) or '.'))}>)"
        parts += [f"## {title}", "", *_rows(found), ""]
    return "\n".join(parts)


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
