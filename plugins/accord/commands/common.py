"""What the `accord` commands share: the knowledge base a command works on, its audience,
the records read with a progress bar, the search index opened, and the small words of
their messages. The heavier modules (pydantic models, the loader, Whoosh) are imported by
the functions that need them, so that `accord search` starts in a fraction of a second."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from accord.commands.project import Project, locate

if TYPE_CHECKING:
    from accord.search.index import SearchIndex as SearchIndexType

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
EXIT_OVERDUE = 3
EXIT_INTERNAL = 70  # as `accord`'s internal errors (commands.cli.run)


def project_for(docs_dir: Path | None) -> Project:
    """The knowledge base of a command: the one around `docs_dir` if given, else the nearest."""
    if docs_dir is not None:
        # The knowledge base whose docs folder this is, if there is one: its settings (the
        # audience above all) apply.
        around = locate(docs_dir.resolve())
        if around.config_file is not None and around.docs_dir.resolve() == docs_dir.resolve():
            return around
        return Project(docs_dir=docs_dir)
    return locate()


def require_folder(project: Project, how: str = "e.g. `accord validate path/to/docs`") -> None:
    from accord.format.paths import display_path

    if not project.docs_dir.is_dir():
        where = f" (docs_dir of {display_path(project.config_file)})" if project.config_file else ""
        raise click.UsageError(
            f"no docs folder at {display_path(project.docs_dir)}{where}; "
            f"give the folder, {how}, or run this inside a knowledge base"
        )


def warn(message: str) -> None:
    """A line on stderr, as every command's notes are: `accord: …`."""
    click.echo(f"accord: {message}", err=True)


def audience_of(given: str | None, project: Project) -> str:
    """The audience a command works for: --audience, else mkdocs.yml's and ACCORD_AUDIENCE's
    (accord.format.vocabulary.chosen_audience, which the site's build uses too)."""
    if given:
        return given  # asked for on the command line: that is the audience
    from accord.format.vocabulary import UnknownAudience, chosen_audience

    try:
        return chosen_audience(project.audience, warn=warn)
    except UnknownAudience as exc:
        raise click.UsageError(str(exc)) from None


def load(project: Project, label: str, audience: str | None = None) -> Any:
    """Every record read and checked, with a progress bar on a terminal; the messages for
    `audience` if one is given (they name nothing it may not see)."""
    from accord.format.forked import WorkerFailed
    from accord.format.loading import build_date, markdown_files
    from accord.format.loading import load as load_records

    with Progress(label) as progress:
        total = len(markdown_files(project.docs_dir)) if progress else 0
        done = 0

        def advance() -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, total)

        try:
            return load_records(project.docs_dir, build_date(), on_file=advance, audience=audience)
        except WorkerFailed as exc:  # (a process sharing the reading was killed: said, not a traceback)
            warn(str(exc))
            sys.exit(EXIT_INTERNAL)


def catalogue(project: Project, audience: str, label: str) -> Any:
    """The catalogue of the knowledge base for one audience (records with errors left out, and said)."""
    from accord.catalogue import Catalogue
    from accord.format.paths import display_path

    require_folder(project, "with --docs-dir")
    result = load(project, label, audience)
    if result.errors:
        # A list with records missing would look complete: nothing rather than a wrong answer.
        say_errors(result, f"fix them first (`accord validate {display_path(project.docs_dir)}` shows them all)")
        sys.exit(EXIT_ERRORS)
    return Catalogue.build(result.records, audience)


def say_errors(result: Any, advice: str, limit: int | None = 20) -> None:
    """The errors of a load made for an audience, on stderr: those it may be shown (up to
    `limit`), and of the others only that there are some (never their paths or number)."""
    shown, unseen = result.shown(result.errors)
    for diagnostic in shown[:limit]:
        click.echo(diagnostic.format_text(), err=True)
    more = f" ({len(shown) - limit} more)" if limit is not None and len(shown) > limit else ""
    if shown:
        click.echo(f"accord: {plural(len(shown), 'error')}{more}{' and others' if unseen else ''}: {advice}",
                   err=True)
    else:
        click.echo(f"accord: the knowledge base has errors in records this audience may not be shown: {advice}",
                   err=True)


def open_index(project: Project, audience: str) -> SearchIndexType:
    """The knowledge base's search index, brought up to date (with a progress bar on a terminal)."""
    from accord.search.index import SearchIndex, Unreadable

    require_folder(project, "with --docs-dir")
    index = SearchIndex(project.docs_dir, project.cache_dir, audience)
    with Progress("Indexing records") as progress:
        try:
            report = index.refresh(progress)
        except Unreadable as exc:
            raise click.UsageError(str(exc)) from None
    say_refreshed(project, audience, report)
    return index


def say_refreshed(project: Project, audience: str, report: Any) -> None:
    """What bringing the index up to date could not do, on stderr."""
    from accord.format.paths import display_path

    for folder in report.unreadable:
        warn(f"cannot read the folder {display_path(project.docs_dir / folder)}; its records are "
             "searched as they were when it was last read")
    if report.read_only:
        warn(f"cannot write the search index under {project.cache_dir}; searching without it "
             "(this is slower: make the folder writable)")
    if report.locked:
        warn("another accord command is updating the search index; results may be a moment out of date")
    if report.invalid:
        # How many, only to an audience that sees every record: a count is a trace of them.
        which = plural(len(report.invalid), "record") if audience == "restricted" else "Records"
        warn(f"{which} with errors cannot be searched; run `accord validate` to see them")


class Progress:
    """A rich progress bar on stderr when it is a terminal, and nothing otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        return self._advance

    def _advance(self, done: int, total: int) -> None:
        if total < 200:  # quick enough not to need a bar
            return
        if self._task is None:
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._bar.stop()


def url(project: Project, address: str) -> str:
    """A page's address on the published site, when mkdocs.yml names the site's URL."""
    return project.site_url.rstrip("/") + "/" + address if project.site_url else address


def file(project: Project, rel_path: str) -> str:
    """A docs file as a message names it."""
    from accord.format.paths import display_path

    return display_path(project.docs_dir / rel_path)


def parse_date(value: str | None, option: str) -> Any:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"`{value}` is not a date: write YYYY-MM-DD", param_hint=option) from None


def plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
