"""Each record page's changes from Git, in the record's own terms, for one audience
(accord.site.changes): real repositories in temporary folders, built as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from accord.catalogue import Audience, Catalogue
from accord.format.loading import load
from accord.site.changes import amendment_changes
from conftest import DEMO_DOCS
from sites import ZERO_CONFIG, build, text_of

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

PUBLIC = ZERO_CONFIG.replace("  - accord/records\n", "  - accord/records:\n      audience: public\n")

ORG = """\
---
id: {id}
type: organization
title: {title}
confidentiality: {level}
kind: ngo
---
"""

AGREEMENT = """\
---
id: river-mou
type: agreement
title: River clean-up memorandum
confidentiality: public
kind: mou
status: {status}
parties:
  - org: city-water
    role: lead
  - org: riverside-wardens
{extra_party}dates:
{signed}  effective: 2026-02-01
  expires: 2028-01-31
objectives:
  - id: volunteers
    statement: Recruit volunteers
    target: "10"
  - id: litter
    statement: Clear litter from the banks
    target: "{target}"
responsibilities:
  - activity: Run the clean-up days
    responsible: [city-water]
    accountable: city-water
{rows}---
Body.
"""

HIDDEN_PARTY = "  - org: larkspur-holdings\n"
NEW_ROW = """\
  - activity: Host and supervise the volunteers
    responsible: [riverside-wardens]
    accountable: city-water
"""


def git(root: Path, *args: str, day: int = 1) -> str:
    when = f"2026-03-{day:02d}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ana Ruiz", "GIT_AUTHOR_EMAIL": "ana@example.org",
           "GIT_COMMITTER_NAME": "Ana Ruiz", "GIT_COMMITTER_EMAIL": "ana@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=root,
                          env=env, capture_output=True, text=True, check=True).stdout


def write(root: Path, rel: str, text: str) -> None:
    path = root / "docs" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def agreement(status: str = "draft", target: str = "40", hidden_party: bool = False, row: bool = False) -> str:
    signed = "  signed: 2026-01-20\n" if status == "signed" else ""
    return AGREEMENT.format(status=status, target=target, extra_party=HIDDEN_PARTY if hidden_party else "",
                            signed=signed, rows=NEW_ROW if row else "")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base whose agreement was drafted with a party that is restricted, signed,
    re-targeted and given a RACI row; a restricted organisation changed in the same commit as
    the agreement; and a partner that was restricted, under another name, before it was public."""
    root = tmp_path_factory.mktemp("kb")
    (root / "mkdocs.yml").write_text(PUBLIC.format(name="History"), encoding="utf-8")
    write(root, "index.md", "# Home\n")
    write(root, "organizations/city-water.md", ORG.format(id="city-water", title="City Water", level="public"))
    write(root, "organizations/riverside-wardens.md",
          ORG.format(id="riverside-wardens", title="Operation Nightjar", level="restricted"))
    write(root, "organizations/larkspur-holdings.md",
          ORG.format(id="larkspur-holdings", title="Larkspur Holdings", level="restricted"))
    write(root, "agreements/river-mou.md", agreement(hidden_party=True))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Draft the river memorandum", day=1)
    write(root, "organizations/riverside-wardens.md",
          ORG.format(id="riverside-wardens", title="Riverside Wardens", level="public"))
    git(root, "commit", "-qam", "Publish the wardens", day=2)
    write(root, "agreements/river-mou.md", agreement("signed"))
    git(root, "commit", "-qam", "Sign the river memorandum", day=3)
    write(root, "agreements/river-mou.md", agreement("signed", target="50"))
    git(root, "commit", "-qam", "Raise the litter target", day=4)
    write(root, "agreements/river-mou.md", agreement("signed", target="50", row=True))
    write(root, "organizations/larkspur-holdings.md",
          ORG.format(id="larkspur-holdings", title="Larkspur Holdings", level="restricted").replace(
              "kind: ngo", "kind: business"))
    git(root, "commit", "-qam", "Wardens host volunteers", day=5)
    write(root, "agreements/river-mou.md", agreement("signed", target="50", row=True).replace("Body.", "Body, edited."))
    git(root, "commit", "-qam", "Tell Larkspur Holdings about the river memorandum", day=6)
    return root


@pytest.fixture(scope="module")
def public(repo: Path, tmp_path_factory: pytest.TempPathFactory):
    result = build(repo)
    assert result.returncode == 0, result.log
    return result


def changes(result, url: str) -> list[str]:
    page = result.page(url)
    return [text_of(li) for li in page.select(".accord-history-list > li")]


def test_commits_say_what_changed_in_the_record_s_terms(public) -> None:
    entries = changes(public, "agreements/river-mou")
    assert len(entries) == 5, entries  # newest first
    # A message that names a hidden record, or of a commit that changed one too, is left out, without a mark.
    assert entries[0] == "2026-03-06 · Ana Ruiz page text edited", entries[0]
    assert entries[1].startswith("2026-03-05 · Ana Ruiz responsibility added"), entries[1]
    assert ("responsibility added: Host and supervise the volunteers, R: Riverside Wardens, A: City Water"
            in entries[1])
    assert "objective 2 target: 40 → 50" in entries[2]
    assert "Raise the litter target" in entries[2]
    assert "status: Draft → Signed" in entries[3]
    assert "date signed: not set → 2026-01-20" in entries[3]
    # The restricted party the draft named, then dropped: left out, as the page leaves it out.
    assert "party removed" not in entries[3] and "not shown" not in " ".join(entries)
    assert entries[4] == "2026-03-01 · Ana Ruiz First version in Git.", entries[4]  # it added the hidden records too
    assert "withheld" not in " ".join(entries)
    last = text_of(public.page("agreements/river-mou").select_one(".accord-last-change"))
    assert last == "Last change: 2026-03-06 by Ana Ruiz"


def test_a_record_hidden_in_an_earlier_version_shows_nothing_of_it(public) -> None:
    entries = changes(public, "organizations/riverside-wardens")
    assert len(entries) == 1, entries
    assert "Publish the wardens" in entries[0]
    assert "Shown to the public audience from this version on; what changed before it is not shown." in entries[0]


def test_hidden_records_leave_no_trace_in_a_public_build(public) -> None:
    for path, text in public.text_files().items():
        for phrase in ("larkspur-holdings", "Larkspur Holdings", "larkspur", "Operation Nightjar", "Larkspur"):
            assert phrase not in text, f"{phrase!r} in {path}"


def test_the_internal_audience_still_withholds_restricted_names(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kb"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns("site"))
    (copy / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="History"), encoding="utf-8")
    result = build(copy)
    assert result.returncode == 0, result.log
    assert "Larkspur" not in (result.site / "agreements" / "river-mou" / "index.html").read_text()


def test_a_shallow_clone_says_so_and_warns(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)], check=True,
                   capture_output=True)
    result = build(clone, strict=False)
    assert result.returncode == 0, result.log
    assert "WARNING" in result.log and "shallow clone" in result.log, result.log
    page = result.page("agreements/river-mou")
    assert "shallow clone" in text_of(page.select_one(".accord-history-notice"))
    assert "oldest commit in this shallow copy" in text_of(page.select_one(".accord-last-change"))
    assert build(clone).returncode != 0  # --strict stops it: a build server should fetch the whole history


def test_without_git_the_page_says_file_date_and_strict_builds_pass(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root).mkdir()
    (root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Plain"), encoding="utf-8")
    write(root, "index.md", "# Home\n")
    write(root, "organizations/city-water.md", ORG.format(id="city-water", title="City Water", level="public"))
    write(root, "organizations/riverside-wardens.md",
          ORG.format(id="riverside-wardens", title="Riverside Wardens", level="public"))
    write(root, "agreements/river-mou.md", agreement())
    result = build(root)
    assert result.returncode == 0, result.log
    assert "not in a Git repository" in result.log
    page = result.page("agreements/river-mou")
    assert "(file date, not from Git)" in text_of(page.select_one(".accord-last-change"))
    assert "not in a Git repository" in text_of(page.select_one(".accord-history-notice"))
    assert not page.select(".accord-history-list")


def test_history_off_and_edit_links(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kb"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns("site"))
    config = PUBLIC.format(name="History").replace("theme:\n  name: material\n", (
        "repo_url: https://github.com/example/partnerships\nedit_uri: edit/main/docs/\n"
        "theme:\n  name: material\n  features:\n    - content.action.edit\n"))
    (copy / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build(copy)
    assert result.returncode == 0, result.log
    page = result.page("agreements/river-mou")
    edit = "https://github.com/example/partnerships/edit/main/docs/agreements/river-mou.md"
    assert page.select_one("a.accord-edit")["href"] == edit
    assert page.select_one("a.md-content__button[rel=edit]")["href"] == edit  # the theme's button too
    register = result.page("agreements")  # a generated page has no source to edit
    assert not register.select("a[rel=edit]")
    assert result.page("").select("a[rel=edit]")  # the author's own home page has
    (copy / "mkdocs.yml").write_text(config.replace("  - accord/pages\n", "  - accord/pages:\n      history: false\n"),
                                     encoding="utf-8")
    off = build(copy)
    assert off.returncode == 0, off.log
    assert not off.page("agreements/river-mou").select(".accord-history")


def test_an_amendment_says_what_it_changes_in_the_agreement_it_amends() -> None:
    catalogue = Catalogue.build(load(DEMO_DOCS).records, Audience.PUBLIC)
    said = amendment_changes(catalogue, catalogue.records["riverside-flood-resilience-grant-amendment-1"])
    sensor = "objective “Install a network of river and drain level sensors covering the Riverside catchment”"
    assert f"{sensor} due: 2027-01-31 → 2027-06-30" in said
    assert any(s.startswith("objective added: Confirm every partner's co-funding") for s in said)
    assert any(s.startswith("responsibility added: Run the second sensor procurement lot, R: ") for s in said)
    assert any(s.startswith("resource added: 60,000 EUR funding from Interregional Resilience Fund") for s in said)
    assert not any("removed" in s for s in said)  # what an amendment does not repeat stands
    assert amendment_changes(catalogue, catalogue.records["riverside-flood-resilience-grant"]) == []


def test_messages_and_values_are_text(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    (root / "mkdocs.yml").write_text(ZERO_CONFIG.format(name="Text"), encoding="utf-8")
    write(root, "index.md", "# Home\n")
    write(root, "organizations/city-water.md", ORG.format(id="city-water", title="City Water", level="public"))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "First", day=1)
    write(root, "organizations/city-water.md",
          ORG.format(id="city-water", title='"City <img src=x onerror=alert(1)> **Water**"', level="public"))
    git(root, "commit", "-qam", "Rename <script>alert(1)</script> [x](javascript:alert(1))", day=2)
    result = build(root)
    assert result.returncode == 0, result.log
    html = (result.site / "organizations" / "city-water" / "index.html").read_text()
    history = html[html.index('class="accord-history"'):]
    assert "<script>alert" not in history and "<img src=x" not in history and 'href="javascript' not in history
    assert "Rename &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))" in history
    assert "title: City Water → City &lt;img src=x onerror=alert(1)&gt; **Water**" in history


def test_a_record_not_yet_committed_is_dated_by_its_file_and_strict_builds_pass(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kb"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns("site"))
    write(copy, "organizations/new-partner.md", ORG.format(id="new-partner", title="New Partner", level="public"))
    result = build(copy)  # --strict: an author's new record is no fault of the site
    assert result.returncode == 0, result.log
    assert "1 record not yet committed to Git" in result.log
    page = result.page("organizations/new-partner")
    assert "(file date, not from Git)" in text_of(page.select_one(".accord-last-change"))
    assert "has not been committed to Git yet" in text_of(page.select_one(".accord-history-notice"))


def test_a_field_without_words_of_its_own_is_said_by_its_values() -> None:
    from accord.site.changes import Differ

    records = {record.id: record for record in load(DEMO_DOCS).records}
    catalogue = Catalogue.build(list(records.values()), Audience.PUBLIC)
    signed = records["northvale-school-meals-mou-2025"].agreement
    assert signed.signed_copy is not None
    said = Differ(catalogue, str).changes(signed.model_copy(update={"signed_copy": None}), signed)
    assert said == [f"signed copy: not set → file {signed.signed_copy.file}, sha256 {signed.signed_copy.sha256}"]


def test_a_digest_in_a_change_is_shortened_as_the_page_shows_it() -> None:
    """A signed copy's SHA-256 whole is one 64-letter word, broken mid-word on a phone."""
    from accord.site.changes import shorten

    digest = "f51bd66212dadb0bf5a49bf8911cc0206382ce6e7ee1f5a76b6ab758c8e5f894"
    assert shorten(f"file river-mou.pdf, sha256 {digest}", 200) == "file river-mou.pdf, sha256 f51bd662…c8e5f894"


def _leaky(root: Path) -> None:
    """The commits a red team made to a knowledge base for its public build (one a day from
    2026-03-01): messages naming hidden records by a codename or a short name, by a record
    since deleted, or beside a hidden file Git would quote; changes about hidden records only;
    an earlier value naming one."""
    (root / "mkdocs.yml").write_text(PUBLIC.format(name="Leaks"), encoding="utf-8")
    write(root, "index.md", "# Home\n")
    write(root, "organizations/city-water.md", ORG.format(id="city-water", title="City Water Holdings",
                                                          level="public"))
    write(root, "organizations/riverside-wardens.md",
          ORG.format(id="riverside-wardens", title="Riverside Wardens", level="public"))
    write(root, "organizations/larkspur-holdings.md",
          ORG.format(id="larkspur-holdings", title="\"Project Larkspur: confidential settlement\"", level="restricted"))
    write(root, "organizations/cobalt-health-analytics.md",
          ORG.format(id="cobalt-health-analytics", title="Cobalt Health Analytics", level="internal"))
    write(root, "organizations/kestrel-data.md", ORG.format(id="kestrel-data", title="Kestrel Data", level="internal"))
    mou = "agreements/river-mou.md"
    write(root, mou, agreement(target="40"))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Initial knowledge base", day=1)

    def commit(message: str, day: int, text: str, *extra: str) -> None:
        write(root, mou, text)
        git(root, "add", f"docs/{mou}", *extra)
        git(root, "commit", "-qm", message, day=day)

    commit("Larkspur follow-up: litter target", 2, agreement(target="41"))
    commit("Cobalt's request: litter target", 3, agreement(target="42"))
    commit("Holdings asked for this", 4, agreement(target="43"))  # a word of a visible record's title too
    write(root, "agreements/project-osprey.md", AGREEMENT.replace("river-mou", "project-osprey").replace(
        "confidentiality: public", "confidentiality: restricted").format(
        status="draft", target="1", extra_party="", signed="", rows=""))
    git(root, "add", ".")
    git(root, "commit", "-qm", "Add a record", day=5)
    git(root, "rm", "-q", "docs/agreements/project-osprey.md")
    git(root, "commit", "-qm", "Drop a record", day=6)
    commit("Litter target per the Osprey terms", 7, agreement(target="44"))  # a record since deleted
    parties = agreement(target="44", hidden_party=True).replace(
        HIDDEN_PARTY, HIDDEN_PARTY + "  - org: cobalt-health-analytics\n")
    commit("Update parties", 8, parties)  # hidden parties
    consulted = parties.replace(
        "    responsible: [city-water]\n", "    responsible: [city-water]\n    consulted: [cobalt-health-analytics]\n")
    commit("Consult the analysts", 9, consulted)  # a hidden organisation in a RACI row
    commit("Volunteers and litter", 10, consulted.replace("Recruit volunteers", "Recruit volunteers for Larkspur")
           .replace('"44"', '"45"'))  # an earlier value naming a hidden record
    commit("Volunteers and litter again", 11, consulted.replace('"44"', '"46"'))
    commit("Volunteers: new wording", 12, consulted.replace('"44"', '"46"').replace(
        "Recruit volunteers", "Recruit volunteers with Kestrel"))  # a value the page shows now
    write(root, 'organizations/larkspur-holdings/scan "v2".pdf', "%PDF-1.4\n")
    commit("Routine update", 13, consulted.replace('"44"', '"47"').replace(
        "Recruit volunteers", "Recruit volunteers with Kestrel"), "docs/organizations")  # a name Git would quote


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict]:
    root = tmp_path_factory.mktemp("leaky")
    _leaky(root)
    result = build(root)
    assert result.returncode == 0, result.log
    return root, changes(result, "agreements/river-mou"), result.text_files()


def test_a_message_naming_a_hidden_record_by_any_distinctive_word_is_left_out(leaky) -> None:
    _, entries, _ = leaky
    said = {entry[:10]: entry for entry in entries}
    assert said["2026-03-02"] == "2026-03-02 · Ana Ruiz objective 2 target: 40 → 41"  # "Larkspur"
    assert said["2026-03-03"] == "2026-03-03 · Ana Ruiz objective 2 target: 41 → 42"  # "Cobalt's"
    assert said["2026-03-04"] == "2026-03-04 · Ana Ruiz · Holdings asked for this objective 2 target: 42 → 43"
    assert said["2026-03-07"] == "2026-03-07 · Ana Ruiz objective 2 target: 43 → 44"  # a deleted record's name
    assert said["2026-03-13"] == "2026-03-13 · Ana Ruiz objective 2 target: 46 → 47"  # it added a hidden file


def test_a_change_only_about_hidden_records_is_not_listed_and_withheld_values_leave_no_mark(leaky) -> None:
    _, entries, files = leaky
    days = [entry[:10] for entry in entries]
    assert "2026-03-08" not in days and "2026-03-09" not in days, entries  # a hidden party; a hidden RACI org
    said = {entry[:10]: entry for entry in entries}
    assert said["2026-03-10"] == "2026-03-10 · Ana Ruiz · Volunteers and litter objective 2 target: 44 → 45"
    assert said["2026-03-11"] == "2026-03-11 · Ana Ruiz · Volunteers and litter again objective 2 target: 45 → 46"
    # The value the page shows now is not withheld.
    assert said["2026-03-12"] == ("2026-03-12 · Ana Ruiz · Volunteers: new wording objective 1 statement: "
                                  "Recruit volunteers → Recruit volunteers with Kestrel")
    for entry in entries:
        for mark in ("withheld", "not shown", "changed", "layout of the file only"):
            assert mark not in entry, entry
    for path, text in files.items():
        for word in ("larkspur", "cobalt", "osprey"):
            assert word not in text.lower(), f"{word!r} in {path}"


def test_commit_messages_can_be_turned_off(leaky) -> None:
    from accord.site.changes import page_history

    root, _, _ = leaky
    catalogue = Catalogue.build(load(root / "docs").records, Audience.PUBLIC)
    record = catalogue.records["river-mou"]
    shown = page_history(root / "docs", catalogue)(record).entries
    assert any(entry.message for entry in shown)
    off = page_history(root / "docs", catalogue, messages=False)(record).entries
    assert [entry.sentences for entry in off] == [entry.sentences for entry in shown]
    assert all(entry.message is None for entry in off)


def test_the_log_reads_every_path_as_it_is(tmp_path: Path) -> None:
    from accord.site.history import read_log

    root = tmp_path / "kb"
    names = ['agreements/a "b".pdf', "agreements/back\\slash.md", "agreements/tab\there.md",
             "agreements/new\nline.md", "agreements/ünïcode.md", "agreements/:colon.md"]
    for name in names:
        write(root, name, "x\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", ": a subject\x1fthat looks odd", day=1)
    log = read_log(root / "docs")
    assert sorted(log.changes) == sorted(names)
    assert log.changes[names[0]][0].commit.subject == ": a subject\x1fthat looks odd"


def test_commit_messages_false_in_mkdocs_yml_shows_no_message(leaky, tmp_path: Path) -> None:
    """The option, as a team sets it in mkdocs.yml, reaches the pages (and `accord render`)."""
    import shutil

    root, entries, _ = leaky
    assert any("Volunteers: new wording" in entry for entry in entries)
    copy = tmp_path / "kb"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site"))
    config = (copy / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - accord/pages\n" in config
    (copy / "mkdocs.yml").write_text(config.replace("  - accord/pages\n",
                                                    "  - accord/pages:\n      commit_messages: false\n"),
                                     encoding="utf-8")
    result = build(copy)
    assert result.returncode == 0, result.log
    quiet = changes(result, "agreements/river-mou")
    assert len(quiet) == len(entries) and not any("Volunteers: new wording" in entry for entry in quiet)
