"""The pages Accord generates (accord.site.render.plan_pages, accord/pages): registers,
responsibilities, lessons, due, the dashboard and the guides' reference tables, in a built
site; an author's own page of the same name wins."""

from __future__ import annotations

from accord.catalogue import Audience
from accord.format.loading import load
from conftest import DEMO_DOCS, KnowledgeBase
from sites import ZERO_CONFIG, Build, build, text_of


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


def test_the_lessons_page_lists_every_lesson_with_its_recommendation(demo: Build) -> None:
    rows = demo.page("lessons").select("table.accord-all-lessons tbody tr")
    lessons = [lesson for record in load(DEMO_DOCS).records if record.type == "retrospective"
               and Audience.INTERNAL.sees(record.confidentiality) for lesson in record.retrospective.lessons]
    assert len(rows) == len(lessons) == 14
    consent = next(row for row in rows if "Patient consent" in text_of(row))
    assert "Negative" in text_of(consent) and "Caldicott Guardian" in text_of(consent)
    assert consent.select_one("a.accord-chip[href*='topics/consent']") is not None


def test_the_register_shows_the_next_review_and_marks_an_overdue_one(demo: Build) -> None:
    table = demo.page("agreements").select_one("table[data-accord-sortable]")
    headers = [text_of(th) for th in table.select("thead th")]
    column = headers.index("Next review")
    rows = {text_of(row.select("td")[0]): text_of(row.select("td")[column]) for row in table.select("tbody tr")}
    meals = next(cell for title, cell in rows.items() if "school meals and family food support" in title)
    assert meals == "2026-10-01 overdue"  # the build date is 2026-11-22, as the due page says
    assert any(cell and "overdue" not in cell for cell in rows.values())  # upcoming ones are plain dates


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


def test_an_authors_own_page_wins_over_a_generated_one(kb: KnowledgeBase) -> None:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="T"))
    kb.write("due.md", "# Our own review page\n")
    result = build(kb.root)
    assert result.returncode == 0, result.log
    assert "Our own review page" in text_of(result.page("due").select_one("article"))
