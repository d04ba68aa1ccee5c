"""The site's navigation (accord/pages' navigation): large sections keep their record pages
out, an author's `nav` places the generated pages, an amendment follows its agreement."""

from __future__ import annotations

from conftest import ORG_B, KnowledgeBase
from sites import ZERO_CONFIG, Build, build, text_of


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


def test_an_amendment_follows_its_agreement_in_the_navigation(demo: Build) -> None:
    titles = [text_of(a) for a in demo.page("").select("nav.md-nav--primary a.md-nav__link")]
    grant = titles.index("Riverside flood resilience grant (Interregional Resilience Fund, call 4)")
    assert titles[grant + 1].startswith("Amendment 1 to the Riverside flood resilience grant")
