"""What the three plugins share: the records plugin's catalogue, and links between pages."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from accord.site.render import Linker

if TYPE_CHECKING:
    from accord.site.plugins.records.plugin import RecordsPlugin

RECORDS = "accord/records"


def records_plugin(config: MkDocsConfig, needed_by: str) -> RecordsPlugin:
    plugin = config.plugins.get(RECORDS)
    if plugin is None:
        raise PluginError(
            f"{needed_by} needs the {RECORDS} plugin, which loads the records: list it in mkdocs.yml, "
            f"e.g. plugins: [search, {RECORDS}, accord/pages, accord/search]"
        )
    return plugin  # type: ignore[return-value]


class Linkers:
    """Relative URLs between the files of one build (pages link to each other thousands
    of times, so the lookups are cached)."""

    def __init__(self, files: Files) -> None:
        self.files = files

    @functools.cache  # noqa: B019 - one instance per build, dropped with it
    def _url(self, rel_path: str) -> str | None:
        target = self.files.get_file_from_path(rel_path)
        return target.url if target is not None else None

    def for_page(self, page_file: File) -> Linker:
        """Relative URLs from `page_file` to the files at docs-relative paths."""
        here = page_file.url

        def url(rel_path: str) -> str:
            target = self._url(rel_path)
            return _relative(target, here) if target is not None else ""

        return url


@functools.lru_cache(maxsize=200_000)
def _relative(url: str, other: str) -> str:
    return get_relative_url(url, other)


TAGS = ("material/tags", "tags")


def tags_plugin(config: MkDocsConfig) -> Any:
    """mkdocs-material's tags plugin, if enabled and as accord/pages knows it (else None)."""
    for name in TAGS:
        plugin = config.plugins.get(name)
        if plugin is not None and getattr(plugin.config, "enabled", True):
            mappings = getattr(plugin, "mappings", None)
            if isinstance(getattr(mappings, "data", None), dict) and callable(getattr(plugin, "filter", None)):
                return plugin
    return None
