"""What the `mkdocs serve` tests share: a real server of a project on a loopback port, its
pages fetched over HTTP within seconds (a hung server fails the test), and a fixture that
starts servers of the requesting module's `project` and stops them after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import KnowledgeBase


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, timeout: float = 5.0) -> str:
    """A page, fetched within `timeout` seconds (a hung server fails the test)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def until(check: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the preview did not catch up")
        time.sleep(0.3)


class Serve:
    def __init__(self, root: Path) -> None:
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"], cwd=root,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    def started(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(self.url, timeout=2)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    output = self.process.stdout.read() if self.process.stdout else ""
                    pytest.fail(f"mkdocs serve did not start (exit {self.process.poll()}):\n{output}")
                time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def serve(project: KnowledgeBase) -> Iterator[Callable[[], Serve]]:
    started: list[Serve] = []

    def start() -> Serve:
        server = Serve(project.root)
        started.append(server)
        server.started()
        return server

    yield start
    for server in started:
        server.stop()
