"""The one walk of a docs folder (accord.format.files.tree) under each reader's rules: validate's
(links refused, dot folders walked quietly for loops), the search index's (dot folders skipped,
links that stay inside followed) and `mkdocs serve`'s change stamps (every file, links not
followed, no judgement)."""

from __future__ import annotations

import os
from pathlib import Path

from accord.format.files import Refused, tree, walk
from accord.search.reading import scan


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    for name in ("index.md", "a/one.md", "a/b/two.md", "c/three.MD", "c/picture.png", ".hidden/h.md", ".dot.md"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("text")
    (tmp_path / "secret.md").write_text("outside")
    os.symlink(docs / "index.md", docs / "c" / "again.md")  # a link that stays inside
    os.symlink(tmp_path / "secret.md", docs / "out.md")  # a link that leaves
    os.symlink(docs / "nowhere.md", docs / "gone.md")  # a link to nothing
    os.symlink(docs, docs / "a" / "b" / "up")  # a loop
    os.symlink(docs, docs / ".hidden" / "loop")  # a loop in a dot folder
    return docs


def test_validate_refuses_every_link_and_looks_for_loops_in_dot_folders(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    walked = tree(docs)
    assert list(walked.files) == ["a/b/two.md", "a/one.md", "c/three.MD", "index.md"]
    assert [(item.rel_path, item.code) for item in walked.refused] == [
        (".hidden/loop/", "link-loop"), ("a/b/up", "link-loop"), ("c/again.md", "link-inside"),
        ("gone.md", "link-dangling"), ("out.md", "link-outside")]
    assert walk(docs).markdown == [Path(path) for path, _ in walked.files.values()]


def test_the_search_follows_links_inside_and_never_enters_dot_folders(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    walked = tree(docs, hidden="skip", links="inside")
    assert list(walked.files) == ["a/b/two.md", "a/one.md", "c/again.md", "c/three.MD", "index.md"]
    assert not any(item.rel_path.startswith(".") for item in walked.refused)
    found = scan(docs)
    assert list(found) == list(walked.files)
    assert found["c/again.md"][1].st_size == len("text")


def test_the_change_stamps_see_every_file_and_follow_no_link(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    skipped = tree(docs, hidden="skip", links="unfollowed", every_file=True)
    assert sorted(skipped.files) == ["a/b/two.md", "a/b/up", "a/one.md", "c/again.md", "c/picture.png",
                                     "c/three.MD", "index.md", "out.md"]  # a link to nothing has no stat
    included = tree(docs, hidden="include", links="unfollowed", every_file=True)
    assert {".dot.md", ".hidden/h.md", ".hidden/loop"} <= set(included.files)
    assert not skipped.refused and not included.refused


def test_a_docs_folder_that_cannot_be_read_is_refused_whole(tmp_path: Path) -> None:
    walked = tree(tmp_path / "missing")
    assert not walked.files
    assert [(item.rel_path, item.code, item.folder) for item in walked.refused] == [("", "unreadable", True)]
    assert isinstance(walked.refused[0], Refused)
