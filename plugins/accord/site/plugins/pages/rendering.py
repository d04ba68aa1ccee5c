"""One page's Markdown from the catalogue (a record's page, a generated page, or an author's
page with the dashboard and reference tables it asks for), and its HTML blocks put back once
MkDocs has converted it."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from accord import compat
from accord.format.records import Record
from accord.site.changes import page_history
from accord.site.links import HiddenTargets, cut_attributes
from accord.site.paging import rows_file
from accord.site.reference import expand
from accord.site.render import (
    MERMAID,
    GeneratedPage,
    RenderedPage,
    Renderer,
    mermaid_fence,
    mermaid_in_html,
    record_meta,
)
from accord.site.state import SiteState

log = get_plugin_logger("accord.site.plugins.pages.plugin")


def renderer(config: Any, files: Any, state: SiteState, options: Any) -> Renderer:
    """The build's renderer, from the state's catalogue and accord/pages' options."""
    assert state.catalogue is not None
    session = state.session
    custom_dir = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    made = Renderer(state.catalogue, state.today, custom_dir=custom_dir, pictures=options.diagrams != "table",
                    due_within=options.due_within, advice=state.advice, docs_dir=Path(config.docs_dir),
                    parts=session.parts if session else None)
    if options.history:  # each record page's changes, from Git read once (accord.site.changes)
        made.history = page_history(
            Path(config.docs_dir), state.catalogue, unseen=state.unseen_names, hidden=state.hidden, log=log,
            edit_url=lambda rel: getattr(getattr(files.get_file_from_path(rel), "page", None), "edit_url", None),
            messages=options.commit_messages)
    return made


def render(renderer: Renderer, page: Page, markdown: str, record: Record | None, generated: GeneratedPage | None,
           linker: Any, config: Any, empty: bool = False) -> tuple[RenderedPage | None, str, bool]:
    """The page's Markdown (and its set-aside blocks), and whether attr_list was turned on
    for it (lesson headings carry their stable anchors as `{ #lesson-id }`: on for a record's
    page only, never for an author's page). `empty`: no Markdown (and a record page's meta alone): a
    worker makes the page (accord.site.plugins.pages.parallel)."""
    added = False
    try:
        if record is not None:
            page_meta(page, record)
            if empty:
                return None, "", False
            rendered = renderer.record_page(record, markdown, linker)
            added = compat.add_page_extension(config, "attr_list")
        elif generated is not None:
            if empty:
                return None, "", False
            dest = page.file.dest_uri
            rendered = renderer.generated_page(generated, linker,
                                               rows_href=lambda number: posixpath.basename(rows_file(dest, number)))
        else:  # an author's page: the dashboard and reference tables where it asks for them
            rendered = renderer.author_page(markdown, linker)
            if rendered is None:
                return None, expand(markdown), added
            rendered.markdown = expand(rendered.markdown)
    except jinja2.TemplateError as exc:
        where = f"{exc.filename}:{exc.lineno}: " if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise PluginError(f"accord/pages: cannot render {page.file.src_uri}: {where}{exc}") from None
    return rendered, rendered.markdown, added


def restore(rendered: RenderedPage | None, html: str, page: Page, targets: HiddenTargets,
            rows: dict[str, dict[int, list[str]]] | None) -> str | None:
    """Put back the HTML blocks set aside. The blocks skipped Markdown, and so the link cutter:
    a value's URL (an organisation's `website`) on the site's own address could still lead to
    a hidden record's page."""
    if rendered is None:
        return None
    src_uri = page.file.src_uri
    if targets:
        rendered.blocks = [cut_attributes(block, src_uri, targets) if targets.may_name(block) else block
                           for block in rendered.blocks]
        rendered.rows = {number: [cut_attributes(row, src_uri, targets) if targets.may_name(row) else row
                                  for row in rows] for number, rows in rendered.rows.items()}
    if rows is not None:
        rows[page.file.dest_uri] = rendered.rows
    return rendered.restore(html)


def page_meta(page: Page, record: Record) -> None:
    """The page's meta as MkDocs and the theme read it, from the validated record."""
    page.meta.update(record_meta(record))


def serves_mermaid(diagrams: str, config: Any) -> bool:
    """Whether the site serves Mermaid (the `diagrams` option)."""
    if diagrams != "auto":
        return diagrams == "mermaid"
    return mermaid_fence(config)


def with_mermaid(output: str, page: Page) -> str:
    """The page, loading the site's Mermaid if its article holds a diagram, and not otherwise
    (3.6 MB of script). Deferred, so that the page shows first; and at the article's end, in
    the theme's content: mkdocs-material's instant navigation runs the scripts it finds there,
    and waits for them, before it draws the page's diagrams (which it would otherwise fetch
    from unpkg.com)."""
    start, end = output.find("<article"), output.rfind("</article>")
    if start < 0 or end < start or not mermaid_in_html(output, start, end):
        return output
    script = f'<script defer src="{get_relative_url(MERMAID, page.url)}"></script>'
    return output[:end] + script + output[end:]
