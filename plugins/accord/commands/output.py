"""What the `accord` commands print: the data each command's module returns, as text, JSON
or a calendar. Nothing here reads the knowledge base.

Text is styled (bold, colours) only on a terminal; messages about the run go to stderr,
the answer to stdout, so that `accord export > file` and `accord search --json | jq` work.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from accord.commands.common import file, plural, url

if TYPE_CHECKING:
    from accord.commands.due import Due
    from accord.commands.export import Export
    from accord.commands.render import Rendered
    from accord.commands.search import Advice, DraftFile, Found
    from accord.commands.validate import Validation


def _path(path: Path) -> str:
    from accord.format.paths import display_path

    return display_path(path)


# accord validate -----------------------------------------------------------------------


def show_validation(validation: Validation, output_format: str, strict: bool) -> None:
    from accord.format.diagnostics import format_json

    diagnostics = validation.diagnostics
    if output_format == "json":
        click.echo(format_json(diagnostics))
        return
    for diagnostic in diagnostics:
        line = diagnostic.format_github() if output_format == "github" else diagnostic.format_text()
        click.echo(line)
    errors, warnings = validation.errors, validation.warnings
    summary = (
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(validation.records, 'record')} "
        f"({_path(validation.docs_dir)}, {validation.elapsed:.2f}s)"
    )
    failed = validation.failed(strict)
    click.echo(click.style(summary, fg="red" if failed else ("yellow" if warnings else "green")), err=False)


# accord new, sign, init ----------------------------------------------------------------


def show_created(path: Path) -> None:
    click.echo(f"Created {_path(path)}: fill it in, then run `accord validate`.")


def show_signed(recorded: Any, print_only: bool) -> None:
    """accord.commands.sign's record of a signed copy."""
    if print_only:
        click.echo(recorded.lines, nl=False)
    elif recorded.changed:
        click.echo(f"Recorded the signed copy in {_path(recorded.agreement)}: `{recorded.file}`, SHA-256 "
                   f"{recorded.sha256}. `accord validate` checks it from now on.")
    else:
        click.echo(f"{_path(recorded.agreement)} already records this signed copy (SHA-256 {recorded.sha256}).")


def show_init(created: Any, folder: Path, team_only: bool) -> None:
    """accord.commands.init's files written, and what to do next."""
    from accord.commands.init import TEAM_FILES

    for path in created.kept:
        click.echo(f"kept {_path(path)} (already there)")
    where = _path(folder)
    written = {path.relative_to(folder).as_posix() for path in created.written}
    if team_only:
        click.echo(f"Wrote {plural(len(created.written), 'file')} in {where}"
                   + (f": {', '.join(sorted(written))}." if written else "."))
    else:
        click.echo(f"Created a knowledge base in {where} ({plural(len(created.written), 'file')}). Next:\n"
                   f"  cd {where}\n"
                   "  mkdocs serve        # the site at http://127.0.0.1:8000\n"
                   "  accord new agreement ID --party ORG --party ORG\n"
                   "  accord validate\n"
                   "To publish it from GitHub (README.md, \"Publishing\"): git init -b main, commit; create the "
                   "repository on GitHub, set Settings → Pages → Source to \"GitHub Actions\", then push.")
    if written & set(TEAM_FILES):
        _show_origin(created.origin)


def _show_origin(origin: Any) -> None:
    click.echo(f"Accord is installed from: {origin.requirement}")
    if not origin.recorded:
        click.echo(f"  (this Accord was not installed from Git, so the files name its release, {origin.revision}, "
                   f"in {origin.repository}: check that this is the Accord you mean)")
    elif origin.on_this_machine:
        click.echo("  (a folder on this machine, which no CI runner can reach: put the repository's https "
                   "address in requirements.txt and .pre-commit-config.yaml before you push)")


# accord due ----------------------------------------------------------------------------


def show_due(due: Due, output_format: str) -> None:
    if output_format == "ics":
        from accord.site.ical import build_calendar

        project = due.project
        name = project.site_name or "Accord"
        sys.stdout.buffer.write(build_calendar(due.catalogue, due.today, project.site_url or "", name))
        sys.stdout.flush()
    elif output_format == "json":
        click.echo(json.dumps({"today": due.today.isoformat(), "within_days": due.days,
                               "overdue": [_due_entry(due, i) for i in due.overdue],
                               "upcoming": [_due_entry(due, i) for i in due.upcoming]}, ensure_ascii=False, indent=2))
    else:
        _print_due(due)


def _due_entry(due: Due, item: Any) -> dict[str, Any]:
    return {
        "date": item.when.isoformat(), "what": item.what, "label": item.label, "overdue": item.overdue,
        "agreement": item.agreement.id, "title": item.agreement.title,
        "responsible": [{"id": org, "name": due.title(org)} for org in item.responsible],
        "path": file(due.project, item.agreement.rel_path),
        "url": url(due.project, item.agreement.url),
    }


def _print_due(due: Due) -> None:
    style = sys.stdout.isatty()
    days, today = due.days, due.today
    for heading, group in (("Overdue", due.overdue),
                           (f"Due in the next {days} days (to {today + timedelta(days=days)})", due.upcoming)):
        title = click.style(heading, bold=True, fg="red" if heading == "Overdue" else None) if style else heading
        click.echo(f"{title}: {len(group) or 'nothing'}")
        for when, same_day in groupby(group, key=lambda item: item.when):
            click.echo(f"  {when.isoformat()}")
            for item in same_day:
                nobody = "no owner named" if item.what == "objective" else "no lead party"
                who = ", ".join(due.title(org) for org in item.responsible) or nobody
                what = {"review": f"Review of “{item.agreement.title}”",
                        "expiry": f"“{item.agreement.title}” expires"}.get(
                    item.what, f"Objective “{item.label}” of “{item.agreement.title}”")
                click.echo(f"    {what} ({who})")
                click.echo(f"      {file(due.project, item.agreement.rel_path)}")
        click.echo("")


# accord export -------------------------------------------------------------------------


def show_exported(exported: Export, output: Path | None) -> None:
    """The table, or (written to a file) what was written where."""
    if output is None or str(output) == "-":
        click.echo(exported.text, nl=False)
        return
    click.echo(f"Wrote {plural(exported.rows, 'row')} of {exported.kind} ({exported.audience} audience) to "
               f"{_path(output)}.", err=True)


# accord search -------------------------------------------------------------------------


def show_search(found: Found, as_json: bool) -> None:
    if as_json:
        response, project = found.response, found.project
        click.echo(json.dumps({
            "query": found.text,
            "searched": response.searched,
            "corrections": response.corrections,
            "total": response.total,
            "results": [
                {"id": r.id, "type": r.type, "title": r.title, "score": r.score, "snippet": _plain(r.snippet, "**"),
                 "path": file(project, r.path), "line": r.line, "url": url(project, r.url), **r.context}
                for r in response.results
            ],
        }, ensure_ascii=False, indent=2))
    elif not found.response.results:
        _print_nothing_found(found.response, found.filters)
    else:
        _print_results(found)


def _plain(snippet: str, mark: str = "") -> str:
    from accord.search.query import END, START

    return snippet.replace(START, mark).replace(END, mark)


def _either(words: list[str]) -> str:
    quoted = [f"“{word}”" for word in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _print_corrected(response: Any) -> None:
    if response.corrections:
        shown = click.style(response.searched, bold=True) if sys.stdout.isatty() else response.searched
        click.echo(f"Showing results for {shown} (corrected from “{response.query}”).")


def _print_nothing_found(response: Any, filters: Any) -> None:
    _print_corrected(response)
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
                   f"{plural(response.without_filters, 'result')}.")
    elif not response.unknown and not response.corrections:
        click.echo("Try fewer or other words, or `accord search --help` for the query syntax.")


def _print_results(found: Found) -> None:
    from accord.search.query import END, START

    response, project = found.response, found.project
    style = sys.stdout.isatty()
    _print_corrected(response)
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
        click.echo(f"   {file(project, result.path)}:{result.line}  {url(project, result.url)}")
    more = response.total - len(response.results)
    if more > 0:
        click.echo(f"… and {plural(more, 'more result')} (--limit to see more).")


# accord lessons-for --------------------------------------------------------------------


def show_draft_notes(drafted: DraftFile) -> None:
    """What of the draft could not be read, on stderr."""
    for diagnostic in drafted.problems:
        click.echo(f"{diagnostic.format_text()} (read as far as it goes)", err=True)
    if drafted.data is None:
        click.echo(f"accord: {_path(drafted.path)} has no front matter that can be read; comparing its text only",
                   err=True)


def show_lessons(advice: Advice, as_json: bool) -> None:
    project = advice.project
    if as_json:
        click.echo(json.dumps({
            "draft": {"path": _path(advice.draft.path), "id": advice.subject.id, "title": advice.subject.title},
            "results": [
                {"id": a.address, "title": a.row.title, "score": a.score, "reasons": a.reasons, "applied": a.applied,
                 "impact": a.row.impact, "retrospective": a.row.retrospective_title, "held": a.row.held.isoformat(),
                 "path": file(project, a.row.path), "url": url(project, a.row.url)}
                for a in advice.lessons
            ],
        }, ensure_ascii=False, indent=2))
        return
    if not advice.lessons:
        click.echo(f"No past lessons concern “{advice.title}” yet: none comes from a retrospective of the same "
                   "partners and kind of agreement, or of one it draws on, and none is worded closely enough like "
                   "it. (A shared partner, kind or topic alone is not enough.)")
        return
    style = sys.stdout.isatty()
    click.echo(f"Lessons to consider for “{advice.title}”:")
    for n, item in enumerate(advice.lessons, 1):
        row = item.row
        heading = click.style(row.title, bold=True) if style else row.title
        impact = f", {row.impact}" if row.impact else ""
        mark = "  [applied]" if item.applied else ""
        click.echo(f"{n}. {heading}  ({row.retrospective_title}, {row.held.isoformat()}{impact}){mark}")
        click.echo(f"   why: {'; '.join(item.reasons)}")
        click.echo(f"   {file(project, row.path)}  {url(project, row.url)}")


# accord render -------------------------------------------------------------------------


def show_rendered(rendered: Rendered) -> None:
    for line in rendered.left_out:
        click.echo(f"accord: {line}", err=True)
    out = _path(rendered.out)
    click.echo(f"Rendered {plural(rendered.records, 'record')} for the {rendered.audience} audience "
               f"into {out}: {plural(rendered.pages, 'page')}. Build it with:\n"
               f"  cd {out} && mkdocs build      # or: zensical build")
