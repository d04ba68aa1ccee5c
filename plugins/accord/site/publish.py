"""`accord render`: the site as a plain project that any engine reading mkdocs.yml builds.

Every page the plugins would make is written as Markdown (raw HTML blocks for the
tables, as the renderer makes them for the plugins), beside the author's own pages and
files, the assets and `calendar.ics`; and an mkdocs.yml without Accord's plugins. Only
what the audience may see is written: hidden records, links to them and their facts are
gone before anything is rendered, as in a plugin build.

Nothing here knows MkDocs: URLs follow MkDocs' rules (`accord.site.links`), and the
configuration is read and written as YAML, its tags (`!ENV`, `!!python/name:`) kept.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from accord.catalogue import Catalogue
from accord.format import cost
from accord.format.loading import LoadResult, first_line
from accord.format.paths import MARKDOWN_ENDINGS, display_path
from accord.site import guard, spreadsheets
from accord.site.config import dump, extensions, plugin_name, plugin_options, text
from accord.site.ical import build_calendar
from accord.site.links import HiddenTargets, file_url, linker, relink, without_hidden
from accord.site.paging import rows_file, rows_json
from accord.site.reference import expand
from accord.site.render import (
    CALENDAR_FILE,
    GUIDE_PAGE,
    LESSON_GROUPS,
    MERMAID,
    NAV_ORDER,
    Renderer,
    assets,
    guide_page,
    has_calendar,
    nav_order,
    plan_pages,
    record_meta,
)
from accord.site.templating import templates_dir

MARKER = ".accord-render"  # marks a folder `accord render` wrote, which --force may replace
ACCORD_PLUGINS = ("accord/records", "accord/pages", "accord/search")


# An author's Mermaid diagram: a fenced block of the `mermaid` language (pymdownx.superfences).
_MERMAID_FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*\{?[ \t]*\.?mermaid\b", re.MULTILINE)


def mermaid_fence(config: dict[str, Any]) -> bool:
    """Whether pymdownx.superfences has a `mermaid` custom fence (accord/pages' `diagrams: auto`)."""
    for entry in extensions(config):
        if isinstance(entry, dict) and "pymdownx.superfences" in entry:
            fences = (entry["pymdownx.superfences"] or {}).get("custom_fences", [])
            return any(isinstance(f, dict) and f.get("name") == "mermaid" for f in fences)
    return False


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


def plan(result: LoadResult, catalogue: Catalogue, options: Options,
         advice_for: Callable[[Catalogue, int], dict[str, list[Any]]] | None = None) -> Plan:
    """Every file of the plain project's docs/, rendered in memory."""
    config = options.config
    docs_dir = options.docs_dir
    today = options.today or date.today()
    pages_options = plugin_options(config, "accord/pages")
    search_options = plugin_options(config, "accord/search")
    # Page addresses end in .html: the tables' links are raw HTML, which MkDocs leaves as
    # written while Zensical reads it as relative to the Markdown file; with a page's folder
    # the same as its file's, both engines read each link the same way.
    directory_urls = False
    hidden = guard.hidden_files(result.records, catalogue.records, result.failed)  # per file, never per id
    records = {record.rel_path: record for record in catalogue.records.values()}
    targets = HiddenTargets(hidden, text(config, "site_url"), records)
    own = guard.spec(guard.without_guard((text(config, "exclude_docs") or "").splitlines()))
    beside = guard.Attachments(records, hidden)

    out = Plan(hidden=hidden)
    # The author's files: ordinary pages and everything else, as the plugin build publishes them.
    for path in _files(docs_dir):
        rel = path.relative_to(docs_dir).as_posix()
        if rel in hidden or rel in records or own.match_file(rel) or not beside.published(rel):
            continue
        out.copies[out_path(rel)] = path

    guide = guide_page(pages_options.get("guide", GUIDE_PAGE))  # a ValueError says what is wrong
    generated = [page for page in plan_pages(catalogue, guide,
                                             registers=pages_options.get("registers", True) is not False)
                 if page.src_uri not in out.copies]
    # Source path (as templates and authors name it) → path in the plain project.
    published = {rel: rel for rel in out.copies} | {rel: out_path(rel) for rel in records}
    published |= {page.src_uri: page.src_uri for page in generated}
    calendar = (pages_options.get("calendar", True) is not False and has_calendar(catalogue)
                and CALENDAR_FILE not in out.copies)
    if calendar:
        published[CALENDAR_FILE] = CALENDAR_FILE

    diagrams = pages_options.get("diagrams", "auto")
    mermaid = mermaid_fence(config) if diagrams == "auto" else diagrams == "mermaid"
    limit = number(search_options.get("lessons_to_consider"), 5)
    advice = advice_for(catalogue, limit) if advice_for and limit > 0 else {}
    renderer = Renderer(catalogue, today, custom_dir=options.custom_dir, pictures=diagrams != "table",
                        due_within=number(pages_options.get("due_within"), 90), advice=advice, docs_dir=docs_dir)
    if pages_options.get("history", True) is not False:  # each record page's changes, as accord/pages shows them
        from accord.site.changes import page_history, unseen_names

        renderer.history = page_history(docs_dir, catalogue, unseen=unseen_names(result.records, result.failed, hidden),
                                        hidden=hidden, log=log,
                                        messages=pages_options.get("commit_messages", True) is not False)

    def link_from(page: str) -> Callable[[str], str]:
        return linker(published, published[page], directory_urls)

    # Pages written under another name (`x.markdown` as `x.md`): links to them follow.
    renamed = {rel for rel in records if out_path(rel) != rel}
    renamed |= {rel for path in out.copies.values()
                if out_path(rel := path.relative_to(docs_dir).as_posix()) != rel}
    for rel, record in records.items():
        markdown = renderer.record_page(record, record.body, link_from(rel)).inline()
        markdown = relink(markdown, rel, targets, renamed)
        out.texts[out_path(rel)] = _front_matter(record_meta(record, full=False)) + markdown
        out.titles[out_path(rel)] = record.title
        out.orders[out_path(rel)] = nav_order(record, catalogue)
        out.lesson_anchors |= record.type == "retrospective"
    # Generated pages only repeat the records: out of the engine's search, as accord/search
    # keeps them (a large responsibility overview is also past Zensical's search limit).
    meta: dict[str, Any] = {"search": {"exclude": True}} if search_options.get("exclude_generated", True) else {}
    for page in generated:
        # A long register's rows beside it (accord.site.paging), named as the page's HTML will be.
        rendered = renderer.generated_page(page, link_from(page.src_uri),
                                           rows_href=lambda which, at=page.src_uri: posixpath.basename(
                                               rows_file(at, which)))
        for which, rows in rendered.rows.items():
            out.texts[rows_file(page.src_uri, which)] = rows_json(rows)
        for path, sheet in spreadsheets.files(catalogue, [(page.src_uri, page.src_uri)]).items():
            if path not in out.copies:  # (an author's own file of that name is published as it is)
                out.texts[path] = sheet
        markdown = rendered.inline()
        out.texts[page.src_uri] = _front_matter({**page.front_matter(), **meta}) + markdown
        out.titles[page.src_uri] = page.title
    originals: dict[str, str] = {}  # the author's pages copied as they are
    # Where each page's text comes from, to name it in a message: its file, text and first line there.
    sources = {out_path(rel): (record.source.path, record.body, docs_dir / rel) for rel, record in records.items()}
    for rel in [r for r in out.copies if r.endswith(".md")]:
        source = out.copies[rel]
        original = originals[rel] = source.read_text(encoding="utf-8")
        sources[rel] = (display_path(source), original, None)
        dashboard = renderer.author_page(original, link_from(rel))
        page = dashboard.inline() if dashboard is not None else original
        changed = relink(expand(page), source.relative_to(docs_dir).as_posix(), targets, renamed)
        if mermaid and _MERMAID_FENCE.search(changed):  # Mermaid for this page alone, as accord/pages does
            changed += f'\n\n<script defer src="{"../" * rel.count("/")}{MERMAID}"></script>\n'
        if changed != original:
            out.texts[rel] = changed
            del out.copies[rel]
            del originals[rel]
    _bound_search(out, originals, sources)
    if calendar:
        out.texts[CALENDAR_FILE] = build_calendar(
            catalogue, today, text(config, "site_url") or "", text(config, "site_name") or "",
            url_of=lambda record: file_url(published[record.rel_path], directory_urls),
        )
    for asset, source in assets(mermaid).items():
        out.copies[asset] = templates_dir() / "assets" / source
    out.left_out = beside.left_out
    out.owned = beside.owned_by_hidden
    return out


# Zensical's search index (0.0.x) holds each token's place in a field in the bits a site's
# number of items leaves: a field may hold at most 2^30 / (items, rounded up to a power of
# two) tokens (32,768 at 17,178 items, 16,384 at 40,582), and a build with a longer one
# fails ("exceeds the search index limit"). An item is a page or a section of one (each
# heading). Tokens are split as its `search.separator` splits them.
SEARCH_POSITIONS = 2**30
_SEPARATOR = re.compile(r"[\s\-_,:!=\[\]()\\\"`/]+|\.(?!\d)")
_TAG = re.compile(r"<[^<>]*>")
_HEADING = re.compile(r"^#|<h[1-6][\s>]", re.MULTILINE | re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*\n", re.DOTALL)
log = logging.getLogger("accord.render")


def search_limit(pages: Iterable[str]) -> int:
    """The most tokens a field of the engine's search may hold for a site of these pages:
    its items counted generously (every page, every line starting with `#`, every `<hN`),
    twice over, and a quarter kept spare (the engine adds words: footnote marks, titles)."""
    items = sum(1 + len(_HEADING.findall(page)) for page in pages)
    return SEARCH_POSITIONS // (1 << (2 * items - 1).bit_length()) * 3 // 4


def _bound_search(out: Plan, originals: dict[str, str], sources: dict[str, tuple[str, str, Path | None]]) -> None:
    """Every page's sections within the engine's search limit: past it, the rest of a
    section is wrapped in `<div data-search-exclude markdown>` (shown, but not indexed), so
    that the engine builds and each section stays searchable by its beginning."""
    pages = {rel: text for rel, text in out.texts.items() if isinstance(text, str) and rel.endswith(".md")}
    pages |= originals
    limit = search_limit(pages.values())
    for rel, page in pages.items():
        bounded, cut = bound_search(page, limit)
        if not cut:
            continue
        out.search_cut = True
        out.texts[rel] = bounded
        out.copies.pop(rel, None)
        for line, words in cut:
            where = f"docs/{rel}:{line} (as written)"
            if rel in sources:  # the same line in the author's file
                path, source, file = sources[rel]  # (a record's body is the end of its file)
                written = page.split("\n")[line - 1]
                found = next((n for n, text in enumerate(source.split("\n")) if text == written), None)
                first = first_line(file, source) if file is not None else 1
                where = f"{path}:{first + found}" if found is not None and written.strip() else path
            log.warning(f"accord: {where}: a section of about {words:,} words, more than the engine's search can "
                        f"index in a site this size (about {limit:,}): from here on it is left out of the engine's "
                        "search (the page shows all of it); split it with headings to keep all of it searchable")


def bound_search(markdown: str, limit: int) -> tuple[str, list[tuple[int, int]]]:
    """`markdown` (a page, front matter and all) with the end of each section longer than
    `limit` search tokens wrapped in `<div data-search-exclude markdown>`, and where each
    cut starts (its line, 1-based, and the section's tokens). A page the engine leaves out
    of its search (`search: exclude`) is left alone."""
    front = _FRONT_MATTER.match(markdown)
    head = front.group(0) if front else ""
    if re.search(r"^search:\s*\n\s+exclude:\s*true", head, re.MULTILINE):
        return markdown, []
    if len(_SEPARATOR.split(_TAG.sub(" ", markdown))) <= limit:  # (pieces: tokens and more) most pages stop here
        return markdown, []
    lines = markdown[len(head):].split("\n")
    offset = head.count("\n")
    sections = _sections(lines)
    cuts: list[tuple[int, int, int]] = []  # (line where the excluded part starts, line where it ends, tokens)
    for start, end, boundaries in sections:
        before = [0]  # tokens before each line of the section
        for number in range(start, end):
            before.append(before[-1] + _tokens(lines[number]))
        total = before[-1]
        if total <= limit:
            continue
        # The last place a block starts with at most `limit` tokens before it (the section's own start at worst).
        cut = max((b for b in boundaries if before[b - start] - before[boundaries[0] - start] <= limit),
                  default=boundaries[0])
        cuts.append((cut, end, total))
    if not cuts:
        return markdown, []
    for cut, end, _ in reversed(cuts):
        lines[end:end] = ["", "</div>", ""]
        lines[cut:cut] = ["<div data-search-exclude markdown>", ""]
    return head + "\n".join(lines), [(offset + cut + 1, total) for cut, _, total in cuts]


def _tokens(line: str) -> int:
    return sum(1 for piece in _SEPARATOR.split(_TAG.sub(" ", line)) if piece)


def _sections(lines: list[str]) -> list[tuple[int, int, list[int]]]:
    """The sections of a page as the engine's search makes its items (a heading starts one):
    each one's first and end line, and the lines in it before which a block may be wrapped
    (a line that starts a block, outside code and raw HTML, after a blank line or a heading)."""
    sections: list[tuple[int, int, list[int]]] = []
    start, boundaries = 0, [0]
    fence: str | None = None
    raw: tuple[str, int] | None = None
    previous_blank = True
    for number, line in enumerate(lines):
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            previous_blank = False
            continue
        stripped = line.lstrip(" ")
        at_start = len(line) - len(stripped) < 4
        if raw is None and at_start and stripped.startswith("#"):
            if number > start:
                sections.append((start, number, boundaries))
            start, boundaries = number, [number + 1]
            previous_blank = True  # (a heading is a block of its own)
            continue
        if raw is not None:
            tag, depth = raw
            depth, end = cost.raw_end(tag, depth, line)
            raw = None if end is not None else (tag, depth)
            previous_blank = False
            continue
        if previous_blank and at_start and line.strip() and boundaries[-1] != number:
            boundaries.append(number)
        if at_start and (found := re.match(r"(`{3,}|~{3,})", stripped)):
            fence = found.group(1)
        elif previous_blank and (opened := cost.raw_start(line)) is not None:
            depth, end = cost.raw_end(opened[0], 0, line[opened[1]:])
            raw = None if end is not None else (opened[0], depth)
        previous_blank = not line.strip()
    sections.append((start, len(lines), boundaries))
    return sections


def number(item: Any, default: int) -> int:
    try:
        return int(item) if item is not None else default
    except (TypeError, ValueError):
        return default


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


def output_config(config: dict[str, Any], pages: Plan, custom_dir: str | None) -> dict[str, Any]:
    """The project's mkdocs.yml for the plain project: no Accord plugins, the extensions and
    assets the pages need, and the navigation accord/pages would have made."""
    hidden = pages.hidden
    nav_records_max = number(plugin_options(config, "accord/pages").get("nav_records_max"), 25)
    out = {key: value for key, value in config.items() if key not in ("docs_dir", "site_dir")}
    out["docs_dir"] = "docs"
    out["use_directory_urls"] = False  # see plan()
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
    listed = extensions(config)
    names = {next(iter(e)) if isinstance(e, dict) else e for e in listed}
    if "attr_list" not in names and pages.lesson_anchors:
        listed.append("attr_list")  # lesson headings carry their anchors as `{ #lesson-id }`
    if "md_in_html" not in names and pages.search_cut:
        listed.append("md_in_html")  # the end of a long section, shown but out of the engine's search
    out["markdown_extensions"] = listed
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
        out["nav"] = _renamed(without_hidden(config["nav"], hidden, pages.owned))
    else:
        out["nav"] = navigation(pages, nav_records_max)
    return out


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


def write(out_dir: Path, pages: Plan, config: dict[str, Any], custom_dir: Path | None) -> None:
    """Write the project into a new folder beside `out_dir`, then put it in place: a failure
    leaves no half-written project, and an earlier render is replaced only once the new one is whole."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        docs = staging / "docs"
        for rel, text in pages.texts.items():
            target = docs / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
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


__all__ = ["Options", "Plan", "navigation", "output_config", "plan", "write"]
