"""How the demo site looks: stylesheets that parse, tables that read, a first screen that
answers, focus that shows, and an agreement printed fit to sign.

The stylesheet test reads the built site's files; the rest drive Debian's Chromium through
Playwright (skipped when it is missing, as in tests/e2e/test_browser.py).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import tinycss2

from sites import Build

AGREEMENT = "agreements/northvale-hospital-university-data-sharing/"


# Stylesheets ------------------------------------------------------------------------------

# At-rules whose block holds rules, and those whose block holds declarations.
_RULE_BLOCKS = {"media", "supports", "layer", "container", "document", "scope", "starting-style"}
_DECLARATION_BLOCKS = {"font-face", "page", "property", "counter-style", "font-feature-values", "viewport"}


def _errors_in_tokens(tokens: list | None) -> list[tinycss2.ast.ParseError]:
    found = []
    for token in tokens or ():
        if token.type == "error":
            found.append(token)
        elif token.type in ("() block", "[] block", "{} block", "function"):
            found += _errors_in_tokens(token.arguments if token.type == "function" else token.content)
    return found


def _errors_in_block(content: list, holds: str) -> list[tinycss2.ast.Node]:
    """Parse errors in a block of `holds` ("rules", "declarations" or "both": a style rule,
    which may nest rules)."""
    if holds == "rules":
        items = tinycss2.parse_rule_list(content, skip_comments=True, skip_whitespace=True)
    else:
        items = tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    return _errors_in_items(items, nested=holds == "both")


def _errors_in_items(items: list, *, nested: bool = False) -> list[tinycss2.ast.Node]:
    found: list[tinycss2.ast.Node] = []
    for item in items:
        if item.type == "error":
            found.append(item)
        elif item.type == "declaration":
            found += _errors_in_tokens(item.value)
        elif item.type == "qualified-rule":
            found += _errors_in_tokens(item.prelude)
            found += _errors_in_block(item.content, "both")
        elif item.type == "at-rule":
            found += _errors_in_tokens(item.prelude)
            if item.content is None:
                continue
            name = item.lower_at_keyword
            if name in _RULE_BLOCKS or name.endswith("keyframes"):
                holds = "both" if nested else "rules"
                if name.endswith("keyframes"):
                    holds = "rules"
                found += _errors_in_block(item.content, holds)
            elif name in _DECLARATION_BLOCKS:
                found += _errors_in_block(item.content, "declarations")
            else:
                found += _errors_in_tokens(item.content)
    return found


def stylesheet_errors(css: str) -> list[str]:
    """Every parse error of a stylesheet, as `line:column: message` (CSS Syntax Level 3, as
    a browser reads it: what it drops is what these name)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return [f"{e.source_line}:{e.source_column}: {getattr(e, 'message', e.type)}" for e in _errors_in_items(rules)]


def served_stylesheets(site: Path) -> dict[str, Path]:
    """Every stylesheet the site links from a page (its own and the theme's), and every
    other .css file it serves, by its path in the site."""
    from bs4 import BeautifulSoup

    found: dict[str, Path] = {}
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        here = "/" + page.relative_to(site).as_posix()
        for link in soup.find_all("link", rel="stylesheet"):
            href = urlsplit(urljoin(here, link["href"]))
            if href.netloc:
                continue  # nothing from elsewhere: test_browser proves no request leaves the site
            found[href.path.lstrip("/")] = site / href.path.lstrip("/")
    for css in site.rglob("*.css"):
        found.setdefault(css.relative_to(site).as_posix(), css)
    return found


def test_the_stray_brace_that_dropped_the_dashboard_rule_is_an_error() -> None:
    broken = ".a { color: red; }\n@media screen { .b { color: blue; } }\n}\n.c { display: flex; }\n"
    assert stylesheet_errors(broken) == ["3:1: Unmatched }"]
    assert stylesheet_errors("@media (max-width: 1px) { .a { color: red; } }\n.b:is(p, li) a { x: y; }") == []


def test_every_stylesheet_the_site_serves_parses(demo: Build) -> None:
    sheets = served_stylesheets(demo.site)
    names = set(sheets)
    assert any(n.endswith("accord.css") for n in names)
    assert any("stylesheets/main" in n for n in names) and any("stylesheets/palette" in n for n in names)
    errors = {name: stylesheet_errors(path.read_text(encoding="utf-8")) for name, path in sorted(sheets.items())}
    assert {name: found for name, found in errors.items() if found} == {}


def test_the_print_only_parts_are_in_the_page_but_not_searched(demo: Build) -> None:
    """An agreement's print head and signature blocks are in its HTML (hidden on screen), and
    no search index holds them: a hit there would lead to nothing visible."""
    page = demo.page(AGREEMENT)
    assert page.select_one(".accord-print-head[data-search-exclude]") is not None
    blocks = page.select(".accord-signatures[data-search-exclude] .accord-signature")
    assert len(blocks) == len(page.select("ul.accord-parties li")) == 3
    indexes = [path.read_text(encoding="utf-8") for path in (demo.site / "search").rglob("*.json")]
    assert indexes and not [text for text in indexes if "Name and position" in text or "Page as of" in text]


# In Chromium ------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                                    reason="Chromium is not installed (scripts/test.sh installs it)")
WIDTHS = [(390, "dark"), (1440, "light")]
# Pages with Accord's tables of every kind: facts, objectives, RACI, resources, registers,
# the overview, due, lessons, an organisation.
TABLE_PAGES = ("", AGREEMENT, "agreements/northvale-school-meals-mou-2025/", "agreements/",
               "organizations/northvale-university/", "organizations/", "responsibilities/", "due/", "lessons/",
               "lessons/unapplied/", "retrospectives/hospital-data-sharing-retrospective-2026/")


@pytest.fixture(scope="module")
def served(demo: Build) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(demo.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    from browsers import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _page(browser: object, width: int, scheme: str) -> object:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)  # type: ignore[attr-defined]
    return context.new_page()


# Each word of each cell of a visible table, and the lines it is drawn on: a word is split at
# spaces, and after a hyphen or dash, where a line may end; a part drawn on two lines is broken.
_BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll(".md-content table td, .md-content table th")) {
    const box = cell.getBoundingClientRect();
    if (!cell.getClientRects().length || box.width <= 1) continue;
    const head = cell.closest("thead");
    if (head && head.getBoundingClientRect().width <= 1) continue;  // cards: headings out of sight
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const part = /[^\\s\\-\\u2010-\\u2014\\/]+[\\-\\u2010-\\u2014\\/]?/g;
      for (let m = part.exec(node.data); m; m = part.exec(node.data)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => r.top);
        if (tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 2) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""

_THIN_CELLS = """() => Array.from(document.querySelectorAll(
    ".md-content table.accord-table td, .md-content table.accord-table th"))
  .filter(cell => cell.getClientRects().length && cell.getBoundingClientRect().width > 1)
  .filter(cell => !cell.closest("thead") || cell.closest("thead").getBoundingClientRect().width > 1)
  .map(cell => [cell.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(cell).paddingLeft),
                parseFloat(getComputedStyle(cell).paddingRight)])
  .filter(([, left, right]) => left < 12 || right < 12)"""


@needs_chromium
@pytest.mark.parametrize(("width", "scheme"), [*WIDTHS, (800, "light")])
def test_table_cells_keep_words_whole_and_have_room(served: str, browser: object, width: int, scheme: str) -> None:
    """No word in a table cell drawn across two lines ("Departmen / t"), and at least 12 px
    of padding each side of every cell Accord writes, on a phone, a desktop and between
    (800 px: no cards yet, no sidebar); a table too wide scrolls in its own box, never the page."""
    page = _page(browser, width, scheme)
    broken, thin, wide = {}, {}, {}
    for path in TABLE_PAGES:
        page.goto(served + path, wait_until="networkidle")
        assert page.locator(".md-content table").count() > 0 or path == "", path
        if found := page.evaluate(_BROKEN_WORDS):
            broken[path] = found
        if found := page.evaluate(_THIN_CELLS):
            thin[path] = found[:5]
        if (scroll := page.evaluate("document.documentElement.scrollWidth")) > width:
            wide[path] = scroll
    page.context.close()
    assert broken == {}
    assert thin == {}
    assert wide == {}


@needs_chromium
def test_the_dashboards_counts_lie_in_rows_on_a_desktop(served: str, browser: object) -> None:
    """Agreements by status side by side in one row, the other records in the next: never
    the narrow column a dropped rule made of them."""
    page = _page(browser, 1440, "light")
    page.goto(served, wait_until="networkidle")
    rows = page.eval_on_selector_all(".accord-stats-row", """rows => rows.map(row =>
        Array.from(row.querySelectorAll("a.accord-stat")).map(a => Math.round(a.getBoundingClientRect().top)))""")
    page.context.close()
    assert [len(tops) for tops in rows] == [6, 4]
    assert all(len(set(tops)) == 1 for tops in rows)  # each group on one line
    assert rows[0][0] < rows[1][0]


# A ring: an outline, or a box shadow (the search box's is on its form).
_FOCUS_RING = """element => {
  const ring = s => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
  const form = element.closest("form");
  return ring(getComputedStyle(element)) || (form !== null && ring(getComputedStyle(form)));
}"""


@needs_chromium
@pytest.mark.parametrize(("width", "scheme"), WIDTHS)
def test_focus_shows_on_the_search_and_filter_boxes(served: str, browser: object, width: int, scheme: str) -> None:
    """Reached with the keyboard, the search box, a register's filter box, its selects and a
    sortable heading each show a ring."""
    page = _page(browser, width, scheme)
    page.goto(served + "agreements/", wait_until="networkidle")
    controls = ["[data-accord-filter]", "select[data-accord-facet=status]"]
    controls.append("select[data-accord-sort]" if width < 720 else "th .accord-sort-button")
    unringed = []
    for selector in controls:
        page.locator(selector).first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus that came from the keyboard
        assert page.locator(selector).first.evaluate("element => element === document.activeElement"), selector
        if not page.locator(selector).first.evaluate(_FOCUS_RING):
            unringed.append(selector)
    if width < 720:
        page.locator("label.md-header__button[for=__search]").click()  # the search box opens
    page.locator("input.md-search__input").focus()
    if not page.locator("input.md-search__input").evaluate(_FOCUS_RING):
        unringed.append("search box")
    page.context.close()
    assert unringed == []


@needs_chromium
def test_sortable_headings_are_column_headings_worked_by_keyboard(served: str, browser: object) -> None:
    page = _page(browser, 1440, "light")
    page.goto(served + "agreements/", wait_until="networkidle")
    heading = page.locator("table[data-accord-sortable] thead th", has_text="Expires")
    assert heading.evaluate("th => th.tagName") == "TH" and heading.get_attribute("role") is None
    heading.locator("button").focus()
    page.keyboard.press("Enter")
    assert heading.get_attribute("aria-sort") == "ascending"
    dates = [d for d in page.locator("table[data-accord-sortable] tbody tr td:nth-child(7)").all_inner_texts() if d]
    assert dates == sorted(dates)
    page.context.close()
    phone = _page(browser, 390, "dark")
    phone.goto(served + "agreements/", wait_until="networkidle")
    phone.locator("select[data-accord-sort]").select_option(label="Expires, Z to A / last to first")
    dates = [d for d in phone.locator("table[data-accord-sortable] tbody tr td:nth-child(7)").all_inner_texts() if d]
    assert dates == sorted(dates, reverse=True)
    assert phone.locator("table[data-accord-sortable] thead th", has_text="Expires").get_attribute("aria-sort") \
        == "descending"
    phone.context.close()


@needs_chromium
def test_an_agreements_first_screen_on_a_phone_says_what_it_is(served: str, browser: object) -> None:
    """At 390 px: its title, status, parties (once), term and a way to its responsibilities
    before the first screen ends; the objectives read without scrolling sideways."""
    page = _page(browser, 390, "dark")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served + AGREEMENT, wait_until="networkidle")
    bottom = 844
    for selector in ("h1", ".accord-status", "ul.accord-parties", ".accord-facts-table", "nav.accord-jump"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["y"] + box["height"] <= bottom, selector
    assert page.locator("ul.accord-parties").count() == 1 and page.locator("table.accord-parties").count() == 0
    assert page.locator("ul.accord-parties a", has_text="Northvale Regional Hospital Trust").is_visible()
    page.locator("nav.accord-jump a", has_text="Responsibilities").click()
    assert page.locator("table.accord-raci").evaluate("t => t.getBoundingClientRect().top") < 844
    objectives = page.locator("table.accord-objectives")
    assert objectives.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    assert page.locator("table.accord-objectives td[data-label=Target]").first.is_visible()
    page.context.close()


@needs_chromium
def test_an_agreement_prints_fit_to_sign(served: str, browser: object, tmp_path: Path) -> None:
    """Printed (A4): what it is and its confidentiality, a signature block per party, no
    lessons to consider, no chips or navigation."""
    page = _page(browser, 1440, "light")
    page.goto(served + "agreements/community-health-workers-moa/", wait_until="networkidle")
    assert page.locator(".accord-signatures").is_hidden()  # on screen
    page.emulate_media(media="print")
    signatures = page.locator(".accord-signatures .accord-signature")
    parties = page.locator("ul.accord-parties li").count()
    assert signatures.count() == parties > 1
    for block in signatures.all():
        assert block.is_visible()
        text = block.inner_text()
        assert all(word in text for word in ("For ", "Name and position", "Signature", "Date"))
    assert page.locator(".accord-print-head").is_visible()
    assert "community-health-workers-moa" in page.locator(".accord-print-head").inner_text()
    assert page.locator(".accord-advice").count() == 1 and page.locator(".accord-advice").is_hidden()
    assert page.locator("h2#lessons-to-consider").is_hidden()
    for hidden in (".md-header", ".md-sidebar--primary", ".accord-chip", ".md-tags", ".accord-badges"):
        assert all(not element.is_visible() for element in page.locator(hidden).all()), hidden
    pdf = tmp_path / "agreement.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    page.context.close()
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


# Every landmark drawn on a page and its accessible name, as a screen reader's list of landmarks
# shows them: aria-labelledby's text, else aria-label.
_LANDMARKS = """() => Array.from(document.querySelectorAll(
    "nav, aside, [role=region], [role=navigation], [role=complementary], [role=search]"))
  .filter(element => element.getClientRects().length && getComputedStyle(element).visibility !== 'hidden')
  .map(element => {
    const by = element.getAttribute('aria-labelledby');
    const label = by ? by.split(/\\s+/).map(id => (document.getElementById(id) || {}).textContent || '').join(' ')
                     : element.getAttribute('aria-label') || '';
    const role = element.getAttribute('role') || element.tagName.toLowerCase();
    return [role === 'navigation' ? 'nav' : role, label.replace(/\\s+/g, ' ').trim()];
  })"""


@needs_chromium
@pytest.mark.parametrize("address", ["", "agreements/", "agreements/northvale-hospital-university-data-sharing/",
                                     "guide/writing-records/"])
def test_each_landmark_has_a_name_of_its_own(served: str, browser: object, address: str) -> None:
    """A screen reader lists a page's landmarks by name: the theme's section navs were named
    after an arrow icon (no name), the tables' scroll regions all alike (77 notices of axe's
    landmark-unique in the demo)."""
    page = _page(browser, 1440, "light")
    page.goto(served + address, wait_until="networkidle")
    landmarks = page.evaluate(_LANDMARKS)
    named = [(role, name) for role, name in landmarks if role in ("nav", "region")]
    assert named and all(name for _, name in named), named
    repeated = [landmark for landmark in set(named) if named.count(landmark) > 1]
    assert not repeated, repeated
    page.context.close()
