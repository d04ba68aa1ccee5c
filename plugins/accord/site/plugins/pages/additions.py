"""The files accord/pages adds to the site: the generated pages (registers, overview, lessons,
due, guide), calendar.ics, Accord's assets, and after the build each register's rows files
and spreadsheets. An author's own file at the same path always wins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from accord.catalogue import Catalogue
from accord.site import spreadsheets
from accord.site.ical import build_calendar
from accord.site.paging import write_rows
from accord.site.render import ASSETS, CALENDAR_FILE, LESSON_GROUPS, GeneratedPage, assets, has_calendar, plan_pages
from accord.site.serve.reach import signature
from accord.site.state import SiteState
from accord.site.templating import templates_dir

log = get_plugin_logger("accord.site.plugins.pages.plugin")


def add(files: Files, file: File) -> None:
    if files.get_file_from_path(file.src_uri) is not None:
        log.info(f"{file.src_uri} is the author's own file; Accord does not generate it")
        return
    files.append(file)


def link_assets(config: MkDocsConfig) -> None:
    """Accord's stylesheet and script on every page (Mermaid only where a page has a diagram)."""
    for asset in ASSETS:
        target = config.extra_css if asset.endswith(".css") else config.extra_javascript
        if asset not in [str(item) for item in target]:
            target.append(asset)


def say_site_url(config: MkDocsConfig, calendar: bool) -> None:
    """Without site_url, what that costs. `mkdocs serve` sets one; said once a build, and not
    as a warning, for a site at its server's root has nothing wrong, and `--strict` would stop it."""
    if config.site_url:
        return
    events = " and the events of calendar.ics have no link to their agreement's page" if calendar else ""
    log.info("site_url is not set in mkdocs.yml: the 404 page takes its styles from the server's root, "
             f"so a site served under a sub-path (https://host/partnerships/) shows it unstyled{events}. "
             "Set site_url in mkdocs.yml to the address readers use, e.g. "
             "site_url: https://intranet.example.org/partnerships/")


def add_pages(files: Files, config: MkDocsConfig, catalogue: Catalogue, guide: str | None, registers: bool,
              made: dict[str, Any] | None) -> dict[str, GeneratedPage]:
    """The generated pages, as files whose front matter is their page's; `made`, under
    `mkdocs serve`: what each was made from (accord.site.serve.generated)."""
    generated: dict[str, GeneratedPage] = {}
    ids = catalogue.records.keys()
    for page in plan_pages(catalogue, guide, registers=registers):
        if files.get_file_from_path(page.src_uri) is not None:
            log.info(f"{page.src_uri} is the author's own page; Accord does not generate it")
            continue
        in_nav = not page.src_uri.startswith(tuple(f"lessons/{group}/" for group in LESSON_GROUPS))
        meta = "---\n" + yaml.safe_dump(page.front_matter(), allow_unicode=True, sort_keys=False) + "---\n"
        files.append(File.generated(
            config, page.src_uri, content=meta,
            # Set, not left to MkDocs: the guard's exclude_docs covers the record folders.
            inclusion=InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV,
        ))
        generated[page.src_uri] = page
        if made is not None:  # a page without context of its own reads the whole catalogue: always made
            made[page.src_uri] = signature((page.title, page.template, page.hide, page.context), ids) \
                if page.context else None
    return generated


def add_files(files: Files, config: MkDocsConfig, state: SiteState, calendar: bool, mermaid: bool) -> None:
    """calendar.ics (its events written in `made_beside`) and Accord's assets."""
    catalogue = state.catalogue
    assert catalogue is not None
    if calendar and has_calendar(catalogue):
        add(files, File.generated(config, CALENDAR_FILE, content=b""))
    for asset, source in assets(mermaid).items():
        add(files, File.generated(config, asset, abs_src_path=str(templates_dir() / "assets" / source)))


def made_beside(files: Files, config: MkDocsConfig, state: SiteState, generated: dict[str, GeneratedPage],
                events: dict[str, Any], kept: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """What only the catalogue decides, made once the pages are read (the last on_env), while
    worker processes make the pages (accord.site.plugins.pages.parallel) and this one would
    otherwise wait: calendar.ics's events (under `mkdocs serve`, each agreement's made again
    only when they change: `events`), and each register's spreadsheets, by their path in the site
    (under `mkdocs serve`, a register's made again only when its page is: `kept`)."""
    catalogue = state.catalogue
    if catalogue is None:
        return {}
    calendar = files.get_file_from_path(CALENDAR_FILE)
    if calendar is not None and calendar.generated_by == "accord/pages":
        calendar.content_bytes = build_calendar(
            catalogue, state.today, config.site_url or "", config.site_name,
            lambda record: files.get_file_from_path(record.rel_path).url, events)  # type: ignore[union-attr]
    pages = [(src_uri, File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls).dest_uri)
             for src_uri in generated]
    if kept is None:
        return spreadsheets.files(catalogue, pages)
    found: dict[str, str] = {}
    for src_uri, dest_uri in pages:  # (a register's page not made again: its records are as they were)
        file = files.get_file_from_path(src_uri)
        if src_uri not in kept or file is None or file.is_modified():
            kept[src_uri] = spreadsheets.files(catalogue, [(src_uri, dest_uri)])
        found.update(kept[src_uri])
    for gone in kept.keys() - generated.keys():
        del kept[gone]
    return found


def write_after(config: MkDocsConfig, rows: dict[str, dict[int, list[str]]], sheets: dict[str, str],
                own: set[str]) -> None:
    """The long registers' rows files, written once every page has been (a build that fails
    leaves none beside pages it did not write); each register's CSV and JSON beside it
    (`made_beside`, from the catalogue the site was built for)."""
    site_dir = Path(config.site_dir)
    for dest_uri, register_rows in rows.items():
        write_rows(site_dir, dest_uri, register_rows)
    spreadsheets.write(site_dir, sheets, log, own=own)
