"""Links between the pages of a site, without MkDocs: the URLs MkDocs (and Zensical, which
copies its rules) gives docs-relative paths, and the cutting of links to records that a
site's audience may not see. Used by `accord render`; the plugins use MkDocs' own `Files`
for the URLs and the same cutting."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from accord.format.paths import MARKDOWN_ENDINGS
from accord.format.records import page_url
from accord.site.render import Linker


def file_url(rel_path: str, use_directory_urls: bool = True) -> str:
    """The site URL of a docs-relative path, as MkDocs' `File.url` gives it (`./` for the home page)."""
    if rel_path.lower().endswith(MARKDOWN_ENDINGS):
        return page_url(rel_path, use_directory_urls) or "./"
    return rel_path


def relative_url(url: str, here: str) -> str:
    """`url` relative to the page at `here` (both site URLs), as `mkdocs.utils.get_relative_url`."""
    head, tail = posixpath.split(here)
    other = head if "." in tail else here
    relative = posixpath.relpath("/" + url, "/" + other)
    return relative + "/" if url.endswith("/") and not relative.endswith("/") else relative


def linker(published: Mapping[str, str], page: str, use_directory_urls: bool = True) -> Linker:
    """Relative URLs from the page at `page` to published files. `published` maps the
    docs-relative paths templates name to where the files are published (others: "")."""
    here = file_url(page, use_directory_urls)

    def url(rel_path: str) -> str:
        target = published.get(rel_path)
        if target is None:
            return ""
        return relative_url(file_url(target, use_directory_urls), here)

    return url


_INLINE_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\n]*?[\"'])?\s*\)")


def unlink_hidden(markdown: str, src_uri: str, hidden: set[str]) -> str:
    """Markdown links to hidden records' files replaced by their text."""
    folder = posixpath.dirname(src_uri)

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).split("#", 1)[0].split("?", 1)[0]
        if not target or "://" in target or target.startswith(("mailto:", "#")):
            return match.group(0)
        path = posixpath.normpath(posixpath.join(folder, unquote(target))).lstrip("/")
        return match.group(1) if path in hidden else match.group(0)

    return _INLINE_LINK.sub(replace, markdown)


def without_hidden(nav: Any, hidden: set[str]) -> Any:
    """An explicit `nav` without the entries of records left out of this site."""
    if isinstance(nav, list):
        kept = [without_hidden(item, hidden) for item in nav]
        return [item for item in kept if item is not None]
    if isinstance(nav, dict):
        kept = {title: without_hidden(value, hidden) for title, value in nav.items()}
        kept = {title: value for title, value in kept.items() if value is not None and value != []}
        return kept or None
    if isinstance(nav, str) and "://" not in nav and nav_path(nav) in hidden:
        return None
    return nav


def nav_path(entry: str) -> str:
    """The docs-relative path a `nav` entry names, however it is written (`/a/b.md`, `./a/b.md`, `a//b.md`)."""
    return posixpath.normpath("/" + unquote(entry.strip())).lstrip("/")
