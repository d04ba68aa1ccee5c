"""accord.site.guard, unit by unit, on a copy of the demo's records: which files of the record
folders a build publishes (Attachments), which record files an audience may not see
(hidden_files), and what `accord validate` tells an author whose `exclude_docs` would let an
engine without Accord publish a record that is not public (unguarded, how_to_guard)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from accord.catalogue import Catalogue
from accord.format.loading import load
from accord.format.records import Record
from accord.site import guard
from conftest import DEMO_DOCS

GUARDED = "\n".join(guard.GUARD_PATTERNS)
BRT = "agreements/northvale-bus-rapid-transit-ppp"  # internal, with a signed copy beside it
MEALS = "agreements/northvale-school-meals-mou-2025"  # public, with a signed copy beside it
# The demo's records that are not public, by path.
NOT_PUBLIC = [
    "agreements/cobalt-bed-management-sla.md",
    "agreements/community-health-workers-moa.md",
    f"{BRT}.md",
    "agreements/northvale-hospital-university-data-sharing.md",
    "agreements/project-larkspur-settlement-negotiation.md",
    "organizations/cobalt-health-analytics.md",
    "playbooks/health-data-sharing-playbook.md",
    "retrospectives/bus-rapid-transit-ppp-negotiation-retrospective.md",
    "retrospectives/hospital-data-sharing-retrospective-2026.md",
]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    shutil.copytree(DEMO_DOCS, tmp_path / "docs")
    return tmp_path / "docs"


def _records(docs: Path) -> list[Record]:
    result = load(docs)
    assert not result.errors, [d.format_text() for d in result.errors]
    return result.records


def _by_path(records: list[Record]) -> dict[str, Record]:
    return {record.rel_path: record for record in records}


def _secret_at_the_root(docs: Path) -> None:
    """An internal organisation filed at the docs root, with a file named after it and a folder."""
    text = (docs / "organizations" / "cobalt-health-analytics.md").read_text(encoding="utf-8")
    (docs / "secret.md").write_text(text.replace("id: cobalt-health-analytics", "id: secret"), encoding="utf-8")
    (docs / "secret.pdf").write_bytes(b"%PDF-1.4")
    (docs / "secret").mkdir()
    (docs / "secret" / "annex.md").write_text("# Annex\n", encoding="utf-8")


# What a new site's mkdocs.yml says -------------------------------------------------------------


def test_the_guard_block_excludes_the_four_record_folders() -> None:
    block = guard.guard_block()
    assert yaml.safe_load(block) == {"exclude_docs": "/agreements/\n/organizations/\n/playbooks/\n/retrospectives/\n"}
    assert block.startswith("# Record folders are published only through accord/records")


def test_an_authors_own_exclusions_are_the_lines_other_than_the_guards() -> None:
    lines = ["/agreements/", "  /organizations/ ", "/drafts/", "*.tmp", "/playbooks/x/"]
    assert guard.without_guard(lines) == ["/drafts/", "*.tmp", "/playbooks/x/"]


def test_the_patterns_leave_out_what_mkdocs_always_leaves_out() -> None:
    none = guard.spec([])
    assert [none.match_file(rel) for rel in (".git/config", "guide/.notes.md", "templates/x.html",
                                             "guide/templates/x.html", "agreements/x.md")] == [
        True, True, True, False, False]
    guarded = guard.spec(guard.GUARD_PATTERNS)
    assert [guarded.match_file(rel) for rel in ("agreements/x.md", "organizations/a/index.md", "guide/agreements.md",
                                                "guide/agreements/x.md")] == [True, True, False, False]


# unguarded: the warning `accord validate` gives ------------------------------------------------


def test_a_guarded_demo_has_nothing_unguarded(docs: Path) -> None:
    assert guard.unguarded(_records(docs), GUARDED) == []


def test_without_exclude_docs_every_record_that_is_not_public_is_named_with_the_lines_to_add(docs: Path) -> None:
    found = guard.unguarded(_records(docs), None, "site.yml")
    assert [Path(d.path).relative_to(docs).as_posix() for d in found] == NOT_PUBLIC
    assert {d.code for d in found} == {"unguarded-record"}
    brt = next(d for d in found if d.path.endswith(f"{BRT}.md"))
    assert brt.message == (
        "this internal record would be published whole by an engine that does not run Accord (Zensical, or "
        "MkDocs without the accord plugins): `exclude_docs` in site.yml does not cover "
        f"`{BRT}.md` (and the signed copy `{BRT}.pdf`); add to site.yml `exclude_docs: |` with the lines "
        "/agreements/, /organizations/, /playbooks/, /retrospectives/ (as `accord init` writes it)")
    assert (brt.line, brt.column) == (6, 18)  # at its `confidentiality`


def test_a_record_covered_but_not_its_signed_copy_is_warned_about_at_the_copy(docs: Path) -> None:
    found = guard.unguarded(_records(docs), GUARDED + f"\n!/{BRT}.pdf\n")
    assert len(found) == 1
    assert found[0].message == (
        f"the signed copy `{BRT}.pdf` of this internal record would be published by an engine that does not run "
        "Accord (Zensical, or MkDocs without the accord plugins): `exclude_docs` in mkdocs.yml covers the record "
        f"but not its files; add `/{BRT}.*` to `exclude_docs` in mkdocs.yml, or move the record and its files "
        "under `agreements/`")
    assert (found[0].line, found[0].column) == (27, 9)  # its `signed_copy: file:`


def test_a_record_at_the_docs_root_is_told_to_move_or_to_exclude_its_name(docs: Path) -> None:
    _secret_at_the_root(docs)
    found = guard.unguarded(_records(docs), GUARDED)
    assert [Path(d.path).relative_to(docs).as_posix() for d in found] == ["secret.md"]
    assert found[0].message.endswith(
        "`exclude_docs` in mkdocs.yml does not cover `secret.md` (and the files `secret.pdf`, `secret/annex.md`); "
        "move it and its files under `organizations/`, or add `/secret.*` and `/secret/` to `exclude_docs` in "
        "mkdocs.yml")


def test_the_files_a_record_owns_are_found_beside_it_and_in_its_folder(docs: Path) -> None:
    (docs / f"{BRT}.v2.pdf").write_bytes(b"%PDF-1.4")
    (docs / BRT).mkdir()
    (docs / BRT / "annex.pdf").write_bytes(b"%PDF-1.4")
    (docs / f"{MEALS}.v2.pdf").write_bytes(b"%PDF-1.4")  # a public record's: not listed
    assert guard.owned_files(_records(docs), docs) == {
        f"{BRT}.md": [f"{BRT}.pdf", f"{BRT}.v2.pdf", f"{BRT}/annex.pdf"],
        "agreements/northvale-hospital-university-data-sharing.md": [
            "agreements/northvale-hospital-university-data-sharing.pdf"],
    }


def test_the_patterns_suggested_for_a_records_files(docs: Path) -> None:
    _secret_at_the_root(docs)
    secret = _by_path(_records(docs))["secret.md"]
    assert guard.patterns_for(secret, ["secret.pdf"]) == "`/secret.*`"
    assert guard.patterns_for(secret, ["secret.pdf", "secret/annex.md"]) == "`/secret.*` and `/secret/`"


def test_how_to_guard_says_what_to_write(docs: Path) -> None:
    _secret_at_the_root(docs)
    records = _by_path(_records(docs))
    brt, secret = records[f"{BRT}.md"], records["secret.md"]
    assert guard.how_to_guard(brt, True) == (
        "move it and its files under `agreements/`, or add `/agreements/` to `exclude_docs` in mkdocs.yml")
    assert guard.how_to_guard(brt, False, "site.yml") == (
        "add to site.yml `exclude_docs: |` with the lines /agreements/, /organizations/, /playbooks/, "
        "/retrospectives/ (as `accord init` writes it)")
    # Outside the record folders the whole guard would not cover it: its own name instead.
    assert guard.how_to_guard(secret, False) == (
        "move it and its files under `organizations/`, or add `/secret.*` and `/secret/` to `exclude_docs` in "
        "mkdocs.yml")


# Attachments: which files of the record folders are published ----------------------------------


def test_a_file_goes_out_with_the_record_it_belongs_to_and_stays_out_with_a_hidden_one() -> None:
    attachments = guard.Attachments([f"{MEALS}.md"], [f"{BRT}.md"])
    published = {rel: attachments.published(rel) for rel in (
        f"{MEALS}.pdf",  # a visible record's signed copy
        f"{MEALS}/annex.pdf",
        f"{BRT}.pdf",  # a hidden record's
        f"{BRT}.md.bak",
        f"{BRT}.annex.md",  # a Markdown page of a hidden record: out all the same
        f"{BRT}/annex.pdf",
        "agreements/notes.md",  # an author's page of no record
        "agreements/logo.png",  # a file of no record: held back, and reported
        "guide/setup.md",  # outside the record folders
        f"assets/{BRT.split('/')[1]}.pdf",  # outside, named like a hidden record but not beside it
    )}
    assert published == {
        f"{MEALS}.pdf": True, f"{MEALS}/annex.pdf": True,
        f"{BRT}.pdf": False, f"{BRT}.md.bak": False, f"{BRT}.annex.md": False, f"{BRT}/annex.pdf": False,
        "agreements/notes.md": True, "agreements/logo.png": False, "guide/setup.md": True,
        "assets/northvale-bus-rapid-transit-ppp.pdf": True,
    }
    assert attachments.left_out == ["agreements/logo.png"]


def test_where_a_visible_and_a_hidden_record_claim_one_name_the_hidden_one_wins() -> None:
    attachments = guard.Attachments(["agreements/deal.md"], ["agreements/deal/index.md"])
    assert attachments.published("agreements/deal.pdf") is False
    assert attachments.published("agreements/deal/annex.pdf") is False
    assert attachments.owned_by_hidden("agreements/deal.pdf") is True


def test_a_file_of_a_hidden_record_outside_the_record_folders_is_its_own() -> None:
    attachments = guard.Attachments(["guide/public.md"], ["private/minutes.md"])
    assert attachments.published("private/minutes.pdf") is False
    assert attachments.published("private/minutes/notes.md") is False
    assert attachments.published("guide/public.pdf") is True
    assert attachments.left_out == []  # held back as a hidden record's, not reported


def test_files_of_no_record_are_named_only_to_the_restricted_audience() -> None:
    assert guard.Attachments.report([], "public") == []
    assert guard.Attachments.report(["agreements/logo.png"], "public") == [
        "1 file in the record folders belongs to no record and is not published; build for the restricted "
        "audience to see which, and keep shared files outside the record folders, e.g. in docs/assets/"]
    assert guard.Attachments.report(["agreements/a.png", "agreements/b.png"], "internal") == [
        "2 files in the record folders belong to no record and are not published; build for the restricted "
        "audience to see which, and keep shared files outside the record folders, e.g. in docs/assets/"]
    assert guard.Attachments.report(["agreements/a.png", "agreements/b.png"], "restricted") == [
        "agreements/a.png is not published: in the record folders, a file that is not a page goes out only with "
        "the record it belongs to (agreements/ID.pdf, agreements/ID/annex.pdf); keep shared files outside the "
        "record folders, e.g. in docs/assets/",
        "agreements/b.png is not published: in the record folders, a file that is not a page goes out only with "
        "the record it belongs to (agreements/ID.pdf, agreements/ID/annex.pdf); keep shared files outside the "
        "record folders, e.g. in docs/assets/"]


# hidden_files: decided per file, never per id ---------------------------------------------------


def test_the_public_audience_may_not_see_the_files_of_records_that_are_not_public(docs: Path) -> None:
    records = _records(docs)
    shown = Catalogue.build(records, "public").records
    assert sorted(guard.hidden_files(records, shown)) == NOT_PUBLIC
    assert guard.hidden_files(records, Catalogue.build(records, "restricted").records) == set()


def test_a_second_file_with_a_seen_records_id_and_a_broken_record_are_hidden(docs: Path) -> None:
    records = _records(docs)
    shown = dict(Catalogue.build(records, "restricted").records)
    moa = shown["northvale-digital-skills-moa"]
    shown["northvale-digital-skills-moa"] = shown["northvale-school-meals-mou-2023"]  # the id's file is another
    failed = [SimpleNamespace(rel_path="agreements/broken.md")]
    assert guard.hidden_files(records, shown, failed) == {moa.rel_path, "agreements/broken.md"}
