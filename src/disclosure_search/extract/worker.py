"""Extraction of untrusted files in a worker process with a time and a memory budget.

A parser call that never returns cannot be stopped from its own thread, and a file that
inflates to gigabytes takes the whole process with it. So attachments are parsed in
one long-lived child process whose address space is capped (``RLIMIT_AS``); the parent waits
for each answer with a wall-clock deadline and kills the child when it is exceeded, when the
crawl is asked to stop, or when the child dies. The next item gets a fresh child. The child
is forked from a ``forkserver`` that has already imported the extractors, so a restart costs
milliseconds, and forking never copies the parent's threads (web server, crawler).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from disclosure_search.errors import DisclosureSearchError, ExtractError

log = logging.getLogger(__name__)

T = TypeVar("T")
#: Modules the fork server imports once, so each worker starts with the parsers loaded.
PRELOAD = ["disclosure_search.extract.calls"]
_POLL_S = 0.2


class Stopped(DisclosureSearchError):
    """The run was asked to stop (extraction or an index rebuild; not a failure of the item)."""


class ExtractWorker:
    """Runs extraction functions in a child process, one call at a time, within budgets.

    Args:
        timeout_s: wall-clock seconds one call may take.
        memory_mb: address space the child may use, in MiB (0: no limit).
        stop: when set, a waiting call kills the child and raises :class:`Stopped`.
    """

    def __init__(self, timeout_s: float, memory_mb: int,
                 stop: threading.Event | None = None) -> None:
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.stop = stop
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> ExtractWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func(*args)`` in the child; return its result.

        ``func`` must be a module-level function (it is sent by reference).

        Raises:
            ExtractError: the function raised (any exception: the message names it), ran out
                of time or memory, or the child died.
            Stopped: ``stop`` was set while waiting.
        """
        conn = self._start()
        conn.send((func, args))
        deadline = time.monotonic() + self.timeout_s
        while not conn.poll(_POLL_S):
            if self.stop is not None and self.stop.is_set():
                self._kill()
                raise Stopped("extraction interrupted: the run was asked to stop")
            if time.monotonic() >= deadline:
                self._kill()
                raise ExtractError(f"extraction gave up after {self.timeout_s:g} s (time budget)")
            if self._process is not None and not self._process.is_alive():
                break
        try:
            status, value = conn.recv()
        except (EOFError, OSError):
            code = self._process.exitcode if self._process is not None else None
            self._kill()
            raise ExtractError(
                f"extraction process died (exit code {code}); the file probably needs more than"
                f" the memory budget of {self.memory_mb} MB") from None
        if status == "ok":
            return value  # type: ignore[no-any-return,unused-ignore]
        if status == "spent":  # its heap is fragmented and its peak used up: a fresh child
            self._kill()
        if isinstance(value, ExtractError):
            raise value
        raise ExtractError(str(value))

    def close(self) -> None:
        """Stop the child (it is started again by the next call)."""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.send(None)
        if self._process is not None:
            self._process.join(2)
        self._kill()

    def _start(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._kill()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        parent, child = context.Pipe()
        limit = self.memory_mb * 1024 * 1024
        process = context.Process(target=_serve, args=(child, limit), daemon=True,
                                  name="extract-worker")
        process.start()
        child.close()
        self._process, self._conn = process, parent
        return parent

    def _kill(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
            self._process.close()
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None


def _serve(conn: Connection, memory_bytes: int) -> None:
    """The child's loop: run each call sent, answer ("ok", value) or ("error", reason)."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        func, args = message
        conn.send(_run(func, args, memory_bytes))


def _run(func: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int) -> tuple[str, Any]:
    """Answer ("ok", value), ("error", reason) or ("spent", reason): the child must be replaced."""
    over_budget = (f"extraction needs more than the memory budget of"
                   f" {memory_bytes // (1024 * 1024)} MB")
    try:
        return "ok", func(*args)
    except ExtractError as exc:
        # a reader's parse error (libxml2 says "unknown error" when malloc fails) is the
        # memory budget when the address space reached it
        if exc.__cause__ is not None and _near_budget(memory_bytes):
            return "spent", over_budget
        return "error", exc
    except MemoryError:
        return "spent", over_budget
    except RecursionError:
        return "error", "extraction refused: the file is nested too deeply"
    except Exception as exc:  # any parser failure is this item's failure, never the run's
        # C parsers (libxml2) report a failed allocation as a parse error ("unknown error"):
        # when the address space reached the budget, that is what happened
        if _near_budget(memory_bytes):
            return "spent", over_budget
        log.warning("extraction failed in pid %d", os.getpid(), exc_info=True)
        name = type(exc).__name__
        return "error", f"unexpected {name}: {exc}"[:500] if str(exc) else f"unexpected {name}"


def _near_budget(memory_bytes: int) -> bool:
    return bool(memory_bytes) and _peak_address_space() >= memory_bytes * 0.9


def _peak_address_space() -> int:
    """The process's peak address space in bytes (Linux ``VmPeak``; 0 where unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0
