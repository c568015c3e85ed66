"""The archive lock between real processes: wait, refuse naming the holder, take over stale
locks (the per-source locks: test_source_locks.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from disclosure_search.errors import LockedError
from disclosure_search.jobs.lock import CrawlLock, crawl_lock, lock_path, read_holder

_HOLDER = """
import sys, time
from pathlib import Path
from disclosure_search.jobs.lock import CrawlLock
lock = CrawlLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
hold = float(sys.argv[2])
if hold < 0:
    time.sleep(3600)
time.sleep(hold)
lock.release()
print("released", flush=True)
"""


def _hold_in_child(data_dir: Path, hold_s: float) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", _HOLDER, str(data_dir), str(hold_s)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    return child


def _finish(child: subprocess.Popen[str], *, kill: bool = False) -> None:
    if kill:
        child.kill()
    child.wait(timeout=10)
    assert child.stdout is not None
    child.stdout.close()


def test_second_crawl_is_refused_naming_the_holder(tmp_path: Path) -> None:
    child = _hold_in_child(tmp_path, -1)
    try:
        started = time.monotonic()
        with pytest.raises(LockedError) as err:
            CrawlLock(tmp_path, wait_s=0.6, poll_s=0.05).acquire()
        waited = time.monotonic() - started
        assert f"pid {child.pid}" in str(err.value)
        assert "开始于 20" in str(err.value) and "另一个任务正在进行" in str(err.value)
        assert 0.5 <= waited < 5
    finally:
        _finish(child, kill=True)


def test_second_crawl_waits_for_the_first_to_finish(tmp_path: Path) -> None:
    child = _hold_in_child(tmp_path, 0.5)
    try:
        with crawl_lock(tmp_path, wait_s=10) as lock:
            holder = read_holder(lock.path)
            assert holder is not None and holder.pid == os.getpid()
    finally:
        _finish(child)


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    child = _hold_in_child(tmp_path, -1)
    os.kill(child.pid, signal.SIGKILL)
    _finish(child)
    stale = read_holder(lock_path(tmp_path))
    assert stale is not None and stale.pid == child.pid
    with crawl_lock(tmp_path, wait_s=0) as lock:
        holder = read_holder(lock.path)
        assert holder is not None and holder.pid == os.getpid()
    assert read_holder(lock_path(tmp_path)) is None  # released: nothing claims it


def test_lock_is_free_again_after_release(tmp_path: Path) -> None:
    with crawl_lock(tmp_path):
        pass
    with crawl_lock(tmp_path) as again:
        assert again.held
    assert not again.held
