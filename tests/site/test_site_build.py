"""`mkdocs build` with the accord plugins, as a user runs it: reproducible, with no
configuration, without the material theme; a record's error fails the build with its file and
line, a warning only a strict one."""

from __future__ import annotations

from pathlib import Path

from conftest import KnowledgeBase
from sites import ZERO_CONFIG, build, demo_project, text_of

# The demo's build date: reviews in the next 90 days, and one overdue.
EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22


def test_builds_are_reproducible(tmp_path: Path) -> None:
    first = build(demo_project(tmp_path / "a"), env=EPOCH)
    second = build(demo_project(tmp_path / "b"), env=EPOCH)
    for name in ("calendar.ics", "due/index.html", "search/search_index.json", "search/accord/index.json",
                 *(p.relative_to(first.site).as_posix() for p in (first.site / "search" / "accord").rglob("*.json"))):
        assert (first.site / name).read_bytes() == (second.site / name).read_bytes(), name


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
