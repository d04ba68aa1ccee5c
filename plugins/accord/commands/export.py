"""Tables staff paste into a spreadsheet: `accord export`.

Every table comes from a catalogue built for one audience, so an export holds nothing
that audience may not see. CSV is written for spreadsheets: ISO dates, lists joined with
"; ", an optional byte-order mark (Excel reads UTF-8 without one as another encoding),
and text that a spreadsheet would run as a formula neutralised.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from accord.catalogue import Catalogue
from accord.commands.project import Project
from accord.format.records import Record

Row = dict[str, Any]
KINDS = ("agreements", "parties", "responsibilities", "objectives", "resources", "lessons", "organizations",
         "playbooks", "retrospectives")
# A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def table(catalogue: Catalogue, kind: str) -> tuple[list[str], list[Row]]:
    """The columns and rows of one export."""
    return _TABLES[kind](catalogue)


def _name(catalogue: Catalogue, record_id: str | None) -> str:
    record = catalogue.get(record_id) if record_id else None
    return record.title if record is not None else ""


def _agreements(catalogue: Catalogue) -> tuple[list[str], list[Row]]:
    rows = []
    for record in catalogue.agreements:
        agreement = record.agreement
        lead = [p.org for p in agreement.parties if p.role.value == "lead"]
        reviews = sorted(agreement.dates.review)
        rows.append({
            "id": record.id, "title": record.title, "kind": agreement.kind.value, "status": agreement.status.value,
            "sector": agreement.sector or "", "confidentiality": record.confidentiality.value,
            "parties": [_name(catalogue, p.org) for p in agreement.parties],
            "lead": [_name(catalogue, org) for org in lead],
            "signed": agreement.dates.signed, "effective": agreement.dates.effective,
            "expires": agreement.dates.expires, "reviews": reviews,
            "objectives": len(agreement.objectives), "summary": record.model.summary or "", "path": record.rel_path,
        })
    return AGREEMENT_COLUMNS, rows


AGREEMENT_COLUMNS = ["id", "title", "kind", "status", "sector", "confidentiality", "parties", "lead", "signed",
                     "effective", "expires", "reviews", "objectives", "summary", "path"]
LESSON_COLUMNS = ["address", "title", "impact", "topics", "retrospective", "retrospective_title", "held", "phase",
                  "event", "lesson", "recommendation", "applied_in"]


def _each_agreement(catalogue: Catalogue, columns: list[str],
                    rows_of: Callable[[Record], list[Row]]) -> tuple[list[str], list[Row]]:
    rows: list[Row] = []
    for record in catalogue.agreements:
        rows += [{"agreement": record.id, "agreement_title": record.title, **row} for row in rows_of(record)]
    return ["agreement", "agreement_title", *columns], rows


def _parties(catalogue: Catalogue) -> tuple[list[str], list[Row]]:
    return _each_agreement(catalogue, ["organization", "organization_name", "role", "signatory"], lambda record: [
        {"organization": p.org, "organization_name": _name(catalogue, p.org), "role": p.role.value,
         "signatory": p.signatory or ""}
        for p in record.agreement.parties
    ])


def _responsibilities(catalogue: Catalogue) -> tuple[list[str], list[Row]]:
    """One row per letter of the RACI matrix: who is Responsible, Accountable, Consulted, Informed."""
    def rows_of(record: Record) -> list[Row]:
        rows = []
        for row in record.agreement.responsibilities:
            cells = [("R", org) for org in row.responsible] + [("A", row.accountable)]
            cells += [("C", org) for org in row.consulted] + [("I", org) for org in row.informed]
            rows += [{"activity": row.activity, "organization": org, "organization_name": _name(catalogue, org),
                      "letter": letter} for letter, org in cells if org]
        return rows

    return _each_agreement(catalogue, ["activity", "organization", "organization_name", "letter"], rows_of)


def _objectives(catalogue: Catalogue) -> tuple[list[str], list[Row]]:
    return _each_agreement(
        catalogue, ["id", "statement", "metric", "baseline", "target", "due", "owner", "owner_name"],
        lambda record: [
            {"id": o.id or "", "statement": o.statement, "metric": o.metric or "", "baseline": o.baseline or "",
             "target": o.target or "", "due": o.due, "owner": o.owner or "", "owner_name": _name(catalogue, o.owner)}
            for o in record.agreement.objectives
        ])


def _resources(catalogue: Catalogue) -> tuple[list[str], list[Row]]:
    return _each_agreement(
        catalogue, ["from", "from_name", "kind", "description", "amount", "currency"],
        lambda record: [
            {"from": r.from_ or "", "from_name": _name(catalogue, r.from_), "kind": r.kind.value if r.kind else "",
             "description": r.description or "", "amount": r.amount, "currency": r.currency or ""}
            for r in record.agreement.resources
        ])


def _lessons(catalogue: Catalogue) -> tuple[list[str], list[Row]]:
    rows = []
    for address, ref in sorted(catalogue.lessons.items()):
        retrospective = ref.record.retrospective
        lesson = ref.lesson
        rows.append({
            "address": address, "title": lesson.title, "impact": lesson.impact.value if lesson.impact else "",
            "topics": list(lesson.topics), "retrospective": ref.record.id, "retrospective_title": ref.record.title,
            "held": retrospective.held, "phase": retrospective.phase.value if retrospective.phase else "",
            "event": lesson.event or "", "lesson": lesson.lesson, "recommendation": lesson.recommendation or "",
            "applied_in": [r.id for r in catalogue.applied_in.get(address, [])],
        })
    return LESSON_COLUMNS, rows


ORGANIZATION_COLUMNS = ["id", "title", "kind", "jurisdiction", "parent", "parent_name", "website", "agreements",
                        "confidentiality", "summary", "path"]
PLAYBOOK_COLUMNS = ["id", "title", "owner", "owner_name", "kinds", "sectors", "reviewed", "confidentiality", "summary",
                    "path"]
RETROSPECTIVE_COLUMNS = ["id", "title", "held", "phase", "agreements", "partners", "lessons", "confidentiality",
                         "summary", "path"]


def _organizations(catalogue: Catalogue) -> tuple[list[str], list[Row]]:
    """One row per organisation, as the partners register lists them (`agreements`: how many)."""
    return ORGANIZATION_COLUMNS, [{
        "id": record.id, "title": record.title, "kind": record.organization.kind.value,
        "jurisdiction": record.organization.jurisdiction or "", "parent": record.organization.parent or "",
        "parent_name": _name(catalogue, record.organization.parent),
        "website": str(record.organization.website or ""), "agreements": len(catalogue.parties.get(record.id, [])),
        "confidentiality": record.confidentiality.value, "summary": record.model.summary or "",
        "path": record.rel_path,
    } for record in catalogue.organizations]


def _playbooks(catalogue: Catalogue) -> tuple[list[str], list[Row]]:
    return PLAYBOOK_COLUMNS, [{
        "id": record.id, "title": record.title, "owner": record.playbook.owner or "",
        "owner_name": _name(catalogue, record.playbook.owner),
        "kinds": [kind.value for kind in record.playbook.applies_to.kinds],
        "sectors": list(record.playbook.applies_to.sectors), "reviewed": record.playbook.reviewed,
        "confidentiality": record.confidentiality.value, "summary": record.model.summary or "",
        "path": record.rel_path,
    } for record in catalogue.playbooks]


def _retrospectives(catalogue: Catalogue) -> tuple[list[str], list[Row]]:
    """One row per retrospective (`agreements`, `partners`: their names; `lessons`: how many)."""
    return RETROSPECTIVE_COLUMNS, [{
        "id": record.id, "title": record.title, "held": record.retrospective.held,
        "phase": record.retrospective.phase.value if record.retrospective.phase else "",
        "agreements": [_name(catalogue, a) for a in record.retrospective.agreements],
        "partners": [_name(catalogue, p) for p in record.retrospective.partners],
        "lessons": len(record.retrospective.lessons), "confidentiality": record.confidentiality.value,
        "summary": record.model.summary or "", "path": record.rel_path,
    } for record in catalogue.retrospectives]


_TABLES: dict[str, Callable[[Catalogue], tuple[list[str], list[Row]]]] = {
    "agreements": _agreements,
    "parties": _parties,
    "responsibilities": _responsibilities,
    "objectives": _objectives,
    "resources": _resources,
    "lessons": _lessons,
    "organizations": _organizations,
    "playbooks": _playbooks,
    "retrospectives": _retrospectives,
}


def _plain(value: Any) -> Any:
    """A value as JSON has it: ISO dates, lists kept."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def neutralise(text: str) -> str:
    """Text a spreadsheet will show as text: a leading formula character is escaped with `'`."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value  # a number stays a number: -5 is not a formula
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        value = "; ".join(str(_plain(v)) for v in value)
    return neutralise(str(value))


def to_csv(columns: list[str], rows: list[Row], *, bom: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as spreadsheets write it
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return ("\ufeff" if bom else "") + out.getvalue()


# Markup characters written as JSON escapes (the values read the same): a site publishes the
# file (accord.site.spreadsheets), and no file it serves holds a value's text as markup.
_MARKUP = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def to_json(kind: str, audience: str, rows: list[Row]) -> str:
    text = json.dumps({"export": kind, "audience": audience, "rows": [{k: _plain(v) for k, v in row.items()}
                                                                        for row in rows]},
                      ensure_ascii=False, indent=2)
    for character, escape in _MARKUP:  # (str.replace: a translate table costs a second at 10,000 records)
        text = text.replace(character, escape)
    return text + "\n"


# ---------------------------------------------------------------------------------------
# The command: one table for one audience, printed or written to a file whole


@dataclass(frozen=True)
class Export:
    kind: str
    audience: str
    rows: int
    text: str  # the CSV or JSON, as printed or written


def export(project: Project, audience: str, kind: str, output_format: str, bom: bool) -> Export:
    """One table of the knowledge base as `audience` sees it, as CSV or JSON."""
    from accord.commands.common import catalogue

    known = catalogue(project, audience, "Reading records")
    columns, rows = table(known, kind)
    text = to_csv(columns, rows, bom=bom) if output_format == "csv" else to_json(kind, audience, rows)
    return Export(kind, audience, len(rows), text)


def write_file(project: Project, output: Path, text: str) -> None:
    """`text` written to `output`, whole or not at all: never into what the site publishes."""
    import click

    from accord.format.paths import display_path

    target = output.resolve()
    published = [project.docs_dir.resolve(), *([project.custom_dir.resolve()] if project.custom_dir else [])]
    if (any(target.is_relative_to(folder) for folder in published) or target.suffix.lower() in (".md", ".markdown")
            or (project.config_file is not None and target == project.config_file.resolve())):
        raise click.BadParameter(f"{display_path(output)} is inside the docs folder or the theme's custom_dir, or "
                                 "is a record or mkdocs.yml: an export there would replace a record or be published "
                                 "with the site; write it elsewhere", param_hint="-o")
    if output.exists() and not output.is_file():
        raise click.BadParameter(f"{display_path(output)} is not a regular file (a folder, FIFO or device); "
                                 "give a file name", param_hint="-o")
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="")
        if output.exists():
            shutil.copymode(output, tmp)  # a replaced file keeps who may read it
        os.replace(tmp, output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise click.BadParameter(f"cannot write {display_path(output)}: {exc.strerror or exc}",
                                 param_hint="-o") from None
