"""Under `mkdocs serve`, the search index is written in a thread once the rebuilt pages are
served, and stopped when another rebuild begins: the rebuild need not share the processor
with it, and the box answers from the last index until the new one takes its place."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Writer:
    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.stop = threading.Event()  # set: stop writing

    def stopped(self) -> bool:
        """Asked now and then while the index is made: whether to stop. The interpreter is
        also given to the server's threads for a moment, so that pages are served at once
        while the index is written."""
        time.sleep(0.001)  # a real pause: the interpreter lock goes to whoever waits for it
        return self.stop.is_set()

    def start(self, write: Callable[[], None], cancel: Callable[[], None], wait: float) -> None:
        """Write after `wait` seconds (the reloaded pages are served first, without competing),
        or `cancel` if stopped before."""
        def run() -> None:
            if wait and self.stop.wait(wait):
                cancel()
                return
            write()

        self.thread = threading.Thread(target=run, daemon=True, name="accord-search-index")
        self.thread.start()

    def halt(self) -> None:
        """A new build is coming: the last one's index, if it is still being written, is
        left for the one this build writes (the box answers from the one before meanwhile)."""
        if self.thread is not None:
            self.stop.set()
            self.thread.join()
            self.stop.clear()
            self.thread = None
