"""`accord render`: the knowledge base written as a plain project in a folder of its own,
for any engine that reads mkdocs.yml (accord.commands.plain makes it). Not to be confused
with accord.site.render, the page renderer both it and the plugins use."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from accord.commands.common import EXIT_ERRORS, audience_of, load, require_folder, say_errors, warn
from accord.commands.plain import MARKER
from accord.commands.project import Project

if TYPE_CHECKING:
    from accord.catalogue import Catalogue
    from accord.commands.plain import Plan
    from accord.format.loading import LoadResult

# mkdocs.yml of a plain project rendered from a docs folder without one.
DEFAULT_CONFIG = {"site_name": "Knowledge base", "theme": {"name": "material"}}


@dataclass(frozen=True)
class Rendered:
    out: Path
    audience: str
    records: int  # the records the audience sees, each a page
    pages: int  # Markdown pages written, the generated ones too
    left_out: list[str]  # what accord.site.guard.Attachments.report says of files left out


def check_out(project: Project, out: Path) -> None:
    """A usage error unless `out` is a folder `accord render` may write: a new one, an empty
    one or one it wrote, and never the docs folder, inside it or around it."""
    from accord.format.paths import display_path

    target, docs = out.resolve(), project.docs_dir.resolve()
    if target == docs or docs.is_relative_to(target) or target.is_relative_to(docs):
        raise click.UsageError(f"{display_path(out)} overlaps the docs folder {display_path(project.docs_dir)}; "
                               "render into a folder of its own, e.g. `accord render ../site-plain`")
    if out.is_symlink():
        raise click.UsageError(f"{display_path(out)} is a symbolic link; give the folder it points to, or a new one")
    if out.exists() and not out.is_dir():
        raise click.UsageError(f"{display_path(out)} is a file; give a folder: a new one, or one accord render wrote")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise click.UsageError(f"{display_path(out)} is not empty and was not written by `accord render`; "
                               "give a new folder, or empty this one")


def render(project: Project, out: Path, audience: str | None) -> Rendered:
    """The plain project of `project` for the audience, written in `out`. Records with
    errors, or settings that would let another engine include what the audience may not
    see, stop it before anything is written (said on stderr, exit status 1)."""
    from accord.catalogue import Catalogue
    from accord.commands import plain

    require_folder(project)
    chosen = audience_of(audience, project)
    check_out(project, out)
    result = load(project, "Reading records", chosen)
    if result.errors:
        say_errors(result, "nothing rendered; fix them (`accord validate` shows the whole list)", limit=None)
        sys.exit(EXIT_ERRORS)
    config = read_config(project)
    refuse_includes(project, config, result, out.resolve())
    catalogue = Catalogue.build(result.records, chosen)
    made = make_plan(project, config, result, catalogue)
    custom = "overrides" if project.custom_dir is not None and project.custom_dir.is_dir() else None
    output = plain.output_config(config or DEFAULT_CONFIG, made, custom)
    try:
        plain.write(out, made, output, project.custom_dir if custom else None)
    except OSError as exc:
        from accord.format.paths import display_path

        raise click.ClickException(f"cannot write {display_path(out)}: {exc.strerror or exc}") from None
    from accord.site.guard import Attachments

    pages = sum(1 for rel in {*made.texts, *made.copies} if rel.endswith(".md"))
    return Rendered(out, chosen, len(catalogue.records), pages, Attachments.report(made.left_out, chosen))


def read_config(project: Project) -> dict[str, Any]:
    """The project's mkdocs.yml, its tags kept ({} without one); a usage error if unreadable."""
    from accord.site import config as settings

    try:
        return settings.read(project.config_file) if project.config_file else {}
    except settings.ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def refuse_includes(project: Project, config: dict[str, Any], result: LoadResult, target: Path) -> None:
    """Nothing rendered when the project written would let another engine include what the
    audience may not see (accord.site.includes): why, on stderr, and exit status 1."""
    from accord.site import includes

    unsafe = includes.render_problems(config, project.config_file, project.docs_dir, result.records, result.failed,
                                      out=target)
    if unsafe:
        name = project.config_file.name if project.config_file else "mkdocs.yml"
        warn("\n".join([includes.heading(unsafe, name), *unsafe]) + "\naccord: nothing rendered")
        sys.exit(EXIT_ERRORS)


def make_plan(project: Project, config: dict[str, Any], result: LoadResult, catalogue: Catalogue) -> Plan:
    """Every file of the plain project, in memory; a usage error for a plugin option that cannot be used."""
    from accord.commands import plain
    from accord.format.loading import build_date
    from accord.format.paths import display_path
    from accord.search.advice import lessons_to_consider

    options = plain.Options(project.docs_dir, config, custom_dir=project.custom_dir, today=build_date())
    try:
        return plain.plan(result, catalogue, options, advice_for=lessons_to_consider)
    except ValueError as exc:  # an option of the plugins that cannot be used
        where = display_path(project.config_file or Path("mkdocs.yml"))
        raise click.UsageError(f"{where}: accord/pages: {exc}") from None
