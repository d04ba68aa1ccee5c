"""Reading many files on more than one core: the same work, split among forked processes.

`accord validate` at 10,000 records spent 3 s reading, parsing and checking files one after
another, each on its own: that part is shared out. `ordered(work, items)` gives the
results of `work(item)` for every item, in the items' order, whether they were made here
or in other processes; what comes after (the rules across records) stays in one process.

The processes are forks of this one (they share its modules and what it has read), and
only where forking is safe: a platform with `fork`, more than one core this process may
run on (os.sched_getaffinity), and no other thread (a fork copies other threads' locks in
whatever state they are in: under `mkdocs serve` the work stays in one process, as
accord.site.background does). Each process, this one too, takes the next chunk of items
from a pipe that holds their numbers (a read of four bytes from a pipe is atomic, so no two
processes take the same chunk, and a slow process takes fewer); a worker sends each chunk's
results as soon as they are made, in a pickle, which this process takes in between its own
chunks, and ends with `os._exit` when no chunk is left. A worker that fails
raises its error here (WorkerFailed, with its traceback); one that dies (killed, out of
memory) is said as such, with the chunks it left undone: never a hang, never a result
with files missing.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items the forks cost more than they save (a fork and a pickle of the
# results: about 20 ms; a file read and checked: 0.3 ms).
MIN_ITEMS = 500
_CHUNK = struct.Struct("<I")  # a chunk's number, in the pipe they are taken from
# Items a chunk holds (more only past 1,024 chunks, whose numbers must fit in a pipe's buffer,
# 4 KB at the least, before anyone reads them): with chunks of 400, a worker's results
# outgrew the pipe and it waited; it read a quarter of the files, not half.
_CHUNK_SIZE, _MAX_CHUNKS = 32, 1024
_LENGTH = struct.Struct("<Q")
# ACCORD_WORKERS=1 reads in one process whatever the machine has (a way out, and for tests).
WORKERS_VARIABLE = "ACCORD_WORKERS"


def _same(value: Any) -> Any:
    return value


def _nothing() -> None:
    pass


def _advanced(result: R, advance: Callable[[], None]) -> R:
    advance()
    return result


class WorkerFailed(RuntimeError):
    """A reading process failed or died; the message says how."""


def processes(items: int) -> int:
    """How many processes (this one included) should share `items` items: 1 where forking
    is not safe or not worth it."""
    if items < MIN_ITEMS or not can_fork():
        return 1
    return cores()


@contextlib.contextmanager
def set_aside() -> Iterator[None]:
    """Within (while processes are forked): every object set aside from the collector, whose
    collection in a worker would write to every object shared with this process, and so
    copy each page of memory it touches (Python's own advice for fork without exec). After,
    only what this set aside goes back: what a caller had set aside (the build's records,
    accord.site.plugins.records.reading.keep_records) stays so."""
    frozen = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen:
            gc.unfreeze()


def can_fork() -> bool:
    """Whether a fork is safe here: the platform has it and no other thread runs (a fork
    copies other threads' locks in whatever state they are in)."""
    return hasattr(os, "fork") and sys.platform != "win32" and threading.active_count() == 1


def cores() -> int:
    """The processes work may be shared among: the cores this process may run on (a
    container's limit, not the machine's), at most 8, and at most ACCORD_WORKERS (the one
    setting for `accord validate` and the site's build alike)."""
    try:
        found = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without it (macOS)
        found = os.cpu_count() or 1
    wanted = os.environ.get(WORKERS_VARIABLE, "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        found = min(found, int(wanted))
    return max(1, min(found, 8))


def ordered(work: Callable[[T], R], items: Sequence[T], count: int, sent: Callable[[R], Any] = _same,
            received: Callable[[Any], R] = _same, advance: Callable[[], None] = _nothing) -> list[R]:
    """`[work(item) for item in items]`, shared among `count` processes (this one included).
    A worker's results go by `sent(result)` and come back as `received(that)`: what is
    cheaper to make again than to pickle is left out on the way. `advance()` is called here
    once an item, as its result is made or comes (a progress bar's)."""
    if count <= 1:
        return [_advanced(work(item), advance) for item in items]
    # Small chunks: the faster process takes more, and a chunk's results (about 7 KB a file)
    # fit in the pipe they come by while this process works on its own next chunk.
    size = max(_CHUNK_SIZE, -(-len(items) // _MAX_CHUNKS))
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    queue_read, queue_write = os.pipe()
    os.write(queue_write, b"".join(_CHUNK.pack(number) for number in range(len(chunks))))
    os.close(queue_write)  # (the numbers fit in a pipe's buffer: at most 1,024 × 4 bytes)
    sys.stdout.flush()
    sys.stderr.flush()
    workers: list[_Worker] = []
    with set_aside():
        for _ in range(count - 1):
            read, write = os.pipe()
            _widen(write)
            try:
                pid = os.fork()
            except OSError:  # (no more processes to be had: those there are share the work)
                os.close(read)
                os.close(write)
                break
            if pid == 0:  # the worker: never returns
                os.close(read)
                for earlier in workers:
                    os.close(earlier.read)
                _work(lambda item: sent(work(item)), chunks, queue_read, write)
            os.close(write)
            workers.append(_Worker(pid, read))
    return _gather(lambda item: _advanced(work(item), advance), chunks, queue_read, workers,
                   lambda result: _advanced(received(result), advance))


def _widen(pipe: int) -> None:
    """Room in the pipe for a few chunks' results (Linux: 1 MB rather than 64 KB), so that
    a worker seldom waits for this process to take them in."""
    import fcntl  # (POSIX only, as forking is)

    with contextlib.suppress(AttributeError, OSError):  # (elsewhere, or past the system's limit)
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]


def _gather(work: Callable[[T], R], chunks: list[Sequence[T]], queue: int,
            workers: list[_Worker], received: Callable[[Any], R]) -> list[R]:
    """This process's share of the work, and the workers' results as they come (between its
    own chunks: taking them in is work too, and the one who does it takes fewer chunks), all in order."""
    done: dict[int, list[R]] = {}
    try:
        for number in _taken(queue):
            done[number] = [work(item) for item in chunks[number]]
            for worker in workers:
                worker.take(done, received, wait=False)
        os.close(queue)
        queue = -1
        for worker in workers:
            worker.take(done, received, wait=True)
    except BaseException:
        for worker in workers:  # this process stops: its workers stop with it
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        raise
    finally:
        if queue >= 0:
            os.close(queue)
        for worker in workers:
            worker.close()
    missing = len(chunks) - len(done)
    if missing:  # (a worker that died before taking any left nothing undone)
        died = "; ".join(worker.died for worker in workers if worker.died)
        raise WorkerFailed(f"a process reading the files ended without its results ({died}): "
                           f"{missing} of {len(chunks)} parts of the files were not read; run the command again, "
                           f"or with {WORKERS_VARIABLE}=1 to read in one process")
    return [result for number in range(len(chunks)) for result in done[number]]


def _taken(queue: int) -> Iterator[int]:
    """The numbers of the chunks this process takes, one at a time, until none is left."""
    while True:
        taken = os.read(queue, _CHUNK.size)
        if not taken:
            return
        yield _CHUNK.unpack(taken)[0]


class _Worker:
    """A worker seen from this process: its pipe, read as its results come, a frame at a
    time (a length, then a pickle of `(chunk number, results)`; `(None, "done")` at the
    end, or `(None, its error)`)."""

    def __init__(self, pid: int, read: int) -> None:
        self.pid, self.read = pid, read
        self.buffer = bytearray()
        self.ended = False  # its pipe is at its end
        self.finished = False  # it said it was done
        self.died = ""  # how, if it ended without saying so

    def take(self, done: dict[int, Any], received: Callable[[Any], Any], *, wait: bool) -> None:
        """Its results that have come (all of them, to its end, if `wait`) into `done`."""
        if self.ended:
            return
        os.set_blocking(self.read, wait)
        while True:
            try:
                data = os.read(self.read, 1 << 20)
            except BlockingIOError:
                return
            if not data:
                self.ended = True
                break
            self.buffer += data
            self._frames(done, received)
            if not wait:
                return
        self._frames(done, received)
        if not self.finished:
            _, status = os.waitpid(self.pid, 0)
            self.died = _ended(status)

    def _frames(self, done: dict[int, Any], received: Callable[[Any], Any]) -> None:
        while len(self.buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self.buffer)
            if len(self.buffer) < _LENGTH.size + length:
                return
            number, results = pickle.loads(self.buffer[_LENGTH.size:_LENGTH.size + length])
            del self.buffer[:_LENGTH.size + length]
            if number is None:
                if results != "done":
                    raise WorkerFailed(f"a process reading the files failed: {results}")
                self.finished = True
                continue
            done[number] = [received(result) for result in results]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.read)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        with contextlib.suppress(ValueError):
            return f"stopped by {signal.Signals(number).name}"
        return f"stopped by signal {number}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _work(work: Callable[[T], R], chunks: list[Sequence[T]], queue: int, write: int) -> None:
    """A worker's life: each chunk's results sent as soon as made, until none is left; then
    the end."""
    status = 0
    try:
        with os.fdopen(write, "wb") as pipe:
            try:
                for number in _taken(queue):
                    _send(pipe, (number, [work(item) for item in chunks[number]]))
                _send(pipe, (None, "done"))
            except BaseException as exc:  # said to the parent, which raises it
                _send(pipe, (None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    except BaseException:  # the parent went away: nothing left to tell
        status = 1
    finally:
        os._exit(status)


def _send(pipe: Any, frame: tuple[Any, Any]) -> None:
    said = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(_LENGTH.pack(len(said)))
    pipe.write(said)
    pipe.flush()
