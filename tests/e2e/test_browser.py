"""The demo site in a real browser (Debian's Chromium driven by Playwright), as a person uses it.

Screenshots land in `test-artifacts/` for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from browsers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _offline
from sites import demo_project


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mkdocs serve` of a copy of the demo, on a loopback port."""
    root = demo_project(tmp_path_factory.mktemp("served"))
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1795305600"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    pytest.fail(f"mkdocs serve did not start:\n{output}")
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:

    assert CHROMIUM, "Chromium is required in CI: scripts/test.sh installs Debian's chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_raci_matrix_is_visible_on_an_agreement_page(served: str, page: Page) -> None:
    page.goto(served + "agreements/northvale-hospital-university-data-sharing/")
    matrix = page.locator("table.accord-raci")
    matrix.scroll_into_view_if_needed()
    assert matrix.is_visible()
    first_row = matrix.locator("tbody tr").first
    assert first_row.locator("td").nth(1).inner_text().strip() == "RA"
    _shot(page, "agreement-raci")


def test_follow_a_party_from_an_agreement_to_its_organisation(served: str, page: Page) -> None:
    page.goto(served + "agreements/northvale-hospital-university-data-sharing/")
    _shot(page, "agreement-top")
    page.locator("ul.accord-parties a", has_text="Northvale Regional Hospital Trust").click()
    page.wait_for_url("**/organizations/northvale-hospital-trust/")
    assert page.locator("h1").first.inner_text().strip().rstrip("¶") == "Northvale Regional Hospital Trust"
    responsibilities = page.locator("table.accord-org-raci").first  # current duties; past ones follow
    responsibilities.scroll_into_view_if_needed()
    assert responsibilities.is_visible()
    _shot(page, "organisation-responsibilities")


def test_register_filters_and_sorts(served: str, page: Page) -> None:
    page.goto(served + "agreements/")
    rows = page.locator("table[data-accord-sortable] tbody tr")
    total = rows.count()
    page.locator("[data-accord-filter]").fill("school meals")
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) < total
    assert all("school meals" in r.inner_text().lower() for r in visible)
    _shot(page, "register-filtered")
    page.locator("[data-accord-filter]").fill("")
    header = page.locator("table[data-accord-sortable] thead th", has_text="Expires")
    header.click()
    dates = [d for d in (r.locator("td").nth(6).inner_text().strip() for r in rows.all()) if d]
    assert dates == sorted(dates)
    header.click()
    dates = [d for d in (r.locator("td").nth(6).inner_text().strip() for r in rows.all()) if d]
    assert dates == sorted(dates, reverse=True)


def test_search_finds_a_lesson_and_lands_on_it(served: str, page: Page) -> None:
    page.goto(served, wait_until="networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Typed as a person types: the theme searches on each keystroke once its worker is ready.
    page.locator("input.md-search__input").press_sequentially("consent", delay=80)
    result = page.locator("a.md-search-result__link[href*='#patient-consent-scope']")
    result.wait_for(state="visible", timeout=20000)
    _shot(page, "search-consent")
    result.click()
    page.wait_for_url("**/retrospectives/hospital-data-sharing-retrospective-2026/**")
    assert "#patient-consent-scope" in page.url
    assert page.locator("h2#patient-consent-scope").is_visible()
    _shot(page, "lesson-anchor")


def test_responsibility_overview(served: str, page: Page) -> None:
    page.goto(served + "responsibilities/")
    rows = page.locator("table.accord-duties tbody tr:not([data-accord-group])")
    in_force = rows.filter(visible=True).count()
    assert 0 < in_force < rows.count()  # at first, only the agreements in force
    assert all("in-force" in s.split() for s in rows.filter(visible=True).evaluate_all(
        "rows => rows.map(r => r.dataset.status)"))
    _shot(page, "responsibilities")
    page.select_option("select[data-accord-facet=org]", "northvale-hospital-trust")
    page.select_option("select[data-accord-facet=status]", "all")
    assert "org=northvale-hospital-trust" in page.url and "status=all" in page.url
    shown = rows.filter(visible=True)
    assert shown.count() > 0
    assert all("northvale-hospital-trust" in o.split() for o in shown.evaluate_all("rs => rs.map(r => r.dataset.org)"))
    # A group heading shows only while one of its activities does.
    assert page.locator("tr[data-accord-group]").filter(visible=True).count() < page.locator(
        "tr[data-accord-group]").count()
    page.reload()  # the choice is kept in the address
    assert page.locator("select[data-accord-facet=org]").input_value() == "northvale-hospital-trust"
    assert rows.filter(visible=True).count() == shown.count()


def test_partnership_network_and_due_page(served: str, page: Page) -> None:
    page.goto(served + "organizations/northvale-hospital-trust/")
    network = page.locator("#partnership-network")
    network.scroll_into_view_if_needed()
    _shot(page, "organisation-network")
    page.goto(served + "due/")
    assert page.locator("tr.accord-overdue").count() >= 1
    _shot(page, "due")


def test_lessons_to_consider_lead_to_the_lesson(served: str, page: Page) -> None:
    page.goto(served + "agreements/community-health-workers-moa/")
    box = page.locator("div.accord-advice")
    box.scroll_into_view_if_needed()
    assert box.is_visible()
    assert "Past lessons that concern this agreement" in box.inner_text()
    _shot(page, "lessons-to-consider")
    box.locator("ol li a").first.click()
    page.wait_for_url("**/retrospectives/hospital-data-sharing-retrospective-2026/**")
    assert page.locator("h2#patient-consent-scope").is_visible()
    page.goto(served + "lessons/unapplied/")
    assert page.locator("table.accord-unapplied tbody tr").count() >= 3
    _shot(page, "lessons-unapplied")


@dataclass
class Site:
    base: str  # its address
    pages: list[str]  # every page, as a path under `base` ("." for the home page)
    root: Path  # the project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo built once, served by a plain file server."""
    import functools
    import http.server
    import threading

    from sites import build

    root = demo_project(tmp_path_factory.mktemp("built"))
    result = build(root, env={"SOURCE_DATE_EPOCH": "1795305600"})
    assert result.returncode == 0, result.log
    pages = sorted(p.relative_to(result.site).parent.as_posix() for p in result.site.rglob("index.html")
                   if p.relative_to(result.site).parts[0] != "search")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(result.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}/", pages, root)
    finally:
        server.shutdown()


# The pages staff look at first, photographed at each width and scheme for a person to look at.
SHOTS = {"home": ".", "agreement": "agreements/northvale-hospital-university-data-sharing",
         "organisation": "organizations/northvale-university", "overview": "responsibilities",
         "register": "agreements", "lessons": "lessons"}


@pytest.mark.parametrize(("width", "scheme"), [(390, "dark"), (1440, "light")])
def test_every_page_reads_well_offline(built: Site, browser: Browser, width: int, scheme: str) -> None:
    """Every page of the demo, as staff on an intranet would open it: no sideways scroll,
    no request leaving the site, no console error, no serious or critical axe-core
    violation (WCAG 2.1 AA and best practice)."""
    from axe_playwright_python.sync_playwright import Axe

    assert len(built.pages) > 60
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    outside = _offline(context, built.base)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error"
            else None)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    axe = Axe()
    wide, violations = [], []
    shots = {path: name for name, path in SHOTS.items()}
    for path in built.pages:
        page.goto(built.base + ("" if path == "." else f"{path}/"), wait_until="networkidle")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide.append((path, scroll))
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                violations.append((path, violation["id"], [node["target"] for node in violation["nodes"]][:3]))
        if path in shots:
            _shot(page, f"{shots[path]}-{width}-{scheme}")
    context.close()
    assert wide == []
    assert outside == []
    assert errors == []
    assert violations == []


def test_dates_stay_on_one_line(built: Site, browser: Browser) -> None:
    base = built.base
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(base + "agreements/")
    heights = page.eval_on_selector_all("td time.accord-date", "els => els.map(e => e.getClientRects().length)")
    context.close()
    assert heights and max(heights) == 1  # one line box each: never "2027-⏎01-01"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_diagrams_and_fonts_come_from_the_site_itself(built: Site, browser: Browser,
                                                        scheme: str) -> None:
    """An intranet has no internet: the fonts are the site's own (nothing from Google), and
    the diagrams, drawn at build time, need nothing from unpkg.com."""
    base = built.base
    context = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme=scheme)
    outside = _offline(context, base)
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    for path in ("organizations/northvale-university/", "agreements/", "playbooks/health-data-sharing-playbook/"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        if path.startswith("organizations"):
            diagram = page.locator("figure.accord-net svg")
            assert diagram.bounding_box()["height"] > 150
            diagram.scroll_into_view_if_needed()
            _shot(page, f"network-{scheme}")
        if path.startswith("playbooks"):
            assert page.locator(".task-list-control").count() > 10  # checklists are checkboxes, not "[ ]"
    context.close()
    assert outside == []
    assert errors == []


def test_register_says_when_nothing_matches_and_keeps_the_filter_in_the_address(
        built: Site, browser: Browser) -> None:
    base = built.base
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(base + "agreements/")
    page.locator("[data-accord-filter]").fill("zzz-no-such-agreement")
    assert page.locator("[data-accord-empty]").is_visible()
    assert "filter=zzz-no-such-agreement" in page.url
    _shot(page, "register-empty")
    page.locator("[data-accord-clear]").click()
    assert not page.locator("[data-accord-empty]").is_visible()
    assert page.locator("table[data-accord-sortable] tbody tr:visible").count() >= 9
    page.goto(base + "agreements/?filter=school+meals")
    visible = page.locator("table[data-accord-sortable] tbody tr:visible")
    assert visible.count() == 2 and page.locator("[data-accord-filter]").input_value() == "school meals"
    # A shared filtered register opens as a register, not under the theme's search (which ?q= opens).
    page.wait_for_timeout(300)
    assert not page.evaluate("document.getElementById('__search').checked")
    page.goto(base + "agreements/")
    page.locator("table[data-accord-sortable] thead th", has_text="Status").click()
    statuses = [s.strip().lower() for s in page.locator("table[data-accord-sortable] tbody tr td:nth-child(3)")
                .all_inner_texts()]
    lifecycle = ["draft", "negotiation", "signed", "active", "expired", "terminated", "superseded"]
    assert statuses == sorted(statuses, key=lifecycle.index) and statuses != sorted(statuses)
    context.close()


# Search: the search box and `accord search` ----------------------------------------------

# Questions as people type them into both: words of bodies, RACI activities, objectives,
# resources, governance and lessons, names of partners, a misspelt word.
PARITY_QUERIES = (
    "consent", "reporting", "hospital", "data sharing", "flood wardens", "procurement of river sensors",
    "school meals", "steering group", "pseudonymised extract", "AUC", "volunteers", "budget reallocation",
    "caldicott guardian", "discharge follow-up pilot", "secure research environment", "quarterly dashboard",
    "what went wrong with procurement", "procurment", "University of Northvale", "bus rapid transit",
)

RECORD_FOLDERS = ("agreements/", "organizations/", "playbooks/", "retrospectives/")
_ASK_WORKER = """async ([url, queries]) => {
  const worker = new Worker(url)
  const next = () => new Promise(resolve => worker.addEventListener("message", e => resolve(e.data), {once: true}))
  worker.postMessage({type: 0, data: {config: {lang: ["en"]}, docs: [], options: {}}})
  await next()
  const answers = []
  for (const query of queries) {
    worker.postMessage({type: 2, data: query + " "})
    const {data} = await next()
    answers.push(data.accord.results.map(item => item.location))  // in the order listed
  }
  worker.terminate()
  return answers
}"""


def test_the_search_box_finds_what_accord_search_finds(built: Site, browser: Browser) -> None:
    """The same question in the search box and in `accord search`: the same results, in
    the same order (both read the same documents and scores)."""
    from accord.search.index import SearchIndex
    from accord.search.query import search

    index = SearchIndex(built.root / "docs", built.root / ".accord-test", "internal")
    index.refresh()
    context = browser.new_context()
    page = context.new_page()
    page.goto(built.base)
    answers = page.evaluate(_ASK_WORKER, [built.base + "assets/accord/search.js", list(PARITY_QUERIES)])
    context.close()
    differ = []
    for query, box in zip(PARITY_QUERIES, answers, strict=True):
        expected = [result.url.lstrip("/") for result in search(index, query, limit=10).results]
        box = [location for location in box if location.startswith(RECORD_FOLDERS)]  # not the guides

        if box[:10] != expected:
            differ.append((query, box[:10], expected))
    assert differ == []


def test_register_facets_are_kept_in_the_address(built: Site, browser: Browser) -> None:
    """Status, kind, sector and partner on the agreements register; topic, impact and phase
    on the lessons index: chosen from the address, and written back to it."""
    from accord.catalogue import Catalogue
    from accord.format.loading import load

    catalogue = Catalogue.build(load(built.root / "docs").records, "internal")
    expected = sorted(r.title for r in catalogue.agreements if "northvale-university" in r.agreement.party_ids
                      and r.agreement.status.value in ("signed", "active"))
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(built.base + "agreements/?status=in-force&partner=northvale-university")
    rows = page.locator("table[data-accord-sortable] tbody tr")
    shown = sorted(rows.filter(visible=True).locator("td:first-child").all_inner_texts())
    assert shown == expected and 0 < len(expected) < rows.count()
    assert page.locator("[data-accord-count]").inner_text() == f"{len(expected)} of {rows.count()} shown"
    _shot(page, "register-facets")
    page.select_option("select[data-accord-facet=kind]", "grant")
    assert "kind=grant" in page.url and "partner=northvale-university" in page.url
    assert all(k == "grant" for k in rows.filter(visible=True).evaluate_all("rs => rs.map(r => r.dataset.kind)"))
    page.goto(built.base + "lessons/?impact=negative&topic=consent")
    lessons = page.locator("table.accord-all-lessons tbody tr").filter(visible=True)
    assert lessons.count() == sum(1 for ref in catalogue.lessons.values() if ref.lesson.impact
                                  and ref.lesson.impact.value == "negative" and "consent" in ref.lesson.topics) > 0
    page.select_option("select[data-accord-facet=impact]", "all")
    assert "impact=" not in page.url and "topic=consent" in page.url
    context.close()
