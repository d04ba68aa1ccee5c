"""The smaller things a reader meets (issue 22, item 11): values in words, what the due page
and the dashboard say, where the site's address is missing, and landmarks a screen reader
can tell apart."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from accord.commands.cli import main
from accord.format.models import OrganizationKind
from accord.format.vocabulary import ORGANIZATION_KIND_NAMES, ORGANIZATION_KINDS, TYPE_NAMES, sector_name
from conftest import KnowledgeBase
from sites import ZERO_CONFIG, Build, build, text_of

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22, as tests/site/test_site_build.py builds the demo
NO_SITE_URL = "site_url is not set in mkdocs.yml"


def _cell(row: object, label: str) -> str:
    return text_of(row.select_one(f'td[data-label="{label}"]'))  # type: ignore[attr-defined]


# Values in words -----------------------------------------------------------------------------


def test_every_organisation_kind_and_record_type_has_a_name_in_british_english() -> None:
    assert set(ORGANIZATION_KIND_NAMES) == set(ORGANIZATION_KINDS) == {kind.value for kind in OrganizationKind}
    assert ORGANIZATION_KIND_NAMES["ngo"] == "NGO"
    assert TYPE_NAMES["organization"] == "Organisation"
    assert sector_name("public-health") == "Public health"


def test_the_partners_register_shows_kinds_in_words_and_filters_by_the_format_s_value(demo: Build) -> None:
    register = demo.page("organizations")
    options = {option["value"]: text_of(option)
               for option in register.select('select[data-accord-facet="kind"] option') if option["value"] != "all"}
    assert options["ngo"] == "NGO" and options["academic"] == "Academic"
    rows = register.select("tbody tr[data-kind]")
    assert rows
    for row in rows:  # a row's cell says what the filter calls its kind; its data-kind stays the value
        assert _cell(row, "Kind") == options[row["data-kind"]]
    assert not {"ngo", "academic", "government"} & {_cell(row, "Kind") for row in rows}


def test_an_organisation_page_names_its_kind_in_words(demo: Build) -> None:
    badges = [text_of(chip) for chip in demo.page("organizations/northvale-climate-action-network")
              .select(".accord-badges .accord-chip")]
    assert "NGO" in badges and "ngo" not in badges


def test_an_agreement_s_sector_reads_as_the_register_s_filter_names_it(demo: Build) -> None:
    sectors = {option["value"]: text_of(option)
               for option in demo.page("agreements").select('select[data-accord-facet="sector"] option')
               if option["value"] != "all"}
    badges = [text_of(chip) for chip in demo.page("agreements/northvale-hospital-university-data-sharing")
              .select(".accord-badges .accord-chip")]
    assert sectors.get("health") == "Health"
    assert "Health" in badges and "health" not in badges


def test_the_agreements_register_shows_a_sector_as_its_filter_does(demo: Build) -> None:
    register = demo.page("agreements")
    rows = [row for row in register.select("tbody tr[data-sector]") if row["data-sector"]]
    assert rows
    for row in rows:
        assert _cell(row, "Sector") == sector_name(row["data-sector"])


def test_the_dashboard_names_record_types_the_british_way(demo: Build) -> None:
    recent = demo.page("").select("#accord-dash-recent ~ ul li .accord-muted")
    shown = {text_of(span) for span in recent}
    assert shown and shown <= set(TYPE_NAMES.values()), shown


# The due page, reviews, the dashboard's date ------------------------------------------------------


def test_the_due_page_says_which_review_is_due_not_review_twice(demo: Build) -> None:
    details = {}
    for row in demo.page("due").select("table.accord-due tbody tr"):
        what, agreement, detail = _cell(row, "What"), _cell(row, "Agreement"), _cell(row, "Detail")
        assert detail.casefold() != what.casefold()
        if what == "Review":
            details[agreement.split(" ")[0], row.td.time["datetime"]] = detail
    assert details[("Kelby–Ashford", "2027-01-31")] == "1 of 2 scheduled reviews; the next on 2028-01-31"
    assert details[("Riverside", "2027-02-10")] == "2 of 2 scheduled reviews, the last"
    assert details[("Memorandum", "2026-10-01")] == "The only review scheduled"  # overdue


def test_an_agreement_page_marks_each_past_review_passed_or_overdue(demo: Build) -> None:
    def reviews(url: str) -> str:
        facts = demo.page(url).select_one("table.accord-facts-table")
        return text_of(next(row for row in facts.select("tr") if text_of(row.th) == "Review").td)

    # The due page counts this agreement's April review done: a later one is scheduled.
    assert reviews("agreements/northvale-hospital-university-data-sharing") == "2026-04-01 passed , 2027-01-15"
    meals = reviews("agreements/northvale-school-meals-mou-2025")
    assert "2026-10-01 overdue" in meals and "passed" not in meals


def test_the_dashboard_says_the_date_its_figures_are_as_of(demo: Build) -> None:
    as_of = demo.page("").select_one(".accord-dashboard .accord-as-of")
    assert as_of is not None and as_of.time["datetime"] == "2026-11-22"
    assert text_of(as_of).startswith("As of 2026-11-22")


def test_an_expiry_names_the_term_it_ends_on_the_due_page_and_only_once_on_the_dashboard(
        kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="KB"))
    kb.write("index.md", "# Home\n\n<!-- accord:dashboard -->\n")
    result = build(kb.root, env={"SOURCE_DATE_EPOCH": "1890000000"})  # 2029-11-22: the MOU expires 2030-01-31
    assert result.returncode == 0, result.log
    row = next(row for row in result.page("due").select("table.accord-due tbody tr") if _cell(row, "What") == "Expiry")
    assert _cell(row, "Detail") == "End of the term 2026-02-01 – 2030-01-31"
    item = next(li for li in result.page("").select(".accord-dash-list li") if "Expiry" in text_of(li))
    assert text_of(item) == "2030-01-31 Expiry : River clean-up MOU"  # not "… River clean-up MOU Expires"


# The unapplied lessons -----------------------------------------------------------------------


def test_the_unapplied_lessons_say_what_to_cite_not_an_address(demo: Build) -> None:
    page = demo.page("lessons/unapplied")
    headings = [text_of(th) for th in page.select("table.accord-unapplied thead th")]
    assert "Reference to cite" in headings and "Address" not in headings
    cells = page.select('table.accord-unapplied td[data-label="Reference to cite"] code')
    assert cells and all("#" in text_of(code) for code in cells)
    assert "citing its reference" in text_of(page.find("article"))


# The site's address ------------------------------------------------------------------------


def test_without_site_url_the_build_says_what_it_affects_and_the_calendar_has_no_relative_links(
        kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="KB"))
    result = build(kb.root)
    assert result.returncode == 0, result.log  # said, yet --strict builds still pass: nothing is wrong at a root
    said = [line for line in result.log.splitlines() if NO_SITE_URL in line]
    assert len(said) == 1, result.log
    assert "404 page" in said[0] and "calendar.ics" in said[0] and "Set site_url in mkdocs.yml" in said[0]
    calendar = icalendar.Calendar.from_ical((result.site / "calendar.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events
    for event in events:
        assert "url" not in event
        description = str(event["description"])
        assert "agreements/river-mou" not in description and "Page:" not in description
        assert "(Active, Memorandum of understanding)" in description  # words, not `active, mou`


def test_init_writes_a_site_url_line_to_fill_in(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "kb"), "--name", "Riverside Partnerships"])
    assert result.exit_code == 0, result.output
    config = tmp_path / "kb" / "mkdocs.yml"
    placeholder = next(line for line in config.read_text().splitlines() if "site_url:" in line)
    assert placeholder.startswith("# site_url: https://")
    assert NO_SITE_URL in build(tmp_path / "kb").log
    config.write_text(config.read_text().replace(placeholder, placeholder.removeprefix("# ")))
    filled = build(tmp_path / "kb")
    assert filled.returncode == 0, filled.log
    assert NO_SITE_URL not in filled.log
    calendar = icalendar.Calendar.from_ical((filled.site / "calendar.ics").read_bytes())
    address = placeholder.split("site_url: ", 1)[1]
    assert all(str(event["url"]).startswith(address) for event in calendar.walk("VEVENT"))


# Landmarks ------------------------------------------------------------------------------------


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def served(demo: Build) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "-b", "127.0.0.1", "-d",
                               str(demo.site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true", reason="Chromium is not installed")
@pytest.mark.parametrize("width", [390, 1440])
def test_each_table_that_scrolls_is_a_region_named_after_its_table(served: str, width: int) -> None:
    """A screen reader lists regions by name: "Table, scrolls sideways" five times on an
    organisation page told nobody which table each was."""
    from playwright.sync_api import sync_playwright

    from browsers import CHROMIUM_ARGS

    pages = {"organizations/northvale-regional-government/": ["Agreements", "Responsibilities"],
             "guide/writing-records/": [], "agreements/": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": width, "height": 900})
        regions_seen = 0
        for path, headings in pages.items():
            page.goto(served + path, wait_until="networkidle")
            names = page.eval_on_selector_all("[role=region]", "els => els.map(e => e.getAttribute('aria-label'))")
            regions_seen += len(names)
            assert all(name and name.endswith(", scrolls sideways") for name in names), (path, names)
            assert not [name for name, n in Counter(names).items() if n > 1], (path, names)
            assert "Table, scrolls sideways" not in names, (path, names)
            if width == 390:
                for heading in headings:
                    assert f"{heading} table, scrolls sideways" in names, (path, names)
        browser.close()
    assert regions_seen
