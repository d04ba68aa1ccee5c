"""A long register (accord.site.paging): its page holds the first rows, a file beside it every
row; in the browser the filter box, the facets and sorting reach every row, "Show more" lists
the next ones, and the count is of every row. Issue 22: at 10,000 records a register was one
page of up to 8.6 MB."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page

from accord.site.paging import ROWS_AT_ONCE, rows_file, rows_json, split_registers
from browsers import CHROMIUM, _serve, browser  # noqa: F401  (a fixture)
from conftest import REPO
from sites import ZERO_CONFIG, build

# The zero-configuration site, without the web fonts (an intranet), for the internal audience.
CONFIG = ZERO_CONFIG.format(name="Paging").replace("  name: material\n", "  name: material\n  font: false\n") \
    .replace("  - accord/records\n", "  - accord/records:\n      audience: internal\n")


def split_register(text: str, href: str) -> tuple[str, list[str] | None]:
    page, rows = split_registers(text, lambda number: href if number == 0 else f"{number}-{href}")
    assert set(rows) <= {0}
    return page, rows.get(0)


def _register(rows: list[str], facets: str = "") -> str:
    return ("# Things\n\n<div class=\"accord-register\" data-accord-register>\n<div class=\"accord-facets\">"
            f"{facets}</div>\n<table class=\"accord-table\">\n<thead><tr><th>A</th></tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table>\n</div>\n\n## After\n")


def _rows_of(page: str) -> list[str]:
    body = page[page.index("<tbody>") + 7:page.index("</tbody>")]
    return re.findall(r"<tr[\s>].*?</tr>", body, re.DOTALL)


def test_a_short_register_stays_whole_in_its_page() -> None:
    text = _register([f'<tr data-kind="a"><td>{n}</td></tr>' for n in range(ROWS_AT_ONCE)])
    assert split_register(text, "index.rows.json") == (text, None)


def test_a_long_register_keeps_its_first_rows_and_gives_every_row_to_its_file() -> None:
    rows = [f'<tr data-accord-id="r{n}"><td>Row {n} &lt;tr&gt;</td></tr>' for n in range(450)]
    page, every = split_register(_register(rows), "index.rows.json")
    assert every == rows
    assert _rows_of(page) == rows[:ROWS_AT_ONCE]
    assert 'data-accord-rows="index.rows.json" data-accord-total="450"' in page
    assert "The first 200 of 450 rows are listed here" in page
    assert page.endswith("## After\n")
    assert json.loads(rows_json(every)) == {"total": 450, "rows": rows}


def test_the_first_rows_are_those_the_register_shows_at_first_and_no_group_is_cut() -> None:
    """Responsibilities start filtered to the agreements in force: the page's rows are those, each
    under its agreement's heading row, and an agreement's activities are never split."""
    facets = ('<select data-accord-facet="status" data-default="in-force"><option value="all">All</option>'
              '<option value="in-force" selected>In force</option></select>')
    rows = []
    for n in range(150):
        status = "active in-force current" if n % 2 else "draft current"
        rows.append(f'<tr class="accord-duty-group" data-accord-group data-status="{status}">'
                    f'<th>Agreement {n}</th></tr>')
        rows += [f'<tr data-status="{status}"><td>Activity {n}.{k}</td></tr>' for k in range(3)]
    page, every = split_register(_register(rows, facets), "x.rows.json")
    assert every == rows
    first = _rows_of(page)
    assert all("in-force" in row for row in first)
    headings = [row for row in first if "data-accord-group" in row]
    assert len(first) == len(headings) * 4  # each agreement with its three activities
    assert len(first) - len(headings) >= ROWS_AT_ONCE


def test_the_rows_file_is_named_after_the_page() -> None:
    assert rows_file("agreements/index.html") == "agreements/index.rows.json"
    assert rows_file("responsibilities.html") == "responsibilities.rows.json"
    assert rows_file("due/index.html", 1) == "due/index.rows-2.json"


def test_each_long_register_of_a_page_has_its_own_file() -> None:
    short = _register([f'<tr><td>{n}</td></tr>' for n in range(3)])
    long = _register([f'<tr><td>{n}</td></tr>' for n in range(300)])
    page, rows = split_registers(long + short + long, lambda number: f"rows-{number}.json")
    assert set(rows) == {0, 2} and len(rows[0]) == len(rows[2]) == 300
    assert 'data-accord-rows="rows-0.json"' in page and 'data-accord-rows="rows-2.json"' in page
    assert "rows-1.json" not in page
    assert page.count("<tr><td>") == 2 * ROWS_AT_ONCE + 3


# --- a built site -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated knowledge base of 700 records (about 300 agreements), its internal site built."""
    sys.path.insert(0, str(REPO / "scripts"))
    from gen_corpus import generate

    root = tmp_path_factory.mktemp("paging")
    generate(root / "docs", 700, seed=3)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    result = build(root, strict=False)
    assert result.returncode == 0, result.log
    return root


def _ids_of_pages(site: Path, folder: str) -> set[str]:
    return {path.parent.name for path in (site / folder).glob("*/index.html")}


def test_a_built_register_is_light_and_its_file_holds_every_row_the_audience_may_see(corpus: Path) -> None:
    site = corpus / "site"
    page = site / "agreements" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    register = soup.select_one("[data-accord-register]")
    assert register is not None and register["data-accord-rows"] == "index.rows.json"
    listed = [row["data-accord-id"] for row in register.select("tbody tr[data-accord-id]")]
    assert 0 < len(listed) <= ROWS_AT_ONCE  # (fewer if they weigh more than BYTES_AT_ONCE)
    data = json.loads((site / "agreements" / "index.rows.json").read_text(encoding="utf-8"))
    every = [re.search(r'data-accord-id="([^"]+)"', row).group(1) for row in data["rows"]]  # type: ignore[union-attr]
    assert data["total"] == len(every) == int(register["data-accord-total"]) > ROWS_AT_ONCE
    assert every[:len(listed)] == listed
    # Every row is of a published agreement, and every published agreement has its row.
    published = {path.parent.name for path in (site / "agreements").glob("*/index.html")}
    assert set(every) == published
    hidden = {p.stem for p in (corpus / "docs" / "agreements").rglob("*.md")
              if 'confidentiality: "restricted"' in p.read_text(encoding="utf-8")}
    assert hidden and not hidden & set(every)
    assert not any(h in (site / "agreements" / "index.rows.json").read_text(encoding="utf-8") for h in hidden)
    # Every register whose rows are past the limit is split, and none of its page's weight is the rest.
    for register_page in ("responsibilities/index.html", "lessons/index.html"):
        assert (site / rows_file(register_page)).is_file(), register_page
    assert not (site / "playbooks" / "index.rows.json").exists()  # short: whole in its page


def test_accord_render_writes_the_rows_beside_the_page_for_another_engine(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "plain"
    made = subprocess.run([sys.executable, "-m", "accord", "render", str(out), "--audience", "internal"],
                          cwd=corpus, capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    page = (out / "docs" / "agreements" / "index.md").read_text(encoding="utf-8")
    assert 'data-accord-rows="index.rows.json"' in page
    rendered = json.loads((out / "docs" / "agreements" / "index.rows.json").read_text(encoding="utf-8"))
    built = json.loads((corpus / "site" / "agreements" / "index.rows.json").read_text(encoding="utf-8"))
    assert rendered["total"] == built["total"]


# --- in the browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(corpus: Path) -> Iterator[str]:
    base, server = _serve(corpus / "site")
    yield base
    server.shutdown()


def _open(browser: Browser, url: str, width: int = 1440) -> Page:  # noqa: F811
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(url)
    page.wait_for_selector("[data-accord-loaded]", state="attached", timeout=30_000)
    return page


def _every_title(corpus: Path) -> list[str]:
    data = json.loads((corpus / "site" / "agreements" / "index.rows.json").read_text(encoding="utf-8"))
    return [BeautifulSoup(row, "html.parser").select_one("td").get_text(" ").strip() for row in data["rows"]]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_filtering_reaches_a_row_past_the_first_ones(browser: Browser, served: str, corpus: Path) -> None:  # noqa: F811
    titles = _every_title(corpus)
    last = titles[-1]
    page = _open(browser, served + "agreements/")
    assert page.locator("[data-accord-count]").inner_text() == f"{len(titles)} in all; the first 200 are listed"
    assert page.locator("table.accord-table >> nth=0").locator("tbody tr").count() == ROWS_AT_ONCE
    assert last not in page.locator("table.accord-table >> nth=0").inner_text()
    page.fill("input.accord-filter", last)
    body = page.locator("table.accord-table >> nth=0").locator("tbody")
    assert last in body.inner_text()
    matching = sum(last.lower() in t.lower() for t in titles)
    assert page.locator("[data-accord-count]").inner_text().startswith(f"{matching} of {len(titles)} match")
    assert "filter=" in page.url
    # The address keeps the filter: opened again, the register shows the same row.
    again = _open(browser, page.url)
    assert last in again.locator("table.accord-table >> nth=0").locator("tbody").inner_text()
    page.context.close()
    again.context.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_show_more_lists_the_next_rows_and_the_keyboard_goes_on_there(browser: Browser, served: str,  # noqa: F811
                                                                      corpus: Path) -> None:
    titles = _every_title(corpus)
    page = _open(browser, served + "agreements/")
    button = page.locator(".accord-more-button")
    left = len(titles) - ROWS_AT_ONCE
    assert button.inner_text() == f"Show {min(left, ROWS_AT_ONCE)} more ({left} not listed yet)"
    button.focus()
    page.keyboard.press("Enter")
    rows = page.locator("table.accord-table >> nth=0").locator("tbody tr")
    assert rows.count() == min(len(titles), 2 * ROWS_AT_ONCE)
    focused = page.evaluate("document.activeElement.closest('tr') && document.activeElement.textContent.trim()")
    assert focused == titles[ROWS_AT_ONCE]
    page.context.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_sorting_orders_every_row_not_only_those_listed(browser: Browser, served: str, corpus: Path) -> None:  # noqa: F811
    titles = _every_title(corpus)
    page = _open(browser, served + "agreements/", width=390)
    page.select_option("select[data-accord-sort]", "0:d")  # Title, Z to A
    first = page.locator("table.accord-table >> nth=0").locator("tbody tr td >> nth=0").inner_text().strip()
    assert first == max(titles, key=str.lower)
    page.context.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_responsibilities_start_with_the_agreements_in_force_over_every_row(browser: Browser,  # noqa: F811
                                                                           served: str) -> None:
    page = _open(browser, served + "responsibilities/")
    statuses = page.evaluate("""[...document.querySelectorAll('[data-accord-register] tbody tr[data-accord-group]')]
        .map(row => row.getAttribute('data-status'))""")
    assert statuses and all("in-force" in status for status in statuses)
    page.select_option("select[data-accord-facet=status]", "all")
    count = page.locator("[data-accord-count]").inner_text()
    assert re.match(r"[\d,]+ in all; the first 200 are listed", count), count
    page.context.close()


def test_the_registers_words_in_a_value_are_not_the_register() -> None:
    """A topic may be called `data-accord-register` and an organisation's id `data-accord-group`:
    a heading or an attribute's value holding those words is neither a register nor a group."""
    rows = [f'<tr data-org="x data-accord-group y"><td>{n}</td></tr>' for n in range(300)]
    text = "# Lessons: data-accord-register\n\n" + _register(rows)
    page, every = split_register(text, "index.rows.json")
    assert page.startswith("# Lessons: data-accord-register\n")
    assert every == rows and _rows_of(page) == rows[:ROWS_AT_ONCE]


def test_a_failed_build_leaves_no_rows_file(tmp_path: Path) -> None:
    """The rows files are written once every page has been: a template that fails on the due
    page leaves no register's data behind without its page."""
    sys.path.insert(0, str(REPO / "scripts"))
    from gen_corpus import generate

    generate(tmp_path / "docs", 700, seed=3)
    (tmp_path / "mkdocs.yml").write_text(CONFIG.replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"),
                                         encoding="utf-8")
    broken = tmp_path / "overrides" / "accord" / "pages" / "due.md.j2"
    broken.parent.mkdir(parents=True)
    broken.write_text("{{ no_such_function() }}\n", encoding="utf-8")
    result = build(tmp_path, strict=False)
    assert result.returncode != 0
    assert not list(result.site.rglob("*.rows*.json")) if result.site.exists() else True


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_show_more_never_lists_part_of_an_agreements_activities(browser: Browser, served: str,  # noqa: F811
                                                                corpus: Path) -> None:
    data = json.loads((corpus / "site" / "responsibilities" / "index.rows.json").read_text(encoding="utf-8"))
    sizes, heading, words = {}, None, ""  # activities holding "data", by their agreement's heading text
    for row in data["rows"]:
        text = BeautifulSoup(row, "html.parser").get_text()
        if "data-accord-group" in row.split(">", 1)[0]:
            heading, words = "".join(text.split()), text
            sizes[heading] = 0
        elif "data" in (text + " " + words).lower():
            sizes[heading] += 1
    page = _open(browser, served + "responsibilities/?status=all&filter=data")  # (an agreement across the limit)
    while True:  # at every limit "Show more" meets
        listed = page.evaluate("""[...document.querySelectorAll('[data-accord-register] tbody tr')]
            .map(row => [row.hasAttribute('data-accord-group'), row.textContent.trim()])""")
        counted, heading = {}, None
        for is_heading, text in listed:
            if is_heading:
                heading = "".join(text.split())
                counted[heading] = 0
            else:
                counted[heading] += 1
        assert counted == {h: sizes[h] for h in counted}
        if page.locator(".accord-more-button").is_hidden():
            break
        page.click(".accord-more-button")
    page.context.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_a_rows_file_that_cannot_be_read_is_said_so(browser: Browser, served: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.route("**/*.rows.json", lambda route: route.abort())
    page = context.new_page()
    page.goto(served + "agreements/", wait_until="networkidle")
    page.wait_for_function("document.querySelector('[data-accord-count]').textContent.includes('could not')")
    count = page.locator("[data-accord-count]").inner_text()
    assert "could not be read from index.rows.json" in count and "Loading" not in count
    assert page.locator(".accord-more-button").is_hidden()
    context.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_a_long_register_prints_every_row_that_matches(browser: Browser, served: str, corpus: Path) -> None:  # noqa: F811
    titles = _every_title(corpus)
    page = _open(browser, served + "agreements/")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    assert page.locator("table.accord-table >> nth=0").locator("tbody tr").count() == len(titles)
    assert page.locator(".accord-more-button").is_hidden()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("table.accord-table >> nth=0").locator("tbody tr").count() == ROWS_AT_ONCE
    page.context.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_back_from_a_row_lists_as_many_rows_as_before_at_the_same_place(browser: Browser,  # noqa: F811
                                                                        served: str, corpus: Path) -> None:
    titles = _every_title(corpus)
    page = _open(browser, served + "agreements/")
    page.locator(".accord-more-button").click()
    row = page.locator("table.accord-table >> nth=0").locator("tbody tr").nth(ROWS_AT_ONCE + 10)
    row.scroll_into_view_if_needed()
    y = page.evaluate("window.scrollY")
    row.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    page.go_back()
    page.wait_for_selector("[data-accord-loaded]", state="attached", timeout=30_000)
    assert page.locator("table.accord-table >> nth=0").locator("tbody tr").count() == min(len(titles),
                                                                                          2 * ROWS_AT_ONCE)
    assert abs(page.evaluate("window.scrollY") - y) < 50
    page.context.close()
