"""What the three plugins share: the records plugin's catalogue, and links between pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from accord.render import Linker

if TYPE_CHECKING:
    from accord.plugins.records.plugin import RecordsPlugin

RECORDS = "accord/records"


def records_plugin(config: MkDocsConfig, needed_by: str) -> RecordsPlugin:
    plugin = config.plugins.get(RECORDS)
    if plugin is None:
        raise PluginError(
            f"{needed_by} needs the {RECORDS} plugin, which loads the records: list it in mkdocs.yml, "
            f"e.g. plugins: [search, {RECORDS}, accord/pages, accord/search]"
        )
    return plugin  # type: ignore[return-value]


def linker(page_file: File, files: Files) -> Linker:
    """Relative URLs from `page_file` to the pages of docs-relative paths."""

    def url(rel_path: str) -> str:
        target = files.get_file_from_path(rel_path)
        return get_relative_url(target.url, page_file.url) if target is not None else ""

    return url
