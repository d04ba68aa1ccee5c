"""Each register as a spreadsheet: the CSV and JSON of what its audience sees, beside its page.

A register (agreements, partners, playbooks, retrospectives, responsibilities, lessons)
links two files in its own folder, named after the table (`agreements/agreements.csv`,
`agreements/agreements.json`): the very table `accord export KIND` writes for the same
audience, made by its functions (accord.commands.export) from the catalogue the site was
built for, which holds nothing the audience may not see. The CSV starts with a byte-order
mark, as `accord export --bom` writes it, for the file is opened by a double click in a
spreadsheet (Excel reads UTF-8 without one as another encoding); text a spreadsheet would run
as a formula is neutralised as export neutralises it. A name never ends in `.rows.json`
(accord.site.paging). The files are whole registers, whatever a reader has filtered.

The agreements register also shows the totals of its resources (the `resources` entries with
an amount and a currency), by currency, never adding two currencies together: each row
carries its amounts in hundredths per currency (`data-accord-amounts="EUR:1500000 GBP:25"`),
and the register's script (accord.js) sums the rows that match its filters, every row of a
long register and not only those listed.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.catalogue import Catalogue
from accord.commands.export import Row, table, to_csv, to_json
from accord.format.files import write_whole
from accord.format.records import Record

# The register pages (docs-relative, as accord.site.render places them) → the table each links.
_REGISTER_TABLES = {
    "agreements/index.md": "agreements",
    "organizations/index.md": "organizations",
    "playbooks/index.md": "playbooks",
    "retrospectives/index.md": "retrospectives",
    "responsibilities.md": "responsibilities",
    "lessons/index.md": "lessons",
}
# What one row of each table is, for the link's count.
ROW_OF = {
    "agreements": "one per agreement",
    "organizations": "one per organisation",
    "playbooks": "one per playbook",
    "retrospectives": "one per retrospective",
    "responsibilities": "one per RACI letter of each activity",
    "lessons": "one per lesson",
}
ENDINGS = (".csv", ".json")


def register_tables() -> dict[str, str]:
    """Each register page's source path → the export it links."""
    from accord.site.render import LESSONS_PAGE, REGISTERS, RESPONSIBILITIES_PAGE

    pages = [src_uri for src_uri, _, _ in REGISTERS.values()] + [RESPONSIBILITIES_PAGE, LESSONS_PAGE]
    return {src_uri: _REGISTER_TABLES[src_uri] for src_uri in pages}  # (a register without one: a KeyError)


def file_names(kind: str) -> tuple[str, str]:
    """The CSV and JSON of a table, by name, in its register's folder."""
    return f"{kind}.csv", f"{kind}.json"


def files_beside(dest_uri: str, kind: str) -> tuple[str, str]:
    """Where the CSV and JSON go, the register's page being written to `dest_uri`
    (`agreements/index.html` → `agreements/agreements.csv`, `responsibilities.html` → `responsibilities.csv`)."""
    folder = posixpath.dirname(dest_uri)
    return tuple(posixpath.join(folder, name) for name in file_names(kind))  # type: ignore[return-value]


# The tables of the last catalogue asked about (a page names its count; the build writes them).
_LAST: list[Any] = [None, {}]


def rows(catalogue: Catalogue, kind: str) -> tuple[list[str], list[Row]]:
    if _LAST[0] is not catalogue:
        _LAST[:] = [catalogue, {}]
    made: dict[str, tuple[list[str], list[Row]]] = _LAST[1]
    if kind not in made:
        made[kind] = table(catalogue, kind)
    return made[kind]


def texts(catalogue: Catalogue, kind: str) -> tuple[str, str]:
    """The CSV and JSON of a table, as `accord export KIND --bom` and `--format json` write them."""
    columns, found = rows(catalogue, kind)
    return to_csv(columns, found, bom=True), to_json(kind, catalogue.audience.value, found)


@dataclass(frozen=True)
class Download:
    """What a register's links say: the files' names and how many rows they hold."""

    kind: str
    csv: str
    json: str
    rows: int
    row_of: str


def download(catalogue: Catalogue, kind: str) -> Download:
    csv_name, json_name = file_names(kind)
    return Download(kind, csv_name, json_name, len(rows(catalogue, kind)[1]), ROW_OF[kind])


def files(catalogue: Catalogue, pages: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Every spreadsheet of the registers built, by its path in the site: `pages` are the
    register pages made, each (source path, path written to)."""
    tables = register_tables()
    found: dict[str, str] = {}
    for src_uri, dest_uri in pages:
        kind = tables.get(src_uri)
        if kind is None:
            continue
        for path, text in zip(files_beside(dest_uri, kind), texts(catalogue, kind), strict=True):
            found[path] = text
    return found


# Under `mkdocs serve` the site's folder is kept between builds: what was written there last
# (site folder → paths), so that a register gone takes its files along and an author's own file
# of the same name, copied there by MkDocs, is never replaced.
_WRITTEN: dict[str, set[str]] = {}


def write(site_dir: Path, made: dict[str, str], log: Any = None, own: set[str] | None = None) -> None:
    """Write the spreadsheets into the built site, each whole or not at all (after every page:
    a build that fails leaves none). `own`: where the site's own files are written (MkDocs'
    list of them): one of those is the author's and kept; any other file there (a
    spreadsheet of an earlier build, maybe for another audience) is replaced. Without
    `own`, a file there that this process did not write is taken for the author's."""
    key = str(site_dir.resolve())
    before = _WRITTEN.get(key, set())
    written: set[str] = set()
    for rel, text in made.items():
        path = site_dir / rel
        if (rel in own) if own is not None else (path.exists() and rel not in before):
            if log is not None:
                log.info(f"{rel} is the author's own file; the register's download link leads to it")
            continue
        write_whole(path, text, newline="")
        written.add(rel)
    for rel in before - written:
        (site_dir / rel).unlink(missing_ok=True)
    _WRITTEN[key] = written


# --------------------------------------------------------------------------------------------
# Totals of resources


def hundredths(record: Record) -> dict[str, int]:
    """The agreement's amounts by currency, in hundredths (entries with both an amount and a
    currency). None for an amendment: its resources restate or move those of the agreement it
    amends ("60,000 EUR reallocated; the total is unchanged"), which are counted already."""
    found: dict[str, int] = defaultdict(int)
    if record.agreement.amends:
        return {}
    for resource in record.agreement.resources:
        if resource.amount is not None and resource.currency:
            found[resource.currency] += round(resource.amount * 100)
    return dict(found)


def amounts_attribute(record: Record) -> str:
    """A row's `data-accord-amounts`: `EUR:1500000 GBP:25` (hundredths), "" for none."""
    return " ".join(f"{currency}:{value}" for currency, value in sorted(hundredths(record).items()))


def money(value: int, currency: str) -> str:
    """Hundredths as the site writes an amount: `1,500,000 EUR`, `12,345.60 GBP`."""
    units, rest = divmod(value, 100)
    return f"{units:,}" + (f".{rest:02d}" if rest else "") + f" {currency}"


@dataclass(frozen=True)
class Totals:
    """The agreements' resources by currency, written as text; how many agreements; how many
    amounts have no currency (left out: they cannot be added to any)."""

    sums: tuple[str, ...]
    agreements: int
    without_currency: int


def totals(records: list[Record]) -> Totals | None:
    """The register's totals as the page starts (every agreement), None if no agreement has an amount."""
    found: dict[str, int] = defaultdict(int)
    for record in records:
        for currency, value in hundredths(record).items():
            found[currency] += value
    if not found:
        return None
    loose = sum(1 for record in records if not record.agreement.amends for resource in record.agreement.resources
                if resource.amount is not None and not resource.currency)
    return Totals(tuple(money(value, currency) for currency, value in sorted(found.items())), len(records), loose)


def context(catalogue: Catalogue) -> dict[str, Any]:
    """What the register templates use of this module."""
    return {
        "download": lambda kind: download(catalogue, kind),
        "amounts_attribute": amounts_attribute,
        "resource_totals": totals,
    }
