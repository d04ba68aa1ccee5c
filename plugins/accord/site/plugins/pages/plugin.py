"""`accord/pages`: record and generated pages, from the site state's catalogue. The work is elsewhere: files
added in `additions`, each page's Markdown in `rendering`, the navigation in `navigation`, compressed pages
in `packing`, pages made in worker processes in `parallel`, a serve rebuild's part in accord.site.serve."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from accord import compat
from accord.format.records import Record
from accord.site.accessibility import accessible
from accord.site.parallel import Parallel
from accord.site.plugins.pages import additions as adding
from accord.site.plugins.pages import navigation, rendering
from accord.site.plugins.pages.config import PagesConfig
from accord.site.plugins.pages.packing import pack
from accord.site.plugins.pages.parallel import ParallelPages
from accord.site.plugins.shared import PageUrls, site_state, tags_plugin
from accord.site.render import GeneratedPage, RenderedPage, Renderer, guide_page
from accord.site.serve.generated import refresh_generated, replay_tags
from accord.site.state import SiteState


class PagesPlugin(ParallelPages, BasePlugin[PagesConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.state = SiteState()
        self.renderer: Renderer | None = None
        self.records: dict[str, Record] = {}
        self.generated: dict[str, GeneratedPage] = {}
        self.rendered: dict[str, RenderedPage] = {}  # src_uri → HTML blocks to put back
        self.urls = PageUrls(Files([]))
        self.attr_list_added = False  # attr_list turned on for the page being made (lesson anchors)
        self.mermaid = False  # whether the site serves Mermaid, for the pages with a diagram of an author's
        self.guide: str | None = None  # the `guide` option, checked
        self.rows: dict[str, dict[int, list[str]]] = {}  # page written to → its long registers' rows (on_post_build)
        self.own_files: set[str] = set()  # where the author's own files are written (not Accord's)
        self.parallel = Parallel()  # record pages made in worker processes

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.state = site_state(config, "accord/pages")
        try:
            self.guide = guide_page(self.config.guide)
        except ValueError as exc:
            raise PluginError(f"accord/pages: {exc}") from None
        self.renderer, self.records, self.generated, self.rendered, self.rows = None, {}, {}, {}, {}
        self.mermaid = rendering.serves_mermaid(self.config.diagrams, config)
        adding.link_assets(config)
        adding.say_site_url(config, self.config.calendar)
        return config

    @event_priority(-50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Priority -50: after accord/records has loaded the catalogue (priority 100)."""
        if not self.config.enabled:
            return None
        state, session, catalogue = self.state, self.state.session, self.state.catalogue
        if catalogue is None:
            raise PluginError("accord/pages: accord/records is disabled, so there are no records to render")
        self.renderer = rendering.renderer(config, files, state, self.config)
        self.records = {record.rel_path: record for record in catalogue.records.values()}
        self.urls = PageUrls(files)
        self.own_files = {file.dest_uri for file in files if file.generated_by is None}  # the site's own files
        navigation.keep_nav_small(files, self.records, catalogue, self.config.nav_records_max)
        self.generated = adding.add_pages(files, config, catalogue, self.guide, self.config.registers,
                                          session.made if session else None)
        adding.add_files(files, config, state, self.config.calendar, self.mermaid)
        self.parallel.plan(self.config.workers, session is not None, self.records, self.generated, config.plugins)
        return files

    def _arrange(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if not self.config.enabled:
            return None
        if self.state.session is not None:
            refresh_generated(self.state.session, self.generated, files, config)
        if config.nav is not None:
            return None
        return navigation.arrange(nav, self.generated, self.records, self.state.catalogue)

    on_nav = CombinedEvent(_arrange, ParallelPages.keep_nav)

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """A record's body: accord/records has parsed its front matter already, with libyaml."""
        record = self.records.get(page.file.src_uri) if self.config.enabled else None
        return record.body if record is not None else None

    @event_priority(100)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Priority 100: first, so that other plugins (tags, search) see the record's meta."""
        if not self.config.enabled or self.renderer is None:
            return None
        src_uri = page.file.src_uri
        rendered, text, self.attr_list_added = rendering.render(
            self.renderer, page, markdown, self.records.get(src_uri), self.generated.get(src_uri),
            self.urls.linker(page.file), config, empty=self.parallel.empty(page, markdown))
        if rendered is not None:
            self.rendered[src_uri] = rendered
        return text

    @event_priority(150)  # before the tags plugin's listings (100): the tags of pages not made again
    def _tags(self, env: Any, *, config: MkDocsConfig, files: Files) -> None:
        tags = tags_plugin(config)
        if tags is not None and self.state.session is not None and self.state.session.dirty:
            replay_tags(tags, files, self.records, rendering.page_meta)

    on_env = CombinedEvent(_tags, ParallelPages.fork)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:  # screen readers, Mermaid
        if self.config.enabled:
            return rendering.with_mermaid(accessible(output), page) if self.mermaid else accessible(output)
        return None

    def _restore(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.attr_list_added:
            compat.remove_page_extension(config, "attr_list")
            self.attr_list_added = False
        rows = self.rows if page.file.src_uri in self.generated else None  # (registers' rows, as restore cut them)
        return rendering.restore(self.rendered.pop(page.file.src_uri, None), html, page, self.state.targets, rows)

    @event_priority(-1000)  # last of all: a record page keeps its Markdown and HTML compressed from now on
    def _pack(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        made_here = self.config.enabled and page.file.src_uri in self.records and not self.parallel.making
        return pack(page) if made_here else None  # (a page made for the workers is dropped once made)

    on_page_content = CombinedEvent(_restore, _pack)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        adding.write_after(config, self.rows, self.parallel.sheets if self.renderer else {}, self.own_files)
        self._end(made=True)

    def _failed(self, *, error: Exception) -> None:
        self._end(made=False)

    on_build_error = CombinedEvent(ParallelPages.stop_first, _failed)

    def _end(self, made: bool) -> None:
        self.rows = {}
        self.parallel.stop()
        if self.state.session is not None:  # what the next build's generated pages are compared with
            self.state.session.signatures = self.state.session.made if made else {}
