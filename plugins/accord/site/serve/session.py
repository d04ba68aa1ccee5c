"""One `mkdocs serve`: what is kept from one build to the next, and the rebuild protocol.

Made by accord/records only when MkDocs serves (a plain `mkdocs build` never makes one) and
handed to the other plugins in the site state (accord.site.state). It owns:

- the rebuild plan (accord.site.serve.plan): before each rebuild, whether to make the whole
  site, nothing, or only the pages a save reaches (accord.site.serve.reach), with MkDocs'
  own `--dirty` build told which pages are out of date;
- the watcher (accord.site.serve.watching), which sees a save at once at any size;
- the writer (accord.site.serve.writer) of the search index, stopped when a rebuild begins;
- what the pages plugin keeps between builds (what each generated page was made from, a
  register's rows, the calendar's events).

Every touch of MkDocs' internals this needs is in accord.compat.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from accord import compat
from accord.catalogue import Catalogue
from accord.format.loading import build_date
from accord.site.serve.plan import TAGS, WHOLE, Built, Plan, Stamps, plan, publishes_dotfiles, stamps
from accord.site.serve.reach import reach
from accord.site.serve.watching import Watcher, poll_seconds
from accord.site.serve.writer import Writer

log = logging.getLogger("mkdocs.plugins.accord.records")


class Session:
    def __init__(self) -> None:
        self.built: Built | None = None  # what the last good build was made from
        self.started: Stamps = {}  # the files as the current build began
        self.planned: Stamps | None = None  # as the plan found them just before
        self.dotfiles = False  # whether exclude_docs takes back files whose names start with a dot
        self.plugins: list[str] = []  # the site's plugins, as the last build had them
        self.tags_ready = False  # mkdocs-material's tags plugin there, as accord/pages can feed it
        self.also: list[str] = []  # custom_dir and `watch:`, which pages are made from too
        self.plan: Plan = WHOLE  # this build's
        self.dirty = False  # the current build is MkDocs' dirty one
        self.reach: Plan = WHOLE  # the records whose pages the change reaches
        self.loaded: dict[str, Any] = {}  # the records read (accord.format.loading's cache)
        self.writer = Writer()
        self.before_rebuild: list[Callable[[], None]] = [self.writer.halt]
        # accord/pages': what each generated page was made from (last build, this one), parts, events
        self.signatures: dict[str, Any] = {}
        self.made: dict[str, Any] = {}
        self.parts: dict[Any, Any] = {}
        self.events: dict[str, tuple[Any, bytes]] = {}
        self.sheets: dict[str, dict[str, str]] = {}  # each register's spreadsheets, by register page

    def begin(self, config: Any) -> None:
        """A build begins (on_config): the files as it begins, as the plan found them if it did."""
        gc.freeze()  # what the last build left: kept, or collected after this one
        planned, self.planned = self.planned, None
        custom_dir = config.theme.custom_dir
        self.also = [str(path) for path in ([custom_dir] if custom_dir else []) + list(config.watch)]
        self.plugins = list(config.plugins)
        self.dotfiles = publishes_dotfiles(config.exclude_docs)
        self.started = planned if planned is not None else stamps(
            Path(config.docs_dir), config.config_file_path, self.also, self.dotfiles)
        self.made = {}

    def plan_rebuild(self, docs_dir: Path, config_file: str | None) -> Plan:
        now = stamps(docs_dir, config_file, self.also, self.dotfiles)
        self.planned = now
        return plan(self.built, now, self.plugins, self.tags_ready, build_date())

    def install(self, server: Any, config: Any) -> Any:
        """on_serve: the server's builder makes only what a save changes; its observer is a
        `Watcher` (a save seen at once), polling as often as the first build's files allow."""
        tags = next((config.plugins[name] for name in TAGS if name in config.plugins), None)
        for problem in compat.check(server, server.observer, tags):
            log.info(f"accord: {problem}")
        docs_dir, config_file = Path(config.docs_dir), config.config_file_path
        covered = [os.path.abspath(p) for p in (docs_dir, config_file, *self.also) if p]
        watcher = Watcher.replacing(server.observer, poll_seconds(len(self.started)))
        compat.wrap_builder(server, lambda whole: self._rebuilder(whole, server, docs_dir, config_file, covered,
                                                                  watcher))
        if watcher is not None:
            compat.replace_observer(server, watcher)
            covered.extend(os.path.abspath(p) for p in config.watch)  # watched after this event
        return server

    def _rebuilder(self, whole: Callable[[], Any], server: Any, docs_dir: Path, config_file: str | None,
                   covered: list[str], watcher: Watcher | None) -> Callable[[], Any]:
        def rebuild() -> Any:
            if watcher is None:
                return planned(None)
            watcher.pause()
            try:
                return planned(watcher.take())
            finally:
                watcher.resume()

        def planned(seen: set[str] | None) -> Any:
            self.plan = self.plan_rebuild(docs_dir, config_file)
            if self.plan.skip:
                # Nothing changed since the last build: the notifications of a save that was
                # already built (an editor writes a temporary file, then renames it). Unless a
                # file was seen changing where the plan does not look (the theme's own folders).
                if seen is not None and all(_within(path, covered) or _hidden(path) for path in seen):
                    self.planned = None
                    compat.keep_browsers(server)  # nothing new: browsers not reloaded
                    return None
                self.plan = WHOLE
            for step in self.before_rebuild:  # (a rebuild found needless stops nothing)
                step()
            if self.plan.whole:
                return whole()
            with compat.dirty_serve_builds() as dirty:
                if not dirty:
                    self.plan = WHOLE
                self.dirty = dirty
                try:
                    return whole()
                finally:
                    self.dirty = False

        return rebuild

    def _reach_now(self, catalogue: Catalogue, advice: dict[str, list[Any]]) -> Plan:
        """In a dirty build: the records whose pages the change reaches."""
        if self.plan.whole or self.built is None:
            return WHOLE
        return reach(self.built, self.plan.ids, catalogue, advice)

    def finish(self, catalogue: Catalogue, advice: dict[str, list[Any]], today: Any, docs_dir: str,
               tags_ready: bool) -> None:
        """A good build ends: what it was made of, for the next."""
        self.tags_ready = tags_ready
        self.built = Built(
            stamps=self.started, catalogue=catalogue, advice=dict(advice),
            records={os.path.join(docs_dir, *r.rel_path.split("/")): r.id for r in catalogue.records.values()},
            today=today,
        )

    def out_of_date(self, catalogue: Catalogue, advice: dict[str, list[Any]], nav: Any, files: Any,
                    site_dir: str) -> None:
        """In a dirty build, say which pages are out of date (MkDocs makes only those): the
        pages of the records the change reaches, and every page that is not a record's."""
        self.reach = WHOLE
        if not self.dirty:
            return
        reached = self._reach_now(catalogue, advice)
        in_nav = {page.file.src_uri for page in nav.pages}
        if not reached.whole and any(record.rel_path in in_nav for record in catalogue.records.values()):
            reached = WHOLE  # record pages in every page's navigation: their titles come from being read
        if reached.whole:
            # The whole site, as a build that is not dirty makes it: from an empty folder, so
            # that no page of a record now hidden (or gone) stays behind.
            from mkdocs.utils import clean_directory  # (here: the session's pure parts import no MkDocs)

            clean_directory(site_dir)
        records = {record.rel_path for record in catalogue.records.values()}
        stale = {catalogue.records[i].rel_path for i in reached.ids if i in catalogue.records}
        self.reach = reached
        for file in files.documentation_pages():
            compat.mark_modified(file, reached.whole or file.src_uri not in records or file.src_uri in stale)


def _within(path: str, roots: list[str]) -> bool:
    return any(Path(os.path.abspath(path)).is_relative_to(root) for root in roots)


def _hidden(path: str) -> bool:
    """An editor's swap or lock file (`.name.md.swp`, `.#name.md`), wherever it is."""
    return os.path.basename(path).startswith(".")
