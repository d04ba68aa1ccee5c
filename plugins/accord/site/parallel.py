"""Record pages made in worker processes under `mkdocs build` (accord.site.workers); the
events that drive it are accord/pages' (accord.site.plugins.pages.parallel).

A record page is the costly kind (its Markdown from the catalogue, converted, then the
theme's template) and the one whose making nothing else waits on: its title and meta come
from the catalogue, not from its Markdown. So in MkDocs' reading pass a record page gets
its meta and an empty body; once every page is read and the theme's environment is final
(the last on_env), the workers fork, inheriting the build as it stands, and each makes
its share of the record pages exactly as MkDocs would (`compat.page_populator`, then the
page's context, the plugins' on_page_context and the theme's template). When MkDocs comes
to write a record page, its template is one that prints the worker's HTML, and the
plugins' on_post_page run on it here as on any page. What MkDocs checks after the pages
(anchors linked to and present) is taken from the worker's page.

Not under `mkdocs serve` (its server threads; a save makes few pages), and not below
`AUTO_FROM` record pages, where a fork's start costs more than it saves.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Mapping
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.commands.build import get_context
from mkdocs.exceptions import BuildError, PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from accord import compat
from accord.format.forked import cores
from accord.site.workers import Workers

log = get_plugin_logger("accord.site.plugins.pages.plugin")

FINISHED = "accord/finished-page.html"  # the template of a record page made in a worker
AUTO_FROM = 200  # record pages: below this, `workers: 0` makes them here
# The plugins known to read nothing of a page made in a worker but what it hands back (its
# HTML, anchors, and for a page in the theme's search its content and table of contents).
# Another plugin may read a page's Markdown or HTML in an event the worker's copy of the
# page takes part in and this process's does not (autorefs, an RSS feed): with one, `workers:
# 0` makes pages in this process, and `workers: N` is the site's own choice.
KNOWN_PLUGINS = frozenset(("search", "material/search", "tags", "material/tags", "offline", "material/offline",
                           "accord/records", "accord/pages", "accord/search"))


class Parallel:
    def __init__(self) -> None:
        self.count = 0  # worker processes planned for this build (0: none)
        self.workers: Workers | None = None
        self.keys: set[str] = set()
        self.making = False  # a record page is being made for a worker (or by one)
        self.nav: Any = None
        self.files = Files([])
        self.pages: set[str] = set()  # made in workers, if any
        self.records: set[str] = set()  # those of them that are records
        self.rows: dict[str, Any] = {}
        self.sheets: dict[str, str] = {}  # the registers' spreadsheets (additions.made_beside)

    def plan(self, option: int, serving: bool, records: Collection[str], generated: Collection[str],
             plugins: Mapping[str, Any] | None = None) -> None:
        """How many workers this build forks for Accord's pages (records and generated):
        `option`, or with 0, the cores from AUTO_FROM pages."""
        self.stop()
        plugins = plugins or {}
        records, generated = _unsearched(plugins, set(records), set(generated))
        pages = records | generated
        self.keys, self.making, self.nav, self.pages, self.sheets = set(), False, None, pages, {}
        self.records = records
        others = sorted(set(plugins) - KNOWN_PLUGINS)
        wanted = option if option > 0 else (cores() if len(pages) >= AUTO_FROM and not others else 1)
        if option == 0 and others and len(pages) >= AUTO_FROM:
            log.info(f"accord/pages: pages made in this process only (plugins {', '.join(others)}: "
                     "`workers: N` makes them in N processes if they read no other page's text)")
        self.count = wanted if wanted > 1 and not serving and compat.page_populator() is not None else 0

    def empty(self, page: Page, markdown: str) -> bool:
        """Whether this page is read with an empty body now and made by a worker later (an
        EmptyPage until then). Not a page whose Markdown holds an HTML comment: a plugin's
        marker (mkdocs-material's tag listings are filled in once every page is read)."""
        if self.count > 0 and not self.making and page.file.src_uri in self.pages and "<!--" not in markdown:
            if type(page) is Page:
                compat.recast_page(page, EmptyPage)
            return True
        return False

    def start(self, env: jinja2.Environment, config: Any, files: Files, rows: dict[str, Any]) -> None:
        """Fork the workers (the last on_env), and point each of their pages at FINISHED.
        `rows`: where accord/pages keeps a register's long rows, by the page written."""
        if not self.count:
            return
        documents = files.documentation_pages(inclusion=InclusionLevel.is_included)
        keys = [file.src_uri for file in documents if type(file.page) is EmptyPage]  # (read empty this build)
        self.rows = rows
        make = functools.partial(self._make, config=config, files=files, documents=documents, env=env)
        # A record of each folder made here first: the theme's templates and Accord's, compiled
        # once and inherited (about 0.3 s of each worker's time otherwise).
        first = {key.rsplit("/", 1)[0]: key for key in reversed(keys) if key in self.records}
        self.keys, self.files = set(keys), files
        self.workers = Workers(keys, make, self.count, plain_errors=(BuildError,), first=tuple(first.values()),
                               loggers=tuple(dict.fromkeys(("", "mkdocs", get_context.__module__.split(".")[0]))))
        self.workers.start()
        for key in keys:
            files.get_file_from_path(key).page.meta["template"] = FINISHED  # type: ignore[union-attr]
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({FINISHED: "{{ accord_finished }}"}), env.loader])

    def _make(self, key: str, *, config: Any, files: Files, documents: list[Any], env: Any) -> tuple[str, Any]:
        page: Page = files.get_file_from_path(key).page  # type: ignore[union-attr, assignment]
        populate = compat.page_populator()
        assert populate is not None
        self.making = True
        try:
            if type(page) is EmptyPage:
                compat.recast_page(page, Page)
            populate(page, config, files)
            page.active = True
            compat.set_current_page(config, page)
            context = get_context(self.nav, documents, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=self.nav)
            html = template.render(context)
        finally:
            self.making, page.active = False, False
        links = page.links_to_anchors
        made = (page.present_anchor_ids, {file.src_uri: anchors for file, anchors in links.items()}
                if links is not None else None, self.rows.pop(page.file.dest_uri, None))
        page.markdown = page.content = ""  # (sent: a worker keeps no page it has made)
        # Its folder made here, beside the build, which writes the page into it (a new folder
        # cost 0.4 ms, 0.8 s of the writing at 2,000 records; an existing one, a failed mkdir).
        os.makedirs(os.path.dirname(page.file.abs_dest_path), exist_ok=True)
        page.meta["template"] = FINISHED  # (read again from its source: made here, MkDocs writes it later)
        return html, made

    def finished(self, context: dict[str, Any], page: Page, config: Any) -> None:
        """Into a record page's context, the HTML its worker made (MkDocs is writing it)."""
        if self.workers is None or self.making or page.file.src_uri not in self.keys:
            return
        page.active = False  # (while this process makes other pages meanwhile, in `take`)
        made = self.workers.take(page.file.src_uri)
        page.active = True
        compat.set_current_page(config, page)
        Workers.replay(made)
        if made.error is not None:
            raise PluginError(made.error if made.plain else f"accord/pages: cannot make {page.file.src_uri}: "
                                                            f"{made.error}")
        present, links, rows = made.extra
        if rows is not None:
            self.rows[page.file.dest_uri] = rows
        page.present_anchor_ids = present
        page.links_to_anchors = None if links is None else {
            self.files.get_file_from_path(uri): anchors for uri, anchors in links.items()}
        context["accord_finished"] = Markup(made.value)

    def stop(self) -> None:
        if self.workers is not None:
            self.workers.stop()
        self.workers = None


def _unsearched(plugins: Mapping[str, Any], records: set[str], generated: set[str]) -> tuple[set[str], set[str]]:
    """Of these pages, those the theme's search does not read (it reads a page's text as
    MkDocs writes it, where a page made in a worker has none): record pages while
    accord/search answers for them, generated pages while it also keeps them out."""
    if not any(name in plugins for name in ("search", "material/search")):
        return records, generated
    accord = plugins.get("accord/search")
    options = getattr(accord, "config", None)
    if options is None or not getattr(options, "enabled", False):
        return set(), set()
    return records, (generated if getattr(options, "exclude_generated", False) else set())


class EmptyPage(Page):
    """A page read with no Markdown, to be made by a worker: nothing to convert (MkDocs makes
    a Markdown instance with the site's extensions for each page it converts, even an empty
    one: about 0.6 ms, 1.2 s at 2,000 records)."""

    def render(self, config: Any, files: Files) -> None:
        self.content, self.toc = "", get_toc([])
        self.present_anchor_ids, self.links_to_anchors = set(), {}
