"""Pages made on the machine's other cores, in forked processes that inherit the whole build.

MkDocs makes one page after another in one process: at 2,000 records, converting the
record pages' Markdown and rendering the theme's template for each was about 60% of the
build. Those pages depend on nothing another page's making changes, so `Workers.start`
forks `count` processes once everything they read is ready; each takes the next run of
keys, in the build's order, from a pipe they share, whenever it is free (so a slow page
holds up one worker, not a share of the pages), and sends each result back over its own
pipe, which a thread of the parent drains at once, so a worker never waits for the parent.
`take(key)` waits for that key's result.

A worker's log records are caught, not printed, and sent back with the result; the
parent hands them to its own loggers when it takes the result, so they are printed once,
counted by `--strict`, and in the order the pages are written. A worker that fails sends
its error, which `take` raises for the page it was making; a worker that dies without a
word (killed, out of memory) is found at the end of its pipe: the pages of the run it had
taken are errors once every worker has ended (the others finish the rest). Nothing waits
forever.

With `count` 0 (no `fork` on this platform, or other threads running, whose locks a fork
would copy in whatever state they are in) the pages are made in `take`, in this process:
the same results, one after another.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
import threading
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accord.format.forked import can_fork, set_aside

HEADER = struct.Struct("!Q")  # a result's length
RUN = struct.Struct("!I")  # a run's number
# At most this many runs: their numbers are written to a pipe before any process reads it, and
# a pipe may hold as little as 4 KiB (a user past the system's pipe-pages limit gets 2 pages).
MAX_RUNS = 1024


@dataclass
class Made:
    """What a worker sends back for one key: the text, what is kept beside it, and the log."""

    key: str
    text: bytes = b""  # compressed
    extra: Any = None
    records: list[logging.LogRecord] = field(default_factory=list)
    error: str | None = None
    plain: bool = False  # the error's message says it all (one of `plain_errors`)

    @classmethod
    def of(cls, key: str, made: tuple[str, Any], records: list[logging.LogRecord] | None = None) -> Made:
        """What `make(key)` returned, its text compressed (as it crosses a pipe, or waits here)."""
        text, extra = made
        return cls(key, zlib.compress(text.encode("utf-8"), 1), extra, records or [])

    @property
    def value(self) -> str:
        return zlib.decompress(self.text).decode("utf-8")


class _Catcher(logging.Handler):
    """Keeps each log record a worker emits, made ready to cross a pipe."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if self.records and self.records[-1] is record:  # (caught on its way up, by a parent logger too)
            return
        try:
            record.msg, record.args = record.getMessage(), None
        except Exception:  # a log call whose arguments do not fit its message: said as logging says it
            self.handleError(record)
            return
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def _catch_logs(names: tuple[str, ...]) -> _Catcher:
    """From now on (in a worker), the records logged to `names` and their children are kept."""
    catcher = _Catcher()
    for name in names:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.addHandler(catcher)
    return catcher


def _pickled(made: Made) -> bytes:
    """A result as it crosses the pipe; a log record that cannot cross (an `extra` that does
    not pickle) goes as its level, logger and message alone."""
    try:
        return pickle.dumps(made, pickle.HIGHEST_PROTOCOL)
    except Exception:
        made.records = [logging.makeLogRecord({"name": record.name, "levelno": record.levelno,
                                                "levelname": record.levelname, "msg": str(record.msg)})
                        for record in made.records]
    try:
        return pickle.dumps(made, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        return pickle.dumps(Made(made.key, records=made.records, error=f"its result cannot be sent: {exc}"))


class Workers:
    """Make `make(key) -> (text, extra)` for each key, in `count` processes: this one and
    `count - 1` forked from it. This process makes pages too, whenever it waits for one
    that is not made yet and a run is left (each forked process is another copy of the
    build's memory: one fewer for the same cores)."""

    def __init__(self, keys: list[str], make: Callable[[str], tuple[str, Any]], count: int,
                 plain_errors: tuple[type[BaseException], ...] = (), loggers: tuple[str, ...] = ("", "mkdocs"),
                 first: tuple[str, ...] = ()) -> None:
        """`plain_errors`: the errors whose message alone says what went wrong (the rest are
        sent with their type's name). `first`: keys made here before the forks, one of each
        kind, so that what making one leaves behind (templates compiled, caches filled) is
        done once and inherited, not once in each worker."""
        self.make, self.loggers, self.plain_errors = make, loggers, plain_errors
        self.count = count if count > 1 and len(keys) > 1 and can_fork() else 0
        self.forks = max(self.count - 1, 0)
        self.first = [key for key in dict.fromkeys(first) if key in set(keys)] if self.count else []
        keys = [key for key in keys if key not in set(self.first)]
        # The keys in runs, which the workers take one after another as each is free (a
        # register page takes a hundred record pages' time): a few dozen runs a worker.
        size = max(1, min(16, len(keys) // (max(self.count, 1) * 24)), -(-len(keys) // MAX_RUNS))
        self.runs = [keys[start:start + size] for start in range(0, len(keys), size)]
        self.pids: list[int] = []
        self.results: dict[str, Made] = {}
        self.ended: set[int] = set()  # workers whose pipe is at its end
        self.failure: dict[int, str] = {}
        self.ready = threading.Condition()
        self.threads: list[threading.Thread] = []
        self.queue = -1  # the runs not yet taken, by number

    def start(self) -> Workers:
        for key in self.first:  # (its log said and its error raised here, now)
            self.results[key] = Made.of(key, self.make(key))
        queue, numbers = os.pipe()  # the runs' numbers, four bytes each (at most MAX_RUNS)
        os.write(numbers, b"".join(RUN.pack(number) for number in range(len(self.runs))))
        os.close(numbers)
        self.queue = queue
        try:
            with set_aside():
                for number in range(self.forks):
                    if not self._fork(number, queue):
                        break
        finally:
            self.forks = len(self.pids)  # (where no more process can be forked, those there are share the work)
            for thread in self.threads:  # (only once every fork is done: a fork copies no thread)
                thread.start()
        return self

    def _fork(self, number: int, queue: int) -> bool:
        """One worker more, taking runs from `queue`; False if the system refuses a process."""
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return False
        if pid == 0:  # the worker: never returns
            os.close(read)
            self._work(queue, write)
        os.close(write)
        self.pids.append(pid)
        self.threads.append(threading.Thread(target=self._drain, args=(number, read), daemon=True,
                                             name=f"accord-worker-{number}"))
        return True

    def _work(self, queue: int, write: int) -> None:
        status = 0
        try:
            catcher = _catch_logs(self.loggers)
            with os.fdopen(write, "wb") as pipe:
                while len(taken := os.read(queue, RUN.size)) == RUN.size:  # (a read this short is atomic)
                    for key in self.runs[RUN.unpack(taken)[0]]:
                        made = self._made(key, catcher, BaseException)
                        data = _pickled(made)
                        pipe.write(HEADER.pack(len(data)) + data)
                        pipe.flush()
                        if made.error is not None:
                            return
        except BaseException:  # the parent went away: nothing left to tell
            status = 1
        finally:
            os._exit(status)

    def _made(self, key: str, catcher: _Catcher, caught: type[BaseException] = Exception) -> Made:
        """`caught`: in a worker, everything (sent to the parent); here, not an interrupt."""
        catcher.records = []
        try:
            return Made.of(key, self.make(key), catcher.records)
        except caught as exc:  # sent to the parent, which raises it for this page
            plain = isinstance(exc, self.plain_errors)
            logging.getLogger("mkdocs").debug(traceback.format_exc())
            return Made(key, records=catcher.records, error=str(exc) if plain else f"{type(exc).__name__}: {exc}",
                        plain=plain)

    def _drain(self, number: int, read: int) -> None:
        try:
            with os.fdopen(read, "rb") as pipe:
                while header := pipe.read(HEADER.size):
                    if len(header) < HEADER.size:
                        break
                    (size,) = HEADER.unpack(header)
                    data = pipe.read(size)
                    if len(data) < size:
                        break
                    made: Made = pickle.loads(data)
                    with self.ready:
                        self.results[made.key] = made
                        self.ready.notify_all()
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            self.failure[number] = str(exc)
        finally:
            with self.ready:
                self.ended.add(number)
                self.ready.notify_all()

    def take(self, key: str) -> Made:
        """The result for `key` (its log records not yet handed on: see `replay`)."""
        if not self.count:  # made here, now: an error is raised as it would be without workers
            return Made.of(key, self.make(key))
        if key in self.first:
            return self.results.pop(key)
        while key not in self.results and (run := self._next_run()) is not None:
            self._make_here(self.runs[run])  # (this process would only wait: it makes a run too)
        with self.ready:  # (a worker that stops leaves its run's keys: known once every worker has ended)
            while key not in self.results and len(self.ended) < self.forks:
                self.ready.wait()
            made = self.results.pop(key, None)
        if made is None:
            why = "; ".join(sorted(set(self.failure.values()))) or "it ended without a result"
            return Made(key, error=f"the worker process making this page stopped ({why})")
        return made

    def _next_run(self) -> int | None:
        """The number of the next run no process has taken, taken (None: none is left)."""
        if self.queue < 0:
            return None
        taken = os.read(self.queue, RUN.size)  # (the pipe has no writer: never waits)
        if len(taken) == RUN.size:
            return int(RUN.unpack(taken)[0])
        os.close(self.queue)
        self.queue = -1
        return None

    def _make_here(self, keys: list[str]) -> None:
        """A run made in this process, as a worker makes it: the log kept for `take`."""
        loggers = [logging.getLogger(name) for name in self.loggers]
        kept = [list(logger.handlers) for logger in loggers]
        catcher = _catch_logs(self.loggers)
        try:
            for key in keys:
                made = self._made(key, catcher)
                with self.ready:
                    self.results[key] = made
        finally:
            for logger, handlers in zip(loggers, kept, strict=True):
                logger.removeHandler(catcher)
                for handler in handlers:
                    logger.addHandler(handler)

    @staticmethod
    def replay(made: Made) -> None:
        """Hand a worker's log records to this process's loggers, as if logged here."""
        for record in made.records:
            logging.getLogger(record.name).handle(record)

    def stop(self) -> None:
        """End the workers (the build stopped, or is over) and wait for them."""
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        self.close()

    def close(self) -> None:
        """Wait for the workers to end (they end once they have sent their last page)."""
        if self.queue >= 0:
            os.close(self.queue)
            self.queue = -1
        pids, self.pids = self.pids, []
        for pid in pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        for thread in self.threads:
            thread.join(timeout=5)
        self.threads = []
