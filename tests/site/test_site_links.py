"""Links to hidden records, in every form Markdown reads, are cut (hardening, issue 11,
item 2): in a public build (accord.site.links, accord.format.linkread), in `accord render`'s
plain Markdown, and in the search snippets. An author's private comments stay out of the
search index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engines import quick_accord as accord
from sites import build, demo_project

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22


LINK_FORMS = """

See [the draft][larkref], [the deal][], <../agreements/project-larkspur-settlement-negotiation.md>,
[see [this] deal](../agreements/project-larkspur-settlement-negotiation.md), [multi
line](../agreements/project-larkspur-settlement-negotiation.md#terms),
[folder](../agreements/project-larkspur-settlement-negotiation/),
[absolute](/agreements/project-larkspur-settlement-negotiation/),
<a href="../agreements/project-larkspur-settlement-negotiation.md">raw html</a>,
![an image](../agreements/project-larkspur-settlement-negotiation.md) and
[encoded](../agreements/project%2Dlarkspur%2Dsettlement%2Dnegotiation.md).
<!-- private note: zzprivate -->

[attr](#ok){ href="../agreements/project-larkspur-settlement-negotiation.md" } and
![attr image](x.png){ src="../agreements/project-larkspur-settlement-negotiation.md" },
<a href="../agreements/&#112;roject-larkspur-settlement-negotiation.md">entity</a>,
<a href="#" ping="../../agreements/project-larkspur-settlement-negotiation/">ping</a>,
<span style="background: url(../agreements/project-larkspur-settlement-negotiation.md)">styled</span>,
[annex](../agreements/project-larkspur-settlement-negotiation/annex.pdf),
[signed](../agreements/project-larkspur-settlement-negotiation.pdf),
[site](https://northvale.example.org/agreements/project-larkspur-settlement-negotiation/).

<meta http-equiv="refresh" content="0; url=../../agreements/project-larkspur-settlement-negotiation/">

[larkref]: ../agreements/project-larkspur-settlement-negotiation.md "The settlement"
[the deal]: <../agreements/project-larkspur-settlement-negotiation.md>

Quoted value <a title="x>y" href="../agreements/project-larkspur-settlement-negotiation.md">quoted</a>, a tag
<a class="ref"
href="../agreements/project-larkspur-settlement-negotiation.md">split</a>, [nested [brackets] text](
../agreements/project-larkspur-settlement-negotiation.md
"a title") and [next line][lark-next].

[lark-next]:
    ../agreements/project-larkspur-settlement-negotiation.md

> Quoted: [the quote][lark-quote]
>
> [lark-quote]: ../agreements/project-larkspur-settlement-negotiation.md

- A list item links [the plan][lark-item].

    [lark-item]: ../agreements/project-larkspur-settlement-negotiation.md
"""
HIDDEN_NAMES = ("larkspur", "zzprivate")


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = demo_project(tmp_path_factory.mktemp("linked"))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("docs_dir: docs\n",
                                                 "docs_dir: docs\nsite_url: https://northvale.example.org/\n"))
    moa = root / "docs" / "agreements" / "northvale-digital-skills-moa.md"
    moa.write_text(moa.read_text() + LINK_FORMS)
    (root / "docs" / "notes.md").write_text("# Notes\n" + LINK_FORMS)
    return root


def test_links_to_hidden_records_are_cut_in_every_form(linked: Path) -> None:
    result = build(linked, env={**EPOCH, "ACCORD_AUDIENCE": "public"})  # --strict: no warning either
    assert result.returncode == 0, result.log
    files = result.text_files()
    assert [path for path, text in files.items() if "larkspur" in text.lower()] == []
    # An author's private notes stay out of the search index (the page's HTML source keeps them, as Markdown does).
    index = "".join(text for path, text in files.items() if "search" in path.relative_to(result.site).parts)
    assert "search/accord/index.json" in {p.relative_to(result.site).as_posix() for p in files}
    assert "zzprivate" not in index
    page = result.page("agreements/northvale-digital-skills-moa").find("article")
    words = " ".join(page.get_text(" ").split())
    for kept in ("the draft", "see [this] deal", "raw html", "an image", "multi line", "folder", "attr", "entity",
                 "annex", "signed", "site", "styled"):
        assert kept in words, kept


def test_a_public_render_cuts_them_too(linked: Path, tmp_path: Path) -> None:
    out = tmp_path / "plain"
    result = accord("render", str(out), "--audience", "public", cwd=linked)
    assert result.returncode == 0, result.stderr
    written = "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()).lower()
    assert "larkspur" not in written
    assert "raw html" in (out / "docs" / "notes.md").read_text()


def test_search_snippets_hold_no_link_target_or_comment(linked: Path) -> None:
    for query in ("draft", "private", "larkspur", "deal"):
        result = accord("search", query, "--audience", "public", "--json", cwd=linked)
        assert result.returncode in (0, 1), result.stderr
        results = json.dumps(json.loads(result.stdout)["results"]).lower()
        assert [name for name in HIDDEN_NAMES if name in results] == [], query
    found = json.loads(accord("search", "draft", "--audience", "public", "--json", cwd=linked).stdout)["results"]
    assert any(r["id"] == "northvale-digital-skills-moa" for r in found)


# Found by a fresh-eyes review ------------------------------------------------------------------


def test_backslash_escaped_links_to_hidden_records_are_cut(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    (root / "docs" / "guide" / "esc.md").write_text(
        "# Esc\n\nA [deal](../agreements/project-larkspur-settlement-negotiation\\.md) and "
        "[moa](../agreements/community\\-health\\-workers\\-moa.md) and [ref][r].\n\n"
        "[r]: ../agreements/northvale\\-bus\\-rapid\\-transit\\-ppp.md\n")
    result = build(root, env={**EPOCH, "ACCORD_AUDIENCE": "public"})  # strict: no warning about them either
    assert result.returncode == 0, result.log
    text = (result.site / "guide" / "esc" / "index.html").read_text()
    assert "larkspur" not in text and "community-health" not in text and "rapid-transit" not in text
    out = tmp_path / "plain"
    assert accord("render", str(out), "--audience", "public", cwd=root).returncode == 0
    written = (out / "docs" / "guide" / "esc.md").read_text()
    assert "larkspur" not in written and "community\\-health" not in written and "deal" in written


def test_render_cuts_only_the_hidden_link_not_a_public_one_that_ends_alike(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    agreements = root / "docs" / "agreements"
    public = (agreements / "northvale-digital-skills-moa.md").read_text()
    (agreements / "moa.md").write_text(public.replace("id: northvale-digital-skills-moa", "id: moa")
                                       .replace("confidentiality: public", "confidentiality: internal"))
    grant = agreements / "riverside-flood-resilience-grant.md"
    grant.write_text(grant.read_text()
                     + "\nSee [the skills MOA](northvale-digital-skills-moa.md) and [the other](moa.md).\n")
    out = tmp_path / "plain"
    assert accord("render", str(out), "--audience", "public", cwd=root).returncode == 0
    written = (out / "docs" / "agreements" / "riverside-flood-resilience-grant.md").read_text()
    assert "[the skills MOA](northvale-digital-skills-moa.md)" in written and "[the other](#)" in written
