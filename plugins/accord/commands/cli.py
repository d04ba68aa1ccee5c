"""The `accord` command line: the commands, their options and arguments, and one call each
into the module that does the work (it returns data) and one into accord.commands.output
(which prints it). The heavier modules (pydantic models, the loader, Whoosh) are imported
by the commands that need them, so that `accord search` starts in a fraction of a second."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from accord import __version__
from accord.commands import common
from accord.commands.common import project_for, require_folder
from accord.format.vocabulary import AUDIENCE_RANK, KIND_NAMES, ORGANIZATION_KINDS

RECORD_TYPES = ("agreement", "organization", "playbook", "retrospective")

AUDIENCE = click.Choice(list(AUDIENCE_RANK))
AUDIENCE_HELP = ("Only what this audience may see (default: accord/records' audience in mkdocs.yml, "
                 "else $ACCORD_AUDIENCE, else internal; the narrower if both are set).")


audience_option = click.option("--audience", type=AUDIENCE, help=AUDIENCE_HELP)
docs_dir_option = click.option("--docs-dir", type=click.Path(path_type=Path, file_okay=False),
                               help="The docs folder (default: from the nearest mkdocs.yml, else ./docs).")


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
    from accord.commands.output import show_validation
    from accord.commands.validate import validate as check

    project = project_for(docs_dir)
    require_folder(project)
    validation = check(project)
    show_validation(validation, output_format, strict)
    sys.exit(validation.exit_code(strict))


@main.command()
@click.argument("record_type", metavar="TYPE", type=click.Choice(sorted(RECORD_TYPES)))
@click.argument("record_id", metavar="ID")
@click.option("--title", help="The record's title (default: from the id).")
@click.option("--kind", help=(
    f"An agreement's or playbook's kind: {', '.join(KIND_NAMES)} (an agreement's default: mou). "
    f"An organisation's kind (required): {', '.join(ORGANIZATION_KINDS)}."))
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
@click.option("--from-playbook", "playbook", metavar="PLAYBOOK-ID",
              help="Pre-fill an agreement from a playbook: its kind, sector and tags, and its checklist as a comment.")
@docs_dir_option
def new(
    record_type: str,
    record_id: str,
    title: str | None,
    kind: str | None,
    parties: tuple[str, ...],
    agreements: tuple[str, ...],
    playbook: str | None,
    docs_dir: Path | None,
) -> None:
    """Write a new TYPE record with id ID, ready to fill in; never overwrites."""
    from accord.commands.output import show_created
    from accord.commands.scaffold import NewRecord, ScaffoldError, create
    from accord.format.loading import build_date

    request = NewRecord(record_type, record_id, title, kind, list(parties), list(agreements), playbook)
    try:
        path = create(project_for(docs_dir), request, build_date())
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    show_created(path)


@main.command()
@click.argument("agreement", metavar="AGREEMENT")
@click.argument("copy", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Replace a signed copy or digest already recorded (a copy scanned again).")
@click.option("--print", "print_only", is_flag=True, help="Print the lines to paste; change no file.")
@docs_dir_option
def sign(agreement: str, copy: Path, replace: bool, print_only: bool, docs_dir: Path | None) -> None:
    """Record FILE as the signed copy of AGREEMENT (its id, or its file): its name and SHA-256
    digest go into the agreement's front matter, nothing else in the file changes.

    FILE must be one of the agreement's own files: in its own folder (docs/agreements/ID/) or
    named after it (docs/agreements/ID.pdf), so that it is published, and kept out, with it.
    `accord validate` then checks that the file is still the one recorded.
    """
    from accord.commands.output import show_signed
    from accord.commands.sign import SignError
    from accord.commands.sign import sign as record_copy

    project = project_for(docs_dir)
    require_folder(project, "e.g. `accord sign ID FILE --docs-dir path/to/docs`")
    try:
        recorded = record_copy(project.docs_dir, agreement, copy, replace=replace, write=not print_only)
    except SignError as exc:
        raise click.ClickException(str(exc)) from None
    show_signed(recorded, print_only)


@main.command()
@click.option("--within", "within", default="90d", show_default=True, metavar="WINDOW",
              help="How far ahead: days, weeks, months or years (90d, 12w, 6m, 1y).")
@audience_option
@click.option("--format", "output_format", type=click.Choice(["text", "json", "ics"]), default="text",
              show_default=True, help="text: grouped by date; json: a list; ics: the site's calendar.")
@docs_dir_option
def due(within: str, audience: str | None, output_format: str, docs_dir: Path | None) -> None:
    """Reviews, expiries and objective due dates coming up, and everything overdue.

    Exit status: 0 when nothing is overdue, 3 when something is (for a scheduled job to
    alert on), 1 when the knowledge base has errors, 2 on a usage error.
    """
    from accord.commands import due as coming
    from accord.commands.output import show_due

    days = coming.window(within)
    project = project_for(docs_dir)
    found = coming.due(project, common.audience_of(audience, project), days)
    show_due(found, output_format)
    sys.exit(found.exit_code)


@main.command()
@click.argument("kind", metavar="KIND", type=click.Choice(["agreements", "parties", "responsibilities", "objectives",
                                                           "resources", "lessons", "organizations", "playbooks",
                                                           "retrospectives"]))
@click.option("--format", "output_format", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--bom", is_flag=True, help="Start the CSV with a UTF-8 byte-order mark (for Excel).")
@audience_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (whole or not at all) instead of the terminal.")
@docs_dir_option
def export(kind: str, output_format: str, bom: bool, audience: str | None, output: Path | None,
           docs_dir: Path | None) -> None:
    """Export KIND as a table for a spreadsheet: agreements, parties, responsibilities
    (one row per RACI letter), objectives, resources, lessons, organizations, playbooks or
    retrospectives. The site's registers link the same tables (CSV with a byte-order mark, JSON).

    Only what the audience may see is exported. CSV cells that a spreadsheet would run as
    formulas are written with a leading apostrophe; dates are ISO (YYYY-MM-DD).
    """
    from accord.commands import export as exporting
    from accord.commands.output import show_exported

    if bom and output_format != "csv":
        raise click.BadParameter("--bom is for CSV only", param_hint="--bom")
    project = project_for(docs_dir)
    exported = exporting.export(project, common.audience_of(audience, project), kind, output_format, bom)
    if output is not None and str(output) != "-":
        exporting.write_file(project, output, exported.text)
    show_exported(exported, output)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", help="The site's name (default: from the folder's name).")
@click.option("--force", is_flag=True, help="Add the missing files to a folder that is not empty (never overwrites).")
@click.option("--team-files", "team_only", is_flag=True,
              help="Only the files that set up a team's repository, where missing: requirements.txt, "
                   ".pre-commit-config.yaml and the GitHub Actions workflows (for a knowledge base that "
                   "predates them; no example record is written).")
def init(folder: Path, name: str | None, force: bool, team_only: bool) -> None:
    """Create a new knowledge base in FOLDER: mkdocs.yml, docs/ with an example of each
    record type, a .gitignore, a README with the commands a team needs, and the files that
    install Accord, check each commit and publish the site from GitHub."""
    from accord.commands.init import InitError, create
    from accord.commands.output import show_init
    from accord.format.loading import build_date

    try:
        created = create(folder, name, build_date(), force=force, team_only=team_only)
    except InitError as exc:
        raise click.UsageError(str(exc)) from None
    show_init(created, folder, team_only)


@main.command()
def requirements() -> None:
    """Print a requirements.txt for this Accord: the line that installs it from Git at its
    release tag, and everything it needs at the versions it was tested with.

    After installing a new release: accord requirements > requirements.txt
    """
    from accord import release

    click.echo(release.requirements(release.installed()), nl=False)


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@audience_option
@docs_dir_option
def render(out: Path, audience: str | None, docs_dir: Path | None) -> None:
    """Write the site as a plain project in OUT, for any engine that reads mkdocs.yml.

    OUT gets an mkdocs.yml without Accord's plugins and a docs/ folder holding every page
    the plugins make, as Markdown: record pages, registers, organisation pages, the
    responsibility overview, lessons, the due page, the assets and calendar.ics. Only what
    the audience may see is written. Build it with `mkdocs build` or `zensical build`.
    An OUT written by an earlier `accord render` is replaced; any other folder that is not
    empty is refused.
    """
    from accord.commands.output import show_rendered
    from accord.commands.render import render as write_project

    show_rendered(write_project(project_for(docs_dir), out, audience))


@main.command()
def schema() -> None:
    """Print the JSON Schema of a record (for editor completion)."""
    from accord.format.editor_schema import schema_json

    click.echo(schema_json())


@main.command()
@click.argument("query", nargs=-1)
@click.option("--type", "doc_type", type=click.Choice(["agreement", "organization", "playbook", "retrospective",
                                                       "lesson"]), help="Only this kind of result.")
@click.option("--topic", metavar="T", help="Only records and lessons with this topic.")
@click.option("--partner", metavar="ORG", help="Only what concerns this organisation (its id or its name).")
@click.option("--kind", type=click.Choice(["mou", "moa", "data-sharing", "ppp", "grant", "service-level", "other"]),
              help="Only agreements of this kind, and lessons and playbooks about them.")
@click.option("--impact", type=click.Choice(["positive", "negative", "mixed"]), help="Only lessons of this impact.")
@click.option("--since", metavar="DATE", help="Only what is dated on or after DATE (YYYY-MM-DD).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="At most N results.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {query, results: [{id, type, title, score, "
              "snippet, path, url}]}.")
@audience_option
@docs_dir_option
def search(query: tuple[str, ...], doc_type: str | None, topic: str | None, partner: str | None, kind: str | None,
           impact: str | None, since: str | None, limit: int, as_json: bool, audience: str | None,
           docs_dir: Path | None) -> None:
    """Search agreements, playbooks, retrospectives, organisations and lessons.

    Ask as you would ask a colleague: "what went wrong last time we shared data with a
    hospital?" brings the lessons that went wrong first, "who is responsible for…" the
    agreements, "how do I…" the playbooks, and a partner, agreement or playbook named
    comes first. Misspelt words are corrected. Whoosh query syntax works too:
    `title:consent`, `"data protection"`, `consent AND NOT school`, `topic:procurement`,
    `consen*` (a `?` ending a word is punctuation). With no QUERY, everything the filters
    let through, newest first.
    """
    from accord.commands import search as searching
    from accord.commands.output import show_search

    asked = searching.Asked(query, doc_type, topic, partner, kind, impact, since, limit)
    show_search(searching.search(asked, audience, docs_dir), as_json)


@main.command("lessons-for")
@click.argument("draft", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="At most N lessons.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {draft, results: [{id, title, score, reasons, "
              "url}]}.")
@audience_option
@docs_dir_option
def lessons_for(draft: Path, limit: int, as_json: bool, audience: str | None, docs_dir: Path | None) -> None:
    """The past lessons that concern a draft agreement, best first, and why.

    DRAFT is an agreement file in the format; it may still be incomplete. Lessons from
    retrospectives of the same partners and kind come first; then shared partners, kind,
    sector, topics and similar wording count.
    """
    from accord.commands import search as searching
    from accord.commands.output import show_draft_notes, show_lessons

    drafted = searching.read_draft(draft)
    show_draft_notes(drafted)
    project = searching.draft_project(draft, docs_dir)
    show_lessons(searching.lessons_for(drafted, project, audience, limit, common.warn), as_json)


def run() -> None:
    """Entry point: usage errors exit 2, and no input ever ends in a traceback."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:  # the output could not be written (a full disk, a closed pipe)
        with contextlib.suppress(OSError):
            sys.stderr.write(f"accord: cannot write the output: {exc.strerror or exc}\n")
        sys.exit(74)
    except Exception as exc:
        click.echo(
            f"accord: internal error: {type(exc).__name__}: {exc}. Please report it with the command you ran.", err=True
        )
        sys.exit(70)
