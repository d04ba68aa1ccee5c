"""The site's search index: `accord search`'s own documents for every record the site
publishes and searches, with the theme's entries for the other pages, written in pieces a
browser fetches as a query needs them (accord.search.static). Written into a staging folder
beside its place, then put there whole."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files

from accord.catalogue import Catalogue
from accord.format.models import Agreement
from accord.search import static
from accord.search.documents import DocumentsCache, catalogue_lookup
from accord.search.documents import build as build_documents
from accord.site.background import Job

log = get_plugin_logger("accord.site.plugins.search.plugin")

def staging(site_dir: Path) -> Path:
    folder = site_dir / static.FOLDER
    return folder.with_name(folder.name + ".new")


@dataclasses.dataclass
class SiteIndex:
    """One build's index: the records searched (`urls`: record id → page URL), the registers
    offered when no record answers, and how to know the work should stop (`stopped`)."""

    catalogue: Catalogue
    urls: dict[str, str]
    registers: list[dict[str, str]]
    stopped: Callable[[], bool]
    documents: DocumentsCache | None  # kept between `mkdocs serve` builds (None: made afresh)
    budget_mb: float
    body_excerpt: int

    def postings(self) -> static.Postings:
        """The postings of the records this site publishes and searches, in the index."""
        return static.Postings(self.record_docs(), self.stopped)

    def record_docs(self, body_chars: int | None = None) -> list[static.Doc]:
        """The entries of the records this site publishes and searches: `accord search`'s
        documents (each body cut to `body_chars` characters, if given), made record by
        record: the documents themselves, bodies and all, are not kept (nor cached, in a
        forked process), only the entries, whose text is dropped once counted."""
        lookup = catalogue_lookup(self.catalogue)
        url_of = {record.rel_path: self.urls[record.id] for record in self.catalogue.records.values()
                  if record.id in self.urls}.get
        # Kept between `mkdocs serve` builds (where the index is written in a thread); a
        # forked process's would die with it.
        build = self.documents.build if self.documents is not None else build_documents
        found: list[static.Doc] = []
        for i, record in enumerate(self.catalogue.records.values()):
            static.checkpoint(self.stopped, i)
            if record.id in self.urls:
                docs = static.record_docs(build(record.model, record.rel_path, record.body, lookup).docs, url_of,
                                          body_chars)
                if isinstance(record.model, Agreement) and docs:
                    docs[0].status = record.model.status.value
                found += docs
        return found

    def write(self, site_dir: Path, postings: static.Postings, pages: list[static.Doc]) -> tuple[int, str]:
        """Write the index into a staging folder beside its place: its size, and what was cut to fit."""
        spare = [dataclasses.replace(page) for page in pages]  # counting empties each entry's text
        size = static.write(postings.add(pages), staging(site_dir), self.registers)
        if size <= self.budget_mb * 1_000_000:
            return size, ""
        del postings
        size = static.write(self.record_docs(self.body_excerpt) + spare, staging(site_dir), self.registers)
        return size, (f"search index: {size / 1e6:.1f} MB with each record's body cut to its first "
                      f"{self.body_excerpt} characters, to stay within index_budget_mb: "
                      f"{self.budget_mb:g} (the whole index would weigh more; "
                      "`accord search` searches every word)")


def finish(job: Job[tuple[int, str]], pages: list[static.Doc], site_dir: Path, serving: bool) -> None:
    """Wait for the index and put it in its place (under `mkdocs serve`, a failure is logged
    and the box answers from the last index)."""
    try:
        size, cut = job.finish(pages)
    except static.Stopped:
        shutil.rmtree(staging(site_dir), ignore_errors=True)
        log.debug("search index: left for the next build's")
        return
    except Exception as exc:
        if not serving:
            raise
        shutil.rmtree(staging(site_dir), ignore_errors=True)
        log.error(f"accord/search: the search index could not be written: {exc}")
        return
    if cut:
        log.info(cut)
    folder = site_dir / static.FOLDER
    old = folder.with_name(folder.name + ".old")
    if folder.exists():
        folder.rename(old)
    staging(site_dir).rename(folder)
    if old.exists():
        shutil.rmtree(old)
    log.debug(f"search index written: {size / 1e6:.1f} MB")


def searched_urls(catalogue: Catalogue, files: Files) -> tuple[dict[str, str], set[str]]:
    """Record id → page URL of the records searched, and the src_uri of every record page.
    Searched only if published (not left out by the author's exclude_docs or draft_docs) and
    not kept out of search by the record's own `search: exclude`."""
    urls: dict[str, str] = {}
    pages: set[str] = set()
    for record in catalogue.records.values():
        file = files.get_file_from_path(record.rel_path)
        if file is None:
            continue
        pages.add(record.rel_path)
        own: Any = record.model.search or {}
        if not file.inclusion.is_excluded() and not own.get("exclude"):
            urls[record.id] = file.url
    return urls, pages
