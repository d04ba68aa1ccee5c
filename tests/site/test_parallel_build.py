"""`mkdocs build` with record and generated pages made in worker processes (accord/pages'
`workers`, accord.site.plugins.pages.parallel): the same site byte for byte as one process
makes, at every audience; a warning met in a worker said once, and failing a strict build;
a page that fails in a worker stops the build with the page named and no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import KnowledgeBase
from engines import properdocs
from sites import DEMO_EPOCH, ZERO_CONFIG, build, demo_project


def _workers(config: str, count: int) -> str:
    return config.replace("  - accord/pages\n", f"  - accord/pages:\n      workers: {count}\n")


def _files(site: Path) -> dict[str, bytes]:
    return {str(path.relative_to(site)): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


@pytest.mark.parametrize(("audience", "engine", "searched"),
                         [("public", build, False), ("restricted", build, False), ("public", properdocs, False),
                          ("internal", build, True)])
def test_the_site_made_in_workers_is_the_same_byte_for_byte(tmp_path: Path, audience: str, engine: object,
                                                            searched: bool) -> None:
    """(ProperDocs answers MkDocs' module names with its own: the workers run under it too.
    `searched`: generated pages in the theme's search, which reads their content.)"""
    config = (Path(__file__).parents[2] / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - accord/pages\n" in config and "  - accord/search\n" in config
    if searched:
        config = config.replace("  - accord/search\n", "  - accord/search:\n      exclude_generated: false\n")
    sites = {}
    for count in (1, 2):
        root = demo_project(tmp_path / f"workers-{count}", _workers(config, count))
        make = engine if count == 2 else build
        result = make(root, env={**DEMO_EPOCH, "ACCORD_AUDIENCE": audience})  # type: ignore[operator]
        assert result.returncode == 0, result.log
        sites[count] = _files(result.site)
    assert sites[1].keys() == sites[2].keys()
    generator = re.compile(rb'<meta name="generator" content="mkdocs-[^"]*">')
    assert [name for name in sites[1] if generator.sub(b"", sites[1][name]) != generator.sub(b"", sites[2][name])
            and not (engine is properdocs and name.endswith(".gz"))] == []  # (the gzip of a page compared)
    assert sum(name.endswith("index.html") and name.startswith("agreements/") for name in sites[2]) >= 5


@pytest.mark.parametrize("engine", [build, properdocs])
def test_a_warning_met_in_a_worker_is_said_once_and_fails_a_strict_build(kb: KnowledgeBase, engine: object) -> None:
    """(The page is not the first of its folder, which the build makes itself before it forks;
    under ProperDocs the log's handlers are on its own logger.)"""
    first = (kb.docs / "agreements" / "river-mou.md").read_text(encoding="utf-8")
    kb.write("agreements/a-first-mou.md", first.replace("id: river-mou", "id: a-first-mou"))
    kb.edit("agreements/river-mou.md", "Body text.", "Body text. See [the annex](annex-that-is-not-there.md).")
    logs = {}
    for count in (1, 2):
        (kb.root / "mkdocs.yml").write_text(_workers(ZERO_CONFIG.format(name="T"), count), encoding="utf-8")
        result = engine(kb.root)  # type: ignore[operator]
        assert result.returncode == 1, result.log  # --strict
        logs[count] = [line for line in result.log.splitlines() if "annex-that-is-not-there" in line]
    assert len(logs[2]) == 1 and "agreements/river-mou.md" in logs[2][0]
    assert logs[1] == logs[2]


def test_a_page_that_fails_in_a_worker_stops_the_build_naming_it(kb: KnowledgeBase) -> None:
    config = ZERO_CONFIG.format(name="T").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    (kb.root / "mkdocs.yml").write_text(_workers(config, 2), encoding="utf-8")
    override = kb.root / "overrides" / "accord" / "pages"
    override.mkdir(parents=True)
    (override / "organization.md.j2").write_text("{% if %}\n")
    result = build(kb.root)
    assert result.returncode == 1
    assert "cannot render organizations/city-water.md" in result.log
    assert "Traceback" not in result.log
