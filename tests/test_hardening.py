"""Hardening (issue 11): every road in fails closed, and nothing valid breaks the build.
Each test reproduces one class of hostile input; leaks are checked in a public build, in
every file, gzip included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.format.source import read_source
from sites import build, demo_project

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
CANARY = "zzcanary"
HIDDEN = f"""\
---
id: {CANARY}-deal
type: agreement
title: Zzcanary settlement
kind: mou
status: draft
confidentiality: restricted
parties:
  - org: northvale-university
  - org: northvale-hospital-trust
---
The {CANARY} body.
"""


def public_build(root: Path) -> tuple[int, str, str]:
    """A public build; its log, and the text of every file it wrote (gzip decompressed)."""
    result = build(root, env={**EPOCH, "ACCORD_AUDIENCE": "public"}, strict=False)
    return result.returncode, result.log, "".join(result.text_files().values()) if result.site.exists() else ""


def accord(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "accord", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, **EPOCH})


# 1. Front matter the parser does not see ----------------------------------------------------

PREFIXES = ["\n", "  \n", "\r\n", "\ufeff\ufeff", "<!-- draft -->\n", "# notes\n", "\n\n\n", " ", "\t\n"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=4).map("".join),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
)
def test_a_hidden_record_behind_any_prefix_is_a_record_or_an_error(prefix: str, ending: str, bom: bool) -> None:
    text = ("\ufeff" if bom else "") + prefix + HIDDEN.replace("\n", ending)
    source = read_source(text.encode("utf-8"), "x.md", "agreements/x.md")
    # Never an ordinary page: either read as the restricted record it is, or refused.
    assert source.is_record
    if not source.diagnostics:
        assert source.data is not None and source.data["confidentiality"] == "restricted"


def test_record_fields_outside_front_matter_are_refused_and_never_published(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    docs = root / "docs"
    variants = {
        "agreements/blank-line.md": "\n" + HIDDEN,
        "agreements/comment.md": "<!-- note -->\n" + HIDDEN,
        "agreements/no-dashes.md": HIDDEN.replace("---\n", ""),
        "agreements/crlf.md": ("\n" + HIDDEN).replace("\n", "\r\n"),
        "agreements/second-block.md": "---\ntitle: Notes\n---\n\n" + HIDDEN,
    }
    for number, (rel, text) in enumerate(variants.items()):
        (docs / rel).write_text(text.replace(f"{CANARY}-deal", f"{CANARY}-deal-{number}"), newline="")
    result = accord("validate", "--strict", cwd=root)
    assert result.returncode == 1
    for rel in variants:
        assert f"docs/{rel}:" in result.stdout and "frontmatter-misplaced" in result.stdout, rel
    code, log, text = public_build(root)
    # Refused, and the public build names none of them (issue 20): validate lists them.
    assert code != 0 and "errors this audience may not be shown: run `accord validate`" in log
    assert "frontmatter-misplaced" not in log and CANARY not in log.lower()
    assert CANARY not in text.lower()


@pytest.mark.parametrize("text", [
    "---\ntype:agreement\nconfidentiality:restricted\n---\n\nbody\n",  # a YAML string, not a mapping
    "  ---\n  type: agreement\n  confidentiality: restricted\n  ---\n\nbody\n",  # indented
    "\t---\n\ttype: agreement\n\tconfidentiality: restricted\n\t---\n",  # indented with tabs
    '+++\ntype = "agreement"\nconfidentiality = "restricted"\n+++\n\nbody\n',  # TOML
    "---\n- type: agreement\n  confidentiality: restricted\n---\n",  # a list
    "---\ntype:\u00a0agreement\nconfidentiality:\u00a0restricted\n---\n",  # no-break spaces
    "---\ntype: agreement\nconfidentiality: restricted\n",  # never closed, type aside
    "---\ntitle: Notes\nconfidentiality: internal\n---\n",  # no record type at all
    "---\ntype: contract\ntitle: Secret\nconfidentiality: restricted\n---\n",  # not a record type
    "---\ntyp: agreement\nconfidentiality: restricted\n---\n",  # `type` misspelt
])
def test_front_matter_that_would_print_or_go_unhonoured_is_refused(text: str) -> None:
    source = read_source(text.encode(), "s.md", "agreements/s.md")
    assert source.is_record and {d.code for d in source.diagnostics} <= {
        "frontmatter-misplaced", "confidentiality-without-type", "frontmatter-unclosed", "unknown-type"}
    assert source.diagnostics


def test_public_or_plain_pages_stay_ordinary() -> None:
    for text in ("---\ntitle: About\nconfidentiality: public\n---\nHello\n",
                 "---\nSome words between rules\n---\n\nText.\n",
                 "# Guide\n\n    confidentiality: public\n"):
        source = read_source(text.encode(), "p.md", "p.md")
        assert not source.is_record and not source.diagnostics, text


def test_examples_in_code_blocks_are_not_front_matter() -> None:
    page = "# Guide\n\n```yaml\n---\ntype: agreement\nconfidentiality: public\n---\n```\n\n    type: agreement\n"
    source = read_source(page.encode(), "guide.md", "guide.md")
    assert not source.is_record and not source.diagnostics


@pytest.mark.parametrize("text", ["A page.\n\n---\n\nMore text after a rule.\n", "Type: the kind of thing.\n"])
def test_ordinary_pages_stay_ordinary(text: str) -> None:
    source = read_source(text.encode(), "page.md", "page.md")
    assert not source.is_record and not source.diagnostics


# 2. Links to hidden records, in every form Markdown reads ----------------------------------

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


# 3, 6, 7, 10, 11, 12. Files no engine can safely read ------------------------------------


def _refused(root: Path, code: str, where: str) -> None:
    """`accord validate` names the file; the build stops at once, with the same line."""
    result = accord("validate", cwd=root)
    assert result.returncode == 1, result.stdout
    assert f"{where}:1:1: error: {code}:" in result.stdout, result.stdout
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(root / "site")], cwd=root,
                           capture_output=True, text=True, timeout=60, check=False,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 1 and f"error: {code}:" in built.stderr and "Traceback" not in built.stderr


def test_a_link_out_of_the_docs_folder_is_refused(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    (tmp_path / "secret.txt").write_text(f"{CANARY} outside")
    (root / "docs" / "organizations" / "os.md").symlink_to(tmp_path / "secret.txt")
    _refused(root, "link-outside", "docs/organizations/os.md")
    assert not (root / "site").exists() or CANARY not in "".join(
        p.read_text(errors="replace") for p in (root / "site").rglob("*") if p.is_file())


@pytest.mark.parametrize("links", [["l1", "l2"], ["organizations/loop"], ["a/b/up"]])
def test_linked_folders_that_loop_are_refused_without_a_hang(tmp_path: Path, links: list[str]) -> None:
    root = demo_project(tmp_path)
    for link in links:
        path = root / "docs" / link
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(root / "docs" if link != "a/b/up" else root / "docs" / "a")
    _refused(root, "link-loop", f"docs/{links[0]}")
    assert "duplicate-id" not in accord("validate", cwd=root).stdout


def test_a_name_that_is_not_utf8_is_refused_and_search_still_works(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    source = root / "docs" / "organizations" / "greenway-transit.md"
    os.rename(source, os.path.join(os.fsencode(source.parent), b"bad\xff.md"))
    _refused(root, "file-name", "docs/organizations/bad\\xff.md")
    search = accord("search", "transit", cwd=root)
    assert search.returncode == 0 and "internal error" not in search.stderr, search.stderr


def test_dangling_links_and_fifos_are_refused(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    (root / "docs" / "gone.md").symlink_to(root / "docs" / "nowhere.md")
    _refused(root, "link-dangling", "docs/gone.md")
    (root / "docs" / "gone.md").unlink()
    os.mkfifo(root / "docs" / "pipe.md")
    _refused(root, "not-a-file", "docs/pipe.md")


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    with open(root / "docs" / "huge.md", "wb") as handle:  # sparse: 3 GB that take no disk
        handle.truncate(3 * 1024**3)
    _refused(root, "file-size", "docs/huge.md")


def test_unknown_icons_and_templates_are_caught_by_validate(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    record = root / "docs" / "organizations" / "greenway-transit.md"
    record.write_text(record.read_text().replace("title: Greenway Transit Ltd",
                                                 "title: Greenway Transit Ltd\nicon: material/handshak"))
    result = accord("validate", cwd=root)
    assert ("unknown-icon: the theme has no icon `material/handshak`; did you mean `material/handshake`?"
            in result.stdout)
    record.write_text(record.read_text().replace("icon: material/handshak", "template: nonexistent.html"))
    assert "unknown-template" in accord("validate", cwd=root).stdout
    built = build(root, strict=False)
    assert built.returncode == 1 and "unknown-template" in built.log and "Traceback" not in built.log


def test_an_unreadable_folder_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.format import files
    from accord.format.loading import load

    root = demo_project(tmp_path)
    real = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith("playbooks"):
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(files.os, "scandir", scandir)
    result = load(root / "docs")
    unreadable = [d for d in result.errors if d.code == "unreadable"]
    assert len(unreadable) == 1
    assert "playbooks" in unreadable[0].path and "Permission denied" in unreadable[0].message


# 14, 15. Control characters and line breaks in values ----------------------------------------


def test_escaped_control_characters_are_refused_and_diagnostics_stay_on_one_line(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    record = root / "docs" / "organizations" / "greenway-transit.md"
    text = record.read_text()
    record.write_text(text.replace("title: Greenway Transit Ltd", 'title: "Greenway \\e]0;owned\\a Transit"')
                      .replace("kind: business", 'kind: "business\\n::error file=x.md::injected"'))
    result = accord("validate", cwd=root)
    assert result.returncode == 1
    assert "control-character" in result.stdout and "U+001B" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert not [line for line in result.stdout.splitlines() if line.startswith("::")]
    github = accord("validate", "--format", "github", cwd=root).stdout
    assert all(line.startswith("::") for line in github.splitlines()[:-1])
    due = accord("due", cwd=root)
    assert due.returncode == 1 and "\x1b" not in due.stdout + due.stderr
    export = accord("export", "agreements", "-o", str(tmp_path / "a.csv"), cwd=root)
    assert export.returncode == 1 and not (tmp_path / "a.csv").exists()


def test_control_characters_in_a_body_never_reach_a_search_snippet(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    record = root / "docs" / "organizations" / "greenway-transit.md"
    record.write_text(record.read_text() + "\nZzterminal \x1b]0;owned\x07 escape.\n")
    result = accord("search", "zzterminal", cwd=root)
    assert result.returncode == 0 and "Greenway" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


# 16. The site name ---------------------------------------------------------------------------


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


# 4, 5, 9. The audience, playbooks, exports ---------------------------------------------------


def test_export_refuses_what_is_not_a_regular_file_and_reports_a_full_disk(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "kb")
    os.mkfifo(tmp_path / "pipe.csv")
    for target in (tmp_path / "pipe.csv", Path("/dev/null"), tmp_path):
        result = accord("export", "agreements", "-o", str(target), cwd=root)
        assert result.returncode == 2 and ("not a regular file" in result.stderr or "is a directory" in result.stderr)
    assert (tmp_path / "pipe.csv").exists() and not (tmp_path / "pipe.csv").is_file()
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "accord", "export", "agreements"], cwd=root, stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    assert result.returncode == 74 and "No space left on device" in result.stderr
    assert "internal error" not in result.stderr
    kept = tmp_path / "kept.csv"
    kept.write_text("old")
    kept.chmod(0o600)
    assert accord("export", "agreements", "-o", str(kept), cwd=root).returncode == 0
    assert kept.stat().st_mode & 0o777 == 0o600 and kept.read_text() != "old"


# 13. Diagrams ---------------------------------------------------------------------------------


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


# 8. A damaged search index is rebuilt, not believed ------------------------------------------


def _answers(root: Path) -> tuple[str, str]:
    search = accord("search", "data sharing consent", "--json", cwd=root)
    assert search.returncode == 0, search.stderr
    lessons = accord("lessons-for", "docs/agreements/community-health-workers-moa.md", "--json", cwd=root)
    assert lessons.returncode == 0, lessons.stderr
    return json.dumps(json.loads(search.stdout)["results"]), lessons.stdout


def _damages(generation: Path) -> dict[str, object]:
    whoosh = generation / "whoosh"
    length = next(whoosh.glob("*_text_len.col"))
    return {
        "truncate _text_len.col": lambda: length.write_bytes(length.read_bytes()[:-3]),
        "flip a byte in the postings": lambda: _flip(next(whoosh.glob("*.pst"))),
        "delete the terms": lambda: next(whoosh.glob("*.trm")).unlink(),
        "garbage advice.npz": lambda: (generation / "advice.npz").write_bytes(b"PK\x03\x04 not a zip"),
        "flip a byte in advice.npz": lambda: _flip(generation / "advice.npz"),
        "truncate a lesson shard": lambda: _truncate_any(generation / "lessons"),
        "empty files.json": lambda: (generation / "files.json").write_text(""),
        "words.json not JSON": lambda: (generation / "words.json").write_text("[\"broken"),
    }


def _flip(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def _truncate_any(folder: Path) -> None:
    shard = max(folder.glob("*.json"), key=lambda p: p.stat().st_size)
    shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])


def test_every_damage_to_the_index_is_repaired_on_the_next_run(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    expected = _answers(root)
    home = root / ".accord" / "index" / "internal"
    names = list(_damages(home / (home / "CURRENT").read_text().strip()))
    for name in names:
        generation = home / (home / "CURRENT").read_text().strip()
        _damages(generation)[name]()  # type: ignore[operator]
        assert _answers(root) == expected, name
        assert _answers(root) == expected, name  # and it stays repaired


def test_orphaned_generations_are_cleared(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    _answers(root)
    home = root / ".accord" / "index" / "internal"
    for number in range(3):
        orphan = home / f"g-orphan{number}"
        (orphan / "whoosh").mkdir(parents=True)
        (orphan / "whoosh" / "big.pst").write_bytes(b"x" * 1000)
        os.utime(orphan, (0, 0))  # left by a run killed long ago
    fresh = home / "g-running"
    fresh.mkdir()  # a rebuild in progress right now: kept
    _answers(root)
    left = sorted(p.name for p in home.iterdir() if p.name.startswith("g-"))
    assert [name for name in left if "orphan" in name] == [] and "g-running" in left


def test_export_onto_a_read_only_filesystem_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from accord.commands.cli import main

    root = demo_project(tmp_path / "kb")

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(Path, "write_text", read_only)
    monkeypatch.setattr(Path, "unlink", read_only)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["export", "agreements", "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.output and "Read-only file system" in result.output
    assert not (tmp_path / "out.csv").exists()


def test_search_works_beside_a_file_too_large_to_read(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    with open(root / "docs" / "huge.md", "wb") as handle:
        handle.truncate(3 * 1024**3)
    result = accord("search", "consent", cwd=root)
    assert result.returncode == 0 and "consent" in result.stdout.lower(), result.stderr


# Variants found by a second red-team pass ----------------------------------------------------


@pytest.mark.parametrize("name", ["guide/notes.txt", "agreements/northvale-digital-skills-moa.pdf", "guide/x.html"])
def test_a_link_to_a_hidden_record_under_any_name_is_refused(tmp_path: Path, name: str) -> None:
    root = demo_project(tmp_path)
    link = root / "docs" / name
    link.symlink_to(root / "docs" / "agreements" / "project-larkspur-settlement-negotiation.md")
    _refused(root, "link-inside", f"docs/{name}")


def test_export_never_goes_where_the_theme_publishes(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (root / "overrides").mkdir()
    result = accord("export", "agreements", "-o", "overrides/agreements.csv", cwd=root)
    assert result.returncode == 2 and "custom_dir" in result.stderr
    assert not (root / "overrides" / "agreements.csv").exists()
    to_stdout = accord("export", "agreements", "-o", "-", cwd=root)
    assert to_stdout.returncode == 0 and to_stdout.stdout.startswith("id,") and not (root / "-").exists()


def test_a_copy_that_keeps_size_and_time_is_still_read_again(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    found = accord("search", "digital skills bootcamps", "--json", "--audience", "public", cwd=root)
    assert "northvale-digital-skills-moa" in found.stdout
    record = root / "docs" / "agreements" / "northvale-digital-skills-moa.md"
    before = record.stat()
    text = record.read_text()
    changed = text.replace("confidentiality: public", "confidentiality: internal", 1)
    changed = changed.replace("agreement", "agreemen", 1) if len(changed) != len(text) else changed
    record.write_text(changed[: len(text)].ljust(len(text)))
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p or rsync -t leave it
    assert record.stat().st_size == before.st_size
    again = accord("search", "digital skills bootcamps", "--json", "--audience", "public", cwd=root)
    assert "northvale-digital-skills-moa" not in again.stdout


def test_a_disabled_pages_plugin_builds(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - accord/pages\n", "  - accord/pages:\n      enabled: false\n"))
    result = build(root, env=EPOCH, strict=False)
    assert result.returncode == 0 and "Traceback" not in result.log, result.log


def test_env_with_one_name_is_a_variable_as_mkdocs_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.site.config import Tagged, value

    monkeypatch.setenv("ACCORD_TEST_AUDIENCE", "public")
    assert value(Tagged("!ENV", ["ACCORD_TEST_AUDIENCE"])) == "public"
    assert value(Tagged("!ENV", ["ACCORD_TEST_UNSET"])) is None
    assert value(Tagged("!ENV", ["ACCORD_TEST_UNSET", "internal"])) == "internal"


def test_init_refuses_a_name_with_control_characters(tmp_path: Path) -> None:
    result = accord("init", "kb", "--name", "\x1b[31mred", cwd=tmp_path)
    assert result.returncode == 2 and "control character" in result.stderr
    assert not (tmp_path / "kb").exists()


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


def test_prose_that_mentions_confidentiality_is_left_alone(tmp_path: Path) -> None:
    for text in ("# Handling\n\nConfidentiality: internal by default, restricted when a party asks.\n",
                 "# Plain\n\n    confidentiality: restricted\n",
                 "# Kinds\n\nType: agreement or organisation, as the case may be.\n"):
        source = read_source(text.encode(), "guide/x.md", "guide/x.md")
        assert not source.diagnostics, text
    miscased = read_source(b"---\ntitle: Notes\nConfidentiality: restricted\n---\n# Board\n", "n.md", "n.md")
    assert [d.code for d in miscased.diagnostics] == ["confidentiality-without-type"]


def test_render_keeps_extension_options_written_as_a_mapping(tmp_path: Path) -> None:
    root = demo_project(tmp_path)
    config = root / "mkdocs.yml"
    text = config.read_text()
    start = text.index("markdown_extensions:")
    config.write_text(text[:start] + """markdown_extensions:
  admonition: {}
  attr_list: {}
  tables: {}
  pymdownx.tasklist:
    custom_checkbox: true
  toc:
    permalink: true
  pymdownx.superfences:
    custom_fences:
      - name: mermaid
        class: mermaid
        format: !!python/name:pymdownx.superfences.fence_code_format
""")
    assert build(root, env=EPOCH).returncode == 0
    out = tmp_path / "plain"
    assert accord("render", str(out), cwd=root).returncode == 0
    written = (out / "mkdocs.yml").read_text()
    assert "permalink: true" in written and "custom_checkbox: true" in written and "name: mermaid" in written
    assert (out / "docs" / "assets" / "accord" / "mermaid.min.js").is_file()
    assert build(out, env=EPOCH).returncode == 0
