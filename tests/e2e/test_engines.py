"""Other engines: what Zensical and MkDocs without Accord's plugins publish (nothing hidden),
and `accord render`, whose plain project both build into the same pages as the plugins."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from accord.catalogue import Audience
from conftest import REPO
from engines import EPOCH, SECRETS, accord, article, init_kb, key_content, pages, properdocs, target, zensical
from sites import Build, build, demo_project, hidden_markers, leaks


def _everything(site: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file() and p.suffix != ".gz")


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A knowledge base made by `accord init`, holding an internal and a restricted record."""
    return init_kb(tmp_path)


def _without_accord(root: Path) -> None:
    config = root / "mkdocs.yml"
    lines = config.read_text().splitlines(keepends=True)
    config.write_text("".join(line for line in lines if "accord/" not in line))


# Fail closed ------------------------------------------------------------------------------


def test_zensical_publishes_no_record_of_an_accord_knowledge_base(kb: Path) -> None:
    result = zensical(kb)
    assert result.returncode == 0, result.log
    assert (result.site / "index.html").is_file()  # the ordinary pages are there
    text = _everything(result.site)
    assert [word for word in SECRETS if word in text] == []
    # Without Accord nothing can tell public from hidden: no record is published at all.
    assert not (result.site / "agreements").exists()
    assert "Example City Council" not in text


def test_mkdocs_without_the_plugins_publishes_no_record(kb: Path) -> None:
    _without_accord(kb)
    result = build(kb, strict=False)
    assert result.returncode == 0, result.log
    assert (result.site / "index.html").is_file()
    text = _everything(result.site)
    assert [word for word in SECRETS if word in text] == []
    assert not (result.site / "organizations").exists()


def test_the_plugins_take_back_in_what_the_audience_may_see(kb: Path) -> None:
    result = build(kb, env={**EPOCH, "ACCORD_AUDIENCE": "internal"})
    assert result.returncode == 0, result.log
    assert (result.site / "organizations" / "zz-internal-trust" / "index.html").is_file()
    assert (result.site / "organizations" / "example-city-council" / "index.html").is_file()
    assert not (result.site / "agreements" / "zz-restricted-settlement").exists()
    assert "Zzrestricted" not in _everything(result.site)


def test_an_unguarded_record_is_a_warning_in_validate_and_stops_the_build(kb: Path) -> None:
    config = kb / "mkdocs.yml"
    config.write_text(re.sub(r"exclude_docs: \|\n(  .*\n)+", "", config.read_text()))
    result = accord("validate", cwd=kb)
    assert result.returncode == 0, result.stdout
    lines = [line for line in result.stdout.splitlines() if "unguarded-record" in line]
    assert len(lines) == 2, result.stdout
    assert "docs/organizations/zz-internal-trust.md:6:18: warning: unguarded-record: this internal record" in lines[1]
    assert "add to mkdocs.yml `exclude_docs: |` with the lines /agreements/, /organizations/" in lines[1]
    assert accord("validate", "--strict", cwd=kb).returncode == 1
    for built in (build(kb), properdocs(kb)):  # the plugins stop ProperDocs' build as they stop MkDocs'
        assert built.returncode != 0
        assert "Files that an engine without Accord would publish" in built.log
        assert [word for word in SECRETS if built.site.exists() and word in _everything(built.site)] == []


# accord render ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    """The demo built through the plugins, and rendered then built by MkDocs and by Zensical."""
    root = demo_project(tmp_path_factory.mktemp("plugins"))
    plugins = build(root, env=EPOCH)
    assert plugins.returncode == 0, plugins.log
    out = tmp_path_factory.mktemp("render") / "plain"
    result = accord("render", str(out), cwd=root)
    assert result.returncode == 0, result.stderr
    assert "for the internal audience" in result.stdout
    config = yaml.safe_load(re.sub(r"!!python/name:\S+", "", (out / "mkdocs.yml").read_text()))
    assert not [p for p in config["plugins"] if "accord" in str(p)]
    mkdocs = build(out, env=EPOCH)  # --strict
    assert mkdocs.returncode == 0, mkdocs.log
    zensical_copy = tmp_path_factory.mktemp("zensical") / "plain"
    shutil.copytree(out, zensical_copy)
    zen = zensical(zensical_copy)
    assert zen.returncode == 0, zen.log
    return {"plugins": plugins, "mkdocs": mkdocs, "zensical": zen}


def test_render_builds_the_same_pages_with_mkdocs_and_zensical(renders: dict[str, Build]) -> None:
    expected = set(pages(renders["plugins"].site))
    assert "agreements/northvale-hospital-university-data-sharing/" in expected
    assert "responsibilities/" in expected and "lessons/topics/consent/" in expected
    for engine in ("mkdocs", "zensical"):
        assert set(pages(renders[engine].site)) == expected, engine
        assert b"BEGIN:VCALENDAR" in (renders[engine].site / "calendar.ics").read_bytes()
        assert (renders[engine].site / "assets" / "accord" / "accord.css").is_file()
    # Generated pages only repeat the records: out of each engine's search, as in the plugin build.
    for index in (renders["mkdocs"].site / "search" / "search_index.json", renders["zensical"].site / "search.json"):
        text = index.read_text()
        assert "Hospital" in text and "responsibilities.html" not in text and "lessons/topics/" not in text, index


def test_render_keeps_raci_cells_lessons_and_backlinks(renders: dict[str, Build]) -> None:
    plugin_pages = pages(renders["plugins"].site)
    checked = 0
    for key, page in sorted(plugin_pages.items()):
        expected = key_content(renders["plugins"].site, page)
        for engine in ("mkdocs", "zensical"):
            site = renders[engine].site
            assert key_content(site, pages(site)[key]) == expected, (engine, key)
        checked += bool(expected["raci"]) + bool(expected["lessons"]) + bool(expected["links"])
    assert checked > 20
    page = plugin_pages["agreements/northvale-hospital-university-data-sharing/"]
    raci = key_content(renders["plugins"].site, page)["raci"]
    assert sum("A" in cell for row in raci for cell in row[1:]) >= 3  # type: ignore[union-attr]


def test_render_keeps_each_record_pages_last_change_and_changes(renders: dict[str, Build]) -> None:
    """A record page's last change (here the file's date: the demo's copy is not in Git) and
    its changes section, under another engine as through the plugins."""
    plugin_pages = pages(renders["plugins"].site)
    key = "agreements/northvale-hospital-university-data-sharing/"
    said = " ".join(article(renders["plugins"].site, plugin_pages[key]).select_one(".accord-last-change")
                    .get_text(" ").split())
    assert "not from Git" in said
    for engine in ("mkdocs", "zensical"):
        site = renders[engine].site
        shown = article(site, pages(site)[key]).select_one(".accord-last-change")
        assert shown is not None and " ".join(shown.get_text(" ").split()) == said, engine


def test_render_links_resolve_under_both_engines(renders: dict[str, Build]) -> None:
    for engine in ("mkdocs", "zensical"):
        site = renders[engine].site
        found = pages(site)
        for page in found.values():
            for a in article(site, page).select(".accord-table a, ul.accord-links a"):
                if ":" in a.get("href", ""):  # https:, mailto:
                    continue
                leads_to = target(page, a.get("href", "")).split("#")[0]
                assert leads_to in found or (site / leads_to).is_file(), (engine, page, a.get("href"))


# That a public render, and Zensical's site of it, hold no trace of a hidden record is
# asserted with the two other engines' sites in tests/e2e/test_three_engines.py.


def test_render_refuses_what_it_could_destroy_and_replaces_its_own_output(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "kb")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("keep me")
    refused = accord("render", str(tmp_path / "notes"), cwd=root)
    assert refused.returncode == 2 and "not empty and was not written by `accord render`" in refused.stderr
    assert (tmp_path / "notes" / "mine.txt").read_text() == "keep me"
    inside = accord("render", "docs/out", cwd=root)
    assert inside.returncode == 2 and "overlaps the docs folder" in inside.stderr
    (tmp_path / "a-file").write_text("mine")
    assert "is a file" in accord("render", str(tmp_path / "a-file"), cwd=root).stderr
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "empty")
    assert "is a symbolic link" in accord("render", str(tmp_path / "link"), cwd=root).stderr
    assert (tmp_path / "link").is_symlink() and (tmp_path / "a-file").read_text() == "mine"
    assert accord("render", str(tmp_path / "plain"), cwd=root).returncode == 0
    (tmp_path / "plain" / "docs" / "stale.md").write_text("old")
    again = accord("render", str(tmp_path / "plain"), "--audience", "public", cwd=root)
    assert again.returncode == 0, again.stderr
    assert not (tmp_path / "plain" / "docs" / "stale.md").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plain")]  # no staging folder left
    (root / "docs" / "agreements" / "riverside-flood-resilience-grant.md").write_text("---\ntype: agreement\n---\n")
    broken = accord("render", str(tmp_path / "plain"), cwd=root)
    assert broken.returncode == 1 and "nothing rendered" in broken.stderr
    assert (tmp_path / "plain" / "mkdocs.yml").is_file()  # the earlier render is still whole


def test_the_repository_demo_is_guarded() -> None:
    config = (REPO / "mkdocs.yml").read_text()
    for folder in ("agreements", "organizations", "playbooks", "retrospectives"):
        assert f"  /{folder}/\n" in config


def test_render_reads_mkdocs_yml_as_mkdocs_does(tmp_path: Path) -> None:
    """INHERIT merged in, the site's audience and `!ENV` values resolved, tags kept."""
    root = demo_project(tmp_path / "kb")
    base = (root / "mkdocs.yml").read_text().replace("  - accord/records\n",
                                                     "  - accord/records:\n      audience: public\n")
    base += 'site_url: !ENV [ACCORD_TEST_SITE_URL, "https://example.org/kb/"]\n'
    (root / "base.yml").write_text(base)
    (root / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: Inherited\n")
    assert "unguarded-record" not in accord("validate", cwd=root).stdout
    out = tmp_path / "plain"
    result = accord("render", str(out), cwd=root)
    assert result.returncode == 0, result.stderr
    assert "for the public audience" in result.stdout
    config = (out / "mkdocs.yml").read_text()
    assert "INHERIT" not in config and "site_name: Inherited" in config
    assert "!!python/name:pymdownx.superfences.fence_code_format" in config
    assert "URL:https://example.org/kb/agreements/" in (out / "docs" / "calendar.ics").read_text()
    assert leaks({p: p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()},
                 hidden_markers(Audience.PUBLIC)) == []
    assert build(out, env=EPOCH).returncode == 0


def test_a_nav_entry_for_a_hidden_record_goes_however_it_is_written(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "kb")
    config = (root / "mkdocs.yml").read_text()
    config += ("nav:\n  - index.md\n  - Secret: ./agreements/community-health-workers-moa.md\n"
               "  - Also: [agreements//project-larkspur-settlement-negotiation.md]\n"
               "  - Agreements: agreements/index.md\n")
    (root / "mkdocs.yml").write_text(config)
    site = build(root, env={**EPOCH, "ACCORD_AUDIENCE": "public"})
    assert site.returncode == 0, site.log
    assert "community-health-workers-moa" not in _everything(site.site)
    out = tmp_path / "plain"
    assert accord("render", str(out), "--audience", "public", cwd=root).returncode == 0
    assert "community-health-workers-moa" not in (out / "mkdocs.yml").read_text()
    assert "larkspur" not in (out / "mkdocs.yml").read_text()


def test_files_in_record_folders_go_only_beside_a_record_the_audience_sees(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "kb")
    agreements = root / "docs" / "agreements"
    (agreements / "project-larkspur-settlement-negotiation.pdf").write_text("CONFIDENTIAL term sheet")
    (agreements / "larkspur").mkdir()
    (agreements / "larkspur" / "notes.txt").write_text("CONFIDENTIAL notes")
    (agreements / "northvale-digital-skills-moa").mkdir()
    (agreements / "northvale-digital-skills-moa" / "annex.txt").write_text("Public annex")
    (agreements / "northvale-digital-skills-moa.pdf").write_text("Public signed copy")
    # A hidden record's own folder: its pages of notes stay out too.
    (agreements / "project-larkspur-settlement-negotiation").mkdir()
    (agreements / "project-larkspur-settlement-negotiation" / "minutes.md").write_text("# CONFIDENTIAL minutes\n")
    # A hidden amendment filed in a public agreement's folder: its files are its own.
    amendment = (agreements / "riverside-flood-resilience-grant-amendment-1.md").read_text()
    amendment = re.sub(r"^signed_copy:\n(?:  .*\n)+", "", amendment, flags=re.MULTILINE)  # (not its own file)
    (agreements / "riverside-flood-resilience-grant").mkdir()
    (agreements / "riverside-flood-resilience-grant" / "secret-amendment-2.md").write_text(
        amendment.replace("id: riverside-flood-resilience-grant-amendment-1", "id: secret-amendment-2")
        .replace("confidentiality: public", "confidentiality: restricted"))
    (agreements / "riverside-flood-resilience-grant" / "secret-amendment-2.pdf").write_text("CONFIDENTIAL terms")
    site = build(root, env={**EPOCH, "ACCORD_AUDIENCE": "public"}, strict=False)
    assert site.returncode == 0, site.log
    assert "CONFIDENTIAL" not in _everything(site.site) and "secret-amendment" not in _everything(site.site)
    # A file of no record is held back and reported, so that a strict build stops; named only
    # to the restricted audience (a name may be a hidden record's: issue 20).
    assert "WARNING" in site.log and "1 file in the record folders belongs to no record" in site.log
    assert "larkspur/notes.txt" not in site.log
    assert build(root, env={**EPOCH, "ACCORD_AUDIENCE": "public"}).returncode == 1
    assert (site.site / "agreements" / "northvale-digital-skills-moa" / "annex.txt").is_file()
    assert (site.site / "agreements" / "northvale-digital-skills-moa.pdf").is_file()
    out = tmp_path / "plain"
    result = accord("render", str(out), "--audience", "public", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "1 file in the record folders belongs to no record" in result.stderr
    restricted = accord("render", str(tmp_path / "all"), "--audience", "restricted", cwd=root)
    assert "agreements/larkspur/notes.txt is not published" in restricted.stderr
    assert not [p for p in out.rglob("*") if p.is_file() and "CONFIDENTIAL" in p.read_text(errors="replace")]
    assert (out / "docs" / "agreements" / "northvale-digital-skills-moa.pdf").is_file()


def test_records_with_other_markdown_endings_become_pages_in_every_engine(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "kb")
    moa = root / "docs" / "agreements" / "northvale-digital-skills-moa.md"
    moa.rename(moa.with_suffix(".markdown"))
    out = tmp_path / "plain"
    result = accord("render", str(out), "--audience", "public", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (out / "docs" / "agreements" / "northvale-digital-skills-moa.md").is_file()
    built = zensical(out)
    assert built.returncode == 0, built.log
    assert (built.site / "agreements" / "northvale-digital-skills-moa.html").is_file()
    register = (built.site / "agreements" / "index.html").read_text()
    assert 'href="northvale-digital-skills-moa.html"' in register
