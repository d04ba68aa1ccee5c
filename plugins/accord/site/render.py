"""Record pages and generated pages, rendered from the catalogue through Jinja2 templates.

The output is Markdown with raw HTML blocks: MkDocs renders it like any page, while
every value that came from front matter is text (accord.site.text): on one line, escaped
for HTML and, in Markdown headings, its Markdown punctuation too. Links are made by a
`Linker` the caller supplies, so this module knows nothing of MkDocs.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from accord import __version__
from accord.catalogue import Catalogue
from accord.format.models import THEME_KEYS
from accord.format.records import LessonRef, Record, references
from accord.format.vocabulary import KIND_NAMES, ORGANIZATION_KIND_NAMES, TYPE_NAMES, sector_name
from accord.memo import Memo
from accord.site import svg
from accord.site.changes import amendment_changes
from accord.site.config import extensions
from accord.site.paging import split_registers
from accord.site.reference import expand
from accord.site.signed import shown as signed_copy
from accord.site.spreadsheets import context as spreadsheet_context
from accord.site.templating import environment
from accord.site.text import TextEnvironment, html_text, markdown_text

# The relative URL from the page being rendered to the page of a docs-relative path.
Linker = Callable[[str], str]

_LEADING_H1 = re.compile(r"\A\s*(#[ \t]+[^\n]*|[^\n]+\n=+[ \t]*)(\n|\Z)")

# Agreement statuses in the order of an agreement's life (FORMAT.md), for sorting.
STATUS_ORDER = ["draft", "negotiation", "signed", "active", "expired", "terminated", "superseded"]
LETTER_NAMES = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}

# Placeholders no value or body can write, being this process's own: a page that held
# one would have a block of the template put in its place, and the real one left as text.
_NONCE = secrets.token_hex(8)
_BODY_TOKEN = f"ACCORD0BODY0{_NONCE}0"
_STASH_TOKEN = f"ACCORD0STASH0{_NONCE}0{{}}0"
_BLOCK_START = re.compile(r"<(?:table|div|ul|ol|dl|p|pre|section|details|figure)[\s>]")


@dataclass
class RenderedPage:
    """Markdown for MkDocs, with the template's HTML blocks set aside.

    Python-Markdown parses raw HTML blocks with a slow HTML parser; the blocks a template
    makes need no Markdown processing, so they are replaced by placeholder paragraphs and
    put back into the page's HTML afterwards (`restore`).
    """

    markdown: str
    blocks: list[str]
    # Each long register's rows, every one, by the register's number (accord.site.paging): the
    # page holds the first screenfuls, its script the rest, from the file `rows_file` names.
    rows: dict[int, list[str]] = field(default_factory=dict)

    def restore(self, html: str) -> str:
        for number, block in enumerate(self.blocks):
            html = html.replace(f"<p>{_STASH_TOKEN.format(number)}</p>", block, 1)
        return html

    def inline(self) -> str:
        """The whole page as Markdown with raw HTML blocks, for any engine (`accord render`)."""
        text = self.markdown
        for number, block in enumerate(self.blocks):
            text = text.replace(_STASH_TOKEN.format(number), block, 1)
        return text


def _set_aside(text: str, body: str) -> RenderedPage:
    """Split template output into Markdown and HTML blocks (a block: a blank-line-separated
    chunk that starts with a block-level tag); then put the author's body back, untouched."""
    blocks: list[str] = []
    chunks = re.split(r"\n[ \t]*\n", text)
    for i, chunk in enumerate(chunks):
        if _BLOCK_START.match(chunk.lstrip("\n")):
            chunks[i] = _STASH_TOKEN.format(len(blocks))
            blocks.append(chunk.strip("\n"))
    return RenderedPage("\n\n".join(chunks).replace(_BODY_TOKEN, body, 1), blocks)


@dataclass(frozen=True)
class GeneratedPage:
    """A page Accord adds to the site: where it goes, its title, its template."""

    src_uri: str
    title: str
    template: str
    context: tuple[tuple[str, Any], ...] = ()
    hide: tuple[str, ...] = ()  # parts of the theme's layout the page does without (`toc`: room for a wide table)
    # Whether it shows anything of the records its records name (a register: the parties'
    # names), or only its records themselves (a list of lessons): what a change reaches.
    shows_neighbours: bool = True

    def front_matter(self) -> dict[str, Any]:
        return {"title": self.title, **({"hide": list(self.hide)} if self.hide else {})}


def day(value: Any) -> Markup | Any:
    """A date as <time>, kept on one line (an ISO date would break at its hyphens); any
    other value (`open-ended`, "") as it is."""
    if isinstance(value, date):
        return Markup(f'<time class="accord-date" datetime="{value.isoformat()}">{value.isoformat()}</time>')
    return value


def safe_url(value: str | None) -> str | None:
    """The URL if it is http or https, else None: nothing else becomes a link."""
    if value and urlsplit(value).scheme in ("http", "https"):
        return value
    return None


def split_leading_heading(body: str) -> tuple[str, str]:
    """An author's leading `# Heading` (kept on top) and the rest of the body."""
    match = _LEADING_H1.match(body)
    if not match:
        return "", body
    return match.group(1).strip(), body[match.end():]


def amount(value: float | None, currency: str | None) -> str:
    if value is None:
        return ""
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{number} {currency}" if currency else number


DASHBOARD_MARKER = re.compile(r"^[ \t]*<!--\s*accord:dashboard\s*-->[ \t]*$", re.MULTILINE)


# The pages' Environments by overrides folder and the files in it: at most nine (one more
# once eight are held, then emptied), as many as a `mkdocs serve` session's edits of them keep.
_ENVIRONMENTS: Memo[tuple[Any, ...], jinja2.Environment] = Memo(9)


def _page_environment(custom_dir: Path | None) -> jinja2.Environment:
    """The pages' templates, compiled once for as long as the site's overrides are the same
    files (`mkdocs serve` rebuilds: Jinja notices a template edited, not one added)."""
    overrides = custom_dir / "accord" if custom_dir else None
    found = tuple(sorted(str(p) for p in overrides.rglob("*"))) if overrides and overrides.is_dir() else ()
    key = (custom_dir, found)
    return _ENVIRONMENTS.setdefault(key, lambda: _new_page_environment(custom_dir))


def _new_page_environment(custom_dir: Path | None) -> jinja2.Environment:
    env = environment(custom_dir, kind=TextEnvironment)
    env.filters.update(md=markdown_text, day=day, amount=amount, safe_url=safe_url, kind_name=_kind_name,
                       organization_kind_name=_organization_kind_name, sector_name=sector_name,
                       type_name=lambda record_type: TYPE_NAMES.get(record_type, record_type))
    env.globals.update(LETTER_NAMES=LETTER_NAMES, KIND_NAMES=KIND_NAMES, STATUS_ORDER=STATUS_ORDER)
    return env


class Renderer:
    """Renders the pages of one catalogue; one instance per build."""

    def __init__(self, catalogue: Catalogue, today: date, *, custom_dir: Path | None = None,
                 pictures: bool = True, due_within: int = 90, advice: Mapping[str, list[Any]] | None = None,
                 docs_dir: Path | None = None, parts: dict[Any, Any] | None = None) -> None:
        self.catalogue = catalogue
        self.parts = parts  # pages' parts kept between builds (`mkdocs serve`), or None
        self.docs_dir = docs_dir  # for the dates records last changed (the dashboard)
        self.advice = advice if advice is not None else {}  # agreement id → lessons to consider (accord.search.advice)
        self.today = today
        self.pictures = pictures  # the timeline and partner network drawn (accord.site.svg), besides their tables
        self.due_within = due_within
        self.env = _page_environment(custom_dir)
        self.history: Any = None  # each record page's changes (accord.site.changes.Histories); None: not shown

    @functools.cached_property
    def _overdue(self) -> set[tuple[str, str, date]]:
        """(agreement id, what, date) of everything overdue, as the due page lists it."""
        return {(item.agreement.id, item.what, item.when) for item in self.catalogue.due(self.today, 0) if item.overdue}

    def overdue(self, agreement_id: str, what: str, when: Any) -> bool:
        return (agreement_id, what, when) in self._overdue

    def record_page(self, record: Record, body: str, linker: Linker) -> RenderedPage:
        heading, rest = split_leading_heading(body)
        template = self.env.get_template(f"pages/{record.type}.md.j2")
        extra: dict[str, Any] = {}
        if record.type == "organization":
            extra["network"] = partner_network(self.catalogue, record.id)
        elif record.type == "agreement":
            extra["advice"] = self.advice.get(record.id, [])
        text = template.render(self._context(linker, record=record, m=record.model, heading=Markup(heading),
                                              body=Markup(_BODY_TOKEN), **extra))
        return _set_aside(text, rest)

    def author_page(self, markdown: str, linker: Linker) -> RenderedPage | None:
        """An author's page with the dashboard where it asks for one (a line
        `<!-- accord:dashboard -->`); None if it does not."""
        if "accord:dashboard" not in markdown or not DASHBOARD_MARKER.search(markdown):
            return None
        template = self.env.get_template("pages/dashboard.md.j2")
        rendered = _set_aside(template.render(self._context(linker, recent=self.recently_changed(), page_url=linker)),
                              "")
        return RenderedPage(DASHBOARD_MARKER.sub(lambda _: rendered.markdown, markdown, count=1), rendered.blocks)

    def recently_changed(self, limit: int = 8) -> list[tuple[Record, date]]:
        """The records changed last, newest first (accord.site.history)."""
        if self.docs_dir is None:
            return []
        from accord.site.history import last_changed

        records = list(self.catalogue.records.values())
        changed = last_changed(self.docs_dir, [r.rel_path for r in records], getattr(self.history, "log", None))
        dated = [(r, changed[r.rel_path]) for r in records if r.rel_path in changed]
        dated.sort(key=lambda pair: (-pair[1].toordinal(), pair[0].title.casefold()))
        return dated[:limit]

    def generated_page(self, page: GeneratedPage, linker: Linker,
                       rows_href: Callable[[int], str] | None = None) -> RenderedPage:
        """The page; a register longer than `ROWS_AT_ONCE` rows holds its first rows, every row
        going to `rendered.rows` for a file the page loads from `rows_href(number of the
        register)` (None: every row in the page)."""
        template = self.env.get_template(page.template)
        context = self._context(linker, title=page.title, **dict(page.context))
        text = expand(template.render(context))  # the guide's reference tables
        rows: dict[int, list[str]] = {}
        if rows_href is not None:
            text, rows = split_registers(text, rows_href)
        rendered = _set_aside(text, "")
        rendered.rows = rows
        return rendered

    def _context(self, linker: Linker, **extra: Any) -> dict[str, Any]:
        catalogue = self.catalogue
        url, link, links, title = _link_makers(catalogue, linker)
        context: dict[str, Any] = {}
        part = self._part_maker(context, url, title)
        context.update({
            "catalogue": catalogue,
            "today": self.today,
            "diagrams": self.pictures,
            "timeline_svg": lambda groups: svg.timeline(
                [(status, [_term(record) for record in records]) for status, records in groups], self.today),
            "network_svg": lambda name, partners: svg.network(
                name, [svg.Partner(partner.title, len(shared)) for partner, shared in partners]),
            "due_within": self.due_within,
            "url": url,
            "link": link,
            "links": links,
            "title_of": title,
            "raci_letters": raci_letters,
            "overdue": self.overdue,
            "group_by_agreement": _group_by_agreement,
            "status_tokens": status_tokens,
            "status_facet": STATUS_FACET,
            "group_url": lambda group, key: linker(group_page(group, key)),
            "topic_url": lambda topic: linker(group_page("topics", topic)),
            "calendar_url": linker(CALENDAR_FILE),
            "url_lessons": linker(LESSONS_PAGE),
            "url_unapplied": linker(UNAPPLIED_PAGE),
            "part": part,
            "signed_copy": lambda record: signed_copy(record, self.docs_dir, linker),  # (pages/_signed_copy.md.j2)
            "history": self.history,  # (accord.site.changes: templates/pages/_history.md.j2)
            "amendment_changes": functools.partial(amendment_changes, catalogue),  # (templates/pages/_amends.md.j2)
            **spreadsheet_context(catalogue),  # a register's CSV and JSON, the agreements' totals
            **extra,
        })
        return context

    def _part_maker(self, context: dict[str, Any], url: Callable[[Any], str],
                    title: Callable[[str], str]) -> Callable[..., Markup]:
        """The templates' `part`, rendering with `context` (the page's, filled in by the caller)."""

        def part(name: str, record: Record, **values: Any) -> Markup:
            """A part of the page made from one record alone (a register's row, an
            agreement's rows of duties) by the template `name`; `values` must follow from
            the record. Under `mkdocs serve` (`self.parts`), kept while the record, the
            names and addresses of the records it names, the page and the day are the same."""
            here = url(record)
            named = tuple((ref.target, title(ref.target), url(ref.target)) for ref in references(record.model))
            slot = (name, record.id)
            if self.parts is not None:
                kept = self.parts.get(slot)
                if kept is not None and kept[0] is record.model and kept[1] == (here, self.today, named):
                    return kept[2]
            made = Markup(self.env.get_template(name).render({**context, "record": record, **values}))
            if self.parts is not None:
                self.parts[slot] = (record.model, (here, self.today, named), made)
            return made

        return part


def _link_makers(catalogue: Catalogue, linker: Linker) -> tuple[Callable[..., str], Callable[..., Markup],
                                                                   Callable[[list[str]], Markup],
                                                                   Callable[[str], str]]:
    """The templates' `url`, `link`, `links` and `title_of` for one page (`linker`: its URLs)."""

    def url(target: Record | LessonRef | str) -> str:
        if isinstance(target, LessonRef):
            return f"{linker(target.record.rel_path)}#{target.lesson.id}"
        if isinstance(target, str):
            if target not in catalogue.records:
                return ""
            target = catalogue.records[target]
        return linker(target.rel_path)

    def link(target: Record | LessonRef | str | None, text: str | None = None) -> Markup:
        if target is None:
            return Markup("")
        if isinstance(target, str) and target not in catalogue.records:
            return html_text(text or target)
        label = text
        if label is None:
            if isinstance(target, LessonRef):
                label = target.lesson.title
            else:
                label = (catalogue.records[target] if isinstance(target, str) else target).title
        # Concatenated rather than Markup.format: pages make tens of thousands of links.
        return Markup(f'<a href="{escape(url(target))}">{html_text(label)}</a>')

    def links(ids: list[str]) -> Markup:
        """Links to the records, comma-separated, in a span (none: nothing)."""
        if not ids:
            return Markup("")
        return Markup("<span>" + ", ".join(link(i) for i in ids) + "</span>")

    def title(record_id: str) -> str:
        record = catalogue.records.get(record_id)
        return record.title if record else record_id

    return url, link, links, title


# The page keys MkDocs and mkdocs-material read, passed through from a record (FORMAT.md).
PAGE_KEYS = (*THEME_KEYS, "tags")


def record_meta(record: Record, *, full: bool = True) -> dict[str, Any]:
    """A record page's meta as MkDocs and the theme read it, from the catalogue's (redacted)
    model, never the raw front matter. `full`: the whole model too (the plugins' page.meta);
    otherwise only what a theme reads (the front matter `accord render` writes)."""
    dumped = record.model.model_dump(mode="json", by_alias=True, exclude_none=True)
    meta: dict[str, Any] = dumped if full else {key: dumped[key] for key in PAGE_KEYS if key in dumped}
    # MkDocs and the theme put the title into navigation, <title> and search unescaped.
    meta["title"] = str(html_text(record.title))
    if record.model.summary and not record.model.description:
        meta["description"] = str(html_text(record.model.summary))
    for key in ("description", "subtitle"):  # the theme prints these unescaped too
        value = getattr(record.model, key, None)
        if isinstance(value, str) and value:
            meta[key] = str(html_text(value))
    # `status` is the agreement's status, never mkdocs-material's page status.
    if "status" in meta:
        meta["accord_status"] = meta.pop("status")
    elif record.type == "agreement":
        meta["accord_status"] = record.agreement.status.value
    meta["accord_type"] = record.type
    meta["accord_id"] = record.id
    return meta


def nav_order(record: Record, catalogue: Catalogue) -> tuple[str, int, str]:
    """Where a record page goes in its section: by title, an amendment just after the
    agreement it amends (whose title it may not share), and so on down the chain."""
    depth, root = 0, record
    while root.type == "agreement" and root.agreement.amends in catalogue.records and depth < 50:
        root, depth = catalogue.records[root.agreement.amends], depth + 1
    return (root.title.casefold(), depth, record.title.casefold())


def raci_letters(row: Any, org: str) -> str:
    letters = ""
    if org in row.responsible:
        letters += "R"
    if row.accountable == org:
        letters += "A"
    if org in row.consulted:
        letters += "C"
    if org in row.informed:
        letters += "I"
    return letters


def _kind_name(kind: Any) -> str:
    value = getattr(kind, "value", kind)
    return KIND_NAMES.get(value, str(value))


def _organization_kind_name(kind: Any) -> str:
    value = getattr(kind, "value", kind)
    return ORGANIZATION_KIND_NAMES.get(value, str(value))


def _group_by_agreement(assignments: list[Any]) -> list[tuple[Record, list[Any]]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    records: dict[str, Record] = {}
    for assignment in assignments:
        groups[assignment.agreement.id].append(assignment)
        records[assignment.agreement.id] = assignment.agreement
    return sorted(((records[key], rows) for key, rows in groups.items()), key=lambda item: item[0].title.casefold())


# Where the generated pages go (docs-relative paths, as if they were source files).
REGISTERS = {
    "agreement": ("agreements/index.md", "Agreements", "pages/agreements.md.j2"),
    "organization": ("organizations/index.md", "Partners", "pages/organizations.md.j2"),
    "playbook": ("playbooks/index.md", "Playbooks", "pages/records.md.j2"),
    "retrospective": ("retrospectives/index.md", "Retrospectives", "pages/records.md.j2"),
}
RESPONSIBILITIES_PAGE = "responsibilities.md"
LESSONS_PAGE = "lessons/index.md"
DUE_PAGE = "due.md"
GUIDE_PAGE = "guide/writing-records.md"  # the authors' guide (accord/pages' `guide` option)


def guide_page(value: object) -> str | None:
    """accord/pages' `guide` option as a page's path in the docs folder, or None for no guide;
    a ValueError says what to write instead."""
    if value is None or value == "" or value is False:
        return None
    if value is True:
        return GUIDE_PAGE
    parts = value.split("/") if isinstance(value, str) else []
    if (not parts or not value.endswith(".md") or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
            or "\\" in value or any(ord(char) < 32 for char in value)):
        raise ValueError(f"guide: `{value!s}` is not a page's path in the docs folder; write one such as "
                         f"`{GUIDE_PAGE}` (folders joined by /, ending in .md), or `false` for no guide")
    return value


UNAPPLIED_PAGE = "lessons/unapplied.md"
CALENDAR_FILE = "calendar.ics"
ASSETS = ("assets/accord/accord.css", "assets/accord/accord.js")  # from templates/assets/
# Mermaid itself (MIT), for the diagrams authors write: mkdocs-material fetches it from
# unpkg.com unless the page already has it, and an intranet has no internet. Served when the
# site has a `mermaid` fence, and loaded only by the pages that hold one (accord/pages).
MERMAID = "assets/accord/mermaid.min.js"


def assets(mermaid: bool) -> dict[str, str]:
    """The files Accord adds to a site: its path there → its file under templates/assets/
    (`mermaid`: Mermaid too)."""
    found = {asset: asset.rsplit("/", 1)[-1] for asset in ASSETS}
    if mermaid:
        found[MERMAID] = "vendor/mermaid.min.js"
    return found


# An author's Mermaid diagram: a fenced block of the `mermaid` language (pymdownx.superfences).
_MERMAID_FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*\{?[ \t]*\.?mermaid\b", re.MULTILINE)
# A Mermaid diagram in a page's article, as pymdownx.superfences writes one (`<pre class="mermaid">`,
# `<div class="mermaid">`) or an author's raw HTML does.
_MERMAID_BLOCK = re.compile(r"""<(?:pre|div)\b[^>]*\bclass=["'](?:[^"']*\s)?mermaid[\s"']""", re.IGNORECASE)


def mermaid_fence(config: Mapping[str, Any]) -> bool:
    """Whether pymdownx.superfences has a `mermaid` custom fence (accord/pages' `diagrams: auto`),
    in mkdocs.yml as read (`markdown_extensions`, a list or a mapping, options beside each name)
    or as MkDocs has checked it (the names in `markdown_extensions`, the options in `mdx_configs`)."""
    checked = config.get("mdx_configs") or {}
    for entry in extensions(config):  # type: ignore[arg-type]
        if isinstance(entry, dict) and "pymdownx.superfences" in entry:
            options = entry["pymdownx.superfences"] or {}
        elif entry == "pymdownx.superfences" and isinstance(checked, Mapping) and checked.get(entry):
            options = checked[entry]
        else:
            continue
        fences = options.get("custom_fences", []) if isinstance(options, Mapping) else []
        return any(isinstance(fence, dict) and fence.get("name") == "mermaid" for fence in fences)
    return False


def mermaid_in_markdown(markdown: str) -> bool:
    """Whether a page's Markdown holds a Mermaid diagram (a `mermaid` fence): it loads Mermaid."""
    return _MERMAID_FENCE.search(markdown) is not None


def mermaid_in_html(html: str, start: int = 0, end: int | None = None) -> bool:
    """Whether a page's HTML (between `start` and `end`: its article) holds a Mermaid diagram."""
    return _MERMAID_BLOCK.search(html, start, len(html) if end is None else end) is not None


# Where generated sections go in a navigation Accord orders (no `nav` in mkdocs.yml).
NAV_ORDER = ("index.md", "agreements", "organizations", "responsibilities.md", "lessons", "due.md", "playbooks",
             "retrospectives")
LESSON_GROUPS = {"topics": "Topic", "phases": "Phase", "impact": "Impact"}
TIMELINE_MAX = 60
# The timeline's sections: in force first, then in preparation, then ended.
TIMELINE_ORDER = ("active", "signed", "negotiation", "draft", "expired", "terminated", "superseded")


def group_page(group: str, key: str) -> str:
    """The page listing the lessons of one topic, phase or impact."""
    return f"lessons/{group}/{key}.md"


def plan_pages(catalogue: Catalogue, guide: str | None = GUIDE_PAGE, registers: bool = True) -> list[GeneratedPage]:
    """Every page Accord generates for this catalogue, with what its template needs. Only
    pages with something to show: no register for a type without records, no lesson pages
    without lessons, no responsibilities or due page without agreements. The authors'
    guide goes to `guide` (None: none); `registers=False`: the guide only."""
    pages = []
    if guide:  # its context: what it is written from, so that a preview makes it once
        pages.append(GeneratedPage(guide, "Writing records", "pages/writing-records.md.j2",
                                   (("accord", __version__),), shows_neighbours=False))
    if not registers:
        return pages
    for record_type, (src_uri, title, template) in REGISTERS.items():
        records = catalogue.of_type(record_type)
        if not records:
            continue
        context: dict[str, Any] = {"kind": record_type, "records": records}
        if record_type == "agreement":
            context.update(agreements=records, facets=_agreement_facets(catalogue, records), **_timeline(records))
        elif record_type == "organization":
            context["organizations"] = records
            kinds = sorted({r.organization.kind.value for r in records})
            context["facets"] = [("kind", "Kind", [(k, _organization_kind_name(k)) for k in kinds], "")]
        pages.append(GeneratedPage(src_uri, title, template, tuple(context.items()),
                                   hide=("toc",) if record_type == "agreement" else ()))
    if catalogue.agreements:
        pages.append(GeneratedPage(RESPONSIBILITIES_PAGE, "Responsibilities", "pages/responsibilities.md.j2",
                                   tuple(_responsibilities(catalogue).items()), hide=("toc",)))
    if catalogue.lessons:
        pages += _lesson_pages(catalogue)
    if catalogue.agreements:
        pages.append(GeneratedPage(DUE_PAGE, "Due for review", "pages/due.md.j2"))
    return pages


def _agreement_facets(catalogue: Catalogue, agreements: list[Record]) -> list[tuple[str, str, list[Any], str]]:
    """The agreements register's facets: (name, label, [(value, text)], default)."""
    kinds = sorted({r.agreement.kind.value for r in agreements}, key=lambda k: KIND_NAMES[k])
    sectors = sorted({r.agreement.sector for r in agreements if r.agreement.sector})
    partners = sorted({p for r in agreements for p in r.agreement.party_ids if p in catalogue.records},
                      key=lambda p: (catalogue.records[p].title.casefold(), p))  # the id: same names, same order
    return [
        ("status", "Status", list(STATUS_FACET), ""),
        ("kind", "Kind", [(k, KIND_NAMES[k]) for k in kinds], ""),
        ("sector", "Sector", [(s, s.replace("-", " ").capitalize()) for s in sectors], ""),
        ("partner", "Partner", [(p, catalogue.records[p].title) for p in partners], ""),
    ]


def lesson_facets(catalogue: Catalogue) -> list[tuple[str, str, list[Any], str]]:
    """The lessons index's facets."""
    topics = sorted(catalogue.lessons_by_topic)
    phases = [p for p in _ORDER["phases"] if p in catalogue.lessons_by_phase]
    impacts = [i for i in _ORDER["impact"] if i in catalogue.lessons_by_impact]
    return [
        ("topic", "Topic", [(t, t) for t in topics], ""),
        ("impact", "Impact", [(i, i.capitalize()) for i in impacts], ""),
        ("phase", "Phase", [(p, p.capitalize()) for p in phases], ""),
    ]


def has_calendar(catalogue: Catalogue) -> bool:
    """calendar.ics holds the agreements' dates: none without agreements."""
    return bool(catalogue.agreements)


def _lesson_pages(catalogue: Catalogue) -> list[GeneratedPage]:
    pages = []
    groups = {
        "topics": sorted(catalogue.lessons_by_topic.items()),
        "phases": [(p, catalogue.lessons_by_phase[p]) for p in _ORDER["phases"] if p in catalogue.lessons_by_phase],
        "impact": [(i, catalogue.lessons_by_impact[i]) for i in _ORDER["impact"] if i in catalogue.lessons_by_impact],
    }
    unapplied = catalogue.unapplied_lessons()
    pages.append(GeneratedPage(LESSONS_PAGE, "Lessons", "pages/lessons.md.j2",
                               (("topics", groups["topics"]), ("phases", groups["phases"]),
                                ("impacts", groups["impact"]), ("unapplied", len(unapplied)),
                                ("all", tuple(catalogue.lessons.values())),
                                ("facets", lesson_facets(catalogue))), hide=("toc",), shows_neighbours=False))
    for group, entries in groups.items():
        for key, refs in entries:
            title = f"Lessons: {key}" if group == "topics" else f"Lessons: {LESSON_GROUPS[group].lower()} {key}"
            pages.append(GeneratedPage(group_page(group, key), title, "pages/lesson-group.md.j2",
                                       (("lessons", refs),), shows_neighbours=False))
    pages.append(GeneratedPage(UNAPPLIED_PAGE, "Lessons not yet applied", "pages/unapplied.md.j2",
                               (("lessons", unapplied),), shows_neighbours=False))
    return pages


_ORDER = {
    "phases": ["scoping", "negotiation", "implementation", "evaluation", "closure"],
    "impact": ["negative", "mixed", "positive"],
}


def _timeline(agreements: list[Record]) -> dict[str, Any]:
    dated = [r for r in agreements if r.agreement.dates.effective and r.agreement.dates.expires]
    dated.sort(key=lambda r: r.agreement.dates.expires, reverse=True)
    shown = sorted(dated[:TIMELINE_MAX], key=lambda r: (r.agreement.dates.effective, r.title.casefold()))
    by_status: dict[str, list[Record]] = defaultdict(list)
    for record in shown:
        by_status[record.agreement.status.value].append(record)
    return {
        "timeline": sorted(by_status.items(), key=lambda item: TIMELINE_ORDER.index(item[0])),
        "timeline_left_out": max(0, len(dated) - TIMELINE_MAX),
        "timeline_limit": TIMELINE_MAX,
    }


IN_FORCE = ("signed", "active")
ENDED = ("expired", "terminated", "superseded")


def status_tokens(status: str) -> str:
    """The status facet's words for an agreement: its status, and the groups it is in."""
    groups = ["in-force"] if status in IN_FORCE else []
    groups.append("ended" if status in ENDED else "current")
    return " ".join([status, *groups])


STATUS_FACET = (("in-force", "In force (signed, active)"), ("current", "In force or in preparation"),
                ("ended", "Ended"), *((s, s.capitalize()) for s in STATUS_ORDER))


def _responsibilities(catalogue: Catalogue) -> dict[str, Any]:
    """One row per activity of every agreement's responsibility matrix, with the
    organisations holding each letter (those the audience may see); an agreement with no
    matrix has one row, so that its parties can still be found."""
    rows: list[dict[str, Any]] = []
    groups: list[tuple[Record, list[dict[str, Any]]]] = []
    involved: set[str] = set()
    for record in sorted(catalogue.agreements, key=lambda r: (STATUS_ORDER.index(r.agreement.status.value),
                                                             r.title.casefold())):
        agreement = record.agreement
        parties = [p for p in agreement.party_ids if p in catalogue.records]
        first = len(rows)
        for row in agreement.responsibilities:
            letters = {
                "A": [row.accountable] if row.accountable in catalogue.records else [],
                "R": [o for o in row.responsible if o in catalogue.records],
                "C": [o for o in row.consulted if o in catalogue.records],
                "I": [o for o in row.informed if o in catalogue.records],
            }
            orgs = sorted({o for found in letters.values() for o in found})
            involved.update(orgs)
            rows.append({"agreement": record, "activity": row.activity, "letters": letters, "orgs": orgs})
        if not agreement.responsibilities:
            involved.update(parties)
            rows.append({"agreement": record, "activity": None, "letters": {}, "orgs": sorted(parties)})
        group = sorted({o for row in rows[first:] for o in row["orgs"]})
        for row in rows[first:]:
            row["group_orgs"] = group
        groups.append((record, rows[first:]))
    organizations = sorted((catalogue.records[o] for o in involved), key=lambda r: (r.title.casefold(), r.id))
    return {"groups": groups, "org_facet": [(r.id, r.title) for r in organizations]}


def _term(record: Record) -> svg.Term:
    dates = record.agreement.dates
    return svg.Term(record.id, record.title, record.agreement.status.value, dates.effective, dates.expires)


def partner_network(catalogue: Catalogue, org_id: str) -> list[tuple[Record, list[Record]]]:
    """The organisation's partners through shared agreements, most shared first."""
    shared: dict[str, list[Record]] = defaultdict(list)
    for party in catalogue.parties.get(org_id, []):
        for other in party.agreement.agreement.party_ids:
            if other != org_id and other in catalogue.records:
                shared[other].append(party.agreement)
    return sorted(((catalogue.records[o], agreements) for o, agreements in shared.items()),
                  key=lambda item: (-len(item[1]), item[0].title.casefold()))
