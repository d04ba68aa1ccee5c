"""Record pages kept compressed once made (see `PackedPage`)."""

from __future__ import annotations

import zlib
from typing import Any

from mkdocs.structure.pages import Page

from accord import compat


def pack(page: Page) -> None:
    """From now on the record page keeps its Markdown and HTML compressed (`PackedPage`)."""
    if type(page) is Page:  # the Markdown packed now; the HTML once MkDocs sets it
        compat.recast_page(page, PackedPage, again=("markdown",))


class _Packed:
    """An attribute of a page kept compressed, made whole whenever it is read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.key = name, f"_packed_{name}"

    def __get__(self, page: Any, owner: type | None = None) -> Any:
        if page is None:
            return self
        if self.key not in page.__dict__:
            return page.__dict__.get(self.name)
        value = page.__dict__[self.key]
        return zlib.decompress(value).decode("utf-8") if isinstance(value, bytes) else value

    def __set__(self, page: Any, value: str | None) -> None:
        page.__dict__.pop(self.name, None)
        page.__dict__[self.key] = zlib.compress(value.encode("utf-8"), 1) if value else value


class PackedPage(Page):
    """A record's page whose Markdown and HTML are kept compressed, made whole whenever read.

    MkDocs converts every page before it writes any and keeps each page's Markdown and HTML
    to the end of the build: at 2,000 records, 55 MB of the build's peak memory went to
    record pages alone (about 9 MB compressed). Whatever reads them (the theme's template,
    its search) gets the text as it was set."""

    content = _Packed()  # type: ignore[assignment]
    markdown = _Packed()  # type: ignore[assignment]
