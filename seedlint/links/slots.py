"""The run's global request slots (`max-concurrency`), handed out busiest host first.

With a FIFO semaphore every host gets the same share of the slots, so a host that was
paused (a rate limit) or slowed ends the run on its own: the others are done and it still
has most of its URLs, at most `max-per-host` at a time. Handing a freed slot to the
waiting request whose host has the most URLs left (longest work first) lets such a host
use its whole per-host limit while the others share the rest, and the run ends when the
work does. The per-host limits, pauses and retry waits are untouched: the same requests
are sent, at most as many at a time to each host, in another order.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools


class Slots:
    """``size`` slots; ``acquire(left)`` waits for one, the largest ``left`` served first
    (ties: first come, first served)."""

    def __init__(self, size: int) -> None:
        self._free = size
        # (-left, arrival, future): a heap, so the next waiter served is its first item.
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    async def acquire(self, left: int) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (-left, next(self._arrivals), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # handed a slot just as it was cancelled: pass it on
            raise

    def release(self) -> None:
        while self._waiting:
            future = heapq.heappop(self._waiting)[2]
            if not future.done():  # a cancelled waiter's future is done: skip it
                future.set_result(None)
                return
        self._free += 1

    @property
    def waiting(self) -> int:
        return sum(not future.done() for _, _, future in self._waiting)
