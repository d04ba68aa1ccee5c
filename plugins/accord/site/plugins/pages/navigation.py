"""The navigation as staff read it: the generated sections in a sensible order, a register
alone as a page, record pages in their register's order, and few record pages listed."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from accord.catalogue import Catalogue
from accord.format.records import Record
from accord.site.render import NAV_ORDER, GeneratedPage, nav_order


def keep_nav_small(files: Files, records: dict[str, Record], catalogue: Catalogue, most: int) -> None:
    """Record pages out of the navigation where a section would list more than `most`."""
    sizes = Counter(record.type for record in catalogue.records.values())
    for file in files.documentation_pages():
        record = records.get(file.src_uri)
        if record is not None and sizes[record.type] > most:
            file.inclusion = InclusionLevel.NOT_IN_NAV


def arrange(nav: Navigation, generated: dict[str, GeneratedPage], records: dict[str, Record],
            catalogue: Catalogue | None) -> Navigation:
    """Put the generated sections in a sensible order, when MkDocs made the navigation."""
    rank = {name: i for i, name in enumerate(NAV_ORDER)}
    nav.items.sort(key=lambda item: rank.get(_nav_key(item), len(rank)))
    for position, item in enumerate(nav.items):
        if not (isinstance(item, Section) and item.children):
            continue
        index = getattr(item.children[0], "file", None)
        if index is None or index.src_uri not in generated:
            continue
        if len(item.children) == 1:
            # Only the register is left (its records are not listed): a page, not a
            # section, which the theme renders into every page at a fraction of the cost.
            nav.items[position] = item.children[0]
            item.children[0].parent = None
        else:
            item.title = generated[index.src_uri].title  # "Partners", not "Organizations"
            listed = [child for child in item.children[1:] if getattr(child, "file", None) is not None
                      and child.file.src_uri in records]
            if catalogue is not None and len(listed) == len(item.children) - 1:
                listed.sort(key=lambda child: nav_order(records[child.file.src_uri], catalogue))
                item.children[1:] = listed
    _relink(nav)
    return nav


def _relink(nav: Navigation) -> None:
    """Previous and next links (and nav.pages) in the order the navigation now shows."""
    pages: list[Page] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, Page):
                pages.append(item)
            elif isinstance(item, Section):
                walk(item.children)

    walk(nav.items)
    for before, after in zip([None, *pages], [*pages, None], strict=True):
        if before is not None:
            before.next_page = after
        if after is not None:
            after.previous_page = before
    nav.pages[:] = pages


def _nav_key(item: Any) -> str:
    if isinstance(item, Section):
        for child in item.children:
            file = getattr(child, "file", None)
            if file is not None:
                return file.src_uri.split("/", 1)[0]
            if isinstance(child, Section):
                return _nav_key(child)
        return ""
    file = getattr(item, "file", None)
    return file.src_uri if file is not None else ""


