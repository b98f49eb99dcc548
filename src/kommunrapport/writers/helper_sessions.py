"""How many builds of this process use a helper process (pandoc's engine, Typst's server).

A helper started during a build lives until the last build that uses it ends, so the
documents of one build share it; then it is closed. One count serves both helpers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class HelperSessions:
    """The builds using a helper now; ``close`` runs when the last of them ends."""

    def __init__(self, close: Callable[[], None]) -> None:
        self._close = close
        self._lock = threading.Lock()
        self._count = 0

    @contextmanager
    def session(self) -> Iterator[None]:
        with self._lock:
            self._count += 1
        try:
            yield
        finally:
            with self._lock:
                self._count -= 1
                if self._count == 0:
                    self._close()  # under the lock: a build that starts now waits for it
