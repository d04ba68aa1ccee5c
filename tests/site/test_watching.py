"""`mkdocs serve`'s watcher (accord.site.serve.watching): a save is seen at once, reading a file
is no change, and where the system reports nothing, polling still sees it."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from watchdog.events import FileSystemEventHandler
from watchdog.observers.polling import PollingObserver

from accord.site.serve.watching import MAX_POLL_SECONDS, POLL_SECONDS, Watcher, poll_seconds


class Seen(FileSystemEventHandler):
    def __init__(self) -> None:
        self.events: list[Any] = []
        self.any = threading.Event()

    def on_any_event(self, event: Any) -> None:
        if not event.is_directory:
            self.events.append(event)
            self.any.set()


def _watching(folder: Path, interval: float, *, native: bool = True) -> tuple[Watcher, Seen]:
    old = PollingObserver(timeout=0.5)  # as MkDocs makes it, with a watch scheduled before serving
    seen = Seen()
    old.schedule(seen, str(folder), recursive=True)
    watcher = Watcher.replacing(old, interval)
    assert watcher is not None
    if not native:
        watcher._native_failed(OSError("no notifications here"))
    watcher.start()
    time.sleep(0.3)  # the first snapshot
    return watcher, seen


def test_a_save_is_seen_at_once_and_a_read_is_not_a_change(tmp_path: Path) -> None:
    record = tmp_path / "agreements" / "a.md"
    record.parent.mkdir()
    record.write_text("---\ntitle: A\n---\n", encoding="utf-8")
    watcher, seen = _watching(tmp_path, interval=30)  # polling would take 30 s: only notifications can be this quick
    try:
        record.read_text(encoding="utf-8")  # what every build does to every record
        time.sleep(0.5)
        assert not seen.events, [e.event_type for e in seen.events]
        started = time.monotonic()
        record.write_text("---\ntitle: B\n---\n", encoding="utf-8")
        assert seen.any.wait(5)
        assert time.monotonic() - started < 2
    finally:
        watcher.stop()
        watcher.join(5)


def test_where_the_system_reports_nothing_polling_sees_the_save(tmp_path: Path) -> None:
    record = tmp_path / "a.md"
    record.write_text("one", encoding="utf-8")
    watcher, seen = _watching(tmp_path, interval=0.2, native=False)
    try:
        time.sleep(0.3)
        record.write_text("two, longer", encoding="utf-8")
        assert seen.any.wait(5)
    finally:
        watcher.stop()
        watcher.join(5)


def test_a_watch_added_later_is_removed_from_both_observers(tmp_path: Path) -> None:
    watcher, _ = _watching(tmp_path, interval=0.2)
    other = tmp_path / "watched"
    other.mkdir()
    try:
        ref = watcher.schedule(Seen(), str(other), recursive=True)
        watcher.unschedule(ref)
        assert len(watcher.polling._watches) == len(watcher.native._watches) == 1
    finally:
        watcher.stop()
        watcher.join(5)


@pytest.mark.parametrize(("files", "seconds"), [(10, POLL_SECONDS), (2_000, POLL_SECONDS), (10_000, 2.5),
                                                (1_000_000, MAX_POLL_SECONDS)])
def test_polling_slows_with_the_size_of_the_folder(files: int, seconds: float) -> None:
    assert poll_seconds(files) == seconds


@pytest.mark.parametrize(("lines", "published"), [
    (["/agreements/", "/organizations/"], False),
    (["!.well-known/"], True),
    (["!assets/.nojekyll"], True),
    (["!/agreements/annex.pdf"], False),
])
def test_dotfiles_count_as_sources_only_where_exclude_docs_takes_them_back(lines: list[str], published: bool) -> None:
    from pathspec.gitignore import GitIgnoreSpec

    from accord.site.serve.plan import publishes_dotfiles

    assert publishes_dotfiles(GitIgnoreSpec.from_lines(lines)) is published
