"""The published site, built for real in temporary folders and read as a reader sees it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import icalendar
import pytest

from accord.catalogue import Audience
from accord.format.loading import load
from conftest import DEMO_DOCS, ORG_B, REPO, KnowledgeBase
from sites import ZERO_CONFIG, Build, build, demo_project, hidden_markers, text_of

# The demo's build date: reviews in the next 90 days, and one overdue.
EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
DATA_SHARING = "agreements/northvale-hospital-university-data-sharing"
HOSPITAL = "organizations/northvale-hospital-trust"
RETRO_PAGE = "retrospectives/hospital-data-sharing-retrospective-2026"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = build(demo_project(tmp_path_factory.mktemp("demo")), env=EPOCH)
    assert result.returncode == 0, result.log
    return result


@pytest.fixture(scope="module")
def public_demo(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = build(demo_project(tmp_path_factory.mktemp("public")), env={**EPOCH, "ACCORD_AUDIENCE": "public"})
    assert result.returncode == 0, result.log
    return result


# Record pages ---------------------------------------------------------------------------


def test_agreement_page_shows_the_raci_matrix(demo: Build) -> None:
    page = demo.page(DATA_SHARING)
    raci = page.select_one("table.accord-raci")
    headers = [text_of(th) for th in raci.select("thead th")]
    assert headers == [
        "Activity",
        "Northvale Regional Hospital Trust",
        "University of Northvale",
        "Northvale Department of Health and Social Care",
    ]
    rows = {text_of(tr.td): [text_of(td.select_one(".accord-raci-letters")) for td in tr.select("td")[1:]]
            for tr in raci.select("tbody tr")}
    assert rows["Extract and pseudonymise patient data"] == ["RA", "C", "I"]
    assert rows["Operate the secure research environment"] == ["C", "RA", ""]
    assert "Responsible" in text_of(page.select_one(".accord-legend"))


def test_agreement_page_shows_parties_dates_objectives_and_status(demo: Build) -> None:
    page = demo.page(DATA_SHARING)
    assert text_of(page.select_one(".accord-status")) == "Active"
    parties = page.select(".accord-facts-table ul.accord-parties li")  # once, in the facts at the top
    assert len(parties) == 3 and not page.select("table.accord-parties")
    assert text_of(parties[0]) == "Northvale Regional Hospital Trust Lead, signed by Dr Ana Ruiz, Chief Medical Officer"
    assert parties[0].a["href"] == "../../organizations/northvale-hospital-trust/"
    objectives = text_of(page.select_one("table.accord-objectives"))
    assert "2026-12-15" in objectives
    facts = text_of(page.select_one(".accord-facts-table"))
    assert "2025-04-01 – 2027-09-30" in facts


def test_agreement_page_shows_both_ends_of_a_supersede_chain(demo: Build) -> None:
    for url in ("agreements/northvale-school-meals-mou-2023", "agreements/northvale-school-meals-mou-2025"):
        chain = demo.page(url).select(".accord-chain li")
        assert len(chain) == 2, url
        assert "Superseded" in text_of(chain[0])
        assert "supersedes" in text_of(chain[1])
        assert sum("(this agreement)" in text_of(item) for item in chain) == 1


def test_organisation_page_lists_its_responsibilities_across_agreements(demo: Build) -> None:
    page = demo.page(HOSPITAL)
    agreements = {text_of(tr.td) for tr in page.select("table.accord-org-agreements tbody tr")}
    assert "Hospital–University data-sharing agreement for readmission research" in agreements
    raci = page.select_one("table.accord-org-raci")
    rows = [[text_of(td) for td in tr.select("td")] for tr in raci.select("tbody tr")]
    assert ["Extract and pseudonymise patient data", "RA"] in [row[-2:] for row in rows]
    lessons = text_of(page.select_one("table.accord-lessons"))
    assert "Patient consent" in lessons


def test_organisation_page_shows_its_partnership_network(demo: Build) -> None:
    page = demo.page(HOSPITAL)
    assert page.select_one("figure.accord-net svg[role=img] title") is not None  # drawn at build time
    partners = [text_of(tr.td) for tr in page.select("table.accord-network tbody tr")]
    assert "University of Northvale" in partners


def test_retrospective_lessons_have_stable_anchors(demo: Build) -> None:
    page = demo.page(RETRO_PAGE)
    heading = page.select_one("h2#patient-consent-scope")
    assert heading is not None
    assert "consent" in text_of(heading).lower()
    toc = [a["href"] for a in page.select("nav.md-nav--secondary a")]
    assert "#patient-consent-scope" in toc
    lesson = page.select_one('[data-lesson="hospital-data-sharing-retrospective-2026#patient-consent-scope"]')
    assert "Recommendation." in text_of(lesson)


def test_backlinks(demo: Build) -> None:
    page = demo.page(RETRO_PAGE)
    referenced = page.find("h2", id="referenced-by").find_next("ul")
    assert "community health workers in Riverside" in text_of(referenced)
    assert "Agreement, lessons applied" in text_of(referenced)


def test_summary_is_the_page_description(demo: Build) -> None:
    page = demo.page(DATA_SHARING)
    assert page.select_one('meta[name="description"]')["content"].startswith("Allows the University of Northvale")


def test_agreement_status_is_not_materials_page_status(demo: Build) -> None:
    assert demo.page(DATA_SHARING).select(".md-status") == []


# Generated pages ------------------------------------------------------------------------


def test_generated_pages_exist_and_are_in_the_navigation(demo: Build) -> None:
    nav = demo.page("").select("nav.md-nav--primary > ul > li")
    sections = [text_of(li).split(" ")[0] for li in nav]
    assert [s for s in sections if s in ("Agreements", "Partners", "Responsibilities", "Lessons", "Due")] == [
        "Agreements",
        "Partners",
        "Responsibilities",
        "Lessons",
        "Due",
    ]
    register = demo.page("agreements")
    rows = register.select("table[data-accord-sortable] tbody tr")
    assert len(rows) == 9  # 10 agreements, one restricted
    assert register.select_one("input[data-accord-filter]") is not None


def test_responsibility_overview_says_who_is_accountable_for_each_activity(demo: Build) -> None:
    page = demo.page("responsibilities")
    table = page.select_one("table.accord-duties")
    assert [text_of(th) for th in table.select("thead th")] == [
        "Activity", "Accountable", "Responsible", "Consulted", "Informed"]
    row = next(tr for tr in table.select("tbody tr:not([data-accord-group])")
               if text_of(tr.td) == "Extract and pseudonymise patient data")
    cells = [text_of(td) for td in row.select("td")]
    assert cells[1] == "Northvale Regional Hospital Trust"  # accountable
    assert row["data-status"].split() == ["active", "in-force", "current"]
    assert "northvale-hospital-trust" in row["data-org"].split()
    # Each agreement heads its activities, with its status; the page opens on those in force.
    group = next(tr for tr in table.select("tr[data-accord-group]") if "readmission research" in text_of(tr))
    assert "Active" in text_of(group)
    status = page.select_one("select[data-accord-facet=status]")
    assert status["data-default"] == "in-force" and status.select_one("option[selected]")["value"] == "in-force"
    organisations = [o["value"] for o in page.select("select[data-accord-facet=org] option")]
    assert "northvale-hospital-trust" in organisations
    # Ended agreements are there too (for the "Ended" or "All" choice), marked as such.
    ended = [tr for tr in table.select("tbody tr:not([data-accord-group])") if "ended" in tr["data-status"].split()]
    assert ended and all("in-force" not in tr["data-status"] for tr in ended)


def test_lessons_by_topic_phase_and_impact(demo: Build) -> None:
    index = demo.page("lessons")
    assert "consent" in [text_of(a) for a in index.select("ul.accord-topics a")]
    topic = demo.page("lessons/topics/consent")
    link = topic.select_one("table.accord-lessons a")
    assert link["href"].endswith("retrospectives/hospital-data-sharing-retrospective-2026/#patient-consent-scope")
    negative = demo.page("lessons/impact/negative")
    assert len(negative.select("table.accord-lessons tbody tr")) >= 5


def test_due_page_lists_overdue_and_upcoming(demo: Build) -> None:
    page = demo.page("due")
    overdue = page.find("h2", id="overdue").find_next("table")
    assert "School meals" in text_of(overdue) or "school meals" in text_of(overdue).lower()
    upcoming = page.find("h2", id="coming-up").find_next("table")
    dates = [text_of(tr.td) for tr in upcoming.select("tbody tr")]
    assert dates == sorted(dates)
    assert all("2026-11-22" <= d <= "2027-02-20" for d in dates)


def test_calendar_has_every_date_of_live_agreements(demo: Build) -> None:
    calendar = icalendar.Calendar.from_ical((demo.site / "calendar.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    records = [
        r
        for r in load(DEMO_DOCS).records
        if Audience.INTERNAL.sees(r.confidentiality)
        and r.type == "agreement"
        and r.agreement.status.value not in ("expired", "terminated", "superseded")
    ]
    expected = sum(
        len(r.agreement.dates.review)
        + bool(r.agreement.dates.expires)
        + sum(1 for o in r.agreement.objectives if o.due)
        for r in records
    )
    assert len(events) == expected
    starts = {(str(e["summary"]), e["dtstart"].dt) for e in events}
    assert any(s.startswith("Review: Hospital") and d == date(2027, 1, 15) for s, d in starts)
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_builds_are_reproducible(tmp_path: Path) -> None:
    first = build(demo_project(tmp_path / "a"), env=EPOCH)
    second = build(demo_project(tmp_path / "b"), env=EPOCH)
    for name in ("calendar.ics", "due/index.html", "search/search_index.json", "search/accord/index.json",
                 *(p.relative_to(first.site).as_posix() for p in (first.site / "search" / "accord").rglob("*.json"))):
        assert (first.site / name).read_bytes() == (second.site / name).read_bytes(), name


# Search -------------------------------------------------------------------------------


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


# Audiences ----------------------------------------------------------------------------


def test_public_build_holds_no_trace_of_hidden_records(public_demo: Build) -> None:
    markers = hidden_markers(Audience.PUBLIC)
    assert "project-larkspur-settlement-negotiation" in markers
    assert "Larkspur" not in "".join(public_demo.text_files().values())
    for path, text in public_demo.text_files().items():
        for record_id, phrases in markers.items():
            for phrase in phrases:
                escaped = phrase.replace("&", "&amp;").replace("'", "&#39;")
                assert phrase not in text and escaped not in text, f"{record_id}: {phrase!r} in {path}"


def test_internal_build_holds_no_trace_of_the_restricted_record(demo: Build) -> None:
    text = "".join(demo.text_files().values())
    assert "Larkspur" not in text
    assert "project-larkspur" not in text


@pytest.mark.parametrize(("configured", "environment"), [("restricted", "public"), ("public", "restricted")])
def test_an_audience_set_twice_never_widens(tmp_path: Path, configured: str, environment: str) -> None:
    config = ZERO_CONFIG.format(name="T").replace(
        "  - accord/records\n", f"  - accord/records:\n      audience: {configured}\n"
    )
    root = demo_project(tmp_path, config)
    result = build(root, env={**EPOCH, "ACCORD_AUDIENCE": environment}, strict=False)
    assert result.returncode == 0, result.log
    assert "WARNING" in result.log and "building for `public`, the narrower" in result.log
    assert not (result.site / "agreements" / "project-larkspur-settlement-negotiation").exists()
    assert not (result.site / "agreements" / "community-health-workers-moa").exists()  # internal
    assert build(root, env={**EPOCH, "ACCORD_AUDIENCE": environment}).returncode == 1  # strict: a warning fails
    search = subprocess.run([sys.executable, "-m", "accord", "search", "larkspur", "--json"], cwd=root,
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "ACCORD_AUDIENCE": environment})
    assert "the narrower" in search.stderr and "larkspur-settlement" not in search.stdout


def test_a_bad_audience_is_a_clear_error(tmp_path: Path) -> None:
    result = build(demo_project(tmp_path, ZERO_CONFIG.format(name="T")), env={"ACCORD_AUDIENCE": "everyone"})
    assert result.returncode != 0
    assert "ACCORD_AUDIENCE is `everyone`" in result.log
    assert "Traceback" not in result.log


# A stranger's knowledge base ----------------------------------------------------------------


def test_zero_configuration_site_builds_strict(kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="River partners"))
    result = build(kb.root)
    assert result.returncode == 0, result.log
    for url in (
        "agreements/river-mou",
        "organizations/city-water",
        "retrospectives/river-retro",
        "agreements",
        "organizations",
        "responsibilities",
        "lessons",
        "due",
        "lessons/topics/volunteering",
    ):
        assert (result.site / url / "index.html").is_file(), url
    assert (result.site / "calendar.ics").is_file()
    # No superfences: no Mermaid; Accord's pictures are drawn at build time all the same.
    org = result.page("organizations/city-water")
    assert org.select_one(".mermaid") is None and org.select_one("script[src*=mermaid]") is None
    assert "River Trust" in text_of(org.select_one("figure.accord-net svg"))
    assert "River Trust" in text_of(org.select_one("table.accord-network"))


def test_site_without_material_theme_builds_too(kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text(
        "site_name: T\nplugins: [search, accord/records, accord/pages, accord/search]\n"
    )
    result = build(kb.root)
    assert result.returncode == 0, result.log
    cells = result.page("agreements/river-mou").select("table.accord-raci td.accord-raci-cell")
    assert [text_of(td.select_one(".accord-raci-letters")) for td in cells] == ["AI", "R"]


def test_validation_errors_fail_the_build_with_file_and_line(kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="T"))
    kb.edit("agreements/river-mou.md", "status: active", "status: activ")
    result = build(kb.root)
    assert result.returncode == 1
    assert "docs/agreements/river-mou.md:7:9: error: invalid-choice:" in result.log
    assert "Traceback" not in result.log
    assert not (result.site / "index.html").exists()


def test_warnings_fail_only_strict_builds(kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="T"))
    kb.edit("agreements/river-mou.md", "due: 2028-06-30", "due: 2031-06-30")
    assert build(kb.root).returncode == 1
    relaxed = build(kb.root, strict=False)
    assert relaxed.returncode == 0
    assert "warning: due-after-expiry" in relaxed.log


def test_front_matter_text_is_escaped_everywhere(kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="T"))
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    kb.edit("organizations/city-water.md", "title: City Water Authority", f"title: '{hostile}'")
    kb.edit(
        "organizations/city-water.md",
        "kind: government\n",
        f"kind: government\nsummary: '{hostile}'\njurisdiction: '**bold** [link](javascript:alert(3))'\n",
    )
    kb.edit(
        "retrospectives/river-retro.md", "title: Volunteers need a named contact", f"title: '{hostile} {{: #evil }}'"
    )
    result = build(kb.root)
    assert result.returncode == 0, result.log
    for path, text in result.text_files().items():
        if path.suffix in (".html", ".json", ".ics", ".xml"):
            assert "<script>alert" not in text, path
            assert "<img src=x" not in text, path
            assert 'href="javascript:' not in text, path
    org = result.page("organizations/city-water")
    assert text_of(org.select_one("title")).startswith("<script>alert(1)</script>")
    assert "[link](javascript:alert(3))" in text_of(org.select_one(".accord-badges"))
    retro = result.page("retrospectives/river-retro")
    assert retro.select_one("h2#volunteers") is not None
    assert retro.select_one("#evil") is None


def _with_override(kb: KnowledgeBase, template: str, text: str) -> None:
    """The zero-configuration site, with `template` overridden from its custom_dir."""
    (kb.root / "mkdocs.yml").write_text(
        ZERO_CONFIG.format(name="T").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    )
    override = kb.root / "overrides" / "accord" / "pages"
    override.mkdir(parents=True)
    (override / template).write_text(text)


def test_a_site_template_overrides_the_shipped_one(kb: KnowledgeBase) -> None:
    _with_override(kb, "organization.md.j2", '<p class="house-style">{{ m.title }} is a {{ m.kind.value }}</p>\n')
    result = build(kb.root)
    assert result.returncode == 0, result.log
    assert text_of(result.page("organizations/city-water").select_one(".house-style")) == (
        "City Water Authority is a government"
    )


def test_a_broken_template_override_is_a_clear_error(kb: KnowledgeBase) -> None:
    _with_override(kb, "organization.md.j2", "{% if %}\n")
    result = build(kb.root)
    assert result.returncode == 1
    assert "cannot render organizations/city-water.md" in result.log
    assert "Traceback" not in result.log


def test_large_sections_keep_record_pages_out_of_the_navigation(kb: KnowledgeBase) -> None:
    for i in range(30):
        kb.write(f"organizations/org-{i}.md", ORG_B.replace("river-trust", f"org-{i}").replace("River", f"Org {i}"))
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="T"))
    result = build(kb.root)
    assert result.returncode == 0, result.log
    nav = result.page("agreements").select_one("nav.md-nav--primary")
    links = [a.get("href", "") for a in nav.select("a")]
    assert not any("organizations/org-" in href for href in links)
    assert any(href.rstrip("/").endswith("organizations") for href in links)
    assert any(href.rstrip("/").endswith("river-mou") for href in links), "small sections are still listed"
    register = result.page("organizations")
    assert len(register.select("table[data-accord-sortable] tbody tr")) == 32


def test_explicit_nav_can_place_generated_pages(kb: KnowledgeBase) -> None:
    config = ZERO_CONFIG.format(name="T") + (
        "nav:\n  - Register: agreements/index.md\n  - Who does what: responsibilities.md\n"
        "  - Lessons: lessons/index.md\n  - Due: due.md\n"
    )
    (kb.root / "mkdocs.yml").write_text(config)
    result = build(kb.root)
    assert result.returncode == 0, result.log
    nav = [text_of(a) for a in result.page("agreements").select("nav.md-nav--primary a")]
    assert "Who does what" in nav


def test_an_authors_own_page_wins_over_a_generated_one(kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="T"))
    kb.write("due.md", "# Our own review page\n")
    result = build(kb.root)
    assert result.returncode == 0, result.log
    assert "Our own review page" in text_of(result.page("due").select_one("article"))


def test_playbook_page_lists_lessons_of_the_kinds_it_covers(demo: Build) -> None:
    page = demo.page("playbooks/health-data-sharing-playbook")
    lessons = text_of(page.find("h2", id="lessons-for-this-kind-of-partnership").find_next("table"))
    assert "Patient consent" in lessons
    referenced = text_of(page.find("h2", id="referenced-by").find_next("ul"))
    assert "Agreement, related" in referenced


# Lessons to consider, and lessons not yet applied --------------------------------------------


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


def test_the_guides_list_every_diagnostic_code_and_every_plugin_option(demo: Build) -> None:
    """Both tables are written from the code at build time, so they cannot drift from it."""
    from accord.format.diagnostics import CODES
    from accord.site.plugins.pages.config import PagesConfig
    from accord.site.plugins.records.config import RecordsConfig
    from accord.site.plugins.search.config import SearchConfig

    writing = demo.page("guide/writing-records")
    codes = {text_of(row.td.code) for row in writing.select("table tbody tr") if row.td and row.td.code}
    assert set(CODES) <= codes
    for code, about in CODES.items():  # the code over its severity; what is wrong over its fix
        row = next(r for r in writing.select("table tbody tr") if r.td.code and text_of(r.td.code) == code)
        assert text_of(row.td).endswith(about.severity.value)
        fix = text_of(row.select("td")[1]).split("Fix:", 1)[1]
        assert "".join(fix.split()) == "".join(about.fix.replace("`", "").split())
    maintaining = text_of(demo.page("guide/maintaining-the-site"))
    for config in (RecordsConfig, PagesConfig, SearchConfig):
        for name, _ in config._schema:
            assert name in maintaining, name
    assert "accord-validate" in maintaining and "--format github" in maintaining


def test_past_dates_are_marked_overdue_where_they_are_shown(demo: Build) -> None:
    """The due page lists the 2025 school meals review of 2026-10-01 as overdue (the build
    date is 2026-11-22); the agreement's own page says so too, and a future one does not."""
    due = text_of(demo.page("due").find("article"))
    assert "2026-10-01" in due
    facts = demo.page("agreements/northvale-school-meals-mou-2025").select_one("table.accord-facts-table")
    review = next(row for row in facts.select("tr") if text_of(row.th) == "Review")
    assert "2026-10-01 overdue" in text_of(review)
    assert text_of(review).count("overdue") == 1  # the later review is not


def test_calendar_events_say_who_is_responsible_and_lead_back(tmp_path: Path) -> None:
    config = (REPO / "mkdocs.yml").read_text().replace("docs_dir: docs\n", "docs_dir: docs\nsite_url: https://kb.example.org/\n")
    result = build(demo_project(tmp_path, config), env=EPOCH)
    assert result.returncode == 0, result.log
    calendar = icalendar.Calendar.from_ical((result.site / "calendar.ics").read_bytes())
    events = [e for e in calendar.walk("VEVENT") if "data-sharing agreement for readmission" in str(e["summary"])]
    assert events
    for event in events:
        assert str(event["url"]).startswith("https://kb.example.org/agreements/northvale-hospital-university-data-sharing")
        description = str(event["description"])
        assert "Responsible: " in description and "Agreement: Hospital–University" in description


def test_an_agreement_page_lists_each_related_record_once(demo: Build) -> None:
    for path in sorted((demo.site / "agreements").glob("*/index.html")):
        article = demo.page(f"agreements/{path.parent.name}").find("article")
        targets = [a.get("href") for ul in article.select("ul.accord-links") for a in ul.select("a")]
        assert len(targets) == len(set(targets)), path.parent.name


def test_an_amendment_follows_its_agreement_in_the_navigation(demo: Build) -> None:
    titles = [text_of(a) for a in demo.page("").select("nav.md-nav--primary a.md-nav__link")]
    grant = titles.index("Riverside flood resilience grant (Interregional Resilience Fund, call 4)")
    assert titles[grant + 1].startswith("Amendment 1 to the Riverside flood resilience grant")


def test_the_lessons_page_lists_every_lesson_with_its_recommendation(demo: Build) -> None:
    rows = demo.page("lessons").select("table.accord-all-lessons tbody tr")
    lessons = [lesson for record in load(DEMO_DOCS).records if record.type == "retrospective"
               and Audience.INTERNAL.sees(record.confidentiality) for lesson in record.retrospective.lessons]
    assert len(rows) == len(lessons) == 14
    consent = next(row for row in rows if "Patient consent" in text_of(row))
    assert "Negative" in text_of(consent) and "Caldicott Guardian" in text_of(consent)
    assert consent.select_one("a.accord-chip[href*='topics/consent']") is not None


def test_tags_lead_to_the_tags_page(demo: Build) -> None:
    page = demo.page("agreements/northvale-hospital-university-data-sharing")
    tags = page.select("a.md-tag")
    assert tags and all(tag.get("href", "").startswith("../../tags/#tag:") for tag in tags)
    listing = text_of(demo.page("tags").find("article"))
    assert "Hospital–University data-sharing agreement for readmission research" in listing


def test_the_register_shows_the_next_review_and_marks_an_overdue_one(demo: Build) -> None:
    table = demo.page("agreements").select_one("table[data-accord-sortable]")
    headers = [text_of(th) for th in table.select("thead th")]
    column = headers.index("Next review")
    rows = {text_of(row.select("td")[0]): text_of(row.select("td")[column]) for row in table.select("tbody tr")}
    meals = next(cell for title, cell in rows.items() if "school meals and family food support" in title)
    assert meals == "2026-10-01 overdue"  # the build date is 2026-11-22, as the due page says
    assert any(cell and "overdue" not in cell for cell in rows.values())  # upcoming ones are plain dates


def test_an_organisation_page_keeps_ended_duties_apart(demo: Build) -> None:
    article = demo.page("organizations/cobalt-health-analytics").find("article")
    headings = [text_of(h).rstrip("¶").strip() for h in article.select("h2")]
    assert "Past responsibilities" in headings and "Responsibilities" not in headings  # its SLA was terminated
    past = article.find("h2", id="past-responsibilities").find_next("table")
    assert "Terminated" in text_of(past)
    current = demo.page("organizations/northvale-hospital-trust").find("article")
    assert current.find("h2", id="responsibilities") is not None


def test_home_page_is_a_dashboard_written_at_build_time(demo: Build) -> None:
    home = demo.page("")
    stats = {text_of(a.select_one(".accord-stat-label")): (int(text_of(a.select_one(".accord-stat-n"))), a["href"])
             for a in home.select("a.accord-stat")}
    assert stats["Active"] == (4, "agreements/?status=active")
    assert stats["lessons"][0] == 14 and stats["partners"][0] == 12
    overdue = home.select_one("#accord-dash-overdue").parent
    assert "school meals" in text_of(overdue).lower() and overdue.select_one(".accord-overdue-chip")
    newest = [text_of(li.a) for li in home.select_one("#accord-dash-lessons").parent.select("li")]
    assert len(newest) == 5
    recent = home.select_one("#accord-dash-recent").parent.select("li")
    assert len(recent) == 8 and all(li.select_one("time") for li in recent)
    assert "accord:dashboard" not in str(home)
    assert not [loc for loc in demo.search_entries() if "#accord-dash" in loc]  # the dashboard is not searched


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
