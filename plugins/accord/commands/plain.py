"""The plain project `accord render` writes: the site as a project that any engine reading
mkdocs.yml builds.

Every page the plugins would make is written as Markdown (raw HTML blocks for the
tables, as the renderer makes them for the plugins), beside the author's own pages and
files, the assets and `calendar.ics`; and an mkdocs.yml without Accord's plugins. Only
what the audience may see is written: hidden records, links to them and their facts are
gone before anything is rendered, as in a plugin build.

Nothing here runs MkDocs: URLs follow MkDocs' rules (`accord.site.links`), and the
configuration is read and written as YAML, its tags (`!ENV`, `!!python/name:`) kept. The
plugins' options are read over the defaults their config classes declare (`Settings`),
the one place those are written.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from accord.catalogue import Catalogue
from accord.commands.search_limit import bound
from accord.format.loading import LoadResult
from accord.format.paths import MARKDOWN_ENDINGS, display_path
from accord.format.records import Record
from accord.site import guard, spreadsheets
from accord.site.config import dump, extensions, plugin_name, plugin_options, text
from accord.site.ical import build_calendar
from accord.site.links import HiddenTargets, file_url, linker, relink, without_hidden
from accord.site.paging import rows_file, rows_json
from accord.site.reference import expand
from accord.site.render import (
    CALENDAR_FILE,
    LESSON_GROUPS,
    MERMAID,
    NAV_ORDER,
    GeneratedPage,
    Renderer,
    assets,
    guide_page,
    has_calendar,
    mermaid_fence,
    mermaid_in_markdown,
    nav_order,
    plan_pages,
    record_meta,
)
from accord.site.templating import templates_dir

MARKER = ".accord-render"  # marks a folder `accord render` wrote, which --force may replace
ACCORD_PLUGINS = ("accord/records", "accord/pages", "accord/search")
log = logging.getLogger("accord.render")


# ---------------------------------------------------------------------------------------
# The plugins' options


@dataclass(frozen=True)
class Settings:
    """A plugin's options as mkdocs.yml writes them (`!ENV` resolved), each one not written
    read from the default its config class declares (a `mkdocs.config.base.Config`): the
    defaults are written there only. A value of the wrong kind is read as a plugin build
    would refuse it, leniently: a number that is none is the default (as `accord render`
    has always read it)."""

    written: dict[str, Any]
    schema: type  # the plugin's config class

    @classmethod
    def of(cls, config: dict[str, Any], name: str) -> Settings:
        from accord.site.plugins.pages.config import PagesConfig
        from accord.site.plugins.search.config import SearchConfig

        schemas = {"accord/pages": PagesConfig, "accord/search": SearchConfig}
        return cls(plugin_options(config, name), schemas[name])

    def default(self, key: str) -> Any:
        return getattr(self.schema, key).default

    def get(self, key: str) -> Any:
        return self.written.get(key, self.default(key))

    def on(self, key: str) -> bool:
        """A switch, on unless written `false`."""
        return self.get(key) is not False

    def number(self, key: str) -> int:
        return number(self.written.get(key), self.default(key))


def number(item: Any, default: int) -> int:
    try:
        return int(item) if item is not None else default
    except (TypeError, ValueError):
        return default


# ---------------------------------------------------------------------------------------
# The project


@dataclass
class Plan:
    """What `accord render` writes, relative to the output folder's `docs/`."""

    texts: dict[str, str | bytes] = field(default_factory=dict)  # docs-relative path → text
    copies: dict[str, Path] = field(default_factory=dict)  # docs-relative path → file to copy
    titles: dict[str, str] = field(default_factory=dict)  # page → title, for the navigation
    lesson_anchors: bool = False  # retrospective pages, whose lesson headings need attr_list
    search_cut: bool = False  # a page's text past the engine's search limit, in `data-search-exclude` (md_in_html)
    orders: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # record page → place in its section
    left_out: list[str] = field(default_factory=list)  # files in record folders beside no visible record
    hidden: set[str] = field(default_factory=set)  # docs-relative paths of the records left out
    owned: Callable[[str], bool] = lambda rel_path: False  # whether a file is a hidden record's (guard.Attachments)


@dataclass(frozen=True)
class Options:
    docs_dir: Path
    config: dict[str, Any]  # the project's mkdocs.yml (tags kept); {} without one
    custom_dir: Path | None = None
    today: date | None = None


def out_path(rel_path: str) -> str:
    """Where a docs file goes in the plain project: Markdown pages end in `.md`, which every
    engine reads (Zensical copies a `.markdown` file as it is, unrendered)."""
    stem, ending = os.path.splitext(rel_path)
    return stem + ".md" if ending.lower() in MARKDOWN_ENDINGS else rel_path


# Page addresses end in .html: the tables' links are raw HTML, which MkDocs leaves as
# written while Zensical reads it as relative to the Markdown file; with a page's folder
# the same as its file's, both engines read each link the same way.
DIRECTORY_URLS = False


def plan(result: LoadResult, catalogue: Catalogue, options: Options,
         advice_for: Callable[[Catalogue, int], dict[str, list[Any]]] | None = None) -> Plan:
    """Every file of the plain project's docs/, rendered in memory."""
    planner = _Planner(result, catalogue, options)
    out = planner.out
    generated = planner.generated_pages()
    calendar = planner.calendar()
    renderer = planner.renderer(advice_for)
    planner.record_pages(renderer)
    planner.write_generated(renderer, generated)
    originals, sources = planner.author_pages(renderer)
    bound(out, originals, sources)
    if calendar:
        out.texts[CALENDAR_FILE] = build_calendar(
            catalogue, planner.today, text(options.config, "site_url") or "", text(options.config, "site_name") or "",
            url_of=lambda record: file_url(planner.published[record.rel_path], DIRECTORY_URLS),
        )
    for asset, source in assets(planner.mermaid).items():
        out.copies[asset] = templates_dir() / "assets" / source
    out.left_out = planner.beside.left_out
    out.owned = planner.beside.owned_by_hidden
    return out


class _Planner:
    """One plan in the making: what each step of `plan` shares."""

    def __init__(self, result: LoadResult, catalogue: Catalogue, options: Options) -> None:
        self.result, self.catalogue, self.options = result, catalogue, options
        self.docs_dir = options.docs_dir
        self.today = options.today or date.today()
        self.pages = Settings.of(options.config, "accord/pages")
        self.search = Settings.of(options.config, "accord/search")
        self.hidden = guard.hidden_files(result.records, catalogue.records, result.failed)  # per file, never per id
        self.records: dict[str, Record] = {record.rel_path: record for record in catalogue.records.values()}
        self.targets = HiddenTargets(self.hidden, text(options.config, "site_url"), self.records)
        self.beside = guard.Attachments(self.records, self.hidden)
        self.out = Plan(hidden=self.hidden)
        self.author_files()
        # Source path (as templates and authors name it) → path in the plain project.
        self.published = {rel: rel for rel in self.out.copies} | {rel: out_path(rel) for rel in self.records}
        # Pages written under another name (`x.markdown` as `x.md`): links to them follow.
        self.renamed = {rel for rel in self.records if out_path(rel) != rel}
        self.renamed |= {rel for path in self.out.copies.values()
                         if out_path(rel := path.relative_to(self.docs_dir).as_posix()) != rel}
        diagrams = self.pages.get("diagrams")
        self.pictures = diagrams != "table"
        self.mermaid = mermaid_fence(options.config) if diagrams == "auto" else diagrams == "mermaid"

    def author_files(self) -> None:
        """The author's files: ordinary pages and everything else, as the plugin build publishes them."""
        own = guard.spec(guard.without_guard((text(self.options.config, "exclude_docs") or "").splitlines()))
        for path in _files(self.docs_dir):
            rel = path.relative_to(self.docs_dir).as_posix()
            if rel in self.hidden or rel in self.records or own.match_file(rel) or not self.beside.published(rel):
                continue
            self.out.copies[out_path(rel)] = path

    def generated_pages(self) -> list[GeneratedPage]:
        """The pages accord/pages would generate, but for those the author wrote."""
        guide = guide_page(self.pages.get("guide"))  # a ValueError says what is wrong
        generated = [page for page in plan_pages(self.catalogue, guide, registers=self.pages.on("registers"))
                     if page.src_uri not in self.out.copies]
        self.published |= {page.src_uri: page.src_uri for page in generated}
        return generated

    def calendar(self) -> bool:
        """Whether calendar.ics is written (and then published)."""
        calendar = (self.pages.on("calendar") and has_calendar(self.catalogue)
                    and CALENDAR_FILE not in self.out.copies)
        if calendar:
            self.published[CALENDAR_FILE] = CALENDAR_FILE
        return calendar

    def renderer(self, advice_for: Callable[[Catalogue, int], dict[str, list[Any]]] | None) -> Renderer:
        limit = self.search.number("lessons_to_consider")
        advice = advice_for(self.catalogue, limit) if advice_for and limit > 0 else {}
        renderer = Renderer(self.catalogue, self.today, custom_dir=self.options.custom_dir, pictures=self.pictures,
                            due_within=self.pages.number("due_within"), advice=advice, docs_dir=self.docs_dir)
        if self.pages.on("history"):  # each record page's changes, as accord/pages shows them
            from accord.site.changes import page_history, unseen_names

            result = self.result
            renderer.history = page_history(self.docs_dir, self.catalogue,
                                            unseen=unseen_names(result.records, result.failed, self.hidden),
                                            hidden=self.hidden, log=log,
                                            messages=self.pages.on("commit_messages"))
        return renderer

    def link_from(self, page: str) -> Callable[[str], str]:
        return linker(self.published, self.published[page], DIRECTORY_URLS)

    def record_pages(self, renderer: Renderer) -> None:
        out = self.out
        for rel, record in self.records.items():
            markdown = renderer.record_page(record, record.body, self.link_from(rel)).inline()
            markdown = relink(markdown, rel, self.targets, self.renamed)
            out.texts[out_path(rel)] = _front_matter(record_meta(record, full=False)) + markdown
            out.titles[out_path(rel)] = record.title
            out.orders[out_path(rel)] = nav_order(record, self.catalogue)
            out.lesson_anchors |= record.type == "retrospective"

    def write_generated(self, renderer: Renderer, generated: list[GeneratedPage]) -> None:
        out = self.out
        # Generated pages only repeat the records: out of the engine's search, as accord/search
        # keeps them (a large responsibility overview is also past Zensical's search limit).
        meta: dict[str, Any] = {"search": {"exclude": True}} if self.search.get("exclude_generated") else {}
        for page in generated:
            # A long register's rows beside it (accord.site.paging), named as the page's HTML will be.
            rendered = renderer.generated_page(page, self.link_from(page.src_uri),
                                               rows_href=lambda which, at=page.src_uri: posixpath.basename(
                                                   rows_file(at, which)))
            for which, rows in rendered.rows.items():
                out.texts[rows_file(page.src_uri, which)] = rows_json(rows)
            for path, sheet in spreadsheets.files(self.catalogue, [(page.src_uri, page.src_uri)]).items():
                if path not in out.copies:  # (an author's own file of that name is published as it is)
                    out.texts[path] = sheet
            markdown = rendered.inline()
            out.texts[page.src_uri] = _front_matter({**page.front_matter(), **meta}) + markdown
            out.titles[page.src_uri] = page.title

    def author_pages(self, renderer: Renderer) -> tuple[dict[str, str], dict[str, tuple[str, str, Path | None]]]:
        """The author's pages, with their dashboards rendered and links to hidden records
        gone; those unchanged stay copies. Returns the pages copied as they are, and where
        each page's text comes from, to name it in a message: its file, text and first line there."""
        out, docs_dir = self.out, self.docs_dir
        originals: dict[str, str] = {}  # the author's pages copied as they are
        sources = {out_path(rel): (record.source.path, record.body, docs_dir / rel)
                   for rel, record in self.records.items()}
        for rel in [r for r in out.copies if r.endswith(".md")]:
            source = out.copies[rel]
            original = originals[rel] = source.read_text(encoding="utf-8")
            sources[rel] = (display_path(source), original, None)
            dashboard = renderer.author_page(original, self.link_from(rel))
            page = dashboard.inline() if dashboard is not None else original
            changed = relink(expand(page), source.relative_to(docs_dir).as_posix(), self.targets, self.renamed)
            if self.mermaid and mermaid_in_markdown(changed):  # Mermaid for this page alone, as accord/pages does
                changed += f'\n\n<script defer src="{"../" * rel.count("/")}{MERMAID}"></script>\n'
            if changed != original:
                out.texts[rel] = changed
                del out.copies[rel]
                del originals[rel]
        return originals, sources


def _files(docs_dir: Path) -> Iterable[Path]:
    """Every file under docs/ (linked folders followed, as MkDocs does); dot files skipped."""
    for folder, dirs, files in os.walk(docs_dir, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if not name.startswith(".") and path.is_file():
                yield path


def _front_matter(meta: dict[str, Any]) -> str:
    return "---\n" + dump(meta) + "---\n\n"


# ---------------------------------------------------------------------------------------
# Its mkdocs.yml


def output_config(config: dict[str, Any], pages: Plan, custom_dir: str | None) -> dict[str, Any]:
    """The project's mkdocs.yml for the plain project: no Accord plugins, the extensions and
    assets the pages need, and the navigation accord/pages would have made."""
    out = {key: value for key, value in config.items() if key not in ("docs_dir", "site_dir")}
    out["docs_dir"] = "docs"
    out["use_directory_urls"] = DIRECTORY_URLS  # see plan()
    plugins = config.get("plugins")
    entries = [{k: v} if v else k for k, v in plugins.items()] if isinstance(plugins, dict) else list(plugins or [])
    kept = [entry for entry in entries if plugin_name(entry) not in ACCORD_PLUGINS]
    if plugins is not None:
        out["plugins"] = kept
    own = guard.without_guard((text(config, "exclude_docs") or "").splitlines())
    if any(line.strip() for line in own):
        out["exclude_docs"] = "\n".join(own) + "\n"
    else:
        out.pop("exclude_docs", None)
    out["markdown_extensions"] = _extensions(config, pages)
    for key, suffix in (("extra_css", ".css"), ("extra_javascript", ".js")):
        listed = list(config.get(key) or [])
        for asset in pages.copies:
            if asset.startswith("assets/accord/") and asset.endswith(suffix) and asset not in listed \
                    and asset != MERMAID:  # loaded only by the pages with a diagram (plan)
                listed.append(asset)
        out[key] = listed
    if custom_dir is not None and isinstance(out.get("theme"), dict):
        out["theme"] = {**out["theme"], "custom_dir": custom_dir}
    out["not_in_nav"] = "".join(f"/lessons/{group}/\n" for group in LESSON_GROUPS)
    if config.get("nav"):
        out["nav"] = _renamed(without_hidden(config["nav"], pages.hidden, pages.owned))
    else:
        out["nav"] = navigation(pages, Settings.of(config, "accord/pages").number("nav_records_max"))
    return out


def _extensions(config: dict[str, Any], pages: Plan) -> list[Any]:
    """The project's Markdown extensions and those the pages need."""
    listed = extensions(config)
    names = {next(iter(e)) if isinstance(e, dict) else e for e in listed}
    if "attr_list" not in names and pages.lesson_anchors:
        listed.append("attr_list")  # lesson headings carry their anchors as `{ #lesson-id }`
    if "md_in_html" not in names and pages.search_cut:
        listed.append("md_in_html")  # the end of a long section, shown but out of the engine's search
    return listed


def _renamed(nav: Any) -> Any:
    """An explicit nav with its Markdown pages where the plain project has them (`.md`)."""
    if isinstance(nav, list):
        return [_renamed(item) for item in nav]
    if isinstance(nav, dict):
        return {title: _renamed(item) for title, item in nav.items()}
    if isinstance(nav, str) and "://" not in nav:
        return out_path(nav)
    return nav


def navigation(pages: Plan, nav_records_max: int) -> list[Any]:
    """The navigation accord/pages makes when mkdocs.yml has none: folders as sections with
    their index first, generated sections in a sensible order, lesson groups and large
    record sections left out (their registers list them)."""
    paths = sorted(p for p in {*pages.texts, *pages.copies} if p.lower().endswith(MARKDOWN_ENDINGS))
    hide = tuple(f"lessons/{group}/" for group in LESSON_GROUPS)
    counts: dict[str, int] = {}
    for path in paths:
        top = path.split("/", 1)[0]
        if top in guard.RECORD_FOLDERS.values() and not path.endswith("/index.md"):
            counts[top] = counts.get(top, 0) + 1
    big = {top for top, n in counts.items() if n > nav_records_max}
    shown = [p for p in paths if not p.startswith(hide)
             and not (p.split("/", 1)[0] in big and "/" in p and not p.endswith("/index.md"))]
    tree = _tree(shown)
    rank = {name: i for i, name in enumerate(NAV_ORDER)}
    return _nav_items(tree, pages, rank, top=True)


def _tree(paths: list[str]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path in paths:
        node = root
        *folders, _ = path.split("/")
        for folder in folders:
            node = node.setdefault(folder + "/", {})
        node[path] = None
    return root


def _nav_items(tree: dict[str, Any], pages: Plan, rank: dict[str, int], top: bool = False) -> list[Any]:
    def key(name: str) -> tuple[Any, ...]:
        base = name.rstrip("/").rsplit("/", 1)[-1]
        stem = os.path.splitext(base)[0]
        order = rank.get(base.rstrip("/"), len(rank)) if top else 0
        place = pages.orders.get(name) or ((pages.titles.get(name, stem) if top else base).casefold(), 0, "")
        return (order, stem not in ("index", "README"), place)

    items: list[Any] = []
    for name in sorted(tree, key=key):
        child = tree[name]
        if child is None:
            items.append(name)
            continue
        inner = _nav_items(child, pages, rank)
        if not inner:
            continue
        folder = name.rstrip("/").rsplit("/", 1)[-1]
        index = f"{name.rstrip('/')}/index.md"
        if len(inner) == 1 and inner[0] == index:
            items.append(index)  # only the register: a page, not a section
            continue
        title = pages.titles.get(index) or folder.replace("-", " ").replace("_", " ").capitalize()
        items.append({title: inner})
    return items


# ---------------------------------------------------------------------------------------
# Writing it


def write(out_dir: Path, pages: Plan, config: dict[str, Any], custom_dir: Path | None) -> None:
    """Write the project into a new folder beside `out_dir`, then put it in place: a failure
    leaves no half-written project, and an earlier render is replaced only once the new one is whole."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        _write_files(staging, pages, config, custom_dir)
        staging.chmod(0o755)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
            old.rmdir()
            out_dir.rename(old)
            staging.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_files(staging: Path, pages: Plan, config: dict[str, Any], custom_dir: Path | None) -> None:
    docs = staging / "docs"
    for rel, content in pages.texts.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    for rel, source in pages.copies.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    if custom_dir is not None and custom_dir.is_dir():
        shutil.copytree(custom_dir, staging / "overrides", symlinks=False)
    (staging / "mkdocs.yml").write_text(
        "# Written by `accord render`: the knowledge base as a plain project, for MkDocs or Zensical.\n"
        "# Do not edit: render again from the knowledge base instead.\n" + dump(config), encoding="utf-8")
    (staging / MARKER).write_text("accord render\n", encoding="utf-8")


__all__ = ["MARKER", "Options", "Plan", "Settings", "navigation", "output_config", "plan", "write"]
