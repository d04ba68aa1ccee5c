"""`accord search` and `accord lessons-for`: the knowledge base's search index asked, and
what it answers returned for the printing (accord.commands.output).

Neither imports MkDocs, the theme or the pydantic models of the format: an index that is
up to date is read as it is (tests/commands/test_commands_search.py holds them to it). Records
changed since the last search are checked before they are indexed, which needs the
models (accord.search.index)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from accord.commands.common import audience_of, open_index, parse_date, project_for
from accord.commands.project import Project, locate

if TYPE_CHECKING:
    from accord.search.index import SearchIndex


@dataclass(frozen=True)
class Asked:
    """What `accord search` was asked: the words and the filters as typed."""

    words: tuple[str, ...] = ()
    doc_type: str | None = None
    topic: str | None = None
    partner: str | None = None
    kind: str | None = None
    impact: str | None = None
    since: str | None = None
    limit: int = 10


@dataclass(frozen=True)
class Found:
    project: Project
    text: str  # the query as asked
    response: Any  # accord.search.query.Response
    filters: Any  # accord.search.index.Filters


def search(asked: Asked, audience: str | None, docs_dir: Path | None) -> Found:
    """The results of one search, for the audience of the knowledge base (or the one given)."""
    from accord.search.index import Filters
    from accord.search.query import QueryProblem
    from accord.search.query import search as run_search

    project = project_for(docs_dir)
    index = open_index(project, audience_of(audience, project))
    filters = Filters(asked.doc_type, asked.topic, partner_id(index, asked.partner), asked.kind, asked.impact,
                      parse_date(asked.since, "--since"))
    if filters.topic:
        check_topic(index, filters.topic)
    text = " ".join(asked.words)
    try:
        response = run_search(index, text, filters, asked.limit)
    except QueryProblem as exc:
        raise click.UsageError(str(exc)) from None
    return Found(project, text, response, filters)


def partner_id(index: SearchIndex, partner: str | None) -> str | None:
    """An organisation id from an id or a name; a usage error, with suggestions, otherwise."""
    if not partner:
        return None
    facts = index.facts()
    lookup = index.lookup()
    organisations = {rid: f.title for rid, f in facts.items() if f.type == "organization" and lookup(rid)}
    if partner in organisations:
        return partner
    by_name = {title.casefold(): rid for rid, title in organisations.items()}
    if partner.casefold() in by_name:
        return by_name[partner.casefold()]
    from accord.format.suggest import nearest

    near = nearest(partner, [*organisations, *organisations.values()], limit=3)
    hint = f" Did you mean {', '.join(f'`{n}`' for n in near)}?" if near else ""
    raise click.BadParameter(f"no organisation `{partner}` in this knowledge base.{hint}", param_hint="--partner")


def check_topic(index: SearchIndex, topic: str) -> None:
    """A usage error, with suggestions, for a topic no record or lesson has."""
    from accord.search.query import live

    with index.searcher() as searcher:
        reader = searcher.reader()
        topics = [t.decode() for t in reader.lexicon("topics") if live(reader, "topics", t.decode())]
    if topic.lower() not in topics:
        from accord.format.suggest import nearest

        near = nearest(topic, topics, limit=3)
        hint = f" Did you mean {', '.join(f'`{n}`' for n in near)}?" if near else ""
        raise click.BadParameter(f"no record or lesson has the topic `{topic}`.{hint}", param_hint="--topic")


# ---------------------------------------------------------------------------------------
# accord lessons-for


@dataclass(frozen=True)
class DraftFile:
    """A draft agreement as read, as far as it goes."""

    path: Path
    data: dict[str, Any] | None  # its front matter, None when none can be read
    body: str
    problems: list[Any] = field(default_factory=list)  # what could not be read (diagnostics)


@dataclass(frozen=True)
class Advice:
    project: Project
    draft: DraftFile
    subject: Any  # accord.search.advice.Draft
    lessons: list[Any]  # accord.search.advice's advice, best first

    @property
    def title(self) -> str:
        from accord.format.paths import display_path

        return self.subject.title or display_path(self.draft.path)


def read_draft(draft: Path) -> DraftFile:
    """The draft's front matter and text; a usage error when it is no file to read."""
    from accord.format.files import MAX_FILE
    from accord.format.paths import display_path
    from accord.format.source import read_draft as parse

    try:
        if not draft.is_file():
            raise IsADirectoryError(21, "it is a folder" if draft.is_dir() else "not a regular file")
        if draft.stat().st_size > MAX_FILE:
            raise OSError(27, f"over {MAX_FILE // (1024 * 1024)} MB, too large to be a draft")
        raw = draft.read_bytes()
    except OSError as exc:
        reason = exc.strerror
        raise click.BadParameter(f"cannot read {display_path(draft)}: {reason}", param_hint="DRAFT") from None
    data, body, problems = parse(raw, display_path(draft))
    return DraftFile(draft, data, body, list(problems))


def draft_project(draft: Path, docs_dir: Path | None) -> Project:
    """The knowledge base a draft is compared with: the one given or around the current
    folder, else the one around the draft."""
    project = project_for(docs_dir)
    if docs_dir is None and project.config_file is None:
        project = locate(draft.resolve().parent)
    return project


def lessons_for(drafted: DraftFile, project: Project, audience: str | None, limit: int,
                warn: Callable[[str], None]) -> Advice:
    """The past lessons that concern the draft, best first; `warn` is told what about the
    draft cannot be compared as written (another type of record, a party nobody knows)."""
    from accord.format.paths import display_path
    from accord.search.advice import Draft

    index = open_index(project, audience_of(audience, project))
    facts = index.facts()
    lookup = index.lookup()
    subject = Draft.from_data(drafted.data, drafted.body)
    kind_of = (drafted.data or {}).get("type")
    if kind_of not in (None, "agreement"):
        warn(f"{display_path(drafted.path)} is a {kind_of}, not an agreement; comparing its text and tags anyway")
    for party in subject.parties:
        if lookup(party) is None:
            from accord.format.suggest import did_you_mean

            known = [rid for rid, f in facts.items() if f.type == "organization" and lookup(rid)]
            warn(f"party `{party}` is not an organisation in this knowledge base{did_you_mean(party, known)}")

    def name_of(record_id: str) -> str:
        found = lookup(record_id)
        return found.title if found else record_id

    return Advice(project, drafted, subject, index.lessons().advise(subject, limit, name_of))
