"""`mkdocs serve` with errors keeps serving: each broken record's page lists its problems, a
page lists them all, and every page links there. Only records the audience may see are
shown (a broken record's own confidentiality decides; one that cannot be told is not shown)."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url

from accord.site import preview
from accord.site.plugins.records.refusals import UNSEEN_ERRORS

log = get_plugin_logger("accord.site.plugins.records.plugin")  # the plugin's own logger, as before the split
MARKER = '<article class="md-content__inner md-typeset">'


def refuse_errors(result: Any) -> None:
    """`mkdocs build` with errors: stop, naming those the audience may see."""
    shown, unseen = result.shown(result.errors)
    listing = "\n".join([d.format_text() for d in shown] + ([UNSEEN_ERRORS] if unseen else []))
    raise PluginError(
        f"{len(shown) or 'Some'} error{'s' if len(shown) != 1 else ''} in the knowledge base; fix them "
        f"(`accord validate` shows the whole list):\n{listing}"
    )


class Problems:
    """The preview's errors, its pages of problems and its banner."""

    def __init__(self) -> None:
        self.errors: list[Any] = []  # the errors of the preview
        self.shown = 0  # how many of them its audience may be shown (the banner's count)
        self.url = ""
        self.pages: set[str] = set()  # broken records' pages of problems

    def show(self, result: Any, files: Files, config: MkDocsConfig) -> None:
        self.errors = result.errors
        shown, unseen = result.shown(result.errors)
        self.shown = len(shown)
        grouped = preview.by_file(shown)
        pages = self._record_pages(result, grouped, files, config)
        self.pages = set(pages.values())
        for diagnostic in shown:
            log.warning(diagnostic.format_text())
        if unseen:
            log.warning(UNSEEN_ERRORS)
        if not shown:
            return  # nothing this audience may be shown: no page, no banner (not even a count)
        page = File.generated(config, preview.PROBLEMS_PAGE, content=preview.problems_page(grouped, pages),
                              inclusion=InclusionLevel.NOT_IN_NAV)
        files.append(page)
        self.url = page.url
        log.warning(f"{len(shown)} error{'s' if len(shown) != 1 else ''} in the knowledge base: "
                    f"the preview serves the rest of the site and shows them at /{page.url} "
                    "(`mkdocs build` fails until they are fixed)")

    @staticmethod
    def _record_pages(result: Any, grouped: dict[str, Any], files: Files, config: MkDocsConfig) -> dict[str, str]:
        """A broken record's file is never published as it is (its front matter would print
        as text): its problems take its place, or nothing if it is not shown."""
        pages: dict[str, str] = {}
        for path, source in {source.path: source for source in result.failed}.items():
            existing = files.get_file_from_path(source.rel_path)
            if existing is not None:
                files.remove(existing)
            if path not in grouped or source.rel_path in pages.values():
                continue
            files.append(File.generated(config, source.rel_path, content=preview.record_page(path, grouped[path]),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
            pages[path] = source.rel_path
        return pages

    def banner(self, output: str, page_url: str) -> str | None:
        """The page with the banner at the top of its article, linking to the problems."""
        if not self.shown or MARKER not in output:
            return None
        return output.replace(MARKER, MARKER + preview.banner(self.shown, get_relative_url(self.url, page_url)), 1)
