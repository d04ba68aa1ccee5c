"""`accord render`'s logic, without the command line: the plan of the plain project
(accord.commands.plain), its mkdocs.yml, its writing, and the checks of the folder it
goes into (accord.commands.render). The engines' builds of it are tests/e2e/test_engines.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from accord.catalogue import Catalogue
from accord.commands import plain
from accord.commands.project import Project
from accord.commands.render import Rendered, check_out, render
from accord.format.loading import load
from accord.site.plugins.pages.config import PagesConfig
from accord.site.plugins.search.config import SearchConfig
from conftest import KnowledgeBase

TODAY = date(2026, 12, 1)

SECRET = """\
---
id: secret-org
type: organization
title: Zzsecret Holdings
confidentiality: restricted
kind: business
---
Not for the public.
"""


def planned(kb: KnowledgeBase, config: dict[str, Any] | None = None, audience: str = "public") -> plain.Plan:
    result = load(kb.docs, TODAY, audience=audience)
    assert not result.errors, result.errors
    catalogue = Catalogue.build(result.records, audience)
    return plain.plan(result, catalogue, plain.Options(kb.docs, config or {}, today=TODAY))


def pages_config(**options: Any) -> dict[str, Any]:
    return {"site_name": "T", "plugins": [{"accord/pages": options}, "accord/records", "accord/search"]}


# The plugins' options --------------------------------------------------------------------


def test_options_not_written_are_the_config_classes_defaults() -> None:
    pages = plain.Settings.of({}, "accord/pages")
    search = plain.Settings.of({}, "accord/search")
    for key in ("guide", "registers", "calendar", "history", "commit_messages", "diagrams"):
        assert pages.get(key) == getattr(PagesConfig, key).default
    assert pages.number("due_within") == PagesConfig.due_within.default
    assert pages.number("nav_records_max") == PagesConfig.nav_records_max.default
    assert search.number("lessons_to_consider") == SearchConfig.lessons_to_consider.default
    assert search.get("exclude_generated") == SearchConfig.exclude_generated.default


def test_options_written_win_and_a_number_that_is_none_is_the_default() -> None:
    pages = plain.Settings.of(pages_config(due_within=30, registers=False, nav_records_max="many", guide=None),
                              "accord/pages")
    assert pages.number("due_within") == 30
    assert not pages.on("registers") and pages.on("calendar")
    assert pages.number("nav_records_max") == PagesConfig.nav_records_max.default
    assert pages.get("guide") is None  # written empty: no guide (accord.site.render.guide_page)


# The plan ---------------------------------------------------------------------------------


def test_the_plan_holds_every_page_the_plugins_make(kb: KnowledgeBase) -> None:
    kb.write("index.md", "# Home\n\nSee [the trust](organizations/river-trust.md).\n")
    out = planned(kb)
    for page in ("agreements/river-mou.md", "organizations/city-water.md", "retrospectives/river-retro.md"):
        assert out.texts[page].startswith("---\n"), page  # front matter, then the rendered page
    assert out.titles["agreements/river-mou.md"] == "River clean-up MOU"
    assert "agreements/index.md" in out.texts and "organizations/index.md" in out.texts  # registers
    assert PagesConfig.guide.default in out.texts  # the authors' guide, where the option's default puts it
    assert "calendar.ics" in out.texts
    assert out.copies["index.md"] == kb.docs / "index.md"  # an author's page left as it is
    assert any(asset.startswith("assets/accord/") for asset in out.copies)
    assert out.lesson_anchors  # a retrospective's lessons carry their anchors
    assert "search:\n  exclude: true" in out.texts["agreements/index.md"]  # generated pages: out of the search


def test_the_plan_leaves_out_what_the_audience_may_not_see(kb: KnowledgeBase) -> None:
    kb.write("organizations/secret-org.md", SECRET)
    kb.write("organizations/secret-org.pdf", b"%PDF-1.4 zzsecret")
    kb.write("guide/notes.md",
             "# Notes\n\n[Holdings](../organizations/secret-org.md) and [trust](../organizations/river-trust.md)\n")
    out = planned(kb)
    assert out.hidden == {"organizations/secret-org.md"}
    everything = [*out.texts, *out.copies]
    assert not [path for path in everything if "secret-org" in path]
    assert not [path for path, text in out.texts.items() if "Zzsecret" in str(text)]
    assert "../organizations/secret-org.md" not in str(out.texts["guide/notes.md"])  # the link is gone, its text stays
    assert "river-trust" in str(out.texts["guide/notes.md"])
    restricted = planned(kb, audience="restricted")
    assert "organizations/secret-org.md" in restricted.texts


def test_the_plugins_options_steer_the_plan(kb: KnowledgeBase) -> None:
    out = planned(kb, pages_config(registers=False, calendar=False, guide=False))
    assert "agreements/index.md" not in out.texts and "calendar.ics" not in out.texts
    assert PagesConfig.guide.default not in out.texts
    assert "agreements/river-mou.md" in out.texts  # the records' own pages always
    with pytest.raises(ValueError):
        planned(kb, pages_config(guide="/elsewhere/guide.txt"))  # the command says which option


def test_a_markdown_page_is_written_as_md(kb: KnowledgeBase) -> None:
    kb.write("guide/notes.markdown", "# Notes\n\n[Trust](../organizations/river-trust.md)\n")
    out = planned(kb)
    assert plain.out_path("guide/notes.markdown") == "guide/notes.md"
    assert "guide/notes.md" in out.copies or "guide/notes.md" in out.texts
    assert "guide/notes.markdown" not in out.copies


# Its mkdocs.yml ---------------------------------------------------------------------------


def test_the_output_config_has_no_accord_plugin_and_a_navigation(kb: KnowledgeBase) -> None:
    config = {"site_name": "T", "theme": {"name": "material"}, "docs_dir": "content", "site_dir": "public",
              "plugins": ["search", "accord/records", {"accord/pages": {"nav_records_max": 0}}, "accord/search"]}
    out = planned(kb, config)
    written = plain.output_config(config, out, None)
    assert written["plugins"] == ["search"]
    assert written["docs_dir"] == "docs" and "site_dir" not in written
    assert written["use_directory_urls"] is False
    assert "attr_list" in written["markdown_extensions"]
    flat = yaml.safe_dump(written["nav"])
    assert "agreements/index.md" in flat and "agreements/river-mou.md" not in flat  # nav_records_max: 0
    with_records = plain.output_config({**config, "plugins": ["accord/pages"]}, out, None)
    assert "agreements/river-mou.md" in yaml.safe_dump(with_records["nav"])  # the default, 25, lists them


# Writing it -------------------------------------------------------------------------------


def test_write_puts_a_whole_project_in_place_and_replaces_an_earlier_one(kb: KnowledgeBase, tmp_path: Path) -> None:
    out = planned(kb)
    target = tmp_path / "plain"
    config = plain.output_config({"site_name": "T"}, out, None)
    plain.write(target, out, config, None)
    assert (target / plain.MARKER).is_file()
    assert (target / "mkdocs.yml").read_text().startswith("# Written by `accord render`")
    assert (target / "docs" / "agreements" / "river-mou.md").is_file()
    (target / "docs" / "stale.md").write_text("from before")
    plain.write(target, out, config, None)
    assert not (target / "docs" / "stale.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".plain")) == []  # no staging left


def test_a_failed_write_leaves_the_earlier_project_as_it_was(kb: KnowledgeBase, tmp_path: Path) -> None:
    out = planned(kb)
    target = tmp_path / "plain"
    config = plain.output_config({"site_name": "T"}, out, None)
    plain.write(target, out, config, None)
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    out.copies["gone.pdf"] = tmp_path / "no-such-file.pdf"
    with pytest.raises(OSError):
        plain.write(target, out, config, None)
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plain")] == []


# The command's checks ---------------------------------------------------------------------


def test_the_folder_rendered_into_is_checked(kb: KnowledgeBase, tmp_path: Path) -> None:
    project = Project(docs_dir=kb.docs)
    for overlapping in (kb.docs, kb.docs / "sub", kb.root):
        with pytest.raises(click.UsageError, match="overlaps the docs folder"):
            check_out(project, overlapping)
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(click.UsageError, match="is a file"):
        check_out(project, tmp_path / "a-file")
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "thesis.tex").write_text("x")
    with pytest.raises(click.UsageError, match="was not written by `accord render`"):
        check_out(project, tmp_path / "theirs")
    (tmp_path / "link").symlink_to(tmp_path / "theirs")
    with pytest.raises(click.UsageError, match="symbolic link"):
        check_out(project, tmp_path / "link")
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / plain.MARKER).write_text("accord render\n")
    (tmp_path / "ours" / "old.md").write_text("x")
    check_out(project, tmp_path / "ours")  # an earlier render: replaced
    check_out(project, tmp_path / "new")


def test_render_returns_what_it_wrote(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.write("organizations/secret-org.md", SECRET)
    kb.write("organizations/stray.pdf", b"%PDF-1.4")  # beside no record: held back, and said
    rendered = render(Project(docs_dir=kb.docs), tmp_path / "plain", "public")
    assert rendered == Rendered(tmp_path / "plain", "public", 4, rendered.pages, rendered.left_out)
    assert rendered.pages == sum(1 for _ in (tmp_path / "plain" / "docs").rglob("*.md"))
    assert len(rendered.left_out) == 1 and "stray" not in rendered.left_out[0]  # not named to the public
    assert "stray.pdf" in " ".join(render(Project(docs_dir=kb.docs), tmp_path / "plain", "restricted").left_out)
