"""One crawl lock per source, between real processes: two sources crawl at once, the same
source twice is refused naming the holder, and a rebuild of the whole archive (``reindex``)
runs alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import load_settings
from disclosure_search.errors import LockedError
from disclosure_search.jobs.lock import crawl_lock, lock_path, read_holder
from disclosure_search.sample_portal import SamplePortal

_HOLDER = """
import sys, time
from pathlib import Path
from disclosure_search.jobs.lock import crawl_lock
sources = sys.argv[2].split(",") if sys.argv[2] else None
with crawl_lock(Path(sys.argv[1]), sources=sources, task=sys.argv[3]):
    print("locked", flush=True)
    time.sleep(3600)
"""


def _hold(data_dir: Path, sources: str, task: str = "") -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", _HOLDER, str(data_dir), sources, task],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    return child


def _end(child: subprocess.Popen[str]) -> None:
    child.kill()
    child.wait(timeout=10)
    assert child.stdout is not None
    child.stdout.close()


def test_another_source_crawls_beside_a_running_crawl(tmp_path: Path) -> None:
    child = _hold(tmp_path, "kjj")
    try:
        with crawl_lock(tmp_path, sources=["city"]) as lock:
            assert lock.held
            holder = read_holder(lock_path(tmp_path, "city"))
            assert holder is not None and holder.pid == os.getpid()
        holder = read_holder(lock_path(tmp_path, "kjj"))
        assert holder is not None and holder.pid == child.pid
    finally:
        _end(child)


def test_the_same_source_twice_is_refused_naming_the_holder(tmp_path: Path) -> None:
    child = _hold(tmp_path, "city,kjj")
    try:
        started = time.monotonic()
        with (pytest.raises(LockedError) as err,
              crawl_lock(tmp_path, sources=["kjj"], wait_s=0.5)):
            pass
        assert 0.4 <= time.monotonic() - started < 5
        message = str(err.value)
        assert "来源 kjj" in message and f"pid {child.pid}" in message
        assert "开始于 20" in message and "请等它结束" in message
        # every source or none: a crawl of all sources takes nothing while one is busy
        with pytest.raises(LockedError), crawl_lock(tmp_path, sources=["aaa", "kjj"]):
            pass
        with crawl_lock(tmp_path, sources=["aaa"]):
            pass  # "aaa" was let go when "kjj" was refused
    finally:
        _end(child)


def test_a_rebuild_waits_for_every_crawl_and_crawls_wait_for_it(tmp_path: Path) -> None:
    crawling = _hold(tmp_path, "kjj")
    try:
        with (pytest.raises(LockedError, match=f"来源 kjj.*pid {crawling.pid}"),
              crawl_lock(tmp_path, task="重建索引")):
            pass
    finally:
        _end(crawling)
    rebuilding = _hold(tmp_path, "", "重建索引")
    try:
        with (pytest.raises(LockedError, match=f"重建索引.*pid {rebuilding.pid}"),
              crawl_lock(tmp_path, sources=["city"])):
            pass
    finally:
        _end(rebuilding)
    with crawl_lock(tmp_path, task="重建索引"):
        pass  # the kernel let go of both when the processes died


# -- the crawl command itself, two processes on one data directory -------------------------


@pytest.fixture()
def portal() -> Iterator[SamplePortal]:
    with SamplePortal() as running:
        yield running


def _config(portal: SamplePortal, root: Path, name: str, rps: float) -> Path:
    text = portal.config_toml(root / "data")
    text = text.replace("requests_per_second = 200.0", f"requests_per_second = {rps}")
    config = root / name
    config.write_text(text, encoding="utf-8")
    return config


def _cli(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "disclosure_search", "--config", str(config), *args]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_SEARCH_")}


def test_two_sources_crawl_at_once_and_the_same_source_is_refused(
    portal: SamplePortal, tmp_path: Path
) -> None:
    slow = _config(portal, tmp_path, "slow.toml", 5.0)
    fast = _config(portal, tmp_path, "fast.toml", 200.0)
    settings = load_settings(fast, environ={})
    bureau = subprocess.Popen(_cli(slow, "crawl", "--source", "kjj"), env=_env(), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while (holder := read_holder(lock_path(settings.data_dir, "kjj"))) is None:
            assert bureau.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        assert holder.pid == bureau.pid
        city = subprocess.run(_cli(fast, "crawl", "--source", "city"), env=_env(), text=True,
                              capture_output=True, timeout=300, check=False)
        assert city.returncode == 0, city.stdout + city.stderr
        assert bureau.poll() is None, "the bureau's crawl ran all along beside the city's"
        twice = subprocess.run(_cli(fast, "crawl", "--source", "kjj"), env=_env(), text=True,
                               capture_output=True, timeout=60, check=False)
        assert twice.returncode == 1
        assert "来源 kjj" in twice.stderr and f"pid {bureau.pid}" in twice.stderr
        rebuild = subprocess.run(_cli(fast, "reindex"), env=_env(), text=True,
                                 capture_output=True, timeout=60, check=False)
        assert rebuild.returncode == 1 and f"pid {bureau.pid}" in rebuild.stderr
        with Catalog.open(settings.catalog_path, readonly=True) as catalog:
            runs = {run.sources: run.status for run in catalog.runs(5)}
        # the city's crawl did not take the bureau's running crawl for a dead one
        assert runs == {("kjj",): "running", ("city",): "finished"}, runs
        found = subprocess.run(_cli(fast, "search", "", "--source", "city", "--json"),
                               env=_env(), text=True, capture_output=True, timeout=60,
                               check=False)
        assert found.returncode == 0 and '"total": 0' not in found.stdout
    finally:
        bureau.send_signal(signal.SIGTERM)
        out, err = bureau.communicate(timeout=120)
    assert "次抓取：中断" in out, out + err
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        runs = {run.sources: run.status for run in catalog.runs(5)}
    assert runs == {("kjj",): "interrupted", ("city",): "finished"}
