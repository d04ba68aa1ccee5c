"""`accord/records`: load and validate the knowledge base once per build, and publish the
site state (accord.site.state) the other two plugins read. The work is elsewhere: what it
refuses in `refusals`, the records read in `reading`, what the audience keeps in `audience`,
the preview's errors in `problems`, the `mkdocs serve` session in accord.site.serve."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from accord.format.diagnostics import count
from accord.format.files import Walk, walk
from accord.format.loading import build_date
from accord.site import includes
from accord.site.links import HiddenLinks, cut_bracketed, cut_named_paths
from accord.site.plugins.records import reading, refusals
from accord.site.plugins.records.audience import keep_to_audience, resolve_audience
from accord.site.plugins.records.config import RecordsConfig
from accord.site.plugins.records.problems import Problems, refuse_errors
from accord.site.plugins.shared import tags_plugin
from accord.site.serve.plan import WHOLE
from accord.site.serve.session import Session
from accord.site.state import SiteState


class RecordsPlugin(BasePlugin[RecordsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.state = SiteState()
        self.links = HiddenLinks()  # cuts links to hidden records as Markdown makes them
        self.walked: Walk | None = None  # the docs folder as on_config walked it, for on_files
        self.problems = Problems()
        self.reads: includes.Reads | None = None  # what no one may read while pages are made

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that the instance survives `mkdocs serve` rebuilds; state is reset in on_config."""
        if command == "serve" and self.state.session is None:
            self.state.session = Session()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        includes.stop()  # (the last build's guard on reads: this one reads every record in on_files)
        refusals.refuse_other_configuration(config)
        self.reads, self.problems = None, Problems()
        self.state.begin()
        self.state.audience, self.state.today = resolve_audience(self.config.audience), build_date()
        if self.state.session is not None:
            self.state.session.begin(config)
        self.walked = walk(Path(config.docs_dir))  # read again by load() in on_files, not walked twice
        refusals.refuse_unsafe_files(self.walked, Path(config.docs_dir), self.state.today, self.state.audience)
        self.links = HiddenLinks()
        config.markdown_extensions.append(self.links)  # type: ignore[arg-type]
        return config

    @event_priority(100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Priority 100: run first, so every other plugin sees the validated catalogue
        and none of the files of records outside the audience."""
        if not self.config.enabled:
            return None
        state, session = self.state, self.state.session
        result = reading.read(config, state, self.walked)
        self.walked = None  # a rebuild under `mkdocs serve` walks afresh in on_config
        if count(result.diagnostics)[0]:
            if session is None:
                refuse_errors(result)
            session.plan = WHOLE  # every page shows the banner
            self.problems.show(result, files, config)
        refusals.refuse_unguarded(result.records, files, config, state.audience)
        refusals.refuse_dotted_records(files, state.audience)
        includes.refuse_unsafe(config, result.records, result.failed)  # what pages may include
        keep_to_audience(files, config, result, state, self.problems.pages)
        self.links.targets = state.targets
        self.reads = reading.guard_reads(config, result, state)
        reading.keep_records(collect=session is None)
        return files

    @event_priority(-100)
    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Priority -100: last, so that the session's rebuild wraps the others'."""
        if not self.config.enabled or self.state.session is None:
            return server
        return self.state.session.install(server, config)

    @event_priority(50)
    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> None:
        """In a dirty build, say which pages are out of date. Priority 50: before accord/pages."""
        session = self.state.session
        if session is not None and self.config.enabled and self.state.catalogue is not None:
            session.out_of_date(self.state.catalogue, self.state.advice, nav, files, config.site_dir)
        elif session is not None:
            session.reach = WHOLE

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()  # what this build kept may go when the next is made
        session = self.state.session
        if self.reads is not None:
            self.reads.finish(session is not None)  # reads refused that their reader passed over
        if not self.config.enabled or session is None or self.state.catalogue is None:
            return
        if self.problems.errors:  # the next build makes every page, without the banner
            session.built = None
        else:
            session.finish(self.state.catalogue, self.state.advice, self.state.today, config.docs_dir,
                           tags_ready=tags_plugin(config) is not None)

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        includes.stop()
        if self.state.session is not None:
            self.state.session.built = None

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """While the preview has errors, every page says so at the top, with a link to them."""
        return self.problems.banner(output, page.url) if self.config.enabled else None

    @event_priority(100)  # first, before the page's source is read (accord.site.includes):
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> None:
        """Its own record file is the only one that may be read until on_page_content."""
        if self.config.enabled and self.reads is not None:
            self.reads.page = page

    @event_priority(-200)  # last, once every plugin has made the page (the search reads it after)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        if self.reads is not None:
            self.reads.page = None
        return cut_named_paths(html, page.file.src_uri, self.links.targets)  # whatever no link cut

    def on_shutdown(self) -> None:
        includes.stop()  # the end of `mkdocs build` or `serve`: the guard on reads is lifted

    @event_priority(-200)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Priority -200: last. A link to a record left out of this site, in any form Markdown
        reads, keeps its text and loses its target: cut here in the page's Markdown, and by
        the extension added in on_config while the page is converted."""
        if not self.config.enabled:
            return None
        self.links.page = page.file.src_uri
        return cut_bracketed(markdown, page.file.src_uri, self.links.targets)
