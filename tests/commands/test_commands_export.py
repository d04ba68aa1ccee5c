"""accord export (accord.commands.export) writes only where it should (hardening, issue 11,
items 4, 5, 9): never to a FIFO, a device or a folder, never where the theme publishes; a full
disk or a read-only file system is a message, and an existing file keeps its permissions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engines import quick_accord as accord
from sites import demo_project


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
