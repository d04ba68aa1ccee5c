"""`accord new`: a new record from a template, valid from the first save."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from accord.commands.project import Project
from accord.format.diagnostics import Diagnostic, Severity
from accord.format.loading import display_path, load
from accord.format.models import ID_MAX_LENGTH, SLUG_PATTERN, AgreementKind, OrganizationKind
from accord.format.records import Record
from accord.format.rules import check_all
from accord.format.schema import check_record
from accord.format.source import read_source
from accord.format.suggest import did_you_mean
from accord.format.vocabulary import ORGANIZATION_KIND_OF
from accord.site.templating import environment

FOLDERS = {
    "agreement": "agreements",
    "organization": "organizations",
    "playbook": "playbooks",
    "retrospective": "retrospectives",
}


class ScaffoldError(Exception):
    """A request `accord new` cannot fulfil; the message says why and what to do."""


@dataclass
class NewRecord:
    record_type: str
    record_id: str
    title: str | None = None
    kind: str | None = None
    parties: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    playbook: str | None = None  # an agreement pre-filled from this playbook


@dataclass
class FromPlaybook:
    """What a new agreement takes from a playbook."""

    id: str
    title: str
    kind: str | None
    sector: str | None
    tags: list[str]
    checklist: list[str]  # the checklist's headings and items, as written (Markdown)
    confidentiality: str = "internal"  # the new agreement's: never below the playbook's it copies from


def check_id(record_id: str) -> None:
    if len(record_id) > ID_MAX_LENGTH or not re.fullmatch(SLUG_PATTERN, record_id):
        suggestion = re.sub(r"[^a-z0-9]+", "-", record_id.lower()).strip("-")[:ID_MAX_LENGTH].strip("-")
        hint = f", e.g. `{suggestion}`" if suggestion else ""
        raise ScaffoldError(
            f"`{record_id}` is not a valid id: use lowercase letters, digits and single hyphens, "
            f"at most {ID_MAX_LENGTH} characters{hint}"
        )


def create(project: Project, request: NewRecord, today: date) -> Path:
    """Write the new record and return its path; nothing is written if anything is wrong."""
    check_id(request.record_id)
    if request.title is not None and not request.title.strip():
        raise ScaffoldError("--title is empty; give the record a title, or leave the option out")
    folder = project.docs_dir / FOLDERS[request.record_type]
    target = folder / f"{request.record_id}.md"
    if target.exists():
        raise ScaffoldError(f"{display_path(target)} already exists; choose another id or edit that file")
    loaded = load(project.docs_dir, today) if project.docs_dir.is_dir() else None
    existing = loaded.records if loaded else []
    broken = loaded.broken if loaded else {}
    by_id = {record.id: record for record in existing}
    if request.record_id in by_id:
        raise ScaffoldError(
            f"id `{request.record_id}` is already used by {by_id[request.record_id].source.path}; ids must be unique"
        )
    _check_names(request, by_id)
    playbook = _playbook(request, by_id, broken)
    if playbook is not None and request.kind is None and playbook.kind:
        request.kind = playbook.kind
    kind = _kind(request)
    text = _render(project, request, kind, today, playbook)
    problems = _problems(text, target, project.docs_dir, existing, today)
    if problems:
        listing = "\n".join(d.format_text() for d in problems)
        raise ScaffoldError(f"the template for `{request.record_type}` gives an invalid record:\n{listing}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{display_path(target)} already exists, or {display_path(folder)} is a file") from None
    except OSError as exc:
        raise ScaffoldError(f"cannot write {display_path(target)}: {exc.strerror}") from None
    return target


def _check_names(request: NewRecord, by_id: dict[str, Record]) -> None:
    organizations = [r.id for r in by_id.values() if r.type == "organization"]
    agreements = [r.id for r in by_id.values() if r.type == "agreement"]
    for org in request.parties:
        if org not in organizations:
            raise ScaffoldError(
                f"--party `{org}` is not an organisation of this knowledge base{did_you_mean(org, organizations)}"
            )
    for agreement in request.agreements:
        if agreement not in agreements:
            raise ScaffoldError(
                f"--agreement `{agreement}` is not an agreement of this knowledge base"
                f"{did_you_mean(agreement, agreements)}"
            )
    if request.record_type == "agreement" and len(set(request.parties)) < 2:
        known = ", ".join(sorted(organizations)[:8]) or "none yet: create them with `accord new organization`"
        raise ScaffoldError(
            f"an agreement needs at least two parties: give them with --party ORG --party ORG (organisations: {known})"
        )
    if request.record_type == "retrospective" and not (request.parties or request.agreements):
        raise ScaffoldError("a retrospective looks back on agreements or partners: give --agreement ID or --party ORG")


def _playbook(request: NewRecord, by_id: dict[str, Record], broken: dict[str, list[Any]]) -> FromPlaybook | None:
    if request.playbook is None:
        return None
    if request.record_type != "agreement":
        raise ScaffoldError("--from-playbook pre-fills an agreement; use it with `accord new agreement`")
    record = by_id.get(request.playbook)
    if record is None and request.playbook in broken:
        paths = ", ".join(source.path for source in broken[request.playbook])
        raise ScaffoldError(f"--from-playbook `{request.playbook}` has errors ({paths}); run `accord validate`, "
                            "fix them, then try again")
    if record is None or record.type != "playbook":
        playbooks = [r.id for r in by_id.values() if r.type == "playbook"]
        known = f" (playbooks: {', '.join(sorted(playbooks)[:8])})" if playbooks else " (there are no playbooks yet)"
        raise ScaffoldError(f"--from-playbook `{request.playbook}` is not a playbook of this knowledge base"
                            f"{did_you_mean(request.playbook, playbooks)}{known}")
    model = record.playbook
    kinds = [k.value for k in model.applies_to.kinds]
    return FromPlaybook(
        id=record.id, title=record.title, kind=kinds[0] if kinds else None,
        sector=model.applies_to.sectors[0] if model.applies_to.sectors else None,
        tags=list(model.tags), checklist=checklist(record.body),
        # What the agreement copies from the playbook may be seen only by those who may see the playbook.
        confidentiality="restricted" if record.confidentiality.value == "restricted" else "internal",
    )


_TASK = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s+")
_HEADING = re.compile(r"^#{2,6}\s+")


def checklist(body: str) -> list[str]:
    """The task-list items of a playbook's body (`- [ ] …`, with their continuation lines),
    and the headings they stand under, one line each."""
    found: list[str] = []
    heading = ""
    item: list[str] | None = None
    for line in body.splitlines():
        if _TASK.match(line):
            if item is not None:
                found.append(" ".join(item))
            if heading:
                found.append(heading)
                heading = ""
            item = ["- [ ] " + _TASK.sub("", line).strip()]
        elif item is not None and line.strip() and line.startswith((" ", "\t")):
            item.append(line.strip())
        else:
            if item is not None:
                found.append(" ".join(item))
                item = None
            if _HEADING.match(line):
                heading = line.strip()
    if item is not None:
        found.append(" ".join(item))
    # Inside an HTML comment, "--" would end it early.
    return [line.replace("--", "—") for line in found]


_A_KIND = {"agreement": "an agreement kind", "organization": "an organisation kind", "playbook": "a playbook kind"}


def _kind(request: NewRecord) -> str | None:
    choices = {
        "agreement": [k.value for k in AgreementKind],
        "organization": [k.value for k in OrganizationKind],
        "playbook": [k.value for k in AgreementKind],
    }.get(request.record_type)
    if choices is None:
        return None
    if request.kind is None:
        if request.record_type == "organization":
            raise ScaffoldError(f"an organisation needs --kind, one of: {', '.join(choices)}")
        return "mou" if request.record_type == "agreement" else None
    if request.kind not in choices:
        meant = ORGANIZATION_KIND_OF.get(request.kind.lower()) if request.record_type == "organization" else None
        hint = (f"; a {request.kind.lower()} is `{meant}`" if meant
                else did_you_mean(request.kind, choices))
        raise ScaffoldError(
            f"--kind `{request.kind}` is not {_A_KIND[request.record_type]}{hint}; use one of: {', '.join(choices)}"
        )
    return request.kind


def _render(project: Project, request: NewRecord, kind: str | None, today: date,
            playbook: FromPlaybook | None = None) -> str:
    title = request.title or request.record_id.replace("-", " ").capitalize()
    try:
        template = environment(project.custom_dir).get_template(f"new/{request.record_type}.md.j2")
        return template.render(
            id=request.record_id,
            title=title,
            kind=kind,
            today=today.isoformat(),
            parties=list(dict.fromkeys(request.parties)),
            agreements=list(dict.fromkeys(request.agreements)),
            playbook=playbook,
        )
    except jinja2.TemplateError as exc:
        raise ScaffoldError(f"the template new/{request.record_type}.md.j2 cannot be rendered: {exc}") from None


def _problems(text: str, target: Path, docs_dir: Path, existing: list[Record], today: date) -> list[Diagnostic]:
    """Errors in the rendered record, checked with every rule before it is written."""
    rel_path = target.relative_to(docs_dir).as_posix()
    source = read_source(text.encode("utf-8"), display_path(target), rel_path)
    if source.diagnostics or source.data is None:
        return source.diagnostics or [Diagnostic(source.path, 1, 1, "unknown-type", "the template has no record type")]
    model, problems = check_record(source)
    if model is None:
        return problems
    new = Record(model, source)
    found = [d for d in check_all([*existing, new], today) if d.path == source.path]
    return [d for d in found if d.severity is Severity.ERROR]
