"""Every value is text in the published site: a record's front matter and the site's name,
wherever the theme or Accord's pages print them (hardening, issue 11, item 16)."""

from __future__ import annotations

from pathlib import Path

from conftest import KnowledgeBase
from engines import quick_accord as accord
from sites import ZERO_CONFIG, build, text_of

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22


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


def test_a_site_name_is_text_wherever_the_theme_prints_it(tmp_path: Path) -> None:
    name = '<script>alert(1)</script> & "Partners"'
    assert accord("init", "kb", "--name", name, cwd=tmp_path).returncode == 0
    result = build(tmp_path / "kb", env=EPOCH)
    assert result.returncode == 0, result.log
    for path, text in result.text_files().items():
        assert path.suffix == ".ics" or "<script>alert" not in text, path  # a calendar is text, not HTML
    home = result.page("")
    assert home.title.get_text().startswith('<script>alert(1)</script> & "Partners"')  # what a reader sees
    calendar = (result.site / "calendar.ics").read_text()
    assert 'X-WR-CALNAME:<script>alert(1)</script> & "Partners": reviews' in calendar.replace("\r\n ", "")
