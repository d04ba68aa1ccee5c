"""Edge cases of the site found by review: hidden records reached by other roads, escaping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import icalendar

from conftest import ORG_B, KnowledgeBase
from sites import ZERO_CONFIG, build, text_of

SECRET = (
    ORG_B.replace("river-trust", "zzsecret")
    .replace("River Trust", "Zz Secret Board")
    .replace("confidentiality: public", "confidentiality: restricted")
)


def _site(kb: KnowledgeBase, extra: str = "") -> None:
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="T") + extra)


def _leaks(kb: KnowledgeBase, words: tuple[str, ...] = ("zzsecret", "Zz Secret")) -> list[str]:
    found = []
    for path in (kb.root / "site").rglob("*"):
        if path.is_file() and path.suffix != ".gz":
            text = path.read_text(errors="replace")
            found += [f"{path}: {word}" for word in words if word in text]
    return found


def test_hidden_records_in_other_markdown_endings_and_linked_folders_are_left_out(kb: KnowledgeBase) -> None:
    kb.write("deals/zzsecret.markdown", SECRET)
    outside = kb.root / "outside"
    outside.mkdir()
    (outside / "zzsecret-linked.md").write_text(SECRET.replace("id: zzsecret", "id: zzsecret-linked"))
    os.symlink(outside, kb.docs / "linked")
    _site(kb)
    # A linked folder that leaves docs/ is refused (MkDocs would publish whatever it holds).
    result = build(kb.root)
    assert result.returncode != 0 and "docs/linked:1:1: error: link-outside:" in result.log
    assert _leaks(kb) == []
    (kb.docs / "linked").unlink()
    # Outside the folders exclude_docs covers, another engine would publish it: refused.
    result = build(kb.root)
    assert result.returncode != 0
    assert "Files that an engine without Accord would publish" in result.log
    assert "zzsecret" not in result.log  # a restricted record: named only to its own audience
    result = build(kb.root, env={"ACCORD_AUDIENCE": "restricted"})
    assert ("deals/zzsecret.markdown: restricted record outside `exclude_docs`; move it and its files under "
            "`organizations/`, or add `/deals/` to `exclude_docs`" in result.log)
    assert _leaks(kb) == []
    # Once covered, the build leaves it out.
    (kb.root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="T").replace("exclude_docs: |\n",
                                                                           "exclude_docs: |\n  /deals/\n"))
    result = build(kb.root)
    assert result.returncode == 0, result.log
    assert _leaks(kb) == []


def test_description_and_subtitle_are_escaped(kb: KnowledgeBase) -> None:
    kb.edit(
        "organizations/city-water.md",
        "kind: government\n",
        "kind: government\ndescription: '\"><script>alert(1)</script>'\nsubtitle: '<img src=x onerror=alert(2)>'\n",
    )
    _site(kb)
    result = build(kb.root)
    assert result.returncode == 0, result.log
    for path in (kb.root / "site").rglob("*.html"):
        text = path.read_text()
        assert "<script>alert(1)" not in text, path
        assert "<img src=x" not in text, path


def test_a_link_to_a_hidden_record_keeps_its_text_only(kb: KnowledgeBase) -> None:
    kb.write("organizations/zzsecret.md", SECRET)
    kb.edit(
        "organizations/city-water.md",
        "Runs the water network.",
        "Runs the water network with [the board](zzsecret.md) and [River Trust](river-trust.md).",
    )
    _site(kb)
    result = build(kb.root)  # strict: an unresolved link would be a warning
    assert result.returncode == 0, result.log
    body = text_of(result.page("organizations/city-water").select_one("article"))
    assert "with the board and River Trust" in body
    assert _leaks(kb) == []
    assert result.page("organizations/city-water").select_one('article a[href="../river-trust/"]') is not None


def test_a_hidden_record_in_an_explicit_nav_is_dropped(kb: KnowledgeBase) -> None:
    kb.write("organizations/zzsecret.md", SECRET)
    _site(
        kb,
        "nav:\n  - Register: agreements/index.md\n  - Board: organizations/zzsecret.md\n"
        "  - Secrets:\n      - organizations/zzsecret.md\n",
    )
    result = build(kb.root)
    assert result.returncode == 0, result.log
    assert _leaks(kb) == []


def test_hidden_parties_do_not_fail_a_strict_build(kb: KnowledgeBase) -> None:
    kb.write("organizations/zzsecret.md", SECRET.replace("confidentiality: restricted", "confidentiality: internal"))
    kb.edit("agreements/river-mou.md", "  - org: river-trust\n", "  - org: river-trust\n  - org: zzsecret\n")
    _site(kb)
    for audience in ("internal", "public"):
        result = build(kb.root, env={"ACCORD_AUDIENCE": audience})
        assert result.returncode == 0, result.log
    assert _leaks(kb) == [], "the public build was the last one"


def test_lesson_titles_show_exactly_as_written(kb: KnowledgeBase) -> None:
    title = 'Ratio a:b = 2 ~ 3 ^ 4 "quoted" it\'s R&D <ok> (v1.2) #1 *not bold*'
    kb.edit(
        "retrospectives/river-retro.md",
        "title: Volunteers need a named contact",
        f"title: '{title.replace(chr(39), chr(39) * 2)}'",
    )
    _site(kb)
    result = build(kb.root)
    assert result.returncode == 0, result.log
    page = result.page("retrospectives/river-retro")
    assert text_of(page.select_one("h2#volunteers")).rstrip("¶").strip() == title
    toc = [text_of(a) for a in page.select("nav.md-nav--secondary a")]
    assert title in toc


def test_calendar_links_follow_use_directory_urls(kb: KnowledgeBase) -> None:
    _site(kb, "site_url: https://example.org/kb/\nuse_directory_urls: false\n")
    result = build(kb.root)
    assert result.returncode == 0, result.log
    calendar = icalendar.Calendar.from_ical((kb.root / "site" / "calendar.ics").read_bytes())
    urls = {str(event["url"]) for event in calendar.walk("VEVENT")}
    assert urls == {"https://example.org/kb/agreements/river-mou.html"}
    assert (kb.root / "site" / "agreements" / "river-mou.html").is_file()


def test_a_site_without_records_is_left_as_it_is(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nThe **locale**{ #mkdocs-locale } setting.\n")
    (tmp_path / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Empty"))
    result = build(tmp_path)
    assert result.returncode == 0, result.log
    pages = sorted(p.relative_to(result.site).as_posix() for p in result.site.rglob("index.html"))
    # No empty register, lesson page or due page; the authors' guide, which a knowledge base
    # with no record yet needs most.
    assert pages == ["guide/writing-records/index.html", "index.html"]
    assert not (result.site / "calendar.ics").exists()
    home = result.page("")
    assert "{ #mkdocs-locale }" in text_of(home.find("article"))  # Markdown not changed: no attr_list
    assert home.find(id="mkdocs-locale") is None
    search = subprocess.run([sys.executable, "-m", "accord", "search", "hello"], cwd=tmp_path, capture_output=True,
                            text=True, check=False)
    assert search.returncode == 0 and "No results for “hello”" in search.stdout, search.stderr


def test_registers_only_for_types_with_records(kb: KnowledgeBase) -> None:
    for rel in ("agreements/river-mou.md", "retrospectives/river-retro.md"):
        (kb.docs / rel).unlink()
    kb.write("notes.md", "# Notes\n\nA **word**{ .big } as written.\n")
    _site(kb)
    result = build(kb.root)
    assert result.returncode == 0, result.log
    assert (result.site / "organizations" / "index.html").is_file()
    for page in ("agreements", "retrospectives", "playbooks", "responsibilities", "lessons", "due"):
        assert not (result.site / page / "index.html").exists(), page
    nav = [text_of(a) for a in result.page("notes").select("nav.md-nav--primary a")]
    assert "Partners" in nav and "Agreements" not in nav and "Due for review" not in nav
    assert "{ .big }" in text_of(result.page("notes").find("article"))
