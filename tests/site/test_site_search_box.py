"""The site's search box (accord.search.static, accord/search): its index read as its worker
reads it, in a built site: every lesson an entry, every word of a record found, the index kept
within its budget, records left out of the site or of search not searched."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import KnowledgeBase
from sites import ZERO_CONFIG, Build, build, demo_project

# The demo's build date: reviews in the next 90 days, and one overdue.
EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
DATA_SHARING = "agreements/northvale-hospital-university-data-sharing"
RETRO_PAGE = "retrospectives/hospital-data-sharing-retrospective-2026"


def test_every_lesson_is_its_own_search_entry(demo: Build) -> None:
    entries = demo.search_entries()
    entry = entries[f"{RETRO_PAGE}/#patient-consent-scope"]
    assert "consent" in entry["title"].lower() and entry["type"] == "lesson"
    assert f"{RETRO_PAGE}/#patient-consent-scope" in demo.search_box("consent")
    assert f"{DATA_SHARING}/" in demo.search_box("hospital")  # a party's name finds its agreements
    assert not any(
        loc.startswith(("agreements/#", "responsibilities/", "lessons/", "due/", "tags/")) or loc == "agreements/"
        for loc in entries
    )
    # The theme's own index keeps its settings only: the worker reads Accord's.
    theme = json.loads((demo.site / "search" / "search_index.json").read_text())
    assert theme["docs"] == [] and theme["config"]["lang"] == ["en"]
    assert '"search":"assets/accord/search.js"' in (demo.site / "index.html").read_text()


def test_search_box_finds_every_word_of_every_record(demo: Build) -> None:
    """Bodies, RACI activities, objectives and their targets, resources, governance: each
    is found from the search box, at the record it belongs to."""
    for word, record in (("readmission", DATA_SHARING), ("pseudonymised", DATA_SHARING), ("auc", DATA_SHARING),
                         ("chancellor", DATA_SHARING)):
        assert f"{record}/" in demo.search_box(word), word


def test_the_browser_index_keeps_within_its_budget(kb: KnowledgeBase) -> None:
    # The default budget holds the whole of a knowledge base.
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="T"))
    (kb.docs / "handbook.md").write_text("# Handbook\n\nHow the quokkas are counted.\n")
    result = build(kb.root)
    assert result.returncode == 0, result.log
    assert "retrospectives/river-retro/#volunteers" in result.search_box("turn")
    assert "agreements/river-mou/" in result.search_box("body")
    assert "handbook/" in result.search_box("quokkas")
    # A site too big for its budget keeps each body's start, and says so.
    config = ZERO_CONFIG.format(name="T").replace(
        "  - accord/search\n", "  - accord/search:\n      index_budget_mb: 0.0001\n      body_excerpt: 2\n")
    (kb.root / "mkdocs.yml").write_text(config)
    result = build(kb.root, strict=False)
    assert result.returncode == 0, result.log
    assert "agreements/river-mou/" not in result.search_box("body")
    assert "retrospectives/river-retro/#volunteers" in result.search_box("turn")  # lessons are whole
    assert "handbook/" in result.search_box("quokkas")  # and other pages
    assert "cut to its first 2 characters" in result.log


def test_records_left_out_of_the_site_or_of_search_are_not_searched(tmp_path: Path) -> None:
    """An author's exclude_docs or draft_docs, or a record's own `search: exclude`: no entry."""
    root = demo_project(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  /retrospectives/\n", "  /retrospectives/\n  /agreements/northvale-digital-skills-moa.md\n", 1)
        + "draft_docs: agreements/riverside-flood-resilience-grant.md\n")
    mou = root / "docs" / "agreements" / "northvale-school-meals-mou-2023.md"
    mou.write_text(mou.read_text().replace("\ntype: agreement\n", "\ntype: agreement\nsearch:\n  exclude: true\n", 1))
    result = build(root, env=EPOCH, strict=False)
    assert result.returncode == 0, result.log
    entries = result.search_entries()
    for left_out in ("northvale-digital-skills-moa", "riverside-flood-resilience-grant/",
                     "northvale-school-meals-mou-2023"):
        assert not [loc for loc in entries if left_out in loc], left_out
    assert f"{DATA_SHARING}/" in entries
