"""Per-host rate limit."""

from __future__ import annotations

import itertools
import threading
import time

from disclosure_search.crawl.rate import RateLimiter


def test_requests_to_one_host_are_spaced() -> None:
    limiter = RateLimiter(20.0)
    times = []
    for _ in range(4):
        limiter.wait("h")
        times.append(time.monotonic())
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.045


def test_hosts_do_not_wait_for_each_other_and_threads_share_slots() -> None:
    limiter = RateLimiter(10.0)
    limiter.wait("a")
    assert limiter.wait("b") == 0
    stamps: list[float] = []
    lock = threading.Lock()

    def hit() -> None:
        limiter.wait("c")
        with lock:
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    assert stamps[-1] - stamps[0] >= 0.29
