"""The `accord` command line: a thin adapter over the core."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from accord import __version__
from accord.commands.project import Project, locate
from accord.format.vocabulary import KIND_NAMES, ORGANIZATION_KINDS

# The heavier modules (pydantic models, the loader, Whoosh) are imported by the commands
# that need them, so that `accord search` starts in a fraction of a second.

if TYPE_CHECKING:
    from accord.search.index import SearchIndex as SearchIndexType

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
RECORD_TYPES = ("agreement", "organization", "playbook", "retrospective")

AUDIENCE = click.Choice(["public", "internal", "restricted"])
AUDIENCE_HELP = ("Only what this audience may see (default: accord/records' audience in mkdocs.yml, "
                 "else $ACCORD_AUDIENCE, else internal; the narrower if both are set).")


audience_option = click.option("--audience", type=AUDIENCE, help=AUDIENCE_HELP)
docs_dir_option = click.option("--docs-dir", type=click.Path(path_type=Path, file_okay=False),
                               help="The docs folder (default: from the nearest mkdocs.yml, else ./docs).")


def _project(docs_dir: Path | None) -> Project:
    if docs_dir is not None:
        # The knowledge base whose docs folder this is, if there is one: its settings (the
        # audience above all) apply.
        around = locate(docs_dir.resolve())
        if around.config_file is not None and around.docs_dir.resolve() == docs_dir.resolve():
            return around
        return Project(docs_dir=docs_dir)
    return locate()


def _require_folder(project: Project, how: str = "e.g. `accord validate path/to/docs`") -> None:
    from accord.format.paths import display_path

    if not project.docs_dir.is_dir():
        where = f" (docs_dir of {display_path(project.config_file)})" if project.config_file else ""
        raise click.UsageError(
            f"no docs folder at {display_path(project.docs_dir)}{where}; "
            f"give the folder, {how}, or run this inside a knowledge base"
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
    from accord.format.diagnostics import count, format_json
    from accord.format.paths import display_path

    project = _project(docs_dir)
    _require_folder(project)
    result = _load(project, "Validating records")
    diagnostics = result.diagnostics
    if project.config_file is not None:
        from accord.site.guard import unguarded
        from accord.site.theme import theme_problems

        diagnostics = sorted(diagnostics + unguarded(result.records, project.exclude_docs, project.config_file.name)
                             + theme_problems(result.records, project.custom_dir, project.theme))
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
    playbook: str | None,
    docs_dir: Path | None,
) -> None:
    """Write a new TYPE record with id ID, ready to fill in; never overwrites."""
    from accord.commands.scaffold import NewRecord, ScaffoldError, create
    from accord.format.loading import build_date, display_path

    project = _project(docs_dir)
    request = NewRecord(record_type, record_id, title, kind, list(parties), list(agreements), playbook)
    try:
        path = create(project, request, build_date())
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Created {display_path(path)}: fill it in, then run `accord validate`.")


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
    from accord.commands.sign import SignError
    from accord.commands.sign import sign as record_copy
    from accord.format.paths import display_path

    project = _project(docs_dir)
    _require_folder(project, "e.g. `accord sign ID FILE --docs-dir path/to/docs`")
    try:
        recorded = record_copy(project.docs_dir, agreement, copy, replace=replace, write=not print_only)
    except SignError as exc:
        raise click.ClickException(str(exc)) from None
    if print_only:
        click.echo(recorded.lines, nl=False)
    elif recorded.changed:
        click.echo(f"Recorded the signed copy in {display_path(recorded.agreement)}: `{recorded.file}`, SHA-256 "
                   f"{recorded.sha256}. `accord validate` checks it from now on.")
    else:
        click.echo(f"{display_path(recorded.agreement)} already records this signed copy (SHA-256 {recorded.sha256}).")


EXIT_OVERDUE = 3
_WINDOW = re.compile(r"^\s*(\d+)\s*([dwmy]?)\s*$", re.IGNORECASE)
_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}


def _window(value: str) -> int:
    """Days in a window written `90d`, `12w`, `6m`, `1y` or `90`."""
    match = _WINDOW.match(value)
    if not match:
        raise click.BadParameter(f"`{value}` is not a window: write days, weeks, months or years, e.g. 90d, 12w, 6m, "
                                 "1y", param_hint="--within")
    days = int(match.group(1)) * _DAYS[match.group(2).lower()]
    if days > 3650:
        raise click.BadParameter(f"`{value}` is more than ten years ahead", param_hint="--within")
    return days


def _load(project: Project, label: str, audience: str | None = None) -> Any:
    """Every record read and checked, with a progress bar on a terminal; the messages for
    `audience` if one is given (they name nothing it may not see)."""
    from accord.format.loading import build_date, load, markdown_files

    with _progress(label) as progress:
        total = len(markdown_files(project.docs_dir)) if progress else 0
        done = 0

        def advance() -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, total)

        return load(project.docs_dir, build_date(), on_file=advance, audience=audience)


def _catalogue(project: Project, audience: str, label: str) -> Any:
    """The catalogue of the knowledge base for one audience (records with errors left out, and said)."""
    from accord.catalogue import Catalogue
    from accord.format.paths import display_path

    _require_folder(project, "with --docs-dir")
    result = _load(project, label, audience)
    if result.errors:
        # A list with records missing would look complete: nothing rather than a wrong answer.
        _say_errors(result, f"fix them first (`accord validate {display_path(project.docs_dir)}` shows them all)")
        sys.exit(EXIT_ERRORS)
    return Catalogue.build(result.records, audience)


def _say_errors(result: Any, advice: str, limit: int | None = 20) -> None:
    """The errors of a load made for an audience, on stderr: those it may be shown (up to
    `limit`), and of the others only that there are some (never their paths or number)."""
    shown, unseen = result.shown(result.errors)
    for diagnostic in shown[:limit]:
        click.echo(diagnostic.format_text(), err=True)
    more = f" ({len(shown) - limit} more)" if limit is not None and len(shown) > limit else ""
    if shown:
        click.echo(f"accord: {_plural(len(shown), 'error')}{more}{' and others' if unseen else ''}: {advice}",
                   err=True)
    else:
        click.echo(f"accord: the knowledge base has errors in records this audience may not be shown: {advice}",
                   err=True)


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
    from accord.format.loading import build_date
    from accord.format.paths import display_path

    days = _window(within)
    project = _project(docs_dir)
    catalogue = _catalogue(project, _audience(audience, project), "Reading records")
    today = build_date()
    items = catalogue.due(today, days)
    overdue = [item for item in items if item.overdue]
    if output_format == "ics":
        from accord.site.ical import build_calendar

        name = project.site_name or "Accord"
        sys.stdout.buffer.write(build_calendar(catalogue, today, project.site_url or "", name))
        sys.stdout.flush()
    elif output_format == "json":
        import json

        def entry(item: Any) -> dict[str, Any]:
            return {
                "date": item.when.isoformat(), "what": item.what, "label": item.label, "overdue": item.overdue,
                "agreement": item.agreement.id, "title": item.agreement.title,
                "responsible": [{"id": org, "name": _title(catalogue, org)} for org in item.responsible],
                "path": display_path(project.docs_dir / item.agreement.rel_path),
                "url": _url(project, item.agreement.url),
            }

        click.echo(json.dumps({"today": today.isoformat(), "within_days": days,
                               "overdue": [entry(i) for i in overdue],
                               "upcoming": [entry(i) for i in items if not i.overdue]}, ensure_ascii=False, indent=2))
    else:
        _print_due(project, catalogue, today, days, items)
    sys.exit(EXIT_OVERDUE if overdue else EXIT_OK)


def _title(catalogue: Any, record_id: str) -> str:
    record = catalogue.get(record_id)
    return record.title if record is not None else record_id


def _print_due(project: Project, catalogue: Any, today: Any, days: int, items: list[Any]) -> None:
    from itertools import groupby

    from accord.format.paths import display_path

    style = sys.stdout.isatty()
    for heading, group in (("Overdue", [i for i in items if i.overdue]),
                           (f"Due in the next {days} days (to {today + timedelta(days=days)})",
                            [i for i in items if not i.overdue])):
        title = click.style(heading, bold=True, fg="red" if heading == "Overdue" else None) if style else heading
        click.echo(f"{title}: {len(group) or 'nothing'}")
        for when, same_day in groupby(group, key=lambda item: item.when):
            click.echo(f"  {when.isoformat()}")
            for item in same_day:
                nobody = "no owner named" if item.what == "objective" else "no lead party"
                who = ", ".join(_title(catalogue, org) for org in item.responsible) or nobody
                what = {"review": f"Review of “{item.agreement.title}”",
                        "expiry": f"“{item.agreement.title}” expires"}.get(
                    item.what, f"Objective “{item.label}” of “{item.agreement.title}”")
                click.echo(f"    {what} ({who})")
                click.echo(f"      {display_path(project.docs_dir / item.agreement.rel_path)}")
        click.echo("")


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
    from accord.format.paths import display_path

    if bom and output_format != "csv":
        raise click.BadParameter("--bom is for CSV only", param_hint="--bom")
    project = _project(docs_dir)
    chosen = _audience(audience, project)
    catalogue = _catalogue(project, chosen, "Reading records")
    columns, rows = exporting.table(catalogue, kind)
    text = (exporting.to_csv(columns, rows, bom=bom) if output_format == "csv"
            else exporting.to_json(kind, chosen, rows))
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
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
    click.echo(f"Wrote {_plural(len(rows), 'row')} of {kind} ({chosen} audience) to {display_path(output)}.",
               err=True)


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
    from accord.commands.init import TEAM_FILES, InitError, create
    from accord.format.loading import build_date
    from accord.format.paths import display_path

    try:
        created = create(folder, name, build_date(), force=force, team_only=team_only)
    except InitError as exc:
        raise click.UsageError(str(exc)) from None
    for path in created.kept:
        click.echo(f"kept {display_path(path)} (already there)")
    where = display_path(folder)
    origin = created.origin
    written = {path.relative_to(folder).as_posix() for path in created.written}
    if team_only:
        click.echo(f"Wrote {_plural(len(created.written), 'file')} in {where}"
                   + (f": {', '.join(sorted(written))}." if written else "."))
    else:
        click.echo(f"Created a knowledge base in {where} ({_plural(len(created.written), 'file')}). Next:\n"
                   f"  cd {where}\n"
                   "  mkdocs serve        # the site at http://127.0.0.1:8000\n"
                   "  accord new agreement ID --party ORG --party ORG\n"
                   "  accord validate\n"
                   "To publish it from GitHub (README.md, \"Publishing\"): git init -b main, commit; create the "
                   "repository on GitHub, set Settings → Pages → Source to \"GitHub Actions\", then push.")
    if written & set(TEAM_FILES):
        click.echo(f"Accord is installed from: {origin.requirement}")
        if not origin.recorded:
            click.echo(f"  (this Accord was not installed from Git, so the files name its release, {origin.revision}, "
                       f"in {origin.repository}: check that this is the Accord you mean)")
        elif origin.on_this_machine:
            click.echo("  (a folder on this machine, which no CI runner can reach: put the repository's https "
                       "address in requirements.txt and .pre-commit-config.yaml before you push)")


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
    from accord.catalogue import Catalogue
    from accord.format.loading import build_date
    from accord.format.paths import display_path
    from accord.search.advice import lessons_to_consider
    from accord.site import config as settings
    from accord.site import publish

    project = _project(docs_dir)
    _require_folder(project)
    chosen = _audience(audience, project)
    target, docs = out.resolve(), project.docs_dir.resolve()
    if target == docs or docs.is_relative_to(target) or target.is_relative_to(docs):
        raise click.UsageError(f"{display_path(out)} overlaps the docs folder {display_path(project.docs_dir)}; "
                               "render into a folder of its own, e.g. `accord render ../site-plain`")
    if out.is_symlink():
        raise click.UsageError(f"{display_path(out)} is a symbolic link; give the folder it points to, or a new one")
    if out.exists() and not out.is_dir():
        raise click.UsageError(f"{display_path(out)} is a file; give a folder: a new one, or one accord render wrote")
    if out.exists() and any(out.iterdir()) and not (out / publish.MARKER).is_file():
        raise click.UsageError(f"{display_path(out)} is not empty and was not written by `accord render`; "
                               "give a new folder, or empty this one")
    result = _load(project, "Reading records", chosen)
    if result.errors:
        _say_errors(result, "nothing rendered; fix them (`accord validate` shows the whole list)", limit=None)
        sys.exit(EXIT_ERRORS)
    try:
        config = settings.read(project.config_file) if project.config_file else {}
    except settings.ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    from accord.site import includes

    unsafe = includes.render_problems(config, project.config_file, project.docs_dir, result.records, result.failed,
                                      out=target)
    if unsafe:  # the project written would let another engine include what the audience may not see
        name = project.config_file.name if project.config_file else "mkdocs.yml"
        click.echo("accord: " + "\n".join([includes.heading(unsafe, name), *unsafe]) + "\naccord: nothing rendered",
                   err=True)
        sys.exit(EXIT_ERRORS)
    catalogue = Catalogue.build(result.records, chosen)
    options = publish.Options(project.docs_dir, config, custom_dir=project.custom_dir, today=build_date())
    try:
        plan = publish.plan(result, catalogue, options, advice_for=lessons_to_consider)
    except ValueError as exc:  # an option of the plugins that cannot be used
        where = display_path(project.config_file or Path("mkdocs.yml"))
        raise click.UsageError(f"{where}: accord/pages: {exc}") from None
    custom = "overrides" if project.custom_dir is not None and project.custom_dir.is_dir() else None
    output = publish.output_config(config or {"site_name": "Knowledge base", "theme": {"name": "material"}},
                                   plan, custom)
    try:
        publish.write(out, plan, output, project.custom_dir if custom else None)
    except OSError as exc:
        raise click.ClickException(f"cannot write {display_path(out)}: {exc.strerror or exc}") from None
    from accord.site.guard import Attachments

    for line in Attachments.report(plan.left_out, chosen):
        click.echo(f"accord: {line}", err=True)
    pages = sum(1 for rel in {*plan.texts, *plan.copies} if rel.endswith(".md"))
    click.echo(f"Rendered {_plural(len(catalogue.records), 'record')} for the {chosen} audience "
               f"into {display_path(out)}: {_plural(pages, 'page')}. Build it with:\n"
               f"  cd {display_path(out)} && mkdocs build      # or: zensical build")


@main.command()
def schema() -> None:
    """Print the JSON Schema of a record (for editor completion)."""
    from accord.format.editor_schema import schema_json

    click.echo(schema_json())


def _audience(given: str | None, project: Project) -> str:
    import os

    if given:
        return given  # asked for on the command line: that is the audience
    from accord.format.vocabulary import narrowest

    environment = os.environ.get("ACCORD_AUDIENCE", "").strip() or None
    audience, conflict = narrowest(project.audience, environment)
    if conflict:
        click.echo(f"accord: {conflict}", err=True)
    if audience not in AUDIENCE.choices or (environment and environment not in AUDIENCE.choices):
        raise click.UsageError(
            f"unknown audience `{audience}` (from mkdocs.yml or ACCORD_AUDIENCE); use public, internal or restricted"
        )
    return audience


def _open_index(project: Project, audience: str) -> SearchIndexType:
    """The knowledge base's search index, brought up to date (with a progress bar on a terminal)."""
    from accord.format.paths import display_path
    from accord.search.index import SearchIndex

    _require_folder(project, "with --docs-dir")
    index = SearchIndex(project.docs_dir, project.cache_dir, audience)
    from accord.search.index import Unreadable

    with _progress("Indexing records") as progress:
        try:
            report = index.refresh(progress)
        except Unreadable as exc:
            raise click.UsageError(str(exc)) from None
    for folder in report.unreadable:
        click.echo(f"accord: cannot read the folder {display_path(project.docs_dir / folder)}; its records are "
                   "searched as they were when it was last read", err=True)
    if report.read_only:
        click.echo(f"accord: cannot write the search index under {project.cache_dir}; searching without it "
                   "(this is slower: make the folder writable)", err=True)
    if report.locked:
        click.echo("accord: another accord command is updating the search index; results may be a moment out "
                   "of date", err=True)
    if report.invalid:
        # How many, only to an audience that sees every record: a count is a trace of them.
        which = _plural(len(report.invalid), "record") if audience == "restricted" else "Records"
        click.echo(f"accord: {which} with errors cannot be searched; run `accord validate` to see them", err=True)
    return index


class _progress:
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


def _url(project: Project, url: str) -> str:
    return project.site_url.rstrip("/") + "/" + url if project.site_url else url


def _parse_date(value: str | None, option: str) -> Any:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"`{value}` is not a date: write YYYY-MM-DD", param_hint=option) from None


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
    from accord.search.index import Filters
    from accord.search.query import QueryProblem
    from accord.search.query import search as run_search

    project = _project(docs_dir)
    index = _open_index(project, _audience(audience, project))
    filters = Filters(doc_type, topic, _partner(index, partner), kind, impact, _parse_date(since, "--since"))
    if filters.topic:
        _check_topic(index, filters.topic)
    text = " ".join(query)
    try:
        response = run_search(index, text, filters, limit)
    except QueryProblem as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        import json

        click.echo(json.dumps({
            "query": text,
            "searched": response.searched,
            "corrections": response.corrections,
            "total": response.total,
            "results": [
                {"id": r.id, "type": r.type, "title": r.title, "score": r.score, "snippet": _plain(r.snippet, "**"),
                 "path": _file(project, r.path), "line": r.line, "url": _url(project, r.url), **r.context}
                for r in response.results
            ],
        }, ensure_ascii=False, indent=2))
        return
    _print_results(project, response, filters)


def _partner(index: SearchIndexType, partner: str | None) -> str | None:
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


def _check_topic(index: SearchIndexType, topic: str) -> None:
    from accord.search.query import live

    with index.searcher() as searcher:
        reader = searcher.reader()
        topics = [t.decode() for t in reader.lexicon("topics") if live(reader, "topics", t.decode())]
    if topic.lower() not in topics:
        from accord.format.suggest import nearest

        near = nearest(topic, topics, limit=3)
        hint = f" Did you mean {', '.join(f'`{n}`' for n in near)}?" if near else ""
        raise click.BadParameter(f"no record or lesson has the topic `{topic}`.{hint}", param_hint="--topic")


def _plain(snippet: str, mark: str = "") -> str:
    from accord.search.query import END, START

    return snippet.replace(START, mark).replace(END, mark)


def _file(project: Project, rel_path: str) -> str:
    from accord.format.paths import display_path

    return display_path(project.docs_dir / rel_path)


def _either(words: list[str]) -> str:
    quoted = [f"“{word}”" for word in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _print_results(project: Project, response: Any, filters: Any) -> None:
    from accord.search.query import END, START

    style = sys.stdout.isatty()
    if response.corrections:
        shown = click.style(response.searched, bold=True) if style else response.searched
        click.echo(f"Showing results for {shown} (corrected from “{response.query}”).")
    if not response.results:
        click.echo(f"No results for “{response.query}”" + (f" with {' '.join(filters.given())}" if filters.given()
                                                          else "") + ".")
        if response.unknown:  # a word of the language is left as typed; another had no word close to it
            from accord.search.terms import english

            words = [w for w in response.unknown if english(w.lower())]
            others = [w for w in response.unknown if w not in words]
            if words:
                click.echo(f"No record contains {_either(words)}.")
            if others:
                click.echo(f"No record contains {_either(others)}, nor a word close to it.")
        if response.without_filters:
            click.echo(f"Without the filters there {'is' if response.without_filters == 1 else 'are'} "
                       f"{_plural(response.without_filters, 'result')}.")
        elif not response.unknown and not response.corrections:
            click.echo("Try fewer or other words, or `accord search --help` for the query syntax.")
        return
    for n, result in enumerate(response.results, 1):
        title = click.style(result.title, bold=True) if style else result.title
        facts = [result.type]
        if result.context.get("impact"):
            facts.append(result.context["impact"])
        if result.context.get("date"):
            facts.append(result.context["date"])
        click.echo(f"{n}. {title}  ({' · '.join(facts)})")
        if result.context.get("parent_title"):
            click.echo(f"   in {result.context['parent_title']}")
        if result.snippet:
            snippet = result.snippet
            snippet = (snippet.replace(START, "\x1b[1;33m").replace(END, "\x1b[0m") if style
                       else _plain(snippet))
            click.echo(f"   {snippet}")
        click.echo(f"   {_file(project, result.path)}:{result.line}  {_url(project, result.url)}")
    more = response.total - len(response.results)
    if more > 0:
        click.echo(f"… and {_plural(more, 'more result')} (--limit to see more).")


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
    from accord.format.files import MAX_FILE
    from accord.format.paths import display_path
    from accord.format.source import read_draft
    from accord.search.advice import Draft

    try:
        if not draft.is_file():
            raise IsADirectoryError(21, "it is a folder" if draft.is_dir() else "not a regular file")
        if draft.stat().st_size > MAX_FILE:
            raise OSError(27, f"over {MAX_FILE // (1024 * 1024)} MB, too large to be a draft")
        raw = draft.read_bytes()
    except OSError as exc:
        reason = exc.strerror
        raise click.BadParameter(f"cannot read {display_path(draft)}: {reason}", param_hint="DRAFT") from None
    data, body, problems = read_draft(raw, display_path(draft))
    for diagnostic in problems:
        click.echo(f"{diagnostic.format_text()} (read as far as it goes)", err=True)
    if data is None:
        click.echo(f"accord: {display_path(draft)} has no front matter that can be read; comparing its text only",
                   err=True)
    project = _project(docs_dir)
    if docs_dir is None and project.config_file is None:
        project = locate(draft.resolve().parent)
    index = _open_index(project, _audience(audience, project))
    facts = index.facts()
    lookup = index.lookup()
    subject = Draft.from_data(data, body)
    kind_of = (data or {}).get("type")
    if kind_of not in (None, "agreement"):
        click.echo(f"accord: {display_path(draft)} is a {kind_of}, not an agreement; comparing its text and tags "
                   "anyway", err=True)
    for party in subject.parties:
        if lookup(party) is None:
            from accord.format.suggest import did_you_mean

            known = [rid for rid, f in facts.items() if f.type == "organization" and lookup(rid)]
            click.echo(f"accord: party `{party}` is not an organisation in this knowledge base"
                       f"{did_you_mean(party, known)}", err=True)

    def name_of(record_id: str) -> str:
        found = lookup(record_id)
        return found.title if found else record_id

    advice = index.lessons().advise(subject, limit, name_of)
    title = subject.title or display_path(draft)
    if as_json:
        import json

        click.echo(json.dumps({
            "draft": {"path": display_path(draft), "id": subject.id, "title": subject.title},
            "results": [
                {"id": a.address, "title": a.row.title, "score": a.score, "reasons": a.reasons, "applied": a.applied,
                 "impact": a.row.impact, "retrospective": a.row.retrospective_title, "held": a.row.held.isoformat(),
                 "path": _file(project, a.row.path), "url": _url(project, a.row.url)}
                for a in advice
            ],
        }, ensure_ascii=False, indent=2))
        return
    if not advice:
        click.echo(f"No past lessons concern “{title}” yet: none comes from a retrospective of the same partners "
                   "and kind of agreement, or of one it draws on, and none is worded closely enough like it. "
                   "(A shared partner, kind or topic alone is not enough.)")
        return
    style = sys.stdout.isatty()
    click.echo(f"Lessons to consider for “{title}”:")
    for n, item in enumerate(advice, 1):
        row = item.row
        heading = click.style(row.title, bold=True) if style else row.title
        impact = f", {row.impact}" if row.impact else ""
        mark = "  [applied]" if item.applied else ""
        click.echo(f"{n}. {heading}  ({row.retrospective_title}, {row.held.isoformat()}{impact}){mark}")
        click.echo(f"   why: {'; '.join(item.reasons)}")
        click.echo(f"   {_file(project, row.path)}  {_url(project, row.url)}")


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


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
