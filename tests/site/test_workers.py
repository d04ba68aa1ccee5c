"""Pages made in forked worker processes (accord.site.workers): every result comes back
for its key, whatever order they are taken in; what a worker logs is said once, in the
build's own process; a worker's error is raised for its page; a worker that dies is an
error for each page it did not send, never a hang; without forks, the same results."""

from __future__ import annotations

import logging
import os
import threading
import time

import pytest

from accord.format.forked import cores
from accord.site import workers as workers_module
from accord.site.workers import Workers

KEYS = [f"page-{number}" for number in range(40)]


@pytest.fixture(autouse=True)
def _forks_allowed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test run may have threads of its own (a served site's): the workers fork beside them
    here, as a build, with none, would. (The refusal beside a thread is tested on its own.)"""
    if request.node.name != "test_no_fork_while_another_thread_runs":
        monkeypatch.setattr(workers_module, "can_fork", lambda: True)


def _make(key: str) -> tuple[str, int]:
    logging.getLogger("mkdocs.plugins.test").warning("made %s in %s", key, os.getpid())
    return f"<p>{key}</p>" * 200, len(key)


def test_every_key_comes_back_with_its_result_and_what_was_logged(caplog: pytest.LogCaptureFixture) -> None:
    workers = Workers(KEYS, _make, 3).start()
    assert workers.count == 3 and len(workers.pids) == 2  # (and this process)
    forked = set(workers.pids)
    try:
        taken = {key: workers.take(key) for key in reversed(KEYS)}  # (the last first: nothing waits on order)
    finally:
        workers.close()
    assert {key: (made.value, made.extra) for key, made in taken.items()} == {key: _make(key) for key in KEYS}
    pids = set()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for key in KEYS:
            Workers.replay(taken[key])
    for key, record in zip(KEYS, caplog.records, strict=True):
        assert record.getMessage().startswith(f"made {key} in ")
        pids.add(int(record.getMessage().rsplit(" ", 1)[1]))
    assert pids & forked and pids <= forked | {os.getpid()}  # made by whichever was free


def test_without_forks_the_results_are_the_same_and_made_here() -> None:
    workers = Workers(KEYS, _make, 1).start()  # (one process: this one)
    assert workers.count == 0 and workers.pids == []
    assert [workers.take(key).value for key in KEYS] == [_make(key)[0] for key in KEYS]


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert Workers(KEYS, _make, 2).start().count == 0
    finally:
        stop.set()
        thread.join()


def _fails(key: str) -> tuple[str, None]:
    if key == "page-5":
        raise ValueError("no such organisation")
    return key, None


def test_a_workers_error_is_raised_for_its_page_with_its_message() -> None:
    workers = Workers(KEYS, _fails, 2, plain_errors=(KeyError,)).start()
    try:
        assert workers.take("page-4").value == "page-4"
        made = workers.take("page-5")
        assert made.error == "ValueError: no such organisation" and not made.plain
        assert workers.take("page-6").value == "page-6"  # the other worker goes on
    finally:
        workers.stop()


MAIN = os.getpid()


def _dies(key: str) -> tuple[str, None]:
    if os.getpid() != MAIN:
        os._exit(9)  # a forked worker dies on the first page it takes, as if killed: no word sent
    time.sleep(0.02)  # (this process is slower: the worker takes a run before it runs out)
    return key, None


def test_a_worker_that_dies_is_an_error_for_the_page_it_was_making_and_never_a_hang() -> None:
    workers = Workers(KEYS, _dies, 2).start()
    started = time.monotonic()
    try:
        made = {key: workers.take(key) for key in KEYS}
    finally:
        workers.stop()
    assert time.monotonic() - started < 30
    lost = [key for key, result in made.items() if result.error is not None]
    assert len(lost) == 1 and "stopped" in (made[lost[0]].error or "")  # (one key a run here)
    assert {key: result.value for key, result in made.items() if key not in lost} == {
        key: key for key in KEYS if key not in lost}  # this process made all the rest


def _slow(key: str) -> tuple[str, None]:
    time.sleep(30)
    return key, None


def test_stopping_ends_the_workers_at_once() -> None:
    workers = Workers(KEYS, _slow, 2).start()
    pids = list(workers.pids)
    started = time.monotonic()
    workers.stop()
    assert time.monotonic() - started < 10
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_the_cores_counted_are_this_process_s_and_accord_workers_caps_them(monkeypatch: pytest.MonkeyPatch) -> None:
    assert 1 <= cores() <= (os.cpu_count() or 1)
    monkeypatch.setenv("ACCORD_WORKERS", "1")
    assert cores() == 1


def _refused(real: object) -> object:
    calls = []

    def fork() -> int:
        calls.append(1)
        if len(calls) > 1:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real()  # type: ignore[operator, no-any-return]

    return fork


def test_a_refused_fork_leaves_the_work_to_the_processes_there_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fork", _refused(os.fork))
    workers = Workers(KEYS, _make, 4).start()
    try:
        assert workers.forks == 1 and len(workers.pids) == 1
        assert [workers.take(key).value for key in KEYS] == [_make(key)[0] for key in KEYS]
    finally:
        workers.stop()


def _interrupted(key: str) -> tuple[str, None]:
    if os.getpid() == MAIN:
        raise KeyboardInterrupt  # (on the first page this process makes, while it waits)
    time.sleep(0.05)  # (the worker is slow: this process takes a run of its own)
    return key, None


def test_an_interrupt_while_this_process_makes_pages_stops_it_at_once() -> None:
    workers = Workers(KEYS, _interrupted, 2).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            for key in KEYS:
                workers.take(key)
    finally:
        workers.stop()


def _badly_logged(key: str) -> tuple[str, None]:
    logger = logging.getLogger("mkdocs.plugins.test")
    logger.warning("%s", key, "one argument too many")
    logger.warning("made %s", key, extra={"unpicklable": lambda: None})
    return key, None


def test_a_log_call_that_fails_or_cannot_cross_never_loses_a_page() -> None:
    logging.raiseExceptions = False  # (as a built site runs: a logging error is said, not raised)
    try:
        workers = Workers(KEYS, _badly_logged, 2).start()
        try:
            made = {key: workers.take(key) for key in KEYS}
        finally:
            workers.stop()
    finally:
        logging.raiseExceptions = True
    assert {key: result.value for key, result in made.items()} == {key: key for key in KEYS}
    assert all(any(r.getMessage() == f"made {key}" for r in result.records) for key, result in made.items()
               if result.records)
