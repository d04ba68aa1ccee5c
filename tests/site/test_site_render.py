"""accord.site.render, unit by unit, on the demo's catalogue without MkDocs: which pages Accord
generates (plan_pages), the `guide` option (guide_page), a record page's meta as the theme
reads it (record_meta), a record page and the dashboard as Markdown (Renderer), and the small
helpers the templates use. (The pages in a built site: test_site_record_pages.py,
test_site_generated_pages.py.)"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import markdown
import pytest

from accord.catalogue import Catalogue
from accord.format.loading import load
from accord.site import render
from conftest import DEMO_DOCS

TODAY = date(2026, 11, 22)  # the demo's build date: one review overdue
DATA_SHARING = "northvale-hospital-university-data-sharing"
GRANT = "riverside-flood-resilience-grant"


def _catalogue(docs: Path, audience: str = "internal", types: tuple[str, ...] = ()) -> Catalogue:
    result = load(docs, TODAY)
    assert not result.errors, [d.format_text() for d in result.errors]
    return Catalogue.build([r for r in result.records if not types or r.type in types], audience)


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    return _catalogue(DEMO_DOCS)


# plan_pages: the pages Accord generates --------------------------------------------------------


def test_the_demo_gets_every_register_the_overviews_and_the_lesson_pages(demo: Catalogue) -> None:
    pages = render.plan_pages(demo)
    ungrouped = [(p.src_uri, p.title, p.template, p.hide) for p in pages if p.template != "pages/lesson-group.md.j2"]
    assert ungrouped == [
        ("guide/writing-records.md", "Writing records", "pages/writing-records.md.j2", ()),
        ("agreements/index.md", "Agreements", "pages/agreements.md.j2", ("toc",)),
        ("organizations/index.md", "Partners", "pages/organizations.md.j2", ()),
        ("playbooks/index.md", "Playbooks", "pages/records.md.j2", ()),
        ("retrospectives/index.md", "Retrospectives", "pages/records.md.j2", ()),
        ("responsibilities.md", "Responsibilities", "pages/responsibilities.md.j2", ("toc",)),
        ("lessons/index.md", "Lessons", "pages/lessons.md.j2", ("toc",)),
        ("lessons/unapplied.md", "Lessons not yet applied", "pages/unapplied.md.j2", ()),
        ("due.md", "Due for review", "pages/due.md.j2", ()),
    ]
    groups = [(p.src_uri, p.title) for p in pages if p.template == "pages/lesson-group.md.j2"]
    topics = sorted(demo.lessons_by_topic)
    assert groups == [
        *((f"lessons/topics/{t}.md", f"Lessons: {t}") for t in topics),
        *((f"lessons/phases/{p}.md", f"Lessons: phase {p}") for p in ("negotiation", "implementation", "evaluation",
                                                                       "closure")),
        *((f"lessons/impact/{i}.md", f"Lessons: impact {i}") for i in ("negative", "mixed", "positive")),
    ]
    assert ("lessons/topics/consent.md", "Lessons: consent") in groups and len(topics) == 28
    # What a change reaches (accord.site.serve): a register shows its records' neighbours, a lesson list does not.
    assert {p.src_uri for p in pages if p.shows_neighbours} == {
        "agreements/index.md", "organizations/index.md", "playbooks/index.md", "retrospectives/index.md",
        "responsibilities.md", "due.md"}


def test_a_catalogue_of_organisations_gets_only_their_register(tmp_path: Path) -> None:
    shutil.copytree(DEMO_DOCS, tmp_path / "docs")
    organisations = _catalogue(tmp_path / "docs", types=("organization",))
    assert [p.src_uri for p in render.plan_pages(organisations, guide=None)] == ["organizations/index.md"]
    assert [p.src_uri for p in render.plan_pages(organisations, guide="handbook/records.md")] == [
        "handbook/records.md", "organizations/index.md"]
    assert render.has_calendar(organisations) is False


def test_without_registers_only_the_guide_is_planned(demo: Catalogue) -> None:
    assert [p.src_uri for p in render.plan_pages(demo, registers=False)] == ["guide/writing-records.md"]
    assert render.plan_pages(demo, guide=None, registers=False) == []
    assert render.has_calendar(demo) is True


def test_a_generated_pages_front_matter_hides_what_it_does_without() -> None:
    assert render.GeneratedPage("due.md", "Due", "pages/due.md.j2", hide=("toc",)).front_matter() == {
        "title": "Due", "hide": ["toc"]}
    assert render.GeneratedPage("x.md", "X", "pages/x.md.j2").front_matter() == {"title": "X"}


# guide_page: accord/pages' `guide` option ------------------------------------------------------


@pytest.mark.parametrize(("value", "page"), [(None, None), ("", None), (False, None),
                                             (True, "guide/writing-records.md"),
                                             ("handbook/records.md", "handbook/records.md"), ("x.md", "x.md")])
def test_the_guide_option_names_a_page_or_none(value: object, page: str | None) -> None:
    assert render.guide_page(value) == page


@pytest.mark.parametrize("value", ["../x.md", "/x.md", "guide//x.md", "guide/./x.md", "guide/.x.md", "guide\\x.md",
                                   "guide/x.txt", "guide/x", 42])
def test_a_guide_path_outside_the_docs_folder_or_not_a_page_is_refused(value: object) -> None:
    with pytest.raises(ValueError) as refused:
        render.guide_page(value)
    assert str(refused.value) == (
        f"guide: `{value!s}` is not a page's path in the docs folder; write one such as "
        "`guide/writing-records.md` (folders joined by /, ending in .md), or `false` for no guide")


# record_meta: what MkDocs and the theme read ---------------------------------------------------


def test_a_record_pages_meta_is_escaped_text_and_its_status_is_not_the_themes(demo: Catalogue) -> None:
    meta = render.record_meta(demo.records[DATA_SHARING])
    assert (meta["title"], meta["accord_status"], meta["accord_type"], meta["accord_id"]) == (
        "Hospital–University data-sharing agreement for readmission research", "active", "agreement", DATA_SHARING)
    assert "status" not in meta  # mkdocs-material would show it as the page's status
    assert meta["description"].startswith("Allows the University of Northvale to analyse pseudonymised")
    assert meta["parties"][0]["org"] == "northvale-hospital-trust"  # the whole model, for the plugins
    trust = render.record_meta(demo.records["northvale-hospital-trust"], full=False)
    assert trust == {
        "tags": ["health", "hospital", "public-sector"],
        "title": "Northvale Regional Hospital Trust",
        "description": "The public hospital trust that runs St Aidan&#39;s General Hospital in Kelby and two "
                       "community hospitals, serving the whole Northvale Region.",
        "accord_type": "organization",
        "accord_id": "northvale-hospital-trust",
    }


def test_a_hostile_title_is_text_in_the_meta(tmp_path: Path) -> None:
    shutil.copytree(DEMO_DOCS, tmp_path / "docs")
    org = tmp_path / "docs" / "organizations" / "greenway-transit.md"
    org.write_text(org.read_text(encoding="utf-8").replace(
        "title: Greenway Transit Ltd", "title: \"<script>x()</script> & 'Greenway'\"\nsubtitle: \"a\\nb <i>\""),
        encoding="utf-8")
    meta = render.record_meta(_catalogue(tmp_path / "docs").records["greenway-transit"], full=False)
    assert meta["title"] == "&lt;script&gt;x()&lt;/script&gt; &amp; &#39;Greenway&#39;"
    assert meta["subtitle"] == "a b &lt;i&gt;"  # on one line: the theme prints it in an attribute too


# Renderer: a record page and the dashboard -----------------------------------------------------


def test_a_record_page_keeps_the_authors_heading_on_top_and_the_body_as_written(demo: Catalogue) -> None:
    renderer = render.Renderer(demo, TODAY)
    body = "# Our heading\n\nThe author's *own* words. <!-- kept -->\n"
    page = renderer.record_page(demo.records[DATA_SHARING], body, lambda rel: f"/{rel}")
    text = page.inline()
    assert text.startswith("# Our heading\n\n<div class=\"accord-print-only accord-print-head\"")
    assert text.count("The author's *own* words. <!-- kept -->") == 1
    assert text.index("The author's *own*") < text.index("\n## Objectives\n") < text.index("\n## Responsibilities\n")
    assert 'href="/organizations/northvale-hospital-trust.md"' in text  # links made by the caller's linker
    # Python-Markdown reads the page with its blocks set aside; they come back into its HTML.
    html = page.restore(markdown.markdown(page.markdown))
    assert html.count('<table class="accord-table accord-raci accord-cards" id="accord-responsibilities">') == 1
    assert "ACCORD0STASH0" not in html


def test_the_dashboard_goes_where_the_author_asks_for_it(demo: Catalogue) -> None:
    renderer = render.Renderer(demo, TODAY)
    assert renderer.author_page("# Home\n\nNo dashboard here.\n", lambda rel: rel) is None
    assert renderer.author_page("# Home\n\n`<!-- accord:dashboard -->` in a sentence.\n", lambda rel: rel) is None
    page = renderer.author_page("# Home\n\n<!-- accord:dashboard -->\n\nAfter.\n", lambda rel: rel)
    assert page is not None
    text = page.inline()
    assert text.startswith("# Home\n\n") and text.endswith("\n\nAfter.\n") and "accord:dashboard" not in text
    assert '<a class="accord-stat" href="agreements/index.md?status=active">' in text  # the caller's linker


def test_only_what_the_due_page_calls_overdue_is_overdue(demo: Catalogue) -> None:
    renderer = render.Renderer(demo, TODAY)
    assert renderer.overdue("northvale-school-meals-mou-2025", "review", date(2026, 10, 1)) is True
    assert renderer.overdue("northvale-school-meals-mou-2025", "review", date(2027, 10, 1)) is False
    assert renderer.overdue(DATA_SHARING, "review", date(2026, 10, 1)) is False


# Where a record goes, and the templates' helpers -----------------------------------------------


def test_an_amendment_sorts_just_after_the_agreement_it_amends(demo: Catalogue) -> None:
    order = sorted(demo.agreements, key=lambda record: render.nav_order(record, demo))
    ids = [record.id for record in order]
    assert ids[ids.index(GRANT) + 1] == f"{GRANT}-amendment-1"
    assert render.nav_order(demo.records[f"{GRANT}-amendment-1"], demo)[:2] == (
        "riverside flood resilience grant (interregional resilience fund, call 4)", 1)


def test_a_partner_network_puts_the_most_shared_first(demo: Catalogue) -> None:
    network = render.partner_network(demo, "northvale-hospital-trust")
    assert [(partner.id, len(shared)) for partner, shared in network] == [
        ("northvale-department-of-health", 2), ("cobalt-health-analytics", 1),
        ("riverside-neighbourhood-association", 1), ("northvale-university", 1)]


def test_raci_letters_say_each_organisations_part(demo: Catalogue) -> None:
    row = demo.records[DATA_SHARING].agreement.responsibilities[0]
    assert row.activity == "Extract and pseudonymise patient data"
    assert [render.raci_letters(row, org) for org in ("northvale-hospital-trust", "northvale-university",
                                                      "northvale-department-of-health", "greenway-transit")] == [
        "RA", "C", "I", ""]


def test_the_small_helpers_of_the_templates() -> None:
    assert [render.safe_url(url) for url in ("https://x.org/a", "http://x.org", "javascript:alert(1)",
                                             "ftp://x.org", "", None)] == [
        "https://x.org/a", "http://x.org", None, None, None, None]
    assert [render.amount(*pair) for pair in ((25000, "EUR"), (1234.5, None), (None, "EUR"))] == [
        "25,000 EUR", "1,234.50", ""]
    assert [render.status_tokens(s) for s in ("active", "signed", "draft", "expired")] == [
        "active in-force current", "signed in-force current", "draft current", "expired ended"]
    assert render.split_leading_heading("# Title\n\nBody\n") == ("# Title", "\nBody\n")
    assert render.split_leading_heading("Title\n=====\nBody") == ("Title\n=====", "Body")
    assert render.split_leading_heading("Body # not a heading\n") == ("", "Body # not a heading\n")
    assert str(render.day(date(2026, 1, 2))) == (
        '<time class="accord-date" datetime="2026-01-02">2026-01-02</time>')
    assert render.day("open-ended") == "open-ended"
    assert render.group_page("phases", "closure") == "lessons/phases/closure.md"


def test_mermaid_is_served_only_when_the_site_has_a_mermaid_fence() -> None:
    fence = {"custom_fences": [{"name": "mermaid", "class": "mermaid"}]}
    assert render.mermaid_fence({"markdown_extensions": [{"pymdownx.superfences": fence}]}) is True
    assert render.mermaid_fence({"markdown_extensions": {"pymdownx.superfences": fence}}) is True
    assert render.mermaid_fence({"markdown_extensions": ["pymdownx.superfences"],
                                 "mdx_configs": {"pymdownx.superfences": fence}}) is True
    assert render.mermaid_fence({"markdown_extensions": ["pymdownx.superfences"]}) is False
    assert render.mermaid_fence({"markdown_extensions": [{"pymdownx.superfences": {"custom_fences": [
        {"name": "math"}]}}]}) is False
    assert render.assets(False) == {"assets/accord/accord.css": "accord.css", "assets/accord/accord.js": "accord.js"}
    assert render.assets(True)["assets/accord/mermaid.min.js"] == "vendor/mermaid.min.js"
    assert [render.mermaid_in_markdown(text) for text in ("```mermaid\ngraph\n```\n", "~~~ {.mermaid}\n",
                                                          "```python\nx\n```\n", "A mermaid swims.\n")] == [
        True, True, False, False]
    assert [render.mermaid_in_html(html) for html in ('<pre class="mermaid">', "<div class='x mermaid'>",
                                                      '<pre class="notmermaid">', "<p>mermaid</p>")] == [
        True, True, False, False]
