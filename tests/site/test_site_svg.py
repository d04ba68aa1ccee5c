"""accord.site.svg: the diagrams drawn at build time (hardening, issue 11, item 13): a
record's title is a label, as written, never a Mermaid directive, statement or markup."""

from __future__ import annotations

from pathlib import Path

from sites import build, demo_project

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22


def test_titles_cannot_steer_the_diagrams(tmp_path: Path) -> None:
    """The pictures are drawn at build time (accord.site.svg): a title that would have been a
    Mermaid directive or statement is a label, as written."""
    root = demo_project(tmp_path)
    org = root / "docs" / "organizations" / "greenway-transit.md"
    steer = "Greenway %%{init: {'theme':'dark', 'themeCSS': 'svg {display:none}'}}%% end"
    org.write_text(org.read_text().replace("title: Greenway Transit Ltd", f'title: "{steer}"'))
    moa = root / "docs" / "agreements" / "northvale-digital-skills-moa.md"
    text = moa.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    moa.write_text(text.replace(title, 'title: "section Gone: click here; #1 </text><script>x()</script>"'))
    result = build(root, env=EPOCH)
    assert result.returncode == 0, result.log
    pictures = [figure for url in ("organizations/greenway-transit", "agreements", "organizations/northvale-university")
                for figure in result.page(url).select("figure.accord-diagram")]
    assert len(pictures) == 3 and not [p for url in ("agreements",) for p in result.page(url).select(".mermaid")]
    labels = "".join(t.get_text() for figure in pictures for t in figure.select("text")).replace(" ", "")
    assert steer.replace(" ", "") in labels  # each label's lines are its words, as written
    assert "sectionGone:clickhere;#1</text><script>x()</script>" in labels
    assert not [figure for figure in pictures if figure.select("script, style, foreignObject, a")]
