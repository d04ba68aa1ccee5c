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
processes take the same chunk, and a slow process takes fewer); a worker sends all it made
when the pipe is empty, in one pickle, and ends with `os._exit`. A worker that fails
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
_CHUNK = struct.Struct("<I")
# ACCORD_WORKERS=1 reads in one process whatever the machine has (a way out, and for tests).
WORKERS_VARIABLE = "ACCORD_WORKERS"


def _same(value: Any) -> Any:
    return value


class WorkerFailed(RuntimeError):
    """A reading process failed or died; the message says how."""


def processes(items: int) -> int:
    """How many processes (this one included) should share `items` items: 1 where forking
    is not safe or not worth it."""
    if items < MIN_ITEMS or not hasattr(os, "fork") or sys.platform == "win32":
        return 1
    if threading.active_count() > 1:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without it (macOS)
        cores = os.cpu_count() or 1
    wanted = os.environ.get(WORKERS_VARIABLE, "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        cores = min(cores, int(wanted))
    return max(1, min(cores, 8))


def ordered(work: Callable[[T], R], items: Sequence[T], count: int, sent: Callable[[R], Any] = _same,
            received: Callable[[Any], R] = _same) -> list[R]:
    """`[work(item) for item in items]`, shared among `count` processes (this one included).
    A worker's results go by `sent(result)` and come back as `received(that)`: what is
    cheaper to make again than to pickle is left out on the way."""
    if count <= 1:
        return [work(item) for item in items]
    size = max(16, -(-len(items) // (count * 12)))  # a dozen chunks each: the faster takes more
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    queue_read, queue_write = os.pipe()
    os.write(queue_write, b"".join(_CHUNK.pack(number) for number in range(len(chunks))))
    os.close(queue_write)  # (the numbers fit in a pipe's buffer: at most 12 × 8 × 4 bytes)
    sys.stdout.flush()
    sys.stderr.flush()
    workers: list[tuple[int, int]] = []  # (pid, the pipe its results come by)
    frozen = gc.get_freeze_count()
    gc.freeze()  # a collection in a worker would write to every object shared with this process
    try:
        for _ in range(count - 1):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                os.close(read)
                for _, earlier in workers:
                    os.close(earlier)
                _work(lambda item: sent(work(item)), chunks, queue_read, write)
            os.close(write)
            workers.append((pid, read))
    finally:
        if not frozen:  # (what a caller set aside stays so)
            gc.unfreeze()
    return _gather(work, chunks, queue_read, workers, received)


def _gather(work: Callable[[T], R], chunks: list[Sequence[T]], queue: int,
            workers: list[tuple[int, int]], received: Callable[[Any], R]) -> list[R]:
    """This process's share of the work, then the workers' results, all in order."""
    done: dict[int, list[R]] = {}
    died: list[str] = []
    try:
        for number in _taken(queue):
            done[number] = [work(item) for item in chunks[number]]
        os.close(queue)
        queue = -1
        for pid, read in workers:
            made = _results(pid, read)
            if isinstance(made, str):
                died.append(made)
            else:
                done.update((number, [received(result) for result in results]) for number, results in made.items())
    except BaseException:
        for pid, _ in workers:  # this process stops: its workers stop with it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        raise
    finally:
        if queue >= 0:
            os.close(queue)
        for pid, read in workers:
            with contextlib.suppress(OSError):
                os.close(read)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    missing = len(chunks) - len(done)
    if missing:  # (a worker that died before taking any left nothing undone)
        raise WorkerFailed(f"a process reading the files ended without its results ({'; '.join(died)}): "
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


def _results(pid: int, read: int) -> dict[int, list[Any]] | str:
    """What the worker `pid` made, by chunk, or how it died; WorkerFailed if its work failed."""
    try:
        with os.fdopen(read, "rb", closefd=False) as pipe:
            ok, value = pickle.load(pipe)
    except (EOFError, OSError, pickle.UnpicklingError) as exc:
        _, status = os.waitpid(pid, 0)
        return f"{_ended(status)}: {type(exc).__name__}"
    if not ok:
        raise WorkerFailed(f"a process reading the files failed: {value}")
    return value  # type: ignore[no-any-return]


def _ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        with contextlib.suppress(ValueError):
            return f"stopped by {signal.Signals(number).name}"
        return f"stopped by signal {number}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _work(work: Callable[[T], R], chunks: list[Sequence[T]], queue: int, write: int) -> None:
    """A worker's life: chunks until none is left, then its results, then the end."""
    status = 0
    try:
        try:
            made = {number: [work(item) for item in chunks[number]] for number in _taken(queue)}
            said = pickle.dumps((True, made), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # said to the parent, which raises it
            said = pickle.dumps((False, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(said)
    except BaseException:  # the parent went away: nothing left to tell
        status = 1
    finally:
        os._exit(status)
