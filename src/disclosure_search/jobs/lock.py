"""The crawl lock: one exclusive lock file under data_dir, shared by the nightly job and crawl."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from disclosure_search.errors import LockedError

log = logging.getLogger(__name__)

LOCK_NAME = "crawl.lock"


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) the lock, as written inside the lock file."""

    pid: int
    host: str
    started_at: str

    def describe(self) -> str:
        """Return e.g. ``pid 4242，主机 host1，开始于 2024-05-01T02:00:00+00:00``."""
        return f"pid {self.pid}，主机 {self.host}，开始于 {self.started_at}"


def lock_path(data_dir: Path) -> Path:
    """Return the lock file's path under ``data_dir``."""
    return Path(data_dir) / LOCK_NAME


def read_holder(path: Path) -> LockHolder | None:
    """Return the holder recorded in the lock file, or None when it is empty or unreadable."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8") or "null")
        return LockHolder(int(raw["pid"]), str(raw["host"]), str(raw["started_at"]))
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


class CrawlLock:
    """An exclusive ``fcntl.flock`` lock with the holder's pid, host and start time inside.

    The kernel drops a flock when its process dies (even by kill -9), so a lock file left by a
    dead process is simply taken over; the stale record inside it is logged and overwritten.
    The file itself is never deleted: deleting a locked file would let two processes lock two
    different files of the same name.
    """

    def __init__(self, data_dir: Path, *, wait_s: float = 0.0, poll_s: float = 0.2) -> None:
        self.path = lock_path(data_dir)
        self.wait_s = wait_s
        self.poll_s = poll_s
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> LockHolder:
        """Take the lock, waiting up to ``wait_s`` seconds.

        Returns:
            The holder record written into the lock file (this process).

        Raises:
            LockedError: another live process still holds the lock after the wait;
                the message names its pid, host and start time.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockedError(self._locked_message()) from None
                time.sleep(self.poll_s)
        self._fd = fd
        return self._write_holder(fd)

    def _locked_message(self) -> str:
        holder = read_holder(self.path)
        who = holder.describe() if holder else "一个尚未写入 pid 的进程"
        return (
            f"另一次抓取正在进行（{who}）：请等它结束，"
            f"或停止那个进程（锁文件 {self.path}）"
        )

    def _write_holder(self, fd: int) -> LockHolder:
        previous = read_holder(self.path)
        if previous and previous.pid != os.getpid():
            alive = previous.host == socket.gethostname() and _pid_alive(previous.pid)
            state = "no longer holds it" if alive else "is gone"
            log.warning("taking over crawl lock from %s (that process %s)",
                        previous.describe(), state)
        holder = LockHolder(os.getpid(), socket.gethostname(),
                            datetime.now(UTC).isoformat(timespec="seconds"))
        payload = json.dumps(holder.__dict__).encode("utf-8")
        os.ftruncate(fd, 0)
        os.pwrite(fd, payload, 0)
        os.fsync(fd)
        return holder

    def release(self) -> None:
        """Clear the holder record and drop the lock (a no-op when not held)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> CrawlLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@contextlib.contextmanager
def crawl_lock(data_dir: Path, *, wait_s: float = 0.0) -> Iterator[CrawlLock]:
    """Hold the crawl lock for the duration of a ``with`` block.

    Args:
        data_dir: the settings' data directory (the lock file lives there).
        wait_s: how long to wait for another holder before giving up.

    Raises:
        LockedError: the lock is still held by another process after ``wait_s``.
    """
    lock = CrawlLock(data_dir, wait_s=wait_s)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()
