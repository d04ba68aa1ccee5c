"""The search index is written beside the build, in a forked process (accord.site.background):
the same result as in the build's own process, its errors reported, and no process left behind."""

from __future__ import annotations

import os

import pytest

from accord.site.background import Job, JobError

pytestmark = pytest.mark.skipif(not Job.can_fork(), reason="no fork on this platform")


def _no_children() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _work(fail: bool = False) -> Job[list[int]]:
    def prepare() -> list[int]:
        return [os.getpid(), *range(5)]

    def complete(prepared: list[int], more: list[int]) -> list[int]:
        if fail:
            raise ValueError("the index could not be written")
        return [*prepared, *more]

    return Job(prepare, complete)


def test_forked_work_gives_what_the_build_process_gives() -> None:
    forked = _work().start(fork=True).finish([7, 8])
    inline = _work().start(fork=False).finish([7, 8])
    assert forked[1:] == inline[1:] == [0, 1, 2, 3, 4, 7, 8]
    assert forked[0] != os.getpid()  # it did run beside
    assert inline[0] == os.getpid()
    assert _no_children()


def test_an_error_beside_is_raised_with_its_message() -> None:
    with pytest.raises(JobError, match="ValueError: the index could not be written"):
        _work(fail=True).start(fork=True).finish([1])
    assert _no_children()


def test_a_build_that_stops_leaves_no_process_behind() -> None:
    job = _work().start(fork=True)
    job.cancel()
    assert _no_children()
