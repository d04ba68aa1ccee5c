"""Record pages (accord.site.render's templates, accord/pages): the demo built for real in a
temporary folder and read as a reader sees it."""

from __future__ import annotations

from sites import Build, text_of

DATA_SHARING = "agreements/northvale-hospital-university-data-sharing"
HOSPITAL = "organizations/northvale-hospital-trust"
RETRO_PAGE = "retrospectives/hospital-data-sharing-retrospective-2026"


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


def test_playbook_page_lists_lessons_of_the_kinds_it_covers(demo: Build) -> None:
    page = demo.page("playbooks/health-data-sharing-playbook")
    lessons = text_of(page.find("h2", id="lessons-for-this-kind-of-partnership").find_next("table"))
    assert "Patient consent" in lessons
    referenced = text_of(page.find("h2", id="referenced-by").find_next("ul"))
    assert "Agreement, related" in referenced


def test_past_dates_are_marked_overdue_where_they_are_shown(demo: Build) -> None:
    """The due page lists the 2025 school meals review of 2026-10-01 as overdue (the build
    date is 2026-11-22); the agreement's own page says so too, and a future one does not."""
    due = text_of(demo.page("due").find("article"))
    assert "2026-10-01" in due
    facts = demo.page("agreements/northvale-school-meals-mou-2025").select_one("table.accord-facts-table")
    review = next(row for row in facts.select("tr") if text_of(row.th) == "Review")
    assert "2026-10-01 overdue" in text_of(review)
    assert text_of(review).count("overdue") == 1  # the later review is not


def test_an_agreement_page_lists_each_related_record_once(demo: Build) -> None:
    for path in sorted((demo.site / "agreements").glob("*/index.html")):
        article = demo.page(f"agreements/{path.parent.name}").find("article")
        targets = [a.get("href") for ul in article.select("ul.accord-links") for a in ul.select("a")]
        assert len(targets) == len(set(targets)), path.parent.name


def test_tags_lead_to_the_tags_page(demo: Build) -> None:
    page = demo.page("agreements/northvale-hospital-university-data-sharing")
    tags = page.select("a.md-tag")
    assert tags and all(tag.get("href", "").startswith("../../tags/#tag:") for tag in tags)
    listing = text_of(demo.page("tags").find("article"))
    assert "Hospital–University data-sharing agreement for readmission research" in listing


def test_an_organisation_page_keeps_ended_duties_apart(demo: Build) -> None:
    article = demo.page("organizations/cobalt-health-analytics").find("article")
    headings = [text_of(h).rstrip("¶").strip() for h in article.select("h2")]
    assert "Past responsibilities" in headings and "Responsibilities" not in headings  # its SLA was terminated
    past = article.find("h2", id="past-responsibilities").find_next("table")
    assert "Terminated" in text_of(past)
    current = demo.page("organizations/northvale-hospital-trust").find("article")
    assert current.find("h2", id="responsibilities") is not None
