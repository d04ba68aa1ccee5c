"""Lessons to consider on an agreement's page (accord.search.advice), the same as `accord
lessons-for`, and the page of lessons not yet applied: the demo built for real."""

from __future__ import annotations

import json

from sites import Build, text_of

DATA_SHARING = "agreements/northvale-hospital-university-data-sharing"
RETRO_PAGE = "retrospectives/hospital-data-sharing-retrospective-2026"


def test_agreement_pages_suggest_lessons_to_consider(demo: Build) -> None:
    page = demo.page("agreements/community-health-workers-moa")  # a draft: the box comes before the objectives
    box = page.select_one("div.accord-advice")
    assert box is not None
    heading = page.find("h2", id="lessons-to-consider")
    assert heading.find_next("h2").get("id") == "objectives"
    items = box.select("ol.accord-advice-list > li")
    assert 1 <= len(items) <= 5
    first = items[0]
    assert first.a["href"].endswith(f"{RETRO_PAGE}/#patient-consent-scope")
    assert "shared partners: Northvale Department of Health and Social Care and Northvale Regional Hospital Trust" \
        in text_of(first)
    assert "Applied here" in text_of(first)  # the draft lists it under lessons_applied
    # An agreement's own retrospectives are its history, not advice.
    own = demo.page(DATA_SHARING).select_one("div.accord-advice")
    assert own is None or RETRO_PAGE not in str(own)


def test_the_box_matches_lessons_for(demo: Build) -> None:
    from click.testing import CliRunner

    from accord.commands.cli import main

    path = demo.site.parent / "docs" / "agreements" / "northvale-school-meals-mou-2025.md"
    result = CliRunner().invoke(main, ["lessons-for", str(path), "--json", "--limit", "5",
                                       "--docs-dir", str(path.parent.parent)])
    expected = [item["url"].split("/", 1)[1] for item in json.loads(result.stdout)["results"]]
    links = demo.page("agreements/northvale-school-meals-mou-2025").select(
        "div.accord-advice ol > li > p.accord-advice__lesson > a")
    assert 1 <= len(expected) <= 5  # only the lessons that concern it, not always five
    assert [a["href"].split("../", 2)[-1].split("/", 1)[1] for a in links] == expected


def test_unapplied_negative_lessons_are_listed_oldest_first(demo: Build) -> None:
    page = demo.page("lessons/unapplied")
    rows = page.select("table.accord-unapplied tbody tr")
    addresses = [text_of(row.select("td")[-1]) for row in rows]
    held = [text_of(row.td) for row in rows]
    assert held == sorted(held)
    assert "hospital-data-sharing-retrospective-2026#extract-access-delay" in addresses
    # Applied in a later agreement: not listed. Positive: not listed.
    assert "northvale-school-meals-retrospective-2025#reporting-templates-diverged" not in addresses
    assert "hospital-data-sharing-retrospective-2026#joint-data-steward" not in addresses
    assert all(text_of(row.select("td")[2]) in ("Negative", "Mixed") for row in rows)
    assert f"{len(rows)} negative or mixed lessons have not yet been applied" in text_of(demo.page("lessons"))
