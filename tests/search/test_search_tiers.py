"""Results that miss a word of the question rank below those that hold them all (issue 22),
in `accord search` and in the site's search box alike: every result holding all the words
first, then those missing one, then those missing two; the score orders each tier
(accord.search.query.missing).

The knowledge base is small and made so that the score alone gets it wrong: short records
that repeat "ferry" and "timetable" in their titles outscore a long record that holds every
word of the question once."""

from __future__ import annotations

import json
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from accord.commands.cli import main
from judged_search import _ASK_WORKER, serve
from sites import ZERO_CONFIG, Build, build

QUESTION = "ferry harbour timetable"
FILLER = ("The authority publishes its annual report each spring, meets its member councils every quarter, "
          "keeps a register of assets and answers questions from residents about roads, parking, cycling lanes, "
          "bridges and street lighting across the whole county. ") * 3


def _organisation(record_id: str, title: str, body: str) -> str:
    return textwrap.dedent(f"""\
        ---
        id: {record_id}
        type: organization
        title: {title}
        confidentiality: public
        kind: government
        ---
        """) + body + "\n"


RETROSPECTIVE = textwrap.dedent("""\
    ---
    id: winter-service-review
    type: retrospective
    title: Winter service review
    confidentiality: public
    held: 2026-03-02
    partners: [district-council-1]
    lessons:
      - id: crew-rotas
        title: Ferry crew rotas broke down
        lesson: Ferry crews were rostered by hand; ferry sailings were cancelled when one fell ill.
        impact: negative
    ---
    """)

# id → (title, body). Holders of the question's words:
#   coastal-transport-authority: ferry, harbour, timetable (once each, in a long body)
#   ferry-timetable-office:      ferry, timetable (in its title, twice in a short body; its title
#                                has too few of the question's words to be named by it: query.NAMES_IT)
#   ferry-crossings-company:     ferry (title and body)
#   river-operators-forum:       ferry and "lessons" (once each, in a long body)
#   winter-service-review#crew-rotas (a lesson): ferry
#   harbour-board, harbour-pilots: harbour
# Of the 18 documents (16 records, a retrospective and its lesson), "ferry" is held by 5 and
# "harbour" by 3, under a third (query.COMMON): they count; "council" by 14: it does not.
RECORDS = {
    "coastal-transport-authority": ("Coastal Transport Authority",
                                    FILLER + "It also sets the harbour ferry timetable. " + FILLER),
    "ferry-timetable-office": ("Northern Ferry Timetable Information Office",
                               "Ferry timetable. Ferry timetable changes."),
    "ferry-crossings-company": ("Ferry Crossings Company", "Ferry crossings, ferry tickets."),
    "harbour-board": ("Harbour Board", "Keeps the harbour dredged."),
    "harbour-pilots": ("Harbour Pilots Association", "Pilots ships into the harbour."),
    "river-operators-forum": ("River Operators Forum",
                              FILLER + "Its members share lessons about running a ferry. " + FILLER),
    **{f"district-council-{n}": (f"District Council {n}", "Runs libraries, parks and waste collection.")
       for n in range(1, 11)},
}
LESSON = "winter-service-review#crew-rotas"
# The tiers: missing no word, one ("harbour"), two
TIERS = [{"coastal-transport-authority"}, {"ferry-timetable-office"},
         {"ferry-crossings-company", "harbour-board", "harbour-pilots", "river-operators-forum", LESSON}]


def _tiers(ids: list[str]) -> list[set[str]]:
    """The results cut as TIERS are, in the order listed."""
    found, start = [], 0
    for tier in TIERS:
        found.append(set(ids[start:start + len(tier)]))
        start += len(tier)
    assert start == len(ids), ids
    return found


def _write(docs: Path) -> None:
    for record_id, (title, body) in RECORDS.items():
        path = docs / "organizations" / f"{record_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_organisation(record_id, title, body), encoding="utf-8")
    (docs / "retrospectives").mkdir()
    (docs / "retrospectives" / "winter-service-review.md").write_text(RETROSPECTIVE, encoding="utf-8")


@pytest.fixture(scope="module")
def site() -> Iterator[Build]:
    with tempfile.TemporaryDirectory(prefix="accord-tiers-") as scratch:
        root = Path(scratch)
        _write(root / "docs")
        (root / "docs" / "index.md").write_text("# Transport partners\n", encoding="utf-8")
        (root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Transport partners"), encoding="utf-8")
        result = build(root, strict=False)
        assert result.returncode == 0, result.log
        yield result


def _cli(docs: Path, question: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["search", "--json", "--docs-dir", str(docs), "--limit", "20", question])
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{"):])["results"]


def _box(site: Path, *questions: str) -> list[list[str]]:
    """The records the site's search box lists for each question, best first."""
    from playwright.sync_api import sync_playwright

    from browsers import CHROMIUM, CHROMIUM_ARGS  # skips the module where Chromium is missing

    with sync_playwright() as playwright, serve(site) as base:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(base, wait_until="load")
            found = page.evaluate(_ASK_WORKER, {"questions": list(questions)})
        finally:
            browser.close()
    return [[_id(location) for location in locations if location.startswith(("organizations/", "retrospectives/"))]
            for locations in found]


def _id(location: str) -> str:
    """A result's id as `accord search` gives it, from its address in the box."""
    page, _, anchor = location.partition("#")
    record = page.strip("/").split("/")[-1]
    return f"{record}#{anchor}" if anchor else record


def test_the_score_alone_would_rank_a_record_missing_a_word_first(site: Build) -> None:
    """The premise: the short records score higher for the question's words than the long
    record that holds them all (so the tests below fail without the tiers)."""
    from accord.search import scoring
    from accord.search.index import SearchIndex
    from accord.search.query import parser

    with tempfile.TemporaryDirectory(prefix="accord-tiers-cli-") as cache:
        index = SearchIndex(site.site.parent / "docs", Path(cache), "internal")
        index.refresh()
        try:
            with index.searcher() as searcher:
                terms = scoring.plain_terms(parser(index).parse(QUESTION))
                assert terms
                ids = [searcher.stored_fields(doc)["id"] for doc, _ in scoring.top(scoring.bm25f(searcher, terms), 20)]
        finally:
            index.close()
    assert ids.index("ferry-timetable-office") < ids.index("coastal-transport-authority")


def test_accord_search_ranks_by_the_words_each_result_misses(site: Build) -> None:
    found = _cli(site.site.parent / "docs", QUESTION)
    assert _tiers([r["id"] for r in found]) == TIERS


def test_the_search_box_ranks_by_the_words_each_result_misses(site: Build) -> None:
    [found] = _box(site.site, QUESTION)
    assert _tiers(found) == TIERS


def test_the_box_and_accord_search_agree_on_the_tiers(site: Build) -> None:
    questions = [QUESTION, "harbour timetable", "ferry timetable", "Ferry harbour timetables?", "ferries",
                 "ferry lessons", "ferry timetable council"]
    box = _box(site.site, *questions)
    for question, found in zip(questions, box, strict=True):
        assert found == [r["id"] for r in _cli(site.site.parent / "docs", question)], question


def test_a_record_holds_the_word_of_its_kind(site: Build) -> None:
    """"lessons": the lesson holds it (it is one), as the forum does (its body says it), so the
    lesson is not put below the forum, which scores less."""
    cli = [r["id"] for r in _cli(site.site.parent / "docs", "ferry lessons")]
    [box] = _box(site.site, "ferry lessons")
    assert cli[:2] == box[:2] == [LESSON, "river-operators-forum"]


def test_a_common_word_does_not_make_a_tier(site: Build) -> None:
    """"council" is in 14 of the 18 documents (the authority's body has "councils"): the timetable
    office, without it, still comes before the authority, which scores less."""
    cli = [r["id"] for r in _cli(site.site.parent / "docs", "ferry timetable council")]
    [box] = _box(site.site, "ferry timetable council")
    assert cli[:2] == box[:2] == ["ferry-timetable-office", "coastal-transport-authority"]
