"""accord.format.files: files no engine can safely read (hardening, issue 11, items 3, 6, 7,
10, 11, 12): a link out of the docs folder, to another record, nowhere or round in a loop, a
FIFO, a name that is not UTF-8, a file too large to be a page, a folder that cannot be read.
`accord validate` names each and the build stops with the same line; search keeps working
beside them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engines import quick_accord as accord
from sites import demo_project

CANARY = "zzcanary"


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
