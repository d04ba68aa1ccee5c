"""The pure parts of the `mkdocs serve` session (accord.site.serve): the rebuild plan and how far
a change reaches, on the demo's records in a temporary folder, without a server."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from accord.catalogue import Catalogue
from accord.format.loading import load
from accord.site.serve.plan import SKIP, WHOLE, Built, Plan, plan, publishes_dotfiles, stamps
from accord.site.serve.reach import lineage, reach, references, signature

DEMO = Path(__file__).resolve().parents[2] / "docs"
PLUGINS = ["search", "accord/records", "accord/pages", "accord/search"]
TODAY = date(2026, 12, 7)


def _catalogue(docs: Path, audience: str = "internal") -> Catalogue:
    result = load(docs, TODAY)
    assert not result.errors, [d.format_text() for d in result.errors]
    return Catalogue.build(result.records, audience)


def _built(docs: Path, config: Path, audience: str = "internal") -> Built:
    catalogue = _catalogue(docs, audience)
    return Built(stamps=stamps(docs, str(config)), catalogue=catalogue, advice={},
                 records={os.path.join(str(docs), *r.rel_path.split("/")): r.id for r in catalogue.records.values()},
                 today=TODAY)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    info = path.stat()  # a stamp that differs even within the file system's clock resolution
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    docs = tmp_path / "docs"
    shutil.copytree(DEMO, docs)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Test\n", encoding="utf-8")
    return docs, config


def _now(docs: Path, config: Path) -> dict[str, tuple[int, ...]]:
    return stamps(docs, str(config))


def test_the_plan_is_to_skip_when_nothing_changed(site: tuple[Path, Path]) -> None:
    docs, config = site
    built = _built(docs, config)
    assert plan(built, _now(docs, config), PLUGINS, tags_ready=True, today=TODAY) is SKIP


def test_the_plan_names_the_records_a_save_changed(site: tuple[Path, Path]) -> None:
    docs, config = site
    built = _built(docs, config)
    _edit(docs / "organizations" / "northvale-university.md", "title: University of Northvale", "title: Northvale U")
    assert plan(built, _now(docs, config), PLUGINS, tags_ready=True, today=TODAY) == Plan.pages(
        {"northvale-university"})


@pytest.mark.parametrize("change", ["a file added", "a file removed", "mkdocs.yml", "an author's page",
                                    "past midnight", "a blog plugin", "tags not fed", "no build yet"])
def test_the_plan_is_the_whole_site_when_more_than_records_changed(site: tuple[Path, Path], change: str) -> None:
    docs, config = site
    built = _built(docs, config)
    plugins, tags_ready, today = list(PLUGINS), True, TODAY
    if change == "a file added":
        (docs / "agreements" / "new-notes.md").write_text("# Notes\n", encoding="utf-8")
    elif change == "a file removed":
        (docs / "tags.md").unlink()
    elif change == "mkdocs.yml":
        _edit(config, "Test", "Test site")
    elif change == "an author's page":
        _edit(docs / "index.md", "\n", "\n\n")
    elif change == "past midnight":
        today = date(2026, 12, 8)
    elif change == "a blog plugin":
        plugins.append("material/blog")
    elif change == "tags not fed":
        plugins.append("material/tags")
        tags_ready = False
    else:
        built = None  # type: ignore[assignment]
    assert plan(built, _now(docs, config), plugins, tags_ready=tags_ready, today=today) is WHOLE


def test_dot_files_are_stamped_only_when_exclude_docs_takes_them_back(site: tuple[Path, Path]) -> None:
    docs, config = site
    (docs / ".notes.md.swp").write_text("x", encoding="utf-8")
    assert not any(name.endswith(".swp") for name in stamps(docs, str(config)))
    assert any(name.endswith(".swp") for name in stamps(docs, str(config), dotfiles=True))

    class Pattern:
        def __init__(self, pattern: str, include: bool) -> None:
            self.pattern, self.include = pattern, include

    class Spec:
        def __init__(self, *patterns: Pattern) -> None:
            self.patterns = list(patterns)

    assert publishes_dotfiles(Spec(Pattern("!/notes/.drafts/", False)))
    assert not publishes_dotfiles(Spec(Pattern("/drafts/", True)))


def test_an_organisation_renamed_reaches_its_agreements_and_its_partners(site: tuple[Path, Path]) -> None:
    docs, config = site
    built = _built(docs, config)
    _edit(docs / "organizations" / "northvale-university.md", "title: University of Northvale", "title: Northvale U")
    now = _catalogue(docs)
    reached = reach(built, frozenset({"northvale-university"}), now, {})
    assert not reached.whole
    naming = {other for other, named in references(now).items() if "northvale-university" in named}
    assert naming and naming <= reached.ids  # every record that names it
    partners = {o for other in naming for o in references(now).get(other, set())} - {"northvale-university"}
    assert partners and partners <= reached.ids  # and the partners those records list beside it
    assert "northvale-university" in reached.ids
    assert reached.ids < set(now.records)  # not every page


def test_an_amendment_reaches_its_whole_lineage(site: tuple[Path, Path]) -> None:
    docs, config = site
    built = _built(docs, config)
    _edit(docs / "agreements" / "riverside-flood-resilience-grant-amendment-1.md",
          "sensor procurement and budget reallocation", "sensors and budget")
    now = _catalogue(docs)
    amendment = "riverside-flood-resilience-grant-amendment-1"
    assert lineage(now, amendment) >= {amendment, "riverside-flood-resilience-grant"}
    assert lineage(now, amendment) <= reach(built, frozenset({amendment}), now, {}).ids


def test_a_change_of_audience_or_of_the_records_seen_is_the_whole_site(site: tuple[Path, Path]) -> None:
    docs, config = site
    built = _built(docs, config)
    assert reach(built, frozenset({"northvale-university"}), _catalogue(docs, "public"), {}) is WHOLE
    _edit(docs / "organizations" / "kestrel-data-systems.md", "confidentiality: public", "confidentiality: restricted")
    assert reach(built, frozenset({"kestrel-data-systems"}), _catalogue(docs), {}) is WHOLE


def test_lessons_to_consider_that_change_reach_their_agreement(site: tuple[Path, Path]) -> None:
    docs, config = site
    built = _built(docs, config)

    class Row:
        title, retrospective = "A lesson", "some-retrospective"

    class Advice:
        address, score, reasons, applied, row = "some-retrospective#a-lesson", 1.0, ("same partner",), False, Row()

    now = _catalogue(docs)
    reached = reach(built, frozenset({"northvale-university"}), now, {"northvale-digital-skills-moa": [Advice()]})
    assert "northvale-digital-skills-moa" in reached.ids


def test_a_generated_pages_signature_names_the_records_it_shows() -> None:
    ids = {"a", "b", "c"}
    made = signature({"title": "Register", "rows": [("a", 1), ["b", None]], "when": date(2026, 1, 1)}, ids)
    assert made is not None and made[1] == frozenset({"a", "b"})
    assert signature({"rows": ["a", "b"]}, ids)[0] == signature({"rows": ("a", "b")}, ids)[0]  # type: ignore[index]
    assert signature({"x": object()}, ids) is None  # cannot be told: always made again


def test_plan_values_say_what_they_are() -> None:
    assert WHOLE.whole and not WHOLE.skip
    assert SKIP.skip and not SKIP.whole
    assert Plan.pages(set()) is SKIP
    assert Plan.pages({"a"}).ids == frozenset({"a"}) and not Plan.pages({"a"}).whole
