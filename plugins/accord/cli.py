"""The `accord` command line: a thin adapter over the core."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from accord import __version__
from accord.diagnostics import count, format_json
from accord.loading import build_date, display_path, load
from accord.project import Project, locate
from accord.scaffold import FOLDERS, NewRecord, ScaffoldError, create
from accord.schema import schema_json

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _project(docs_dir: Path | None) -> Project:
    if docs_dir is not None:
        return Project(docs_dir=docs_dir)
    return locate()


def _require_folder(project: Project) -> None:
    if not project.docs_dir.is_dir():
        where = f" (docs_dir of {display_path(project.config_file)})" if project.config_file else ""
        raise click.UsageError(
            f"no docs folder at {display_path(project.docs_dir)}{where}; "
            "give the folder, e.g. `accord validate path/to/docs`, or run this inside a knowledge base"
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="accord")
def main() -> None:
    """Accord: a knowledge base of partnership agreements, playbooks and lessons learned."""


@main.command()
@click.argument("docs_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: PATH:LINE:COL lines; json: a list; github: Actions annotations.",
)
def validate(docs_dir: Path | None, strict: bool, output_format: str) -> None:
    """Check every record under DOCS_DIR against the format and its rules.

    DOCS_DIR defaults to the docs_dir of the nearest mkdocs.yml upward, else ./docs.
    Exit status: 0 clean (warnings allowed unless --strict), 1 problems, 2 usage error.
    """
    project = _project(docs_dir)
    _require_folder(project)
    result = load(project.docs_dir, build_date())
    diagnostics = result.diagnostics
    errors, warnings = count(diagnostics)
    if output_format == "json":
        click.echo(format_json(diagnostics))
    else:
        for diagnostic in diagnostics:
            line = diagnostic.format_github() if output_format == "github" else diagnostic.format_text()
            click.echo(line)
        records = len(result.records) + result.invalid
        summary = (
            f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {_plural(records, 'record')} "
            f"({display_path(project.docs_dir)}, {result.elapsed:.2f}s)"
        )
        failed = errors or (strict and warnings)
        click.echo(click.style(summary, fg="red" if failed else ("yellow" if warnings else "green")), err=False)
    sys.exit(EXIT_ERRORS if errors or (strict and warnings) else EXIT_OK)


@main.command()
@click.argument("record_type", metavar="TYPE", type=click.Choice(sorted(FOLDERS)))
@click.argument("record_id", metavar="ID")
@click.option("--title", help="The record's title (default: from the id).")
@click.option("--kind", help="Agreement kind (default mou), organisation kind (required), or playbook kind.")
@click.option(
    "--party",
    "parties",
    multiple=True,
    metavar="ORG",
    help="A party (agreement) or partner (retrospective); repeat it.",
)
@click.option(
    "--agreement",
    "agreements",
    multiple=True,
    metavar="ID",
    help="An agreement a retrospective looks back on; repeat it.",
)
@click.option(
    "--docs-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The docs folder (default: from the nearest mkdocs.yml, else ./docs).",
)
def new(
    record_type: str,
    record_id: str,
    title: str | None,
    kind: str | None,
    parties: tuple[str, ...],
    agreements: tuple[str, ...],
    docs_dir: Path | None,
) -> None:
    """Write a new TYPE record with id ID, ready to fill in; never overwrites."""
    project = _project(docs_dir)
    request = NewRecord(record_type, record_id, title, kind, list(parties), list(agreements))
    try:
        path = create(project, request, build_date())
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Created {display_path(path)}: fill it in, then run `accord validate`.")


@main.command()
def schema() -> None:
    """Print the JSON Schema of a record (for editor completion)."""
    click.echo(schema_json())


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def run() -> None:
    """Entry point: usage errors exit 2, and no input ever ends in a traceback."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        click.echo(
            f"accord: internal error: {type(exc).__name__}: {exc}. Please report it with the command you ran.", err=True
        )
        sys.exit(70)
