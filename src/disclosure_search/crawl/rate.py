"""Per-host rate limiting, shared safely between threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Spaces requests to each host at least ``1 / requests_per_second`` seconds apart.

    Each caller reserves the next free slot for its host under a lock and then sleeps outside
    it, so threads waiting for different hosts never block each other.
    """

    def __init__(
        self,
        requests_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / requests_per_second if requests_per_second > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Block until a request to ``host`` is allowed; return the seconds waited."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay
