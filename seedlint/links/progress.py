"""A one-line progress bar on stderr, drawn only when stderr is a terminal.

Redirected output (CI logs, editors, pipes) never sees it: reports stay byte-identical
whatever the terminal. Redrawn at most ten times a second, erased when the work ends.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

_WIDTH = 30


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, label: str = "links") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.label = label
        self.done = 0
        self.dead = 0
        self.enabled = total > 0 and _is_terminal(self.stream)
        self._started = time.monotonic()
        self._drawn = 0.0

    def advance(self, dead: bool = False) -> None:
        self.done += 1
        self.dead += dead
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn >= 0.1 or self.done == self.total:
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        filled = _WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (_WIDTH - filled)
        seconds = now - self._started
        dead = f", {self.dead} dead" if self.dead else ""
        line = f"{self.label} [{bar}] {self.done}/{self.total}{dead} {seconds:.0f}s"
        self.stream.write(f"\r{line}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
