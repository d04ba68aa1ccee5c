"""Work done beside the build, on the machine's other core.

A site build spends most of its time rendering pages one after another, and what only
the catalogue decides (the search index) does not need to wait for it. `Job.start` forks
a process that does the first part of the work at once, from the catalogue it inherits;
`Job.finish(more)` hands it what only the end of the build knows and waits for the
result. The work runs in the build's own process instead when forking is not safe: on a
platform without `fork`, or under `mkdocs serve`, whose server threads a fork would copy
in whatever state they are in.

The parent and the child are one program: they talk over two pipes in pickles. The child
never returns into the build: it ends with `os._exit`, after writing its result or the
error it met, which the parent raises as its own.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from accord.format import forked

T = TypeVar("T")
Prepared = Any


class JobError(RuntimeError):
    """The work failed in the other process; the message is its error, with its traceback."""


class Job(Generic[T]):
    """`prepare()` starts at once; `complete(prepared, more)` runs when `finish(more)` is called."""

    def __init__(self, prepare: Callable[[], Prepared], complete: Callable[[Prepared, Any], T]) -> None:
        self.prepare, self.complete = prepare, complete
        self.pid: int | None = None
        self.to_child = self.from_child = -1

    @staticmethod
    def can_fork() -> bool:
        return hasattr(os, "fork") and sys.platform != "win32"

    def start(self, fork: bool) -> Job[T]:
        """Fork the work now if `fork` (and this platform can); otherwise it all runs in `finish`."""
        if not (fork and forked.can_fork()):
            return self  # (no fork here, or other threads, whose locks a fork copies in whatever state)
        sys.stdout.flush()
        sys.stderr.flush()
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(down_write)
            os.close(up_read)
            self._child(down_read, up_write)
        os.close(down_read)
        os.close(up_write)
        self.pid, self.to_child, self.from_child = pid, down_write, up_read
        return self

    def _child(self, down: int, up: int) -> None:
        status = 0
        try:
            try:
                prepared = self.prepare()
                with os.fdopen(down, "rb") as pipe:
                    more = pickle.load(pipe)
                outcome: tuple[bool, Any] = (True, self.complete(prepared, more))
            except EOFError:  # the build stopped before its end: nothing to finish
                outcome = (False, None)
            except BaseException as exc:  # reported to the parent, which raises it
                outcome = (False, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
            with os.fdopen(up, "wb") as pipe:
                pickle.dump(outcome, pipe)
        except BaseException:  # the parent went away: nothing left to tell
            status = 1
        finally:
            os._exit(status)

    def finish(self, more: Any) -> T:
        """The result, once the work has `more`; the work's own error raised as JobError."""
        if self.pid is None:
            return self.complete(self.prepare(), more)
        down, up, self.to_child, self.from_child = self.to_child, self.from_child, -1, -1
        try:
            with os.fdopen(up, "rb") as reading, os.fdopen(down, "wb") as writing:
                pickle.dump(more, writing)
                writing.close()  # the child reads to the end, then works
                ok, value = pickle.load(reading)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise JobError(f"the background process ended without a result ({exc})") from None
        finally:
            self._reap()
        if not ok:
            raise JobError(value or "the background process stopped")
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """The build stopped: end the work, if it runs beside."""
        if self.pid is None:
            return
        for fd in (self.to_child, self.from_child):
            if fd >= 0:
                os.close(fd)
        self.to_child = self.from_child = -1
        self._reap()

    def _reap(self) -> None:
        pid, self.pid = self.pid, None
        if pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
