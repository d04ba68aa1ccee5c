"""Reading files in forked processes (accord.format.forked): the same answer as one process,
in the same order; a hostile file read by a worker still said on its line; a worker that
fails or dies said clearly, never a hang."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from accord.format import forked, loading
from conftest import KnowledgeBase

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forking is the point")

# Broken files of many kinds, each written over one of the generated records.
HOSTILE = {
    "tab": "---\nid: {id}\ntype: organization\ntitle: T\n\tkind: ngo\n---\n",
    "bytes": b"---\nid: {id}\ntype: organization\ntitle: \xff\xfe\nkind: ngo\n---\n",
    "unclosed": "---\nid: {id}\ntype: organization\ntitle: T\nkind: ngo\n\nbody\n",
    "deep": "---\nid: {id}\ntype: organization\ntitle: T\nkind: ngo\nx: " + "[" * 40 + "]" * 40 + "\n---\n",
    "alias": "---\nid: {id}\ntype: organization\ntitle: &a T\nkind: *a\n---\n",
    "escape": '---\nid: {id}\ntype: organization\ntitle: "a \\e b"\nkind: ngo\n---\n',
    "curly": "---\nid: {id}\ntype: organization\ntitle: “Quoted”\nkind: ngo\n---\n",
    "scaffold": "---\nid: {id}\ntype: organization\ntitle: T\nkind: ngo\nsummary: What the organisation does, "
                "in one sentence.\n---\n",
    "date": "---\nid: {id}\ntype: organization\ntitle: T\nkind: ngo\nreviewed: 2026-02-30\n---\n",
    "unknown": "---\nid: {id}\ntype: organisation\ntitle: T\n---\n",
    "duplicate": "---\nid: org-0001\ntype: organization\ntitle: T\nkind: ngo\n---\n",
}


def _many(kb: KnowledgeBase, count: int = 600) -> None:
    """`count` small organisations, every 50th broken in one of the ways above."""
    kinds = list(HOSTILE)
    for number in range(count):
        record_id = f"org-{number:04d}"
        text: str | bytes = (f"---\nid: {record_id}\ntype: organization\ntitle: Organisation {number}\n"
                             f"confidentiality: public\nkind: ngo\n---\nWhat it does.\n")
        if number % 50 == 7:
            broken = HOSTILE[kinds[(number // 50) % len(kinds)]]
            text = broken.replace(b"{id}", record_id.encode()) if isinstance(broken, bytes) \
                else broken.replace("{id}", record_id)
        kb.write(f"organizations/{record_id}.md", text)


def _answer(result: loading.LoadResult) -> tuple[object, ...]:
    return ([d.format_text() for d in result.diagnostics], [r.id for r in result.records],
            [r.model for r in result.records], result.invalid, result.pages, sorted(result.broken),
            [s.path for s in result.failed])


def test_the_same_answer_in_order_from_one_process_or_several(kb: KnowledgeBase,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _many(kb)
    monkeypatch.setattr(forked, "processes", lambda items: 1)
    alone = loading.load(kb.docs)
    monkeypatch.setattr(forked, "processes", lambda items: 3)
    shared = loading.load(kb.docs)
    assert _answer(shared) == _answer(alone)
    codes = {d.code for d in alone.diagnostics}
    assert {"yaml-tab", "encoding", "frontmatter-unclosed", "yaml-depth", "yaml-alias", "control-character",
            "curly-quotes", "scaffold-placeholder", "yaml-date", "unknown-type", "duplicate-id"} <= codes


def test_a_hostile_file_read_by_a_worker_is_said_on_its_line(kb: KnowledgeBase,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _many(kb)
    parent = os.getpid()
    fresh = loading._fresh

    def noting(path: Path, docs_dir: Path, where: object = None) -> loading.Checked:
        if os.getpid() == parent:
            time.sleep(0.001)  # (however busy the machine, the worker takes its share)
        source, model, problems, costly = fresh(path, docs_dir, where)  # type: ignore[arg-type]
        source.rel_path += "|worker" if os.getpid() != parent else ""  # (a file's reader, noted on its way back)
        return source, model, problems, costly

    monkeypatch.setattr(loading, "_fresh", noting)
    monkeypatch.setattr(forked, "processes", lambda items: 2)
    result = loading.load(kb.docs)
    read_by = {s.path: s.rel_path.endswith("|worker") for s in result.failed}
    tab = [d for d in result.diagnostics if d.code == "yaml-tab"]
    assert tab and all(d.line == 5 and d.column == 1 for d in tab)
    assert any(read_by.values()), "no broken file was read by a worker"
    for diagnostic in result.diagnostics:
        assert diagnostic.path.endswith(".md") and diagnostic.line >= 1


def test_a_worker_that_dies_is_said_not_waited_for() -> None:
    parent = os.getpid()

    def dying(item: int) -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.001)  # (the parent leaves a chunk for the worker to take)
        return item

    started = time.monotonic()
    with pytest.raises(forked.WorkerFailed, match=r"SIGKILL.*were not read.*ACCORD_WORKERS=1"):
        forked.ordered(dying, list(range(600)), 2)
    assert time.monotonic() - started < 30


def test_a_worker_that_fails_raises_its_error_here() -> None:
    parent = os.getpid()

    def failing(item: int) -> int:
        if os.getpid() != parent:
            raise ValueError("no such luck")
        time.sleep(0.001)
        return item

    with pytest.raises(forked.WorkerFailed, match="ValueError: no such luck"):
        forked.ordered(failing, list(range(600)), 2)


def test_results_come_in_order_whoever_made_them() -> None:
    assert forked.ordered(lambda item: item * 2, list(range(1001)), 3) == [item * 2 for item in range(1001)]


def test_accord_validate_says_a_dead_worker_without_a_traceback(kb: KnowledgeBase,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _many(kb)
    parent = os.getpid()
    fresh = loading._fresh

    def dying(path: Path, docs_dir: Path, where: object = None) -> loading.Checked:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.001)
        return fresh(path, docs_dir, where)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "_fresh", dying)
    monkeypatch.setattr(forked, "processes", lambda items: 2)
    result = kb.validate()
    assert result.exit_code == 70
    assert "accord: a process reading the files ended without its results (stopped by SIGKILL" in result.output
    assert "Traceback" not in result.output


def test_one_process_where_forking_is_not_safe_or_not_worth_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.delenv(forked.WORKERS_VARIABLE, raising=False)
    assert forked.processes(forked.MIN_ITEMS - 1) == 1
    assert forked.processes(10_000) == 4
    monkeypatch.setenv(forked.WORKERS_VARIABLE, "1")
    assert forked.processes(10_000) == 1
    monkeypatch.delenv(forked.WORKERS_VARIABLE)
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # as under `mkdocs serve`: a fork would copy its locks
    server.start()
    try:
        assert forked.processes(10_000) == 1
    finally:
        stop.set()
        server.join()


@pytest.mark.parametrize("count", [1, 2])
def test_each_file_advances_the_progress_once_and_a_cache_is_kept(kb: KnowledgeBase, count: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _many(kb)
    monkeypatch.setattr(forked, "processes", lambda items: count)
    files = len(loading.markdown_files(kb.docs))
    ticks: list[int] = []
    cache: dict[str, tuple[tuple[int, ...], loading.Checked]] = {}
    first = loading.load(kb.docs, on_file=lambda: ticks.append(1), cache=cache)
    assert len(ticks) == files and len(cache) == files
    kb.write("organizations/org-0003.md", "---\nid: org-0003\ntype: organization\ntitle: T\n\tkind: ngo\n---\n")
    again = loading.load(kb.docs, on_file=lambda: ticks.append(2), cache=cache)
    assert ticks.count(2) == files
    assert [d.format_text() for d in again.diagnostics if "org-0003" not in d.path] == \
        [d.format_text() for d in first.diagnostics if "org-0003" not in d.path]
    assert any(d.code == "yaml-tab" and d.path.endswith("org-0003.md") for d in again.diagnostics)


@pytest.mark.parametrize(("docs", "cwd"), [("docs", "."), (".", "docs"), ("ABS", "."), ("ABS", "docs/organizations"),
                                           ("..", "docs/organizations"), ("../docs", "docs"), ("ABS", "/")])
def test_each_file_is_named_as_display_path_names_it(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch,
                                                     docs: str, cwd: str) -> None:
    """The paths the loader cuts from the walk's are the paths display_path gives, wherever
    the command runs: inside the docs folder (`..`), above it, beside it."""
    from accord.format.paths import display_path

    kb.write("organizations/deep/x.md", "---\nid: x\ntype: organization\ntitle: X\nkind: ngo\n---\n")
    monkeypatch.chdir(kb.root / cwd if cwd != "/" else Path("/"))
    docs_dir = kb.docs if docs == "ABS" else Path(docs)
    where = loading._Where(docs_dir)
    paths = loading.markdown_files(docs_dir)
    assert len(paths) == 5
    for path in paths:
        assert where(path, docs_dir) == (path.relative_to(docs_dir).as_posix(), display_path(path))


def test_no_process_to_be_had_and_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    assert forked.ordered(lambda item: -item, list(range(700)), 2) == [-item for item in range(700)]
