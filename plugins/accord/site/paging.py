"""A long register in two parts: its first rows in the page, every row in a file beside it.

At 10,000 records a register of one page weighed up to 8.6 MB of HTML and took seconds to
show and to filter. A register with more than `ROWS_AT_ONCE` rows (or `BYTES_AT_ONCE` of
them) keeps the first screenfuls in its page, the ones its default filters show, so that the
page reads without a script; every row goes to a JSON file beside the page, which the
register's script (accord.js) loads after the page has shown: from then on the filter box,
the facets and sorting work on every row and show the first `ROWS_AT_ONCE` matches, with
"Show more" for the next ones.

The rows are the template's own, as they would have been in the page (their links relative
to the page, which shares the file's folder). A row is split off at its `<tr`: no value can
write one, every value being escaped text (accord.site.text).
"""

from __future__ import annotations

import glob
import json
import posixpath
import re
from collections.abc import Callable
from html import escape
from pathlib import Path

from accord.format.files import write_whole

ROWS_AT_ONCE = 200
BYTES_AT_ONCE = 200_000
ROWS_ENDING = ".rows.json"

_ROW = re.compile(r"(?=<tr[\s>])")
# The register's element: the attribute in a tag, never the same words in a value or a heading.
_REGISTER = re.compile(r"<[a-z]+\b[^<>]*?\s(data-accord-register)(?=[\s>])")
_VALUES = re.compile(r'"[^"]*"')
_OPEN_TAG = re.compile(r"<tr\b[^>]*>")
_FACET_DEFAULT = re.compile(r'<select data-accord-facet="([^"]+)" data-default="([^"]*)"')


def rows_file(dest_uri: str, number: int = 0) -> str:
    """The rows file of the page's register `number` (its first: 0), the page being written to
    `dest_uri` (`agreements/index.html` → `agreements/index.rows.json`, its second register's
    `agreements/index.rows-2.json`): in the page's own folder, so the page names it by its name."""
    stem, _ = posixpath.splitext(dest_uri)
    return stem + (ROWS_ENDING if number == 0 else f".rows-{number + 1}.json")


def rows_files_of(dest_uri: str) -> str:
    """A glob of every rows file the page may have."""
    stem, _ = posixpath.splitext(posixpath.basename(dest_uri))
    return glob.escape(stem) + ".rows*.json"


def _attribute(open_tag: str, name: str) -> str | None:
    found = re.search(rf'\s{re.escape(name)}="([^"]*)"', open_tag)
    return found.group(1) if found else None


_GROUP = re.compile(r"\sdata-accord-group[\s=>]")


def _is_group(row: str) -> bool:
    """A group's heading row (an agreement's, over its activities): the attribute among the
    row's attributes, not the words in one's value (an id may be `data-accord-group`)."""
    return _GROUP.search(_VALUES.sub('""', _OPEN_TAG.match(row).group(0))) is not None  # type: ignore[union-attr]


def _shown_by_default(row: str, defaults: list[tuple[str, str]]) -> bool:
    """Whether the register's script, with its filters as they start, shows the row (the same
    test as accord.js: the chosen value is one of the row's words for that facet)."""
    open_tag = _OPEN_TAG.match(row).group(0)  # type: ignore[union-attr]
    return all(f" {value} " in f" {_attribute(open_tag, 'data-' + name) or ''} " for name, value in defaults)


def rows_json(rows: list[str]) -> str:
    """The rows file: every row of the register, group headings included, in order."""
    total = sum(1 for row in rows if not _is_group(row))
    return json.dumps({"total": total, "rows": rows}, ensure_ascii=False, separators=(",", ":"))


def split_registers(text: str, href: Callable[[int], str]) -> tuple[str, dict[int, list[str]]]:
    """The page with each long register's first rows only, and every row of each (by the
    register's number, for `rows_json`), the register naming its file `href(number)`; the page
    as it is and {} when no register is long (or the page has none)."""
    found: dict[int, list[str]] = {}
    number, match = 0, _REGISTER.search(text)
    while match is not None:
        text, rows, after = _split(text, match.start(1), href(number))
        if rows is not None:
            found[number] = rows
        number, match = number + 1, _REGISTER.search(text, after)
    return text, found


def _split(text: str, start: int, href: str) -> tuple[str, list[str] | None, int]:
    """The register whose attribute is at `start`: (the page, its rows or None, where it ends)."""
    body_open = text.find("<tbody>", start)
    body_close = text.find("</tbody>", body_open) if body_open >= 0 else -1
    if body_close < 0 or text.find("</table>", body_close) < 0:
        return text, None, len(text)
    rows = [row.strip() for row in _ROW.split(text[body_open + len("<tbody>"):body_close]) if row.strip()]
    rows = [row for row in rows if _OPEN_TAG.match(row)]
    total = sum(1 for row in rows if not _is_group(row))
    if total <= ROWS_AT_ONCE and sum(map(len, rows)) <= BYTES_AT_ONCE:
        return text, None, body_close
    defaults = [(name, value) for name, value in _FACET_DEFAULT.findall(text, start, body_open) if value]
    first: list[str] = []
    group: str | None = None
    group_given = False
    count = size = 0
    for row in rows:
        if _is_group(row):
            if count >= ROWS_AT_ONCE or size >= BYTES_AT_ONCE:
                break  # a group is never cut in two
            group, group_given = row, False
            continue
        if (count >= ROWS_AT_ONCE or size >= BYTES_AT_ONCE) and group is None:
            break  # (within a group: to its end)
        if not _shown_by_default(row, defaults):
            continue
        if group is not None and not group_given:
            first.append(group)
            group_given = True
            size += len(group)
        first.append(row)
        count += 1
        size += len(row)
    more = (f'<p class="accord-more accord-muted" data-accord-more>The first {count:,} of {total:,} rows are listed '
            "here; with the page's script, “Show more” lists the next ones, and filtering and sorting reach every "
            "row.</p>")
    page = (text[:start] + f'data-accord-register data-accord-rows="{escape(href)}" data-accord-total="{total}"'
            + text[start + len("data-accord-register"):body_open] + "<tbody>\n" + "\n".join(first) + "\n"
            + text[body_close:])
    table_end = page.find("</table>", page.find("<tbody>", start))
    page = page[:table_end + len("</table>")] + "\n" + more + page[table_end + len("</table>"):]
    return page, rows, table_end + len("</table>") + len(more)


def write_rows(site_dir: Path, dest_uri: str, rows: dict[int, list[str]]) -> None:
    """The rows files of a page's long registers beside it, each written whole or not at
    all; a register short enough to be whole in its page has none (an earlier one goes)."""
    written = {site_dir / rows_file(dest_uri, number) for number in rows}
    for number, every in rows.items():
        write_whole(site_dir / rows_file(dest_uri, number), rows_json(every))
    folder = (site_dir / dest_uri).parent
    for earlier in folder.glob(rows_files_of(dest_uri)) if folder.is_dir() else ():
        if earlier not in written:
            earlier.unlink(missing_ok=True)
