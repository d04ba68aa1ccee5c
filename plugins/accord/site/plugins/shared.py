"""What the three plugins share: the site state accord/records publishes, the URLs between
the pages of one build, and mkdocs-material's tags plugin as accord/pages feeds it."""

from __future__ import annotations

import functools
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from accord.compat import TagsMappings
from accord.site.render import Linker
from accord.site.serve.plan import TAGS
from accord.site.state import SiteState

RECORDS = "accord/records"


def site_state(config: MkDocsConfig, needed_by: str) -> SiteState:
    """The state accord/records publishes for this build (accord.site.state)."""
    state = getattr(config.plugins.get(RECORDS), "state", None)
    if not isinstance(state, SiteState):
        raise PluginError(
            f"{needed_by} needs the {RECORDS} plugin, which loads the records: list it in mkdocs.yml, "
            f"e.g. plugins: [search, {RECORDS}, accord/pages, accord/search]"
        )
    return state


class PageUrls:
    """The URLs of one build's files, and the relative URL from any page to any of them
    (pages link to each other thousands of times, so the lookups are cached)."""

    def __init__(self, files: Files) -> None:
        self.files = files

    @functools.cache  # noqa: B019 - one instance per build, dropped with it
    def _url(self, rel_path: str) -> str | None:
        target = self.files.get_file_from_path(rel_path)
        return target.url if target is not None else None

    def linker(self, page_file: File) -> Linker:
        """The page's linker: docs-relative path → URL relative to the page ("" if not published)."""
        here = page_file.url

        def url(rel_path: str) -> str:
            target = self._url(rel_path)
            return _relative(target, here) if target is not None else ""

        return url


@functools.lru_cache(maxsize=200_000)
def _relative(url: str, other: str) -> str:
    return get_relative_url(url, other)




def tags_plugin(config: MkDocsConfig) -> Any:
    """mkdocs-material's tags plugin, if enabled and as accord/pages knows it (else None)."""
    for name in TAGS:
        plugin = config.plugins.get(name)
        if plugin is not None and getattr(plugin.config, "enabled", True) and TagsMappings.readable(plugin):
            return plugin
    return None
