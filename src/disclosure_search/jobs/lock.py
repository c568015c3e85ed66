"""Crawl locks under data_dir: one per source, a shared one for the archive, one for the index.

A crawl takes the archive lock *shared* and the lock of each source it crawls *exclusive*, so
two processes crawl two different sources at once while the same source is never crawled
twice. Work on the whole archive (``reindex``, the catch-up at ``serve`` start) takes the
archive lock *exclusive*: it runs alone. Writing the index after a crawl takes the index lock,
so two crawls that end together write it one after the other instead of failing on the
engine's own writer lock. Everything else two crawls share is safe side by side: each WARC
writer has its own ``.open`` file under its own flock, the catalog is SQLite in WAL mode,
the extraction ledger is kept per source, and a run left ``running`` is only taken for dead
when its sources' locks are free (``Catalog.interrupt_stale_runs``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from disclosure_search.errors import LockedError

log = logging.getLogger(__name__)

#: The archive lock (shared by crawls, exclusive for work on the whole archive).
LOCK_NAME = "crawl.lock"
#: Per-source and index locks live in this folder of data_dir.
LOCK_DIR = "locks"


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) a lock, as written inside its file."""

    pid: int
    host: str
    started_at: str
    task: str = ""

    def describe(self) -> str:
        """Return e.g. ``pid 4242，主机 host1，开始于 2024-05-01T02:00:00+00:00``."""
        return f"pid {self.pid}，主机 {self.host}，开始于 {self.started_at}"


def lock_path(data_dir: Path, source: str | None = None) -> Path:
    """Return the archive lock's path, or with ``source`` that source's crawl lock."""
    if source is None:
        return Path(data_dir) / LOCK_NAME
    return Path(data_dir) / LOCK_DIR / f"crawl-{source}.lock"


def index_lock_path(data_dir: Path) -> Path:
    """Return the index writers' lock path."""
    return Path(data_dir) / LOCK_DIR / "index.lock"


def read_holder(path: Path) -> LockHolder | None:
    """Return the holder recorded in a lock file, or None when it is empty or unreadable."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8") or "null")
        return LockHolder(int(raw["pid"]), str(raw["host"]), str(raw["started_at"]),
                          str(raw.get("task", "")))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class FileLock:
    """One ``fcntl.flock`` on one file: exclusive with the holder's record inside, or shared.

    The kernel drops a flock when its process dies (even by kill -9), so a lock file left by
    a dead process is simply taken over; the stale record inside it is logged and
    overwritten. The file itself is never deleted: deleting a locked file would let two
    processes lock two different files of the same name.
    """

    def __init__(self, path: Path, *, shared: bool = False, task: str = "") -> None:
        self.path = path
        self.shared = shared
        self.task = task
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free now; True when taken."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        if not self.shared:
            self._write_holder(fd)
        return True

    def _write_holder(self, fd: int) -> None:
        previous = read_holder(self.path)
        if previous and previous.pid != os.getpid():
            alive = previous.host == socket.gethostname() and _pid_alive(previous.pid)
            state = "no longer holds it" if alive else "is gone"
            log.warning("taking over lock %s from %s (that process %s)", self.path,
                        previous.describe(), state)
        holder = LockHolder(os.getpid(), socket.gethostname(),
                            datetime.now(UTC).isoformat(timespec="seconds"), self.task)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder.__dict__, ensure_ascii=False).encode("utf-8"), 0)
        os.fsync(fd)

    def release(self) -> None:
        """Clear the holder record and drop the lock (a no-op when not held)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if not self.shared:
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


class CrawlLock:
    """The locks a crawl of ``sources`` needs, or with ``sources=None`` the whole archive.

    All are taken or none: a crawl of several sources that finds one of them busy lets go
    of the others and waits (up to ``wait_s``) for all of them together.
    """

    def __init__(self, data_dir: Path, *, sources: Iterable[str] | None = None,
                 wait_s: float = 0.0, poll_s: float = 0.2, task: str = "") -> None:
        self.data_dir = Path(data_dir)
        self.sources = None if sources is None else sorted(set(sources))
        self.wait_s = wait_s
        self.poll_s = poll_s
        whole = self.sources is None
        self.path = lock_path(self.data_dir)
        self._locks = [FileLock(self.path, shared=not whole, task=task or "独占数据目录")]
        for source in self.sources or ():
            self._locks.append(FileLock(lock_path(self.data_dir, source),
                                        task=task or f"抓取来源 {source}"))

    @property
    def held(self) -> bool:
        """True while this object holds its locks."""
        return all(lock.held for lock in self._locks)

    def acquire(self) -> None:
        """Take every lock, waiting up to ``wait_s`` seconds.

        Raises:
            LockedError: one of them is still held by another live process after the wait;
                the message names what it runs, its pid, host and start time.
        """
        deadline = time.monotonic() + self.wait_s
        while True:
            busy = self._try_all()
            if busy is None:
                return
            if time.monotonic() >= deadline:
                raise LockedError(self._busy_message(busy))
            time.sleep(self.poll_s)

    def _try_all(self) -> FileLock | None:
        """Take each lock in order; on the first busy one let go of the rest and return it."""
        for lock in self._locks:
            if not lock.try_acquire():
                self.release()
                return lock
        return None

    def _busy_message(self, busy: FileLock) -> str:
        paths = [busy.path]
        if busy.path == self.path and not busy.shared:  # crawls hold the archive shared
            paths += self._source_lock_files()
        here = socket.gethostname()
        holders = [h for h in map(read_holder, paths)
                   if h and (h.host != here or _pid_alive(h.pid))]
        who = "；".join(f"{h.task or '另一次抓取'}（{h.describe()}）" for h in holders)
        return (f"另一个任务正在进行：{who or '一个尚未写入 pid 的进程'}。请等它结束，"
                f"或停止那个进程（锁文件 {busy.path}）")

    def _source_lock_files(self) -> list[Path]:
        folder = self.data_dir / LOCK_DIR
        return sorted(folder.glob("crawl-*.lock")) if folder.is_dir() else []

    def release(self) -> None:
        """Drop every lock held (sources first, the archive lock last)."""
        for lock in reversed(self._locks):
            lock.release()

    def __enter__(self) -> CrawlLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@contextlib.contextmanager
def crawl_lock(data_dir: Path, *, sources: Iterable[str] | None = None, wait_s: float = 0.0,
               task: str = "") -> Iterator[CrawlLock]:
    """Hold the locks of a crawl of ``sources`` (or of the whole archive) in a ``with`` block.

    Args:
        data_dir: the settings' data directory (the lock files live there).
        sources: the source ids a crawl covers; None for work on the whole archive
            (``reindex``, the catch-up at ``serve`` start), which runs alone.
        wait_s: how long to wait for other holders before giving up.
        task: what the holder runs, as the message to a refused process names it.

    Raises:
        LockedError: a lock is still held by another process after ``wait_s``.
    """
    lock = CrawlLock(data_dir, sources=sources, wait_s=wait_s, task=task)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


@contextlib.contextmanager
def index_lock(data_dir: Path, stop: threading.Event | None = None,
               poll_s: float = 0.2) -> Iterator[bool]:
    """Hold the index writers' lock: crawls ending together write the index in turn.

    Waits as long as another writer writes; yields False without the lock when ``stop``
    is set meanwhile (the next run writes what this one would have).
    """
    lock = FileLock(index_lock_path(data_dir), task="写入索引")
    while not lock.try_acquire():
        if stop is not None and stop.is_set():
            yield False
            return
        time.sleep(poll_s)
    try:
        yield True
    finally:
        lock.release()
