"""`accord/search`: the knowledge base in mkdocs-material's search box.

The theme's box stays; what answers it is Accord's search worker (templates/assets/
search.js), over an index of `accord search`'s own documents and scores written in
pieces a browser fetches as a query needs them (accord.search.static). Every word of
every record the audience may see is in it, each lesson an entry of its own linked to
its anchor. Other pages are taken from the theme's index; generated pages, which only
repeat the records, stay out.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from accord.search.advice import Advisor, lessons_to_consider
from accord.search.documents import DocumentsCache
from accord.site.background import Job, JobError
from accord.site.plugins.search.config import SearchConfig
from accord.site.plugins.search.index import SiteIndex, finish, searched_urls
from accord.site.plugins.search.theme import point_to_worker, registers, theme_pages
from accord.site.plugins.shared import site_state
from accord.site.state import SiteState
from accord.site.templating import templates_dir

INDEX = Path("search") / "search_index.json"
SERVE_FIRST = 1.0  # seconds: under `mkdocs serve`, the reloaded pages are served before the index is written
WORKER = "assets/accord/search.js"
RESULTS = "assets/accord/search-results.js"  # draws the worker's results in the page, as text


def _never() -> bool:
    return False


class SearchPlugin(BasePlugin[SearchConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.state = SiteState()
        self.index: SiteIndex | None = None
        self.record_pages: set[str] = set()  # src_uri of record pages
        self.job: Job[tuple[int, str]] | None = None  # the search index, written beside the build
        self.advisor = Advisor()  # kept between `mkdocs serve` builds
        self.documents = DocumentsCache()  # the records' documents, likewise

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance, its advisor and documents, between
        `mkdocs serve` builds (it makes plugins without on_startup anew for each build)."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.state = site_state(config, "accord/search")
        self.index, self.record_pages = None, set()
        if self.state.session is not None:
            self.state.session.writer.halt()
        if self.job is not None:
            self.job.cancel()
        self.job = None
        if RESULTS not in [str(script) for script in config.extra_javascript]:
            script = ExtraScriptValue(RESULTS)
            script.defer = True  # it waits for no result before the page is shown
            config.extra_javascript.append(script)
        return config

    @event_priority(-100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Priority -100: after accord/records has loaded the catalogue and dropped hidden records."""
        catalogue, session = self.state.catalogue, self.state.session
        if not self.config.enabled or catalogue is None:
            return None
        for asset in (WORKER, RESULTS):
            if files.get_file_from_path(asset) is None:
                source = templates_dir() / "assets" / Path(asset).name
                files.append(File.generated(config, asset, abs_src_path=str(source)))
        urls, self.record_pages = searched_urls(catalogue, files)
        self.index = SiteIndex(catalogue, urls, registers(files), session.writer.stopped if session else _never,
                               self.documents if session else None, self.config.index_budget_mb,
                               self.config.body_excerpt)
        # The records' part of the index needs nothing else: it starts now, beside the build,
        # in a forked process whenever that is safe: `mkdocs build`, and the first build of
        # `mkdocs serve`, before its server threads start (a Job does not fork while other
        # threads run), so that its search box works at once.
        self.job = Job(self.index.postings, functools.partial(self.index.write, Path(config.site_dir)))
        self.job.start(fork=True)
        if self.config.lessons_to_consider > 0 and session is None:  # each agreement's when its page is made
            self.state.advice.defer(catalogue, self.config.lessons_to_consider, self.advisor)
        elif self.config.lessons_to_consider > 0:
            self.state.advice.update(lessons_to_consider(catalogue, self.config.lessons_to_consider, self.advisor))
        return files

    def on_build_error(self, *, error: Exception) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Priority -100: after accord/pages. Record pages get their entries from the
        catalogue (on_post_build); generated pages get none."""
        if not self.config.enabled:
            return None
        is_record = page.file.src_uri in self.record_pages
        is_generated = page.file.generated_by == "accord/pages" and self.config.exclude_generated
        if is_record or is_generated:
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return None

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Point the theme's search box at Accord's worker (the theme names its worker in
        the page's `__config`)."""
        if not self.config.enabled or self.index is None:
            return None
        return point_to_worker(output, WORKER)

    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Priority -100: after mkdocs-material's search plugin has written its index.
        Its entries for other pages join the records' in Accord's index, and its own file
        keeps only its settings, which the theme hands to the worker."""
        if not self.config.enabled or self.index is None or self.job is None:
            return
        job, self.job = self.job, None
        path = Path(config.site_dir) / INDEX
        if not path.is_file():
            job.cancel()
            return  # no search plugin in this site
        theme_index = json.loads(path.read_text(encoding="utf-8"))
        pages = theme_pages(theme_index)
        path.write_text(json.dumps(theme_index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        site_dir, session = Path(config.site_dir), self.state.session
        if session is not None:
            # The pages are served and the browsers reloaded while the index is written:
            # the box answers from the last one until this one takes its place.
            session.writer.start(functools.partial(finish, job, pages, site_dir, True), job.cancel, SERVE_FIRST)
            return
        try:
            finish(job, pages, site_dir, False)
        except JobError as exc:
            raise PluginError(f"accord/search: the search index could not be written: {exc}") from None

