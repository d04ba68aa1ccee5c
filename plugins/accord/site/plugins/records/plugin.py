"""`accord/records`: load and validate the knowledge base once per build; own the catalogue."""

from __future__ import annotations

import gc
import os
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory, get_relative_url

from accord.catalogue import Audience, Catalogue
from accord.format.diagnostics import count
from accord.format.files import Walk, walk
from accord.format.loading import build_date, load
from accord.format.models import Confidentiality
from accord.format.records import Record
from accord.format.source import read_source
from accord.format.vocabulary import narrowest
from accord.site import includes, preview
from accord.site.changes import unseen_names
from accord.site.guard import GUARD_PATTERNS, Attachments, hidden_files, how_to_guard, spec, without_guard
from accord.site.links import HiddenLinks, HiddenTargets, cut_bracketed, without_hidden
from accord.site.plugins.records.config import AUDIENCES, RecordsConfig
from accord.site.plugins.shared import tags_plugin
from accord.site.refresh import Built, Refresh, dirty_builds, publishes_dotfiles, stamps
from accord.site.theme import theme_problems
from accord.site.watching import Watcher, poll_seconds

log = get_plugin_logger(__name__)

# Said instead of the errors of records the site's audience may not see (never how many).
UNSEEN_ERRORS = ("The knowledge base also has errors this audience may not be shown: run `accord validate` "
                 "(it shows every record's).")


class RecordsPlugin(BasePlugin[RecordsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None
        self.hidden: set[str] = set()  # docs-relative paths of records left out
        self.unseen_names: frozenset[str] = frozenset()  # their ids, titles, file names (accord.site.changes)
        # Agreement id → lessons to consider (accord.search.advice), filled by accord/search and
        # shown by accord/pages: one dict, shared, so neither plugin depends on the other.
        self.advice: dict[str, list[Any]] = {}
        self.audience = Audience.INTERNAL
        self.today = date.today()
        self.links = HiddenLinks()
        self.walked: Walk | None = None
        self.serving = False  # `mkdocs serve`: errors are shown in the pages instead of stopping the build
        self.problems: list[Any] = []  # the errors of the preview
        self.shown_problems = 0  # how many of them its audience may be shown (the banner's count)
        self.problems_url = ""
        self.problem_pages: set[str] = set()  # broken records' pages of problems, in the preview
        # Kept between `mkdocs serve` builds: the files read, and what the last build was made of.
        self.cache: dict[str, Any] = {}
        self.refresh = Refresh()
        self.reads: includes.Reads | None = None  # what no one may read while pages are made

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that the instance survives `mkdocs serve` rebuilds; state is reset in on_config."""
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        includes.stop()  # (the last build's guard on reads: this one reads every record in on_files)
        _refuse_other_configuration(config)
        self.reads = None
        self.catalogue, self.hidden = None, set()
        self.problems, self.problems_url, self.shown_problems = [], "", 0
        self.problem_pages = set()
        self.advice.clear()
        self.audience = resolve_audience(self.config.audience)
        self.today = build_date()
        if self.serving:
            gc.freeze()  # what the last build left: kept (accord.site.refresh), or collected after this one
            # The files as this build begins: as the rebuild's plan found them, if it did.
            planned, self.refresh.planned = self.refresh.planned, None
            custom_dir = config.theme.custom_dir
            self.refresh.also = [str(path) for path in ([custom_dir] if custom_dir else []) + list(config.watch)]
            self.refresh.plugins = list(config.plugins)
            self.refresh.dotfiles = publishes_dotfiles(config.exclude_docs)
            self.refresh.started = planned if planned is not None else stamps(
                Path(config.docs_dir), config.config_file_path, self.refresh.also, self.refresh.dotfiles)
        # Before MkDocs walks the docs folder: a linked folder that loops would hang it, a
        # FIFO block it, a link outside publish a file from elsewhere, a bad name crash it.
        self.walked = walk(Path(config.docs_dir))  # read again by load() in on_files, not walked twice
        problems = self.walked.problems
        if problems:
            # Named only where the audience may see them (a link inside a hidden record's folder is not).
            read = load(Path(config.docs_dir), self.today, walked=self.walked, audience=self.audience.value)
            shown, unseen = read.shown(problems)
            listing = "\n".join([problem.format_text() for problem in shown] + ([UNSEEN_ERRORS] if unseen else []))
            raise PluginError(f"{len(shown) or 'Some'} file{'s' if len(shown) != 1 else ''} in the docs folder that "
                              f"no engine can safely read; fix them (`accord validate` shows them all):\n{listing}")
        # Cuts links to hidden records as Markdown makes them, in every page (see on_page_markdown).
        self.links = HiddenLinks()
        config.markdown_extensions.append(self.links)  # type: ignore[arg-type]
        return config

    @event_priority(100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Priority 100: run first, so every other plugin sees the validated catalogue
        and none of the files of records outside the audience."""
        if not self.config.enabled:
            return None
        result = load(Path(config.docs_dir), self.today, walked=self.walked, cache=self.cache if self.serving else None,
                      stamps=self.refresh.started if self.serving else None, audience=self.audience.value)
        self.walked = None  # a rebuild under `mkdocs serve` walks afresh in on_config
        warnings, _ = result.shown(result.warnings)  # none about a record this site does not publish
        for warning in warnings:
            # A public record naming a hidden one: the site already leaves the reference out and
            # `accord validate` tells the author; said here, it would tell the id is a hidden record's.
            # An agreement without its signed copy is the author's to do, not a fault of the site: a
            # strict build goes on (`accord validate` says it).
            if warning.code not in ("public-references-hidden", "no-signed-copy"):
                log.warning(warning.format_text())
        custom_dir = Path(config.theme.custom_dir) if config.theme.custom_dir else None
        result.diagnostics += theme_problems(result.records, custom_dir, config.theme.name)
        errors, _ = count(result.diagnostics)
        if errors and not self.serving:
            shown, unseen = result.shown(result.errors)
            listing = "\n".join([d.format_text() for d in shown] + ([UNSEEN_ERRORS] if unseen else []))
            raise PluginError(
                f"{len(shown) or 'Some'} error{'s' if len(shown) != 1 else ''} in the knowledge base; fix them "
                f"(`accord validate` shows the whole list):\n{listing}"
            )
        if errors:
            self.refresh.changed = None  # every page shows the banner
            self._show_problems(result, files, config)
        _refuse_unguarded(result.records, files, config, self.audience)
        _refuse_dotted_records(files, self.audience)
        includes.refuse_unsafe(config, result.records, result.failed)  # what pages may include
        self.catalogue = Catalogue.build(result.records, self.audience)
        # Per file: a record file is published only if it is the very record the catalogue holds.
        hidden = hidden_files(result.records, self.catalogue.records, result.failed)
        self.hidden = hidden - self.problem_pages  # (a broken record's problems stand at its address)
        self.unseen_names = unseen_names(result.records, result.failed, hidden)
        visible = [r.rel_path for r in result.records if r.rel_path not in hidden]
        self.links.targets = HiddenTargets(self.hidden, config.site_url, visible)
        attachments = Attachments(visible, hidden)
        shown = set(visible)
        for file in list(files):
            if file.generated_by or file.src_uri in shown:
                continue  # (a broken record's problems page, in the preview, stands in its place)
            if file.src_uri in hidden or attachments.owned_by_hidden(file.src_uri):
                files.remove(file)  # a hidden record, or a file it owns, wherever the author filed it
        _take_back(files, config, attachments, self.audience.value)
        if config.nav:
            config.nav = without_hidden(config.nav, self.hidden, Attachments(visible, self.hidden).owned_by_hidden)
        self.reads = includes.Reads(config.docs_dir, result.records, self.hidden, result.failed)
        self.reads.name_files = self.audience is Audience.RESTRICTED
        includes.watch(self.reads)  # until the next build (or the end): nothing reads a hidden record's file
        # (how many were left out is not said: a count is a trace of them)
        log.info(f"{len(self.catalogue.records)} records for the {self.audience.value} audience")
        # The records live as long as the build: Python's collector need not go through them
        # again each time it looks for garbage among the pages (a quarter of a build's time).
        if not self.serving:
            gc.collect()  # (under `mkdocs serve`, each rebuild would pay for it)
        gc.freeze()
        return files


    @event_priority(-100)
    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """After a save, make only the pages that change (accord.site.refresh). Priority
        -100: last, so that its rebuild wraps the others' (a rebuild found needless is
        skipped before accord/search stops writing the last build's index)."""
        if not self.config.enabled:
            return server
        whole = server.builder
        docs_dir, config_file = Path(config.docs_dir), config.config_file_path

        watcher: Watcher | None = None
        covered = [os.path.abspath(p) for p in (docs_dir, config_file, *self.refresh.also) if p]

        def rebuild() -> None:
            seen = watcher.take() if watcher is not None else None
            self.refresh.changed = self.refresh.plan(docs_dir, config_file, self.refresh.also, build_date())
            if self.refresh.changed == set():
                # Nothing changed since the last build: the notifications of a save that was
                # already built (an editor writes a temporary file, then renames it). Unless a
                # file was seen changing where the plan does not look (the theme's own folders).
                if seen is not None and all(_within(path, covered) or _hidden(path) for path in seen):
                    self.refresh.planned = None
                    if hasattr(server, "_wanted_epoch") and hasattr(server, "_visible_epoch"):
                        server._wanted_epoch = server._visible_epoch  # nothing new: browsers not reloaded
                    return None
                self.refresh.changed = None
            if self.refresh.changed is None:
                return whole()
            with dirty_builds() as dirty:
                if not dirty:
                    self.refresh.changed = None
                self.refresh.dirty = dirty
                try:
                    return whole()
                finally:
                    self.refresh.dirty = False

        server.builder = rebuild
        # A save seen at once, however many files there are (accord.site.watching); the files
        # polled are those the first build stamped
        watcher = Watcher.replacing(server.observer, poll_seconds(len(self.refresh.started)))
        if watcher is not None:
            server.observer = watcher
            covered.extend(os.path.abspath(p) for p in config.watch)  # watched after this event
        return server

    @event_priority(50)
    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> None:
        """In a dirty build (accord.site.refresh), say which pages are out of date: MkDocs
        makes only those. Priority 50: before accord/pages, which says it of its own pages."""
        self.refresh.reach = None
        if not self.config.enabled or not self.refresh.dirty or self.catalogue is None:
            return None
        catalogue = self.catalogue
        affected = self.refresh.affected(catalogue, self.advice) if self.refresh.changed is not None else None
        in_nav = {page.file.src_uri for page in nav.pages}
        if affected is not None and any(record.rel_path in in_nav for record in catalogue.records.values()):
            affected = None  # record pages in every page's navigation: their titles come from being read
        if affected is None:
            # The whole site, as a build that is not dirty makes it: from an empty folder, so
            # that no page of a record now hidden (or gone) stays behind.
            clean_directory(config.site_dir)
        records = {record.rel_path for record in catalogue.records.values()}
        stale = {catalogue.records[i].rel_path for i in affected if i in catalogue.records} if affected else set()
        self.refresh.reach = affected
        for file in files.documentation_pages():
            out_of_date = affected is None or file.src_uri not in records or file.src_uri in stale
            file.is_modified = (lambda answer=out_of_date: answer)  # type: ignore[method-assign]
        return None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Under `mkdocs serve`, what this build was made of, for the next (accord.site.refresh)."""
        gc.unfreeze()  # what this build kept may go when the next is made
        if self.reads is not None:
            self.reads.finish(self.serving)  # reads refused that their reader passed over
        if not self.config.enabled or not self.serving or self.catalogue is None:
            return
        if self.problems:
            self.refresh.built = None  # the next build makes every page, without the banner
            return
        docs_dir = config.docs_dir
        self.refresh.tags_ready = tags_plugin(config) is not None
        self.refresh.built = Built(
            stamps=self.refresh.started, catalogue=self.catalogue, advice=dict(self.advice),
            records={os.path.join(docs_dir, *r.rel_path.split("/")): r.id for r in self.catalogue.records.values()},
            today=self.today,
        )

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        includes.stop()
        self.refresh.built = None

    def _show_problems(self, result: Any, files: Files, config: MkDocsConfig) -> None:
        """`mkdocs serve` with errors: keep serving. Each broken record's page lists its
        problems; a page lists them all; every page links there (on_post_page). Only
        records the audience may see are shown (a broken record's own confidentiality
        decides; one that cannot be told is not shown)."""
        self.problems = result.errors
        shown, unseen = result.shown(result.errors)
        self.shown_problems = len(shown)
        grouped = preview.by_file(shown)
        broken = {source.path: source for source in result.failed}
        pages: dict[str, str] = {}
        for path, source in broken.items():
            # A broken record's file is never published as it is (its front matter would
            # print as text): its problems take its place, or nothing if it is not shown.
            existing = files.get_file_from_path(source.rel_path)
            if existing is not None:
                files.remove(existing)
            if path not in grouped or source.rel_path in pages.values():
                continue
            files.append(File.generated(config, source.rel_path, content=preview.record_page(path, grouped[path]),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
            pages[path] = source.rel_path
        self.problem_pages = set(pages.values())
        for diagnostic in shown:
            log.warning(diagnostic.format_text())
        if unseen:
            log.warning(UNSEEN_ERRORS)
        if not shown:
            return  # nothing this audience may be shown: no page, no banner (not even a count)
        page = File.generated(config, preview.PROBLEMS_PAGE, content=preview.problems_page(grouped, pages),
                              inclusion=InclusionLevel.NOT_IN_NAV)
        files.append(page)
        self.problems_url = page.url
        log.warning(f"{len(shown)} error{'s' if len(shown) != 1 else ''} in the knowledge base: "
                    f"the preview serves the rest of the site and shows them at /{page.url} "
                    "(`mkdocs build` fails until they are fixed)")

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """While the preview has errors, every page says so at the top, with a link to them."""
        if not self.config.enabled or not self.shown_problems:
            return None
        marker = '<article class="md-content__inner md-typeset">'
        if marker not in output:
            return None
        link = get_relative_url(self.problems_url, page.url)
        return output.replace(marker, marker + preview.banner(self.shown_problems, link), 1)

    @event_priority(100)
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> None:
        """Priority 100: first, before the page's source is read. Its own record file is the
        only record file that may be read until on_page_content (accord.site.includes)."""
        if self.config.enabled and self.reads is not None:
            self.reads.page = page

    @event_priority(-200)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> None:
        """Priority -200: last, once every plugin has made the page."""
        if self.config.enabled and self.reads is not None:
            self.reads.page = None

    def on_shutdown(self) -> None:
        """The end of `mkdocs build` or `serve`: the guard on reads is lifted."""
        includes.stop()

    @event_priority(-200)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Priority -200: last. A link an author wrote to a record left out of this site, in
        any form Markdown reads (inline, reference-style, autolink, raw HTML, an image),
        keeps its text and loses its target, which would name the record: the Markdown
        extension added in on_config cuts it while the page is converted."""
        if not self.config.enabled:
            return None
        self.links.page = page.file.src_uri
        return cut_bracketed(markdown, page.file.src_uri, self.links.targets)


def _refuse_unguarded(records: list[Record], files: Files, config: MkDocsConfig, audience: Audience) -> None:
    """Stop when a record that is not public is outside `exclude_docs`: another engine
    building this folder (Zensical, MkDocs without the plugins) would publish it. Records
    and files are named only where the audience may see them; of the others, the message
    says only that there are some, and how to see them."""
    by_path = {record.rel_path: record for record in records if record.confidentiality is not Confidentiality.PUBLIC}
    exposed = [
        by_path[file.src_uri] for file in files
        if file.src_uri in by_path and file.inclusion is not InclusionLevel.EXCLUDED
    ]
    # The files such a record owns (accord.format.paths.owner): its folder's pages, its PDF.
    owned = Attachments([r.rel_path for r in records if r.rel_path not in by_path], by_path)
    attached = sorted(file.src_uri for file in files if file.src_uri not in by_path and not file.generated_by
                      and file.inclusion is not InclusionLevel.EXCLUDED and owned.owned_by_hidden(file.src_uri))
    if not exposed and not attached:
        return
    guarded = {p.pattern.strip() for p in getattr(config.exclude_docs, "patterns", [])} >= set(GUARD_PATTERNS)
    name = Path(config.config_file_path).name if config.config_file_path else "mkdocs.yml"
    everything = audience is Audience.RESTRICTED
    named = [record for record in sorted(exposed, key=lambda r: r.rel_path) if audience.sees(record.confidentiality)]
    lines = [f"{record.source.path}: {record.confidentiality.value} record outside `exclude_docs`; "
             f"{how_to_guard(record, guarded, name)}" for record in named]
    lines += [f"{rel_path}: a file of a record that is not public, outside `exclude_docs`; add its folder to "
              f"`exclude_docs` in {name}, as the record's own" for rel_path in (attached if everything else [])]
    if len(named) < len(exposed) or (attached and not everything):
        lines.append(UNSEEN_FILES)
    raise PluginError("Files that an engine without Accord would publish (the audience guarantee must not depend "
                      "on this plugin running):\n" + "\n".join(lines))


UNSEEN_FILES = ("Others this audience may not be shown: build with ACCORD_AUDIENCE=restricted (or run `accord "
                "validate`) to see which.")


def _refuse_other_configuration(config: MkDocsConfig) -> None:
    """Stop when a `zensical.toml` lies beside mkdocs.yml: Zensical reads it instead, and
    nothing here checks that it keeps the record folders out (`exclude_docs`) or lets no page
    include a record, so building the folder with Zensical could publish what this build hides."""
    if not config.config_file_path:
        return
    other = Path(config.config_file_path).parent / "zensical.toml"
    if other.exists():
        raise PluginError(f"{other}: Zensical reads this file instead of {Path(config.config_file_path).name}, "
                          "and Accord cannot check that it keeps records out of the site; remove it (Zensical "
                          f"reads {Path(config.config_file_path).name} when it is the only one)")


def _refuse_dotted_records(files: Files, audience: Audience) -> None:
    """Stop when `exclude_docs` takes back (`!/notes/.*`) a page whose name, or a folder's,
    starts with a dot and that is a record: Accord reads no such file (nor does `accord
    validate`), so its confidentiality would not be honoured, by this build or another engine."""
    found = []
    for file in files.documentation_pages():
        if file.generated_by or not any(part.startswith(".") for part in file.src_uri.split("/")):
            continue
        try:
            raw = Path(file.abs_src_path).read_bytes() if file.abs_src_path else b""
        except OSError:
            raw = b""
        if read_source(raw, file.src_uri, file.src_uri).is_record:
            found.append(file.src_uri)
    if found:
        # (named only to the restricted audience: what such a record keeps is unread)
        listing = "\n".join(f"{path}: a record in a file or folder whose name starts with a dot, which Accord does "
                            "not read; rename it without the dot" for path in sorted(found)) \
            if audience is Audience.RESTRICTED else UNSEEN_FILES
        raise PluginError(f"Records in files or folders whose names start with a dot, that this site would publish "
                          f"unread:\n{listing}")


def _take_back(files: Files, config: MkDocsConfig, attachments: Attachments, audience: str) -> None:
    """Files that only the guard's patterns left out are published again: the records this
    audience may see (the others are gone already), and the record folders' other files that
    go with a visible record or with none (guard.Attachments). The author's own exclusions,
    drafts and `not_in_nav` still apply."""
    patterns = [p.pattern for p in getattr(config.exclude_docs, "patterns", []) if isinstance(p.pattern, str)]
    own = spec(without_guard(patterns))
    for file in list(files):
        if file.inclusion is not InclusionLevel.EXCLUDED or own.match_file(file.src_uri):
            continue
        if not attachments.published(file.src_uri):
            if file.is_documentation_page():
                files.remove(file)  # a hidden record's page of notes: not even for mkdocs serve
            continue
        if config.draft_docs and config.draft_docs.match_file(file.src_uri):
            file.inclusion = InclusionLevel.DRAFT
        elif config.not_in_nav and config.not_in_nav.match_file(file.src_uri):
            file.inclusion = InclusionLevel.NOT_IN_NAV
        else:
            file.inclusion = InclusionLevel.INCLUDED
    for line in Attachments.report(attachments.left_out, audience):
        log.warning(line)


def resolve_audience(configured: str | None) -> Audience:
    environment = os.environ.get("ACCORD_AUDIENCE", "").strip() or None
    if environment is not None and environment not in AUDIENCES:
        raise PluginError(f"ACCORD_AUDIENCE is `{environment}`; use one of: {', '.join(AUDIENCES)}")
    value, conflict = narrowest(configured, environment)
    if conflict:
        log.warning(conflict)
    return Audience(value)


def _within(path: str, roots: list[str]) -> bool:
    return any(Path(os.path.abspath(path)).is_relative_to(root) for root in roots)


def _hidden(path: str) -> bool:
    """An editor's swap or lock file (`.name.md.swp`, `.#name.md`), wherever it is."""
    return os.path.basename(path).startswith(".")
