"""`accord/search`: shapes mkdocs-material's search index for the knowledge base.

Lessons are already their own entries: each is a heading with a stable anchor on its
retrospective page, which mkdocs-material's search indexes per section. This plugin
keeps generated pages out of the index and adds each record's parties, kind and tags
to its entries.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from accord.catalogue import Catalogue
from accord.plugins.search.config import SearchConfig
from accord.plugins.shared import records_plugin
from accord.records import Record
from accord.render import KIND_NAMES

log = get_plugin_logger(__name__)
INDEX = Path("search") / "search_index.json"


class SearchPlugin(BasePlugin[SearchConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.pages: dict[str, Record] = {}  # page URL → record
        self.catalogue: Catalogue | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that the instance survives `mkdocs serve` rebuilds; state is reset in on_config."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        records_plugin(config, "accord/search")
        self.pages = {}
        return config

    @event_priority(-100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Priority -100: after accord/records has loaded the catalogue and dropped hidden records."""
        if not self.config.enabled:
            return None
        catalogue = records_plugin(config, "accord/search").catalogue
        self.catalogue = catalogue
        if catalogue is not None:
            self.pages = _record_urls(catalogue, files)
        return files

    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Priority -100: after accord/pages; generated pages are marked for material's search to skip."""
        if self.config.enabled and self.config.exclude_generated and page.file.generated_by == "accord/pages":
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return None

    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Priority -100: after mkdocs-material's search plugin has written its index."""
        if not self.config.enabled:
            return
        path = Path(config.site_dir) / INDEX
        if not path.is_file():
            return  # no search plugin in this site
        index = json.loads(path.read_text(encoding="utf-8"))
        for entry in index.get("docs", []):
            self._shape(entry)
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    def _shape(self, entry: dict[str, Any]) -> None:
        """Names on a record's main entry; topics and a boost on each lesson's entry.

        mkdocs-material weighs tags far above text, so the extra names go only where
        they describe the entry: a partner's name finds the agreement, a lesson's topic
        finds the lesson itself rather than every section of its retrospective.
        """
        page_url, _, anchor = entry.get("location", "").partition("#")
        record = self.pages.get(page_url)
        if record is None or self.catalogue is None:
            return
        added: list[str] = []
        if not anchor:
            added = _record_tags(record, self.catalogue)
        elif record.type == "retrospective":
            lesson = next((lesson for lesson in record.retrospective.lessons if lesson.id == anchor), None)
            if lesson is not None:
                added = [*lesson.topics, *([lesson.impact.value] if lesson.impact else [])]
                if self.config.lesson_boost != 1:
                    entry["boost"] = self.config.lesson_boost
        if added and self.config.record_tags:
            # Escaped like the rest of the index: the theme inserts entries as HTML.
            escaped = [html.escape(tag, quote=False) for tag in added]
            entry["tags"] = list(dict.fromkeys([*entry.get("tags", []), *escaped]))


def _record_urls(catalogue: Catalogue, files: Files) -> dict[str, Record]:
    urls = {}
    for record in catalogue.records.values():
        file = files.get_file_from_path(record.rel_path)
        if file is not None:
            urls[file.url] = record
    return urls


def _record_tags(record: Record, catalogue: Catalogue) -> list[str]:
    """Names people search for: parties and partners by name, kinds, statuses, topics."""

    def names(ids: list[str]) -> list[str]:
        return [catalogue.records[i].title for i in ids if i in catalogue.records]

    model = record.model
    tags = list(model.tags)
    if record.type == "agreement":
        agreement = record.agreement
        tags += [KIND_NAMES[agreement.kind.value], agreement.status.value]
        tags += names(agreement.party_ids)
        if agreement.sector:
            tags.append(agreement.sector)
    elif record.type == "organization":
        tags.append(record.organization.kind.value)
    elif record.type == "retrospective":
        tags += names(record.retrospective.partners)
    return tags
