"""`accord search` and `accord lessons-for`: relevance, typos, filters, audiences, the incremental index."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from accord.catalogue import Audience, Catalogue
from accord.commands.cli import main
from accord.format.loading import load
from accord.search import generations as generations_module
from accord.search import schema as schema_module
from accord.search.index import Filters, SearchIndex
from accord.search.query import search
from conftest import DEMO_DOCS, REPO, KnowledgeBase

JUDGED = yaml.safe_load((REPO / "tests" / "data" / "relevance.yaml").read_text(encoding="utf-8"))
MRR_FLOOR = 0.8
RECALL_FLOOR = 0.8


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo knowledge base with the repository's mkdocs.yml."""
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO_DOCS, root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="module")
def demo_indexes(demo: Path) -> dict[str, SearchIndex]:
    indexes = {}
    for audience in Audience:
        ix = SearchIndex(demo / "docs", demo / ".accord", audience.value)
        ix.refresh()
        indexes[audience.value] = ix
    return indexes


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(main, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def scores(ix: SearchIndex, judged: list[dict], public_only: bool = False) -> tuple[float, float]:
    """Mean reciprocal rank of the first expected result, and mean recall in the top five."""
    reciprocal, recall, n = 0.0, 0.0, 0
    for item in judged:
        if public_only and not item.get("public_only"):
            continue
        got = [r.id for r in search(ix, item["query"], Filters(), 10).results]
        expected = item["expected"]
        reciprocal += next((1 / rank for rank, found in enumerate(got, 1) if found in expected), 0.0)
        recall += len(set(got[:5]) & set(expected)) / len(expected)
        n += 1
    return reciprocal / n, recall / n


# Relevance --------------------------------------------------------------------------------------


def test_judged_queries_find_what_a_person_expects(demo_indexes: dict[str, SearchIndex]) -> None:
    assert len(JUDGED["queries"]) >= 15
    mrr, recall = scores(demo_indexes["internal"], JUDGED["queries"])
    assert mrr >= MRR_FLOOR, f"MRR {mrr:.3f}"
    assert recall >= RECALL_FLOOR, f"recall@5 {recall:.3f}"


def test_judged_queries_in_the_public_edition(demo_indexes: dict[str, SearchIndex]) -> None:
    mrr, recall = scores(demo_indexes["public"], JUDGED["queries"], public_only=True)
    assert mrr >= 0.75, f"MRR {mrr:.3f}"
    assert recall >= RECALL_FLOOR, f"recall@5 {recall:.3f}"


def test_misspelt_queries_find_what_the_right_spelling_finds(demo_indexes: dict[str, SearchIndex]) -> None:
    assert len(JUDGED["typos"]) >= 6
    mrr, recall = scores(demo_indexes["internal"], JUDGED["typos"])
    assert mrr >= MRR_FLOOR, f"MRR {mrr:.3f}"
    assert recall >= RECALL_FLOOR, f"recall@5 {recall:.3f}"


def test_the_question_from_the_brief(demo: Path) -> None:
    code, out, _ = run("search", "what went wrong last time we shared data with a hospital", "--json", cwd=demo)
    assert code == 0
    top = [r["id"] for r in json.loads(out)["results"][:3]]
    assert "hospital-data-sharing-retrospective-2026#patient-consent-scope" in top


def test_a_typo_is_corrected_and_said_so(demo: Path) -> None:
    code, out, _ = run("search", "reportng templates", cwd=demo)
    assert code == 0
    assert "Showing results for reporting templates" in out
    assert out.splitlines()[1].startswith("1. Each partner used its own reporting templates")
    code, out, _ = run("search", "reportng", "templates", "--json", cwd=demo)
    assert code == 0
    data = json.loads(out)
    assert data["corrections"] == {"reportng": "reporting"}
    assert data["results"][0]["id"] == "northvale-school-meals-retrospective-2025#reporting-templates-diverged"


def test_no_results_says_so_and_why(demo: Path) -> None:
    code, out, _ = run("search", "zzyzxqq", cwd=demo)
    assert code == 0
    assert "No results for “zzyzxqq”." in out
    assert "No record contains “zzyzxqq”, nor a word close to it." in out
    code, out, _ = run("search", "damp", "and", "mold", cwd=demo)  # words of the language, left as typed
    assert code == 0 and "No record contains “damp” or “mold”.\n" in out and "close to it" not in out
    code, out, _ = run("search", "breakfast", "--kind", "ppp", cwd=demo)
    assert code == 0
    assert "No results for “breakfast” with --kind ppp." in out
    assert "Without the filters there are" in out


def test_whoosh_syntax_works(demo_indexes: dict[str, SearchIndex]) -> None:
    ix = demo_indexes["internal"]
    fielded = search(ix, "title:steward", Filters(), 10).results
    assert [r.id for r in fielded] == ["hospital-data-sharing-retrospective-2026#joint-data-steward"]
    phrase = {r.id for r in search(ix, '"reporting templates"', Filters(), 10).results}
    assert "northvale-school-meals-retrospective-2025#reporting-templates-diverged" in phrase
    both = search(ix, "consent AND hospital NOT steward", Filters(), 20).results
    assert both and all("joint-data-steward" not in r.id for r in both)


# Filters and output -------------------------------------------------------------------------------


def test_filters(demo: Path) -> None:
    def ids(*args: str) -> list[dict]:
        code, out, err = run("search", *args, "--json", "--limit", "50", cwd=demo)
        assert code == 0, out + err
        return json.loads(out)["results"]

    lessons = ids("data", "--type", "lesson")
    assert lessons and all(r["type"] == "lesson" for r in lessons)
    negative = ids("partners", "--impact", "negative")
    assert negative and all(r["impact"] == "negative" for r in negative)
    topic = ids("", "--topic", "procurement")
    assert topic and all("procurement" in r["topics"].split(",") for r in topic)
    by_id = ids("data", "--partner", "northvale-hospital-trust")
    by_name = ids("data", "--partner", "northvale regional hospital trust")
    assert by_id == by_name and by_id
    assert all("northvale-hospital-trust" in r["partners"].split(",") for r in by_id)
    grants = ids("", "--kind", "grant")
    assert grants and all("grant" in r["kinds"].split(",") for r in grants)
    recent = ids("", "--since", "2026-01-01")
    assert recent and all(r["date"] >= "2026-01-01" for r in recent)


def test_bad_filters_are_usage_errors_with_suggestions(demo: Path) -> None:
    code, _, err = run("search", "x", "--partner", "northvale-hospitl-trust", cwd=demo)
    assert code == 2 and "no organisation `northvale-hospitl-trust`" in err and "northvale-hospital-trust" in err
    code, _, err = run("search", "x", "--topic", "procurment", cwd=demo)
    assert code == 2 and "Did you mean `procurement`" in err
    code, _, err = run("search", "x", "--since", "2026-13-01", cwd=demo)
    assert code == 2 and "is not a date" in err
    code, _, err = run("search", "x", "--kind", "treaty", cwd=demo)
    assert code == 2


def test_json_shape(demo: Path) -> None:
    code, out, _ = run("search", "consent", "--json", "--limit", "3", cwd=demo)
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "consent"
    assert len(data["results"]) == 3
    for result in data["results"]:
        assert {"id", "type", "title", "score", "snippet", "path", "url"} <= set(result)
        assert Path(demo, result["path"]).is_file() or Path(result["path"]).is_file()
    lesson = next(r for r in data["results"] if r["type"] == "lesson")
    assert lesson["url"].endswith("#" + lesson["id"].split("#")[1])
    assert "**consent**" in lesson["snippet"].lower()


def test_text_output_points_at_the_file_and_line(demo: Path) -> None:
    code, out, _ = run("search", "patient consent scope", "--type", "lesson", "--limit", "1", cwd=demo)
    assert code == 0
    retro = (demo / "docs" / "retrospectives" / "hospital-data-sharing-retrospective-2026.md").read_text()
    line = next(n for n, text in enumerate(retro.splitlines(), 1) if "id: patient-consent-scope" in text)
    assert f"docs/retrospectives/hospital-data-sharing-retrospective-2026.md:{line}" in out
    assert "#patient-consent-scope" in out


def test_runs_from_a_subfolder_of_the_knowledge_base(demo: Path) -> None:
    code, out, _ = run("search", "steward", "--json", cwd=demo / "docs" / "agreements")
    assert code == 0 and json.loads(out)["results"]


# Audiences ------------------------------------------------------------------------------------------


def test_a_public_search_never_returns_what_the_public_may_not_see(demo: Path,
                                                                  demo_indexes: dict[str, SearchIndex]) -> None:
    records = load(demo / "docs").records
    public = {r.id for r in Catalogue.build(records, Audience.PUBLIC).records.values()}
    hidden_titles = [r.title for r in records if r.id not in public]
    ix = demo_indexes["public"]
    queries = [q["query"] for q in JUDGED["queries"] + JUDGED["typos"]] + hidden_titles + ["Larkspur", "*"]
    for query in queries:
        for result in search(ix, query, Filters(), 50).results:
            assert result.record in public, (query, result.id)
            assert all(p in public for p in result.context.get("partners", "").split(",") if p)
    code, out, _ = run("search", "Larkspur", "--audience", "public", "--json", cwd=demo)
    assert json.loads(out)["results"] == []
    code, out, _ = run("search", "Larkspur", "--audience", "internal", "--json", cwd=demo)
    assert json.loads(out)["results"] == []
    code, out, _ = run("search", "Larkspur", "--audience", "restricted", "--json", cwd=demo)
    assert code == 0
    assert json.loads(out)["results"][0]["id"] == "project-larkspur-settlement-negotiation"


def test_the_audience_comes_from_mkdocs_yml(kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - accord/records:\n      audience: public\n")
    kb.edit("retrospectives/river-retro.md", "confidentiality: public", "confidentiality: internal")
    code, out, _ = run("search", "volunteers", "--json", cwd=kb.root)
    assert json.loads(out)["results"] == []
    code, out, _ = run("search", "volunteers", "--json", "--audience", "internal", cwd=kb.root)
    assert code == 0
    assert json.loads(out)["results"]
    # From anywhere, with --docs-dir, and through MkDocs' !ENV tag too.
    code, out, _ = run("search", "volunteers", "--json", "--docs-dir", str(kb.docs), cwd=kb.root.parent)
    assert code == 0 and json.loads(out)["results"] == []
    (kb.root / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - accord/records:\n      audience: !ENV [ACCORD_TEST_AUDIENCE, public]\n")
    code, out, _ = run("search", "volunteers", "--json", cwd=kb.root)
    assert code == 0 and json.loads(out)["results"] == []


# The index on disk ------------------------------------------------------------------------------------


def found(ix: SearchIndex, query: str, **filters: str) -> list[str]:
    return [r.id for r in search(ix, query, Filters(**filters), 20).results]


def test_only_changed_records_are_indexed_again(kb: KnowledgeBase) -> None:
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    first = ix.refresh()
    assert first.rebuilt and first.reindexed == 4
    again = SearchIndex(kb.docs, kb.root / ".accord", "internal").refresh()
    assert not again.changed
    kb.edit("retrospectives/river-retro.md", "Turn-out doubled", "Turn-out tripled")
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    report = ix.refresh()
    assert (report.rebuilt, report.reindexed) == (False, 1)
    assert found(ix, "tripled") == ["river-retro#volunteers"]
    assert found(ix, "doubled") == []
    # Touched but unchanged: nothing to do.
    path = kb.docs / "agreements" / "river-mou.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    assert not SearchIndex(kb.docs, kb.root / ".accord", "internal").refresh().changed


def test_a_renamed_partner_reaches_the_records_that_name_it(kb: KnowledgeBase) -> None:
    SearchIndex(kb.docs, kb.root / ".accord", "internal").refresh()
    kb.edit("organizations/river-trust.md", "title: River Trust", "title: Wildwater Conservancy")
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    report = ix.refresh()
    # The organisation, the agreement naming it, and the retrospective's lesson through the agreement.
    assert report.reindexed == 3
    assert set(found(ix, "Wildwater")) == {"river-trust", "river-mou", "river-retro", "river-retro#volunteers"}


def test_removed_and_broken_records_leave_the_index(kb: KnowledgeBase) -> None:
    SearchIndex(kb.docs, kb.root / ".accord", "internal").refresh()
    (kb.docs / "retrospectives" / "river-retro.md").unlink()
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    assert ix.refresh().removed == 1
    assert found(ix, "volunteers") == []
    kb.edit("agreements/river-mou.md", "kind: mou", "kind: treaty")
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    report = ix.refresh()
    assert report.invalid == ["agreements/river-mou.md"]
    assert found(ix, "clean-up") == []
    code, _, err = run("search", "clean-up", cwd=kb.root)
    assert code == 0
    # No count for an audience that may not see every record (issue 20); a count where it may.
    assert "Records with errors cannot be searched; run `accord validate`" in err and "1 record" not in err
    _, _, err = run("search", "clean-up", "--audience", "restricted", cwd=kb.root)
    assert "1 record with errors cannot be searched; run `accord validate`" in err


def test_a_record_made_internal_leaves_the_public_index_with_its_name(kb: KnowledgeBase) -> None:
    SearchIndex(kb.docs, kb.root / ".accord", "public").refresh()
    kb.edit("organizations/river-trust.md", "confidentiality: public", "confidentiality: internal")
    ix = SearchIndex(kb.docs, kb.root / ".accord", "public")
    ix.refresh()
    assert found(ix, "River Trust") == [] or "river-trust" not in found(ix, "River Trust")
    with ix.searcher() as searcher:
        for doc in searcher.all_stored_fields():
            assert "river-trust" not in doc.get("partners", "")
            assert "River Trust" not in json.dumps(doc, default=str)


def test_a_damaged_or_outdated_index_is_rebuilt(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    def folder() -> Path:
        ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
        ix.refresh()
        return ix.folder

    (folder() / "files.json").write_text("{not json")
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    assert ix.refresh().rebuilt
    assert found(ix, "volunteers")[0] == "river-retro#volunteers"
    (folder() / "graph.json").write_text("{}")  # read only when a record changes
    kb.edit("retrospectives/river-retro.md", "Turn-out doubled", "Turn-out tripled")
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    assert ix.refresh().rebuilt
    assert found(ix, "tripled")[0] == "river-retro#volunteers"
    (folder() / "facts.json").write_text("{}")  # read when facts are needed
    code, _, err = run("search", "x", "--partner", "city-water", cwd=kb.root)
    assert code == 0, err
    assert found(ix, "volunteers")[0] == "river-retro#volunteers"
    monkeypatch.setattr(schema_module, "INDEX_VERSION", schema_module.INDEX_VERSION + 1)
    assert SearchIndex(kb.docs, kb.root / ".accord", "internal").refresh().rebuilt
    (kb.root / ".accord" / "index" / "internal" / "CURRENT").write_text("../../elsewhere")
    assert SearchIndex(kb.docs, kb.root / ".accord", "internal").refresh().rebuilt
    for segment in (folder() / "whoosh").glob("MAIN_*"):
        segment.write_bytes(b"garbage")
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    assert ix.refresh().rebuilt
    assert found(ix, "volunteers")[0] == "river-retro#volunteers"


def test_a_read_only_cache_still_searches(kb: KnowledgeBase) -> None:
    (kb.root / ".accord").write_text("not a folder")
    code, out, err = run("search", "volunteers", "--json", cwd=kb.root)
    assert code == 0, err
    assert json.loads(out)["results"][0]["id"] == "river-retro#volunteers"
    assert "cannot write the search index" in err


# lessons-for -------------------------------------------------------------------------------------------

DRAFT = """\
---
id: hospital-university-data-sharing-2027
type: agreement
title: Renewed data-sharing for readmission research
kind: data-sharing
status: draft
sector: health
parties:
  - org: northvale-hospital-trust
    role: lead
  - org: northvale-university
tags: [consent]
lessons_applied:
  - hospital-data-sharing-retrospective-2026#dpia-completed-too-late
---
We will extend the research extract to community care records.
"""


def test_lessons_for_a_draft_puts_the_same_partners_and_kind_first(demo: Path) -> None:
    draft = demo / "draft.md"
    draft.write_text(DRAFT)
    code, out, err = run("lessons-for", str(draft), "--json", cwd=demo)
    assert code == 0, err
    data = json.loads(out)
    results = data["results"]
    assert data["draft"]["title"] == "Renewed data-sharing for readmission research"
    hospital = [r for r in results if r["id"].startswith("hospital-data-sharing-retrospective-2026#")]
    assert len(hospital) == 4
    assert results[:4] == hospital  # the very same partners and kind come first
    same = "same partners and kind: Northvale Regional Hospital Trust"
    assert all(r["reasons"][0].startswith(same) for r in hospital)
    assert results[0]["id"] == "hospital-data-sharing-retrospective-2026#patient-consent-scope"  # shares a topic
    assert "shared topic: consent" in results[0]["reasons"]
    applied = next(r for r in results if r["id"].endswith("#dpia-completed-too-late"))
    assert applied["applied"] and "already applied in this agreement" in applied["reasons"]
    assert all({"id", "title", "score", "reasons", "url"} <= set(r) for r in results)
    code, out, _ = run("lessons-for", str(draft), cwd=demo)
    assert code == 0
    assert "Lessons to consider for “Renewed data-sharing for readmission research”:" in out
    assert "[applied]" in out


def test_lessons_for_an_incomplete_or_broken_draft(demo: Path) -> None:
    draft = demo / "idea.md"
    draft.write_text("---\ntype: agreement\ntitle: School breakfast programme with parents\n---\n"
                     "Parents should help choose the menus, and reports must use one template.\n")
    code, out, err = run("lessons-for", str(draft), "--json", cwd=demo)
    assert code == 0, err
    ids = [r["id"] for r in json.loads(out)["results"][:3]]
    assert "northvale-school-meals-retrospective-2025#parent-menu-panels" in ids
    draft.write_text("---\ntype: agreement\ntitle: [unclosed\nparties:\n  - org: northvale-hospitl-trust\n---\n"
                     "Patient consent.\n")
    code, out, err = run("lessons-for", str(draft), "--json", cwd=demo)
    assert code == 0
    assert "idea.md:3:" in err and "read as far as it goes" in err
    assert any("consent" in r["id"] for r in json.loads(out)["results"])
    draft.write_text(DRAFT.replace("org: northvale-university", "org: northvale-universty"))
    code, out, err = run("lessons-for", str(draft), cwd=demo)
    assert "party `northvale-universty` is not an organisation in this knowledge base" in err
    assert "northvale-university" in err
    code, _, err = run("lessons-for", str(demo / "missing.md"), cwd=demo)
    assert code == 2 and "cannot read" in err


def test_lessons_for_respects_the_audience(demo: Path) -> None:
    draft = demo / "draft.md"
    draft.write_text(DRAFT)
    code, out, _ = run("lessons-for", str(draft), "--json", "--audience", "internal", cwd=demo)
    assert code == 0
    assert any(r["id"].startswith("hospital-data-sharing-retrospective-2026") for r in json.loads(out)["results"])
    code, out, _ = run("lessons-for", str(draft), "--json", "--audience", "public", cwd=demo)
    assert code == 0
    results = json.loads(out)["results"]
    # The internal lessons are left out; no public one concerns this draft, so none may be shown.
    assert not any(r["id"].startswith("hospital-data-sharing-retrospective-2026") for r in results)


def test_fast_scores_are_whooshs_own(demo_indexes: dict[str, SearchIndex]) -> None:
    """accord.search.scoring computes BM25F with numpy over Whoosh's postings: same scores, same order."""
    from accord.search import scoring
    from accord.search.query import parser

    ix = demo_indexes["internal"]
    query_parser = parser(ix)
    with ix.searcher() as searcher:
        for item in JUDGED["queries"][:12]:
            query = query_parser.parse(item["query"])
            terms = scoring.plain_terms(query)
            assert terms
            fast = scoring.top(scoring.bm25f(searcher, terms), 10)
            slow = searcher.search(query, limit=10)
            assert [doc for doc, _ in fast] == [hit.docnum for hit in slow], item["query"]
            assert [round(score, 6) for _, score in fast] == [round(hit.score, 6) for hit in slow]


def test_lessons_kept_as_arrays_score_as_when_first_made(demo: Path) -> None:
    from accord.search.advice import Draft, Lessons

    ix = SearchIndex(demo / "docs", demo / ".accord", "internal")
    ix.refresh()
    fresh = Lessons(ix.lesson_rows())
    kept = ix.lessons()
    kept = ix.lessons()  # the second time from advice.npz and advice.json
    assert (ix.folder / "advice.npz").is_file()
    draft = Draft(title="Patient data for research", kind="data-sharing", parties=["northvale-hospital-trust"],
                  tags=["consent"], text="Consent forms and the research extract from the hospital")
    first, second = fresh.advise(draft, 8), kept.advise(draft, 8)
    assert [(a.address, a.score, a.reasons) for a in first] == [(a.address, a.score, a.reasons) for a in second]
    assert first and first[0].reasons


def test_commands_at_the_same_time_do_not_trip_each_other(kb: KnowledgeBase) -> None:
    import subprocess
    import sys

    for _ in range(3):
        shutil.rmtree(kb.root / ".accord", ignore_errors=True)
        processes = [
            subprocess.Popen([sys.executable, "-m", "accord", "search", "volunteers", "--json"], cwd=kb.root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert json.loads(out)["results"][0]["id"] == "river-retro#volunteers"


def test_an_index_that_cannot_be_written_is_made_in_memory(kb: KnowledgeBase,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    SearchIndex(kb.docs, kb.root / ".accord", "internal").refresh()
    kb.edit("retrospectives/river-retro.md", "Turn-out doubled", "Turn-out tripled")

    def refuse(path: Path, data: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(generations_module, "write_json", refuse)
    ix = SearchIndex(kb.docs, kb.root / ".accord", "internal")
    report = ix.refresh()
    assert report.read_only
    assert found(ix, "tripled")[0] == "river-retro#volunteers"
