"""The search index is written beside the build, in a forked process (accord.site.background):
the same result as in the build's own process, its errors reported, and no process left behind."""

from __future__ import annotations

import os

import pytest

from accord.site.background import Job, JobError

pytestmark = pytest.mark.skipif(not Job.can_fork(), reason="no fork on this platform")


def _no_children(job: Job[list[int]]) -> bool:
    """The job's process is neither running nor left unwaited (a zombie). Asked of the job's
    own process: other tests' processes (a browser's driver) may still be this one's children."""
    pid = job.forked
    assert pid is not None, "the job did not fork"
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _started(job: Job[list[int]]) -> Job[list[int]]:
    job.start(fork=True)
    job.forked = job.pid  # type: ignore[attr-defined]
    return job


def _work(fail: bool = False) -> Job[list[int]]:
    def prepare() -> list[int]:
        return [os.getpid(), *range(5)]

    def complete(prepared: list[int], more: list[int]) -> list[int]:
        if fail:
            raise ValueError("the index could not be written")
        return [*prepared, *more]

    return Job(prepare, complete)


def test_forked_work_gives_what_the_build_process_gives() -> None:
    job = _started(_work())
    forked = job.finish([7, 8])
    inline = _work().start(fork=False).finish([7, 8])
    assert forked[1:] == inline[1:] == [0, 1, 2, 3, 4, 7, 8]
    assert forked[0] != os.getpid()  # it did run beside
    assert inline[0] == os.getpid()
    assert _no_children(job)


def test_an_error_beside_is_raised_with_its_message() -> None:
    job = _started(_work(fail=True))
    with pytest.raises(JobError, match="ValueError: the index could not be written"):
        job.finish([1])
    assert _no_children(job)


def test_a_build_that_stops_leaves_no_process_behind() -> None:
    job = _started(_work())
    job.cancel()
    assert _no_children(job)
