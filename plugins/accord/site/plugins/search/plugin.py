"""`accord/search`: the knowledge base in mkdocs-material's site search.

Record pages are kept out of the theme's own indexing, which would parse each page's
HTML and index every section; instead each record gets one compact entry and each lesson
one entry of its own, deep-linked to its anchor (accord.site.site_index). Generated pages,
which only repeat the records, stay out of the index. Other pages are indexed by the
theme as usual.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from accord.catalogue import Catalogue
from accord.format.records import Record
from accord.search.advice import lessons_to_consider
from accord.site.plugins.search.config import SearchConfig
from accord.site.plugins.shared import records_plugin
from accord.site.site_index import LEVELS, record_entries

INDEX = Path("search") / "search_index.json"
log = get_plugin_logger(__name__)


class SearchPlugin(BasePlugin[SearchConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None
        self.urls: dict[str, str] = {}  # record id → page URL
        self.record_pages: set[str] = set()  # src_uri of record pages

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that the instance survives `mkdocs serve` rebuilds; state is reset in on_config."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        records_plugin(config, "accord/search")
        self.catalogue, self.urls, self.record_pages = None, {}, set()
        return config

    @event_priority(-100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Priority -100: after accord/records has loaded the catalogue and dropped hidden records."""
        if not self.config.enabled:
            return None
        records = records_plugin(config, "accord/search")
        self.catalogue = records.catalogue
        if self.catalogue is not None and self.config.lessons_to_consider > 0:
            records.advice.update(lessons_to_consider(self.catalogue, self.config.lessons_to_consider))
        if self.catalogue is not None:
            for record in self.catalogue.records.values():
                file = files.get_file_from_path(record.rel_path)
                if file is not None:
                    self.urls[record.id] = file.url
                    self.record_pages.add(record.rel_path)
        return files

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

    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Priority -100: after mkdocs-material's search plugin has written its index."""
        if not self.config.enabled or self.catalogue is None:
            return
        path = Path(config.site_dir) / INDEX
        if not path.is_file():
            return  # no search plugin in this site
        raw = path.read_text(encoding="utf-8")
        index = json.loads(raw)
        entries, level = record_entries(
            self.catalogue, self._url, lesson_boost=self.config.lesson_boost, body_excerpt=self.config.body_excerpt,
            budget_mb=self.config.index_budget_mb, other_bytes=len(raw.encode("utf-8")),
        )
        if level != LEVELS[-1]:
            log.info(f"search index: records with their {level} only, to stay within "
                     f"index_budget_mb: {self.config.index_budget_mb}")
        index.setdefault("docs", []).extend(entries)
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    def _url(self, record: Record) -> str | None:
        return self.urls.get(record.id)
