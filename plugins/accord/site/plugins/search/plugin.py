"""`accord/search`: the knowledge base in mkdocs-material's search box.

The theme's box stays; what answers it is Accord's search worker (templates/assets/
search.js), over an index of `accord search`'s own documents and scores written in
pieces a browser fetches as a query needs them (accord.search.static). Every word of
every record the audience may see is in it, each lesson an entry of its own linked to
its anchor. Other pages are taken from the theme's index; generated pages, which only
repeat the records, stay out.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from accord.catalogue import Catalogue
from accord.format.models import Agreement
from accord.search import static
from accord.search.advice import Advisor, lessons_to_consider
from accord.search.documents import DocumentsCache, catalogue_lookup
from accord.search.documents import build as build_documents
from accord.site.background import Job, JobError
from accord.site.plugins.search.config import SearchConfig
from accord.site.plugins.shared import records_plugin
from accord.site.templating import templates_dir

INDEX = Path("search") / "search_index.json"
SERVE_FIRST = 1.0  # seconds: under `mkdocs serve`, the reloaded pages are served before the index is written
WORKER = "assets/accord/search.js"
RESULTS = "assets/accord/search-results.js"  # draws the worker's results in the page, as text
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL)
_THEME_WORKER = re.compile(r"assets/javascripts/workers/search\.[\w.-]*\.js$")
log = get_plugin_logger(__name__)


class SearchPlugin(BasePlugin[SearchConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None
        self.urls: dict[str, str] = {}  # record id → page URL
        self.record_pages: set[str] = set()  # src_uri of record pages
        self.job: Job[tuple[int, str]] | None = None  # the search index, written beside the build
        self.advisor = Advisor()  # kept between `mkdocs serve` builds
        self.documents = DocumentsCache()  # the records' documents, likewise
        self.serving = False
        self.registers: list[dict[str, str]] = []  # offered by the box when no record answers
        self.writing: threading.Thread | None = None  # under `mkdocs serve`: the index being written
        self.stop = threading.Event()  # set: stop writing it

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that the instance survives `mkdocs serve` rebuilds; state is reset in on_config."""
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        records_plugin(config, "accord/search")
        self.catalogue, self.urls, self.record_pages = None, {}, set()
        self._stop_writing()
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
        if not self.config.enabled:
            return None
        records = records_plugin(config, "accord/search")
        self.catalogue = records.catalogue
        if self.catalogue is not None:
            worker = File.generated(config, WORKER, abs_src_path=str(templates_dir() / "assets" / "search.js"))
            if files.get_file_from_path(WORKER) is None:
                files.append(worker)
            if files.get_file_from_path(RESULTS) is None:
                files.append(File.generated(config, RESULTS,
                                            abs_src_path=str(templates_dir() / "assets" / "search-results.js")))
            for record in self.catalogue.records.values():
                file = files.get_file_from_path(record.rel_path)
                if file is None:
                    continue
                self.record_pages.add(record.rel_path)
                # Searched only if published (not left out by the author's exclude_docs or
                # draft_docs) and not kept out of search by the record's own `search: exclude`.
                own = record.model.search or {}
                if not file.inclusion.is_excluded() and not own.get("exclude"):
                    self.urls[record.id] = file.url
            # The records' part of the index needs nothing else: it starts now, beside the build,
            # in a forked process whenever that is safe: `mkdocs build`, and the first build of
            # `mkdocs serve`, before its server threads start (a Job does not fork while other
            # threads run), so that its search box works at once.
            self.registers = _registers(files)
            self.job = Job(self._record_postings, functools.partial(self._write, Path(config.site_dir)))
            self.job.start(fork=True)
        if self.catalogue is not None and self.config.lessons_to_consider > 0:
            records.advice.update(lessons_to_consider(self.catalogue, self.config.lessons_to_consider,
                                                       self.advisor))
        return files

    def _stop_writing(self) -> None:
        """A new build is coming: the last one's index, if it is still being written, is
        left for the one this build writes (the box answers from the one before meanwhile)."""
        if self.writing is not None:
            self.stop.set()
            self.writing.join()
            self.stop.clear()
            self.writing = None

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Before each rebuild, stop writing the last build's index: the rebuild need not
        share the processor with it."""
        if not self.config.enabled:
            return server
        inner = server.builder

        def rebuild() -> None:
            self._stop_writing()
            return inner()

        server.builder = rebuild
        return server

    def _record_postings(self) -> static.Postings:
        """The postings of the records this site publishes and searches, in the index."""
        return static.Postings(self._record_docs(), self._stopped)

    def _record_docs(self, body_chars: int | None = None) -> list[static.Doc]:
        """The entries of the records this site publishes and searches: `accord search`'s
        documents (each body cut to `body_chars` characters, if given), made record by
        record: the documents themselves, bodies and all, are not kept (nor cached, in a
        forked process), only the entries, whose text is dropped once counted."""
        assert self.catalogue is not None
        lookup = catalogue_lookup(self.catalogue)
        url_of = self._url_of_path()
        # Kept between `mkdocs serve` builds (where the index is written in a thread); a
        # forked process's would die with it.
        build = self.documents.build if self.serving else build_documents
        found: list[static.Doc] = []
        for i, record in enumerate(self.catalogue.records.values()):
            static.checkpoint(self._stopped, i)
            if record.id in self.urls:
                docs = static.record_docs(build(record.model, record.rel_path, record.body, lookup).docs, url_of,
                                          body_chars)
                if isinstance(record.model, Agreement) and docs:
                    docs[0].status = record.model.status.value
                found += docs
        return found

    def _stopped(self) -> bool:
        """Asked now and then while the index is made: whether to stop. Under `mkdocs serve`
        the interpreter is also given to the server's threads for a moment, so that pages
        are served at once while the index is written."""
        if self.serving:
            time.sleep(0.001)  # a real pause: the interpreter lock goes to whoever waits for it
        return self.stop.is_set()

    def _url_of_path(self) -> Any:
        assert self.catalogue is not None
        return {record.rel_path: self.urls[record.id] for record in self.catalogue.records.values()
                if record.id in self.urls}.get

    def _write(self, site_dir: Path, postings: static.Postings, pages: list[static.Doc]) -> tuple[int, str]:
        """Write the index into a staging folder beside its place: its size, and what was cut to fit."""
        staging = _staging(site_dir)
        spare = [dataclasses.replace(page) for page in pages]  # counting empties each entry's text
        size = static.write(postings.add(pages), staging, self.registers)
        if size <= self.config.index_budget_mb * 1_000_000:
            return size, ""
        del postings
        size = static.write(self._record_docs(self.config.body_excerpt) + spare, staging, self.registers)
        return size, (f"search index: {size / 1e6:.1f} MB with each record's body cut to its first "
                      f"{self.config.body_excerpt} characters, to stay within index_budget_mb: "
                      f"{self.config.index_budget_mb:g} (the whole index would weigh more; "
                      "`accord search` searches every word)")

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
        if not self.config.enabled or self.catalogue is None:
            return None
        return _CONFIG.sub(self._worker, output, count=1)

    @staticmethod
    def _worker(match: re.Match[str]) -> str:
        try:
            app = json.loads(match.group(2))
        except ValueError:
            return match.group(0)
        if not isinstance(app, dict) or not isinstance(app.get("search"), str):
            return match.group(0)
        app["search"] = _THEME_WORKER.sub(WORKER, app["search"])
        text = json.dumps(app, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        return match.group(1) + text + match.group(3)

    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Priority -100: after mkdocs-material's search plugin has written its index.
        Its entries for other pages join the records' in Accord's index, and its own file
        keeps only its settings, which the theme hands to the worker."""
        if not self.config.enabled or self.catalogue is None or self.job is None:
            return
        job, self.job = self.job, None
        path = Path(config.site_dir) / INDEX
        if not path.is_file():
            job.cancel()
            return  # no search plugin in this site
        theme_index = json.loads(path.read_text(encoding="utf-8"))
        pages = static.page_docs(theme_index.get("docs", []))
        theme_index["docs"] = []
        path.write_text(json.dumps(theme_index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        site_dir = Path(config.site_dir)
        if self.serving:
            # The pages are served and the browsers reloaded while the index is written:
            # the box answers from the last one until this one takes its place.
            self.writing = threading.Thread(target=self._finish, args=(job, pages, site_dir, SERVE_FIRST),
                                            daemon=True, name="accord-search-index")
            self.writing.start()
            return
        try:
            self._finish(job, pages, site_dir)
        except JobError as exc:
            raise PluginError(f"accord/search: the search index could not be written: {exc}") from None

    def _finish(self, job: Job[tuple[int, str]], pages: list[static.Doc], site_dir: Path, wait: float = 0.0,
                ) -> None:
        if wait and self.stop.wait(wait):  # the reloaded pages are served first, without competing
            job.cancel()
            return
        try:
            size, cut = job.finish(pages)
        except static.Stopped:
            shutil.rmtree(_staging(site_dir), ignore_errors=True)
            log.debug("search index: left for the next build's")
            return
        except Exception as exc:
            if not self.serving:
                raise
            shutil.rmtree(_staging(site_dir), ignore_errors=True)
            log.error(f"accord/search: the search index could not be written: {exc}")
            return
        if cut:
            log.info(cut)
        folder = site_dir / static.FOLDER
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            folder.rename(old)
        _staging(site_dir).rename(folder)
        if old.exists():
            shutil.rmtree(old)
        log.debug(f"search index written: {size / 1e6:.1f} MB")



# The registers a question no record answers is pointed to, where the site has them.
REGISTERS = (("agreements/index.md", "Agreements"), ("organizations/index.md", "Organisations"),
             ("lessons/index.md", "Lessons"))


def _registers(files: Files) -> list[dict[str, str]]:
    found = []
    for src_uri, title in REGISTERS:
        file = files.get_file_from_path(src_uri)
        if file is not None and not file.inclusion.is_excluded():
            found.append({"title": title, "location": file.url})
    return found


def _staging(site_dir: Path) -> Path:
    folder = site_dir / static.FOLDER
    return folder.with_name(folder.name + ".new")
