"""Control characters and line breaks in values (hardening, issue 11, items 14 and 15):
refused by `accord validate` (accord.format.source's `control-character`), each diagnostic on
one line whatever the value holds; never printed to a terminal by search, due or export, and
never part of a site name `accord init` writes."""

from __future__ import annotations

from pathlib import Path

from engines import quick_accord as accord
from sites import demo_project


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


def test_init_refuses_a_name_with_control_characters(tmp_path: Path) -> None:
    result = accord("init", "kb", "--name", "\x1b[31mred", cwd=tmp_path)
    assert result.returncode == 2 and "control character" in result.stderr
    assert not (tmp_path / "kb").exists()
