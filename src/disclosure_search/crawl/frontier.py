"""The crawl frontier: a queue per host, worked by threads so a slow host never holds up another."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

#: Queue order within a host: lists (and unknown pages) first, then files, then details.
KINDS = ("page", "attachment", "detail")


@dataclass
class _Host(Generic[T]):
    queues: dict[str, deque[tuple[int, T]]] = field(
        default_factory=lambda: {kind: deque() for kind in KINDS})
    busy: bool = False


class Frontier(Generic[T]):
    """URLs waiting to be fetched, one queue per host, and the threads that work them.

    :meth:`work` runs ``hosts_at_once`` threads. Each takes the next item of a host nobody
    else is fetching from, so one host is never asked two things at once (its rate limit and
    robots.txt stay as they were) while a host that answers slowly holds up only its own
    queue. The item taken is the first by (kind, arrival) among the free hosts' heads: with
    one host, or ``hosts_at_once = 1``, that is exactly the order of one global queue per kind.
    ``interleave`` rotates the kind that comes first on every take (a sample of each early).

    :attr:`lock` guards the frontier and may guard the caller's own state too: a visit takes
    it around everything but its network I/O (it is re-entrant, so :meth:`put` works inside).
    """

    def __init__(self, hosts_at_once: int = 1, *, interleave: bool = False) -> None:
        self.hosts_at_once = max(1, hosts_at_once)
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self._hosts: dict[str, _Host[T]] = {}
        self._arrivals = 0
        self._interleave = interleave
        self._turn = 0
        self._ended = False
        self._error: BaseException | None = None
        #: Items being visited right now (taken, not yet done).
        self.in_flight = 0

    def put(self, host: str, kind: str, item: T) -> None:
        """Queue ``item`` (of queue ``kind``: page, attachment or detail) for ``host``."""
        with self.lock:
            self._arrivals += 1
            self._hosts.setdefault(host, _Host()).queues[kind].append((self._arrivals, item))
            self._changed.notify_all()

    def work(self, visit: Callable[[T], None], may_take: Callable[[], bool]) -> None:
        """Visit every item (and those queued meanwhile) until none is left; then return.

        ``may_take`` is asked, under :attr:`lock`, before each item is taken; False ends the
        work (stop, budget): no item is taken after it, the visits under way are finished.
        An exception in a visit ends the work too and is raised here once every thread is done.
        """
        threads = [threading.Thread(target=self._worker, args=(visit, may_take),
                                    name=f"{threading.current_thread().name}-host{n}",
                                    daemon=True)
                   for n in range(self.hosts_at_once)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self._error is not None:
            raise self._error

    def _worker(self, visit: Callable[[T], None], may_take: Callable[[], bool]) -> None:
        while (taken := self._take(may_take)) is not None:
            host, item = taken
            try:
                visit(item)
            except BaseException as exc:  # a bug: end the crawl and raise it in work()
                with self.lock:
                    self._error = self._error or exc
                    self._ended = True
            finally:
                with self.lock:
                    self._hosts[host].busy = False
                    self.in_flight -= 1
                    self._changed.notify_all()

    def _take(self, may_take: Callable[[], bool]) -> tuple[str, T] | None:
        with self.lock:
            while not self._ended:
                found = self._first_free()
                if found is not None:
                    if not may_take():
                        self._end()
                        return None
                    host, kind = found
                    state = self._hosts[host]
                    state.busy = True
                    self.in_flight += 1
                    self._turn += 1
                    return host, state.queues[kind].popleft()[1]
                if self.in_flight == 0:  # nothing queued anywhere, nothing that could add more
                    self._end()
                    return None
                self._changed.wait(1.0)
            return None

    def _end(self) -> None:
        self._ended = True
        self._changed.notify_all()

    def _first_free(self) -> tuple[str, str] | None:
        order: tuple[str, ...] = KINDS
        if self._interleave:
            turn = self._turn % len(KINDS)
            order = KINDS[turn + 1:] + KINDS[:turn + 1]
        best: tuple[int, int, str, str] | None = None
        for host, state in self._hosts.items():
            if state.busy:
                continue
            for rank, kind in enumerate(order):
                if state.queues[kind]:
                    key = (rank, state.queues[kind][0][0], host, kind)
                    best = key if best is None or key < best else best
                    break
        return None if best is None else (best[2], best[3])
