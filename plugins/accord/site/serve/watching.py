"""`mkdocs serve` sees a save at once, at any size of knowledge base.

MkDocs watches the docs folder by polling it: every half second it lists the whole folder
and stats every file. With 10,000 records that walk takes about half a second itself: a
save is seen up to a second or more late, and the walk, run over and over, slows the
rebuild it triggers (it holds the interpreter lock most of that time).

`Watcher` takes the place of MkDocs' observer: the system's own notifications (inotify on
Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows) report a save at once, and the
polling goes on beside them, more slowly the more files there are, for the folders whose
changes the system does not report (network file systems, some container mounts). A change
seen by both asks for one rebuild: MkDocs only notes that one is wanted.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserverVFS

from accord import compat

log = logging.getLogger("mkdocs.plugins.accord.records")

POLL_SECONDS = 0.5  # MkDocs' own interval, for a folder of up to POLL_FILES files
POLL_FILES = 2_000
MAX_POLL_SECONDS = 5.0


# What the system reports that changes nothing: a file opened, or closed unwritten (the
# build itself reads every record). Polling never reports these.
UNCHANGED = frozenset(("opened", "closed_no_write"))


class _Changes(FileSystemEventHandler):
    """Hands on to `handler` the events that may change a file under the watched path,
    noting their paths. A watched file (mkdocs.yml) is watched through its folder, where
    the system reports every file beside it: only the file's own events go on, so that a
    log written beside it (`mkdocs serve > serve.log`) or an editor's swap file rebuilds
    nothing."""

    def __init__(self, handler: Any, watcher: Watcher, root: str = "") -> None:
        self.handler, self.watcher = handler, watcher
        # Real paths on both sides: FSEvents reports them (/private/var/… for /var/…).
        self.root = os.path.realpath(root) if root else ""
        self.file = bool(root) and os.path.isfile(root)

    def _watched(self, path: str) -> bool:
        if not self.root:
            return True
        path = os.path.realpath(path)
        if self.file:
            return path == self.root
        return path == self.root or path.startswith(self.root.rstrip(os.sep) + os.sep)

    def dispatch(self, event: FileSystemEvent) -> None:
        if event.event_type in UNCHANGED:
            return
        paths = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        paths = [path for path in paths if self._watched(path)]
        if not paths:
            return  # beside the watched file, or outside the watched folder: not what the site is made of
        if not event.is_directory:
            with self.watcher.lock:
                self.watcher.paths.update(paths)
        self.handler.dispatch(event)


def poll_seconds(files: int) -> float:
    """How often to poll a folder of `files` files: MkDocs' half second up to 2,000 files,
    then in proportion (a walk of the folder stays a small part of each interval), at most 5 s."""
    return min(MAX_POLL_SECONDS, max(POLL_SECONDS, POLL_SECONDS * files / POLL_FILES))


class Watcher:
    """An observer as MkDocs' LiveReloadServer uses one (schedule, unschedule, start, stop,
    join), made of the system's notifications and a polling observer."""

    def __init__(self, interval: float) -> None:
        self.native: Any = Observer()
        # Polling waits while a rebuild runs (`pause`): its walk of every file, in a thread,
        # took the interpreter lock from the build over and over (at 10,000 records, a walk of
        # 10,000 stat calls beside the rebuild's own); the rebuild's plan reads every file's
        # state anyway, and a change made meanwhile is found by the walk that follows.
        self.free = threading.Event()
        self.free.set()
        self.polling = PollingObserverVFS(os.stat, self._listdir, polling_interval=interval)
        self.interval = interval
        self.native_ok = True
        self.moved: dict[Any, tuple[Any, Any]] = {}  # MkDocs' watches → this watcher's
        self.paths: set[str] = set()  # of the files changed since `take` was last asked
        self.lock = threading.Lock()

    @classmethod
    def replacing(cls, old: Any, interval: float) -> Watcher | None:
        """A watcher with the same watches and handlers as MkDocs' observer `old` (not yet
        started), or None where its watches cannot be read (another MkDocs or watchdog)."""
        watches = compat.observer_watches(old)
        if watches is None:
            return None
        watcher = cls(interval)
        for watch, path, recursive, handlers in watches:
            # A watched file (mkdocs.yml) is watched through its folder: only its own changes count (_Changes).
            for handler in handlers:
                watcher.moved[watch] = watcher.schedule(handler, path, recursive=recursive)
        return watcher

    def schedule(self, handler: Any, path: str, *, recursive: bool = False) -> tuple[Any, Any]:
        native = None
        if self.native_ok:
            try:
                native = self.native.schedule(_Changes(handler, self, path), path, recursive=recursive)
            except OSError as exc:  # e.g. the system's limit of watches reached
                self._native_failed(exc)
        return native, self.polling.schedule(_Changes(handler, self, path), path, recursive=recursive)

    def _listdir(self, path: str | None) -> Any:
        self.free.wait()
        return os.scandir(path)

    def pause(self) -> None:
        """A rebuild begins: polling waits (the system's notifications go on)."""
        self.free.clear()

    def resume(self) -> None:
        self.free.set()

    def take(self) -> set[str]:
        """The paths of the files changed since the last call."""
        with self.lock:
            paths, self.paths = self.paths, set()
        return paths

    def unschedule(self, watch: Any) -> None:
        if isinstance(watch, tuple):
            native, polling = watch
        else:  # a watch MkDocs made before this watcher took over
            native, polling = self.moved.pop(watch, (None, None))
        if native is not None and self.native_ok:
            self.native.unschedule(native)
        if polling is not None:
            self.polling.unschedule(polling)

    def start(self) -> None:
        if self.native_ok:
            try:
                self.native.start()
            except OSError as exc:
                self._native_failed(exc)
        self.polling.start()

    def _native_failed(self, exc: OSError) -> None:
        self.native_ok = False
        log.info(f"accord: the system does not report changes here ({exc}); polling for them every "
                 f"{self.interval:g} s")

    def stop(self) -> None:
        self.free.set()  # (a paused walk ends, and with it the thread)
        if self.native_ok and self.native.is_alive():
            self.native.stop()
        self.polling.stop()

    def join(self, timeout: float | None = None) -> None:
        if self.native_ok and self.native.is_alive():
            self.native.join(timeout)
        self.polling.join(timeout)

    def is_alive(self) -> bool:
        return bool(self.polling.is_alive())
