"""Search results that say what they are (issue 22): each result in the site's search box
names its kind and its status or impact, with a line of context and few tags; a question
no record answers says so and offers the registers; inflections are found in the box and
by `accord search` alike (one stemmer, in Python and in the box's script); a result
holding every word of the question ranks above one missing a word; the lessons to
consider on an agreement page show what to do; and every value is shown as text."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.search.terms import porter, words
from conftest import REPO
from judged_search import record_of, serve
from sites import Build, build, demo_project

HOSTILE = "<img src=x onerror=alert(1)>"
AGREEMENT = "agreements/northvale-hospital-university-data-sharing"
RETROSPECTIVE = "docs/retrospectives/hospital-data-sharing-retrospective-2026.md"
HOSPITAL_QUESTION = "what went wrong last time we shared data with a hospital"
SCRIPT = REPO / "templates" / "assets" / "search.js"


@pytest.fixture(scope="module")
def site() -> Iterator[Build]:
    """The demo, with a RACI activity "Calibrate …" and hostile values in a lesson's title
    and another's recommendation."""
    with tempfile.TemporaryDirectory(prefix="accord-results-") as scratch:
        root = demo_project(Path(scratch) / "demo")
        agreement = root / "docs" / (AGREEMENT + ".md")
        text = agreement.read_text(encoding="utf-8")
        agreement.write_text(text.replace("  - activity: Operate the secure research environment",
                                          "  - activity: Calibrate the secure research environment", 1),
                             encoding="utf-8")
        retrospective = root / RETROSPECTIVE
        text = retrospective.read_text(encoding="utf-8")
        text = text.replace("    title: Access to hospital data took eleven weeks longer than planned",
                            f"    title: 'Extract approvals {HOSTILE} took eleven weeks longer than planned'", 1)
        text = text.replace("      Make a consent and transparency review,",
                            f"      Make a consent and transparency review ({HOSTILE}),", 1)
        retrospective.write_text(text, encoding="utf-8")
        result = build(root, strict=False)
        assert result.returncode == 0, result.log
        yield result


# One stemmer ---------------------------------------------------------------------------------


def _js_stems(items: list[str]) -> list[str]:
    """The box's stemmer (search.js's `porter`), run in node."""
    program = (
        "global.self = {location: 'http://localhost/assets/accord/search.js'};"
        "global.addEventListener = () => {}; global.postMessage = () => {};"
        "global.BroadcastChannel = undefined;"
        f"const {{porter}} = require({json.dumps(str(SCRIPT))});"
        "let input = ''; process.stdin.on('data', d => input += d);"
        "process.stdin.on('end', () => console.log(JSON.stringify(JSON.parse(input).map(porter))));"
    )
    done = subprocess.run(["node", "-e", program], input=json.dumps(items), capture_output=True, text=True,
                          timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_box_stems_every_word_of_the_records_as_accord_search_does() -> None:
    vocabulary = sorted({w for path in (REPO / "docs").rglob("*.md") for w in words(path.read_text(encoding="utf-8"))})
    vocabulary += ["pseudonymising", "pseudonymised", "calibrating", "calibrate", "planned", "running", "hoping",
                   "agreed", "yelling", "relational", "happiness", "conditional", "sensitivity", "hopefulness"]
    assert len(vocabulary) > 2000
    stems = _js_stems(vocabulary)
    differ = [(w, js, porter(w)) for w, js in zip(vocabulary, stems, strict=True) if js != porter(w)]
    assert differ == []
    assert porter("calibrating") == porter("calibrate") and porter("pseudonymising") == porter("pseudonymised")


def _cli(site: Build, query: str) -> list[str]:
    from accord.search.index import SearchIndex
    from accord.search.query import search

    with tempfile.TemporaryDirectory(prefix="accord-results-cli-") as cache:
        index = SearchIndex(site.site.parent / "docs", Path(cache), "internal")
        index.refresh()
        try:
            return [r.id for r in search(index, query, limit=10).results]
        finally:
            index.close()


@pytest.mark.parametrize("word", ["pseudonymising", "calibrating"])
def test_accord_search_finds_another_form_of_a_word(site: Build, word: str) -> None:
    assert "northvale-hospital-university-data-sharing" in _cli(site, word)


def test_accord_search_ranks_results_holding_every_word_above_those_missing_one(site: Build) -> None:
    records = list(dict.fromkeys(r.split("#")[0] for r in _cli(site, HOSPITAL_QUESTION)))
    assert records[:2] == ["hospital-data-sharing-retrospective-2026", "northvale-hospital-university-data-sharing"]
    assert "northvale-school-meals-retrospective-2025" not in records[:3]


# The search box ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def box(site: Build) -> Iterator[Any]:
    """A page of the site with its search box, and a way to ask it."""
    from playwright.sync_api import sync_playwright

    from browsers import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    with sync_playwright() as playwright, serve(site.site) as base:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}") or dialog.dismiss())
        page.goto(base, wait_until="networkidle")

        def ask(query: str) -> Any:
            page.locator("label.md-search__icon, .md-search__input").first.click()
            field = page.locator("input.md-search__input")
            field.fill("")
            field.press_sequentially(query, delay=20)
            page.wait_for_function(
                "q => document.querySelector('.md-search-result__meta')?.dataset.accord === q", arg=query,
                timeout=20000)
            return page

        ask.errors = errors  # type: ignore[attr-defined]
        yield ask
        browser.close()


def _results(page: Any) -> list[dict[str, str]]:
    return page.eval_on_selector_all(".md-search-result__list > li.accord-search-result", """items => items.map(li => ({
        href: li.querySelector("a").getAttribute("href"),
        kind: li.querySelector(".accord-search-result__kind").textContent,
        status: li.querySelector(".accord-search-result__status")?.textContent || "",
        title: li.querySelector(".accord-search-result__title").textContent,
        context: li.querySelector(".accord-search-result__context")?.textContent || "",
        tags: li.querySelectorAll(".md-tag").length,
    }))""")


def _record(href: str) -> str:
    return record_of(re.sub(r"^https?://[^/]+/", "", href))


def test_a_search_result_names_its_kind_and_its_status_or_impact(box: Any) -> None:
    page = box("consent")
    found = _results(page)
    assert found
    assert {r["kind"] for r in found} <= {"Agreement", "Organisation", "Playbook", "Retrospective", "Lesson", "Page"}
    lesson = next(r for r in found if r["kind"] == "Lesson")
    assert lesson["status"] == "Went wrong"
    agreement = next(r for r in found if r["kind"] == "Agreement")
    assert agreement["status"] in {"Active", "Draft", "Signed", "Negotiation", "Expired", "Terminated", "Superseded"}
    assert all(r["context"] and len(r["context"]) <= 170 for r in found)
    assert all(r["tags"] <= 3 for r in found)
    assert "consent" in page.locator(".md-search-result__list mark").first.inner_text().lower()


def test_the_count_is_of_every_match_and_more_are_shown_on_asking(box: Any) -> None:
    page = box("agreement")  # more matches than are listed at first
    summary = page.locator(".md-search-result__meta")
    found = re.search(r"Showing (\d+) of (\d+) matching results", summary.inner_text())
    assert found, summary.inner_text()
    shown, count = int(found.group(1)), int(found.group(2))
    assert shown == len(_results(page)) == 30 < count
    page.locator(".accord-search-more button").click()
    page.wait_for_function(f"() => document.querySelectorAll('li.accord-search-result').length > {shown}")
    assert len(_results(page)) == min(count, 60)


def test_a_question_no_record_answers_says_so_and_offers_the_registers(box: Any) -> None:
    page = box("xylophone quartet")
    assert _results(page) == []
    summary = page.locator(".md-search-result__meta")
    assert "No record matches “xylophone quartet”" in summary.inner_text()
    assert "No record contains “xylophone”" in summary.inner_text()  # the CLI's words; "quartet" was corrected
    links = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert [re.sub(r"^https?://[^/]+/", "", href) for href in links] == ["agreements/", "organizations/", "lessons/"]


def test_an_emptied_box_asks_for_a_question_rather_than_saying_nothing_matches(box: Any) -> None:
    page = box("hospital")
    field = page.locator("input.md-search__input")
    field.press("Control+a")
    field.press("Backspace")
    page.wait_for_timeout(800)
    meta = page.locator(".md-search-result__meta").inner_text()
    assert "No record" not in meta and "“”" not in meta, meta


@pytest.mark.parametrize("word", ["pseudonymising", "calibrating"])
def test_the_box_finds_another_form_of_a_word(box: Any, word: str) -> None:
    found = [_record(r["href"]) for r in _results(box(word))]
    assert "northvale-hospital-university-data-sharing" in found


def test_the_box_ranks_results_holding_every_word_above_those_missing_one(box: Any) -> None:
    records = list(dict.fromkeys(_record(r["href"]) for r in _results(box(HOSPITAL_QUESTION))))
    assert records[:2] == ["hospital-data-sharing-retrospective-2026", "northvale-hospital-university-data-sharing"]
    assert "northvale-school-meals-retrospective-2025" not in records[:3]


def test_a_hostile_title_is_shown_as_text_in_the_box(box: Any) -> None:
    page = box("onerror")
    found = _results(page)
    assert any(HOSTILE in r["title"] for r in found)
    assert page.locator(".md-search-result img").count() == 0
    assert box.errors == []


# Lessons to consider -------------------------------------------------------------------------


def test_lessons_to_consider_show_what_to_do_and_why_in_words(site: Build) -> None:
    soup = site.page("agreements/community-health-workers-moa")
    items = soup.select(".accord-advice-list > li")
    assert items
    for item in items:
        assert item.select_one(".accord-advice__do").get_text().startswith(("Recommendation: ", "Lesson: "))
        why = item.select_one(".accord-advice__why").get_text()
        assert why[0].isupper() and why.rstrip().endswith(".") and ": " in why
    consent = next(i for i in items if "patient-consent-scope" in i.select_one("a")["href"])
    assert "Caldicott Guardian and data protection officer" in consent.select_one(".accord-advice__do").get_text()
    assert HOSTILE in consent.select_one(".accord-advice__do").get_text()  # as text
    assert not soup.select(".accord-advice img")
    assert consent.select_one(".accord-advice__why").get_text().startswith("Similar wording (consent, ")

    same = site.page("agreements/northvale-school-meals-mou-2025").select_one(".accord-advice__why").get_text()
    assert same.startswith("Same partners: Northvale Regional Government, ")
    assert "; same kind of agreement" in same
