"""accord/pages' part of a dirty build: a generated page made from the same records as last
time, none of which the change reaches, is up to date; a generated page no longer made goes;
and the record pages not made again give mkdocs-material's tags plugin their tags, as it
would have read them, so that the tags page lists every record as a whole build does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from accord import compat
from accord.site.paging import write_rows
from accord.site.serve.session import Session

log = get_plugin_logger("accord.site.plugins.pages.plugin")


def refresh_generated(session: Session, generated: dict[str, Any], files: Files, config: Any) -> None:
    """In on_nav: which generated pages a dirty build need not make again."""
    if session.reach.whole:
        session.parts.clear()  # the whole site: made afresh (a template may have changed)
    else:  # a generated page no longer made (a topic gone): its old page goes too
        for src_uri in session.signatures.keys() - session.made.keys():
            gone = File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls)
            Path(gone.abs_dest_path).unlink(missing_ok=True)
            write_rows(Path(config.site_dir), gone.dest_uri, {})  # its rows files too
    if not session.reach.whole and not session.plan.whole:
        for src_uri, made in session.made.items():
            before = session.signatures.get(src_uri)
            file = files.get_file_from_path(src_uri)
            reached = session.reach.ids if generated[src_uri].shows_neighbours else session.plan.ids
            if made is not None and before is not None and file is not None and made[0] == before[0] \
                    and not made[1] & reached:
                compat.mark_modified(file, False)
                if file.page is not None:  # in the navigation, which the pages made again show
                    file.page.title = generated[src_uri].title  # type: ignore[method-assign]
    if session.dirty:
        pages = files.documentation_pages()
        stale = [file.src_uri for file in pages if file.is_modified()]
        log.info(f"{len(stale)} of {len(pages)} pages out of date, made again")
        log.debug(f"out of date: {' '.join(stale)}")


def replay_tags(tags: Any, files: Files, records: dict[str, Any], meta: Callable[[Any, Any], None]) -> None:
    """In on_env, before the tags plugin makes its listings: the tags of the record pages not
    made again, in the order of the files. `meta(page, record)` sets a page's meta."""
    mappings = compat.TagsMappings(tags)
    kept = mappings.kept
    found = {}
    for file in files.documentation_pages():
        page, record = file.page, records.get(file.src_uri)
        if page is None:
            continue
        if page.url in kept:
            found[page.url] = kept[page.url]
        elif record is not None and page.markdown is None and mappings.wanted(file):
            meta(page, record)
            page.title = page.meta["title"]  # type: ignore[method-assign]
            if mappings.add(page, record.body):
                found[page.url] = kept[page.url]
    kept.clear()
    kept.update(found)
