"""`accord init`, `new --from-playbook`, `due`, `export`, the pre-commit hook and progress bars."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
import yaml
from click.testing import CliRunner

from accord.commands.cli import main
from conftest import DEMO_DOCS, REPO, KnowledgeBase, fill_placeholders, only_placeholders_left
from sites import build

EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22: the demo has one review overdue


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    old = Path.cwd()
    try:
        os.chdir(cwd)
        result = CliRunner().invoke(main, list(args), env=env)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(DEMO_DOCS, tmp_path / "docs")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


# accord init --------------------------------------------------------------------------------------


def test_init_makes_a_knowledge_base_that_validates_and_builds(tmp_path: Path) -> None:
    code, out, err = run("init", "kb", "--name", "Riverside Partnerships", cwd=tmp_path)
    assert code == 0, err
    kb = tmp_path / "kb"
    for name in ("mkdocs.yml", ".gitignore", "README.md", "docs/index.md"):
        assert (kb / name).is_file(), name
    for folder in ("agreements", "organizations", "playbooks", "retrospectives"):
        assert list((kb / "docs" / folder).glob("*.md")), folder
    config = (kb / "mkdocs.yml").read_text()
    assert "site_name: \"Riverside Partnerships\"" in config and "accord/records" in config
    assert ".accord/" in (kb / ".gitignore").read_text() and "site/" in (kb / ".gitignore").read_text()
    assert "accord due" in (kb / "README.md").read_text()
    assert "cd kb" in out and "mkdocs serve" in out
    code, out, _ = run("validate", "--strict", cwd=kb)
    assert code == 0, out


def test_init_refuses_a_folder_that_is_not_empty_and_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "README.md").write_text("our own notes\n")
    code, _, err = run("init", "kb", cwd=tmp_path)
    assert code == 2 and "is not empty" in err and "--force" in err
    assert not (tmp_path / "kb" / "mkdocs.yml").exists()
    code, out, err = run("init", "kb", "--force", cwd=tmp_path)
    assert code == 0, err
    assert "kept kb/README.md (already there)" in out
    assert (tmp_path / "kb" / "README.md").read_text() == "our own notes\n"
    assert (tmp_path / "kb" / "mkdocs.yml").is_file()
    (tmp_path / "file").write_text("x")
    code, _, err = run("init", "file", cwd=tmp_path)
    assert code == 2 and "is a file" in err


def test_from_init_to_a_published_site(tmp_path: Path) -> None:
    """A team's first hour: init, a new agreement from the playbook, validate, a strict build."""
    assert run("init", "kb", cwd=tmp_path)[0] == 0
    kb = tmp_path / "kb"
    code, out, err = run("new", "agreement", "volunteering-2027", "--title", "Volunteering 2027",
                         "--party", "example-city-council", "--party", "example-community-trust",
                         "--from-playbook", "example-partnership-playbook", cwd=kb)
    assert code == 0, err
    code, out, _ = run("validate", "--strict", cwd=kb)
    assert code == 1 and only_placeholders_left(out), out  # the scaffold's sentences are the author's to write
    fill_placeholders(kb / "docs" / "agreements" / "volunteering-2027.md")
    code, out, _ = run("validate", "--strict", cwd=kb)
    assert code == 0, out
    result = build(kb)
    assert result.returncode == 0, result.log
    page = (result.site / "agreements" / "volunteering-2027" / "index.html").read_text()
    assert "Volunteering 2027" in page and "Lessons to consider" in page
    assert "Volunteers stayed when they had a named contact" in page  # the example retrospective's lesson


# accord new --from-playbook ------------------------------------------------------------------------


def test_new_agreement_from_a_playbook(demo: Path) -> None:
    code, _, err = run("new", "agreement", "hospital-dsa-2027", "--party", "northvale-hospital-trust",
                       "--party", "northvale-university", "--from-playbook", "health-data-sharing-playbook", cwd=demo)
    assert code == 0, err
    text = (demo / "docs" / "agreements" / "hospital-dsa-2027.md").read_text()
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["kind"] == "data-sharing" and front["sector"] == "health"
    assert front["tags"] == ["health", "data-sharing", "data-protection"]
    assert front["related"] == ["health-data-sharing-playbook"]
    assert [p["org"] for p in front["parties"]] == ["northvale-hospital-trust", "northvale-university"]
    comment = text[text.index("<!-- Checklist"):text.index("-->", text.index("<!-- Checklist"))]
    assert "### Scoping" in comment
    assert "- [ ] Start the data protection impact assessment (DPIA) now, not after signature." in comment
    assert run("validate", cwd=demo)[0] == 0


def test_new_agreement_from_a_restricted_playbook_is_restricted(demo: Path) -> None:
    playbook = demo / "docs" / "playbooks" / "health-data-sharing-playbook.md"
    playbook.write_text(playbook.read_text().replace("confidentiality: internal", "confidentiality: restricted")
                        .replace("confidentiality: public", "confidentiality: restricted"))
    code, _, err = run("new", "agreement", "hospital-dsa-2027", "--party", "northvale-hospital-trust",
                       "--party", "northvale-university", "--from-playbook", "health-data-sharing-playbook", cwd=demo)
    assert code == 0, err
    text = (demo / "docs" / "agreements" / "hospital-dsa-2027.md").read_text()
    assert yaml.safe_load(text.split("---\n")[1])["confidentiality"] == "restricted"
    assert "DPIA" in text  # the checklist came with it, and so did the playbook's confidentiality


def test_new_refuses_an_unknown_playbook_or_party(demo: Path) -> None:
    code, _, err = run("new", "agreement", "x", "--party", "northvale-hospital-trust", "--party",
                       "northvale-university", "--from-playbook", "health-playbok", cwd=demo)
    assert code == 2 and "not a playbook" in err and "health-data-sharing-playbook" in err
    code, _, err = run("new", "agreement", "x", "--party", "northvale-hospitl-trust", "--party",
                       "northvale-university", cwd=demo)
    assert code == 2 and "did you mean `northvale-hospital-trust`" in err
    code, _, err = run("new", "organization", "x", "--kind", "ngo", "--from-playbook",
                       "health-data-sharing-playbook", cwd=demo)
    assert code == 2 and "pre-fills an agreement" in err
    assert not (demo / "docs" / "agreements" / "x.md").exists()


# accord due ------------------------------------------------------------------------------------------


def test_due_lists_overdue_and_upcoming_and_exits_3(demo: Path) -> None:
    code, out, _ = run("due", cwd=demo, env=EPOCH)
    assert code == 3
    overdue, upcoming = out.split("\n\n")[:2]
    assert overdue.startswith("Overdue: 1")
    assert "Review of “Memorandum of understanding on school meals" in overdue
    assert "(Northvale Regional Government)" in overdue
    assert upcoming.startswith("Due in the next 90 days (to 2027-02-20):")
    dates = [line.strip() for line in upcoming.splitlines()[1:] if line.startswith("  2")]
    assert dates == sorted(dates) and all("2026-11-22" <= d <= "2027-02-20" for d in dates)
    code, out, _ = run("due", "--within", "12w", "--format", "json", cwd=demo, env=EPOCH)
    data = json.loads(out)
    assert code == 3 and data["within_days"] == 84 and len(data["overdue"]) == 1
    item = data["overdue"][0]
    assert {"date", "what", "agreement", "title", "responsible", "path", "url"} <= set(item)
    assert item["responsible"] == [{"id": "northvale-regional-government", "name": "Northvale Regional Government"}]


def test_due_exits_0_when_nothing_is_overdue(tmp_path: Path) -> None:
    run("init", "kb", cwd=tmp_path)
    code, out, _ = run("due", "--within", "1y", cwd=tmp_path / "kb")
    assert code == 0, out
    assert "Overdue: nothing" in out and "Objective “Recruit and keep active volunteers" in out


def test_due_as_a_calendar_is_the_sites_calendar(demo: Path) -> None:
    code, out, _ = run("due", "--format", "ics", cwd=demo, env=EPOCH)
    assert code == 3
    printed = icalendar.Calendar.from_ical(out.encode())
    site = build(demo, env=EPOCH)
    published = icalendar.Calendar.from_ical((site.site / "calendar.ics").read_bytes())
    uids = {str(event["uid"]) for event in printed.walk("VEVENT")}
    assert uids and uids == {str(event["uid"]) for event in published.walk("VEVENT")}


@pytest.mark.parametrize("window", ["3x", "tomorrow", "-5d", "99999d"])
def test_due_refuses_a_bad_window(demo: Path, window: str) -> None:
    code, _, err = run("due", "--within", window, cwd=demo)
    assert code == 2 and "--within" in err


# accord export ------------------------------------------------------------------------------------------


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_every_export_kind(demo: Path) -> None:
    for kind in ("agreements", "parties", "responsibilities", "objectives", "resources", "lessons"):
        code, out, err = run("export", kind, cwd=demo)
        assert code == 0, err
        assert rows_of(out), kind
    responsibilities = rows_of(run("export", "responsibilities", cwd=demo)[1])
    assert set(responsibilities[0]) == {"agreement", "agreement_title", "activity", "organization",
                                         "organization_name", "letter"}
    assert {row["letter"] for row in responsibilities} == {"R", "A", "C", "I"}
    one = [r for r in responsibilities if r["agreement"] == "northvale-hospital-university-data-sharing"
           and r["activity"] == responsibilities[0]["activity"]]
    assert sum(r["letter"] == "A" for r in one) <= 1
    agreements = rows_of(run("export", "agreements", cwd=demo)[1])
    signed = [row["signed"] for row in agreements if row["signed"]]
    assert signed and all(len(d) == 10 and d[4] == "-" for d in signed)  # ISO dates
    data = json.loads(run("export", "lessons", "--format", "json", cwd=demo)[1])
    assert data["export"] == "lessons" and data["audience"] == "internal"
    assert isinstance(data["rows"][0]["topics"], list)


def test_export_keeps_to_the_audience(demo: Path) -> None:
    internal = {row["id"] for row in rows_of(run("export", "agreements", cwd=demo)[1])}
    public = {row["id"] for row in rows_of(run("export", "agreements", "--audience", "public", cwd=demo)[1])}
    assert public < internal
    assert "northvale-hospital-university-data-sharing" in internal - public
    restricted = run("export", "parties", "--audience", "restricted", cwd=demo)[1]
    assert "project-larkspur" in restricted and "project-larkspur" not in run("export", "parties", cwd=demo)[1]


def test_export_neutralises_formulas(kb: KnowledgeBase) -> None:
    kb.edit("agreements/river-mou.md", "title: River clean-up MOU", "title: \"=HYPERLINK(\\\"http://x\\\")\"")
    kb.edit("agreements/river-mou.md", "  - activity: Monthly clean-up", "  - activity: \"@SUM(A1:A9)\"")
    kb.edit("organizations/river-trust.md", "title: River Trust", "title: \"+1 Trust\"")
    assert kb.validate().exit_code == 0
    agreements = rows_of(run("export", "agreements", "--docs-dir", str(kb.docs), cwd=kb.root)[1])
    assert agreements[0]["title"] == "'=HYPERLINK(\"http://x\")"
    assert agreements[0]["parties"] == "City Water Authority; +1 Trust"  # the cell starts with a letter: safe
    parties = rows_of(run("export", "parties", cwd=kb.root)[1])
    assert [row["organization_name"] for row in parties] == ["City Water Authority", "'+1 Trust"]
    responsibilities = rows_of(run("export", "responsibilities", cwd=kb.root)[1])
    assert all(row["activity"] == "'@SUM(A1:A9)" for row in responsibilities)
    resources = rows_of(run("export", "resources", cwd=kb.root)[1])
    assert resources[0]["amount"] == "25000.0"  # numbers stay numbers


def test_export_with_a_bom_to_a_file(demo: Path) -> None:
    target = demo / "parties.csv"
    code, _, err = run("export", "parties", "--bom", "-o", str(target), cwd=demo)
    assert code == 0, err
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert "Wrote" in err and "parties.csv" in err
    assert not list(demo.glob(".parties.csv.*"))  # no half-written file left behind
    code, _, err = run("export", "parties", "--format", "json", "--bom", cwd=demo)
    assert code == 2 and "--bom is for CSV only" in err
    code, _, err = run("export", "parties", "-o", str(demo / "missing" / "x.csv"), cwd=demo)
    assert code == 2 and "cannot write" in err


# In every author's workflow --------------------------------------------------------------------------------


def test_pre_commit_hook_runs_accord_validate() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "accord-validate")
    assert hook["entry"] == "accord validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    scripts = (REPO / "pyproject.toml").read_text()
    assert 'accord = "accord.commands.cli:run"' in scripts


def _corpus(root: Path, n: int) -> Path:
    sys.path.insert(0, str(REPO / "scripts"))
    from gen_corpus import generate

    generate(root / "docs", n, seed=1)
    (root / "mkdocs.yml").write_text("site_name: T\n")
    return root


def test_a_progress_bar_on_a_terminal_and_none_otherwise(tmp_path: Path) -> None:
    import pty

    root = _corpus(tmp_path, 260)
    command = [sys.executable, "-m", "accord", "validate"]
    plain = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert "Validating records" not in plain.stderr + plain.stdout and "\x1b[" not in plain.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=follower,
                               env={**os.environ, "TERM": "xterm", "COLUMNS": "100"})
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=120)
    os.close(leader)
    assert b"Validating records" in seen


def test_exports_of_an_empty_knowledge_base_have_their_headers(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for kind, first in (("agreements", "id,title,kind,status"), ("lessons", "address,title,impact"),
                        ("parties", "agreement,agreement_title,organization")):
        code, out, err = run("export", kind, "--docs-dir", str(tmp_path / "docs"), cwd=tmp_path)
        assert code == 0, err
        assert out.startswith(first) and len(out.splitlines()) == 1


def test_init_takes_any_name(tmp_path: Path) -> None:
    code, _, err = run("init", "kb", "--name", 'Our "best": <b>partners</b>\n# and more', cwd=tmp_path)
    assert code == 0, err
    config = yaml.safe_load((tmp_path / "kb" / "mkdocs.yml").read_text().split("theme:")[0])
    # The theme prints the site name unescaped, so mkdocs.yml holds it as HTML text.
    assert config["site_name"] == "Our &quot;best&quot;: &lt;b&gt;partners&lt;/b&gt; # and more"
    assert "&lt;b&gt;" in (tmp_path / "kb" / "docs" / "index.md").read_text()
    assert run("validate", "--strict", cwd=tmp_path / "kb")[0] == 0


def test_export_never_writes_into_the_docs_folder(demo: Path) -> None:
    record = demo / "docs" / "agreements" / "northvale-school-meals-mou-2025.md"
    before = record.read_bytes()
    for target in (record, demo / "docs" / "x.csv", demo / "mkdocs.yml"):
        code, _, err = run("export", "parties", "-o", str(target), cwd=demo)
        assert code == 2 and "inside the docs folder" in err
    assert record.read_bytes() == before and not (demo / "docs" / "x.csv").exists()


def test_init_into_a_dangling_link_says_so(tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere" / "deeper")
    code, _, err = run("init", "dangling", cwd=tmp_path)
    assert code != 0 or (tmp_path / "nowhere" / "deeper" / "mkdocs.yml").is_file(), err
