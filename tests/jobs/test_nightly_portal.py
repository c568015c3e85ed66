"""The nightly job and the ``crawl`` command against the sample portal: sweeps, SIGTERM, kill -9."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import Settings, load_settings
from disclosure_search.errors import LockedError
from disclosure_search.jobs.lock import lock_path, read_holder
from disclosure_search.jobs.nightly import nightly_job, run_locked_crawl
from disclosure_search.sample_portal import SamplePortal

#: Slow enough that a signal lands while the crawl is still fetching (the bureau has ~780 URLs).
SLOW_RPS = 40.0


@pytest.fixture()
def portal() -> Iterator[SamplePortal]:
    with SamplePortal() as running:
        yield running


def _bureau_config(portal: SamplePortal, root: Path, rps: float = 200.0) -> Path:
    """A config crawling the bureau site only (every edition change is on it)."""
    text = portal.config_toml(root / "data")
    text = text[: text.index("[[sources]]", text.index("[[sources]]") + 1)]
    text = text.replace("requests_per_second = 200.0", f"requests_per_second = {rps}")
    config = root / f"disclosure-search-{rps:g}.toml"
    config.write_text(text, encoding="utf-8")
    return config


def _settings(config: Path) -> Settings:
    return load_settings(config, environ={})


def _start_cli_crawl(config: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_SEARCH_")}
    return subprocess.Popen(
        [sys.executable, "-m", "disclosure_search", "--config", str(config), "crawl"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _wait_for_requests(portal: SamplePortal, child: subprocess.Popen[str], n: int) -> None:
    deadline = time.monotonic() + 120
    while len(portal.request_log) < n:
        assert child.poll() is None, "the crawl ended before it could be stopped"
        assert time.monotonic() < deadline, "the crawl never got going"
        time.sleep(0.05)


def _stored_urls(settings: Settings) -> set[str]:
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        return {doc.url for doc in catalog.iter_documents("kjj")}


def _listed(portal: SamplePortal) -> set[str]:
    return {item.url for item in portal.listed_documents("kjj")}


def test_nightly_job_sweeps_first_then_crawls_incrementally(
    portal: SamplePortal, tmp_path: Path
) -> None:
    settings = _settings(_bureau_config(portal, tmp_path))
    first = nightly_job(settings)
    assert first.status == "finished" and first.documents["kjj"]["new"] == len(_listed(portal))
    assert read_holder(lock_path(settings.data_dir)) is None, "the lock is released"
    portal.set_edition(1)
    before = len(portal.request_log)
    second = nightly_job(settings)
    assert second.status == "finished"
    assert second.documents["kjj"] == {"new": 5, "changed": 2, "removed": 1}
    assert second.indexed == 7
    statuses = [status for _, _, status, _ in portal.request_log[before:]]
    assert statuses.count(304) > statuses.count(200)  # revalidated, not downloaded again
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        runs = catalog.runs(5)
    assert [(r.full, r.status) for r in runs] == [(False, "finished"), (True, "finished")]
    assert runs[0].counts["kjj"]["new"] == 5  # the new detail pages, as the crawl counted them
    assert _stored_urls(settings) >= _listed(portal)


def test_sigterm_stops_the_crawl_command_and_the_next_run_continues(
    portal: SamplePortal, tmp_path: Path
) -> None:
    slow = _bureau_config(portal, tmp_path, SLOW_RPS)
    child = _start_cli_crawl(slow)
    _wait_for_requests(portal, child, 150)
    settings = _settings(slow)
    with pytest.raises(LockedError, match=f"pid {child.pid}"):
        run_locked_crawl(settings, wait_s=0.2)  # a second crawl never runs beside it
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 1, out + err  # the command reports an unfinished run
    assert "次抓取：中断" in out
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        (run,) = catalog.runs(5)
        assert run.status == "interrupted" and run.finished_at is not None
    assert len(_stored_urls(settings)) < len(_listed(portal))
    fast = _bureau_config(portal, tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "disclosure_search", "--config", str(fast), "crawl"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "次抓取：完成" in result.stdout
    assert _stored_urls(settings) == _listed(portal), "the incremental run finished the sweep"


def test_kill_9_mid_crawl_then_a_clean_resume(portal: SamplePortal, tmp_path: Path) -> None:
    slow = _bureau_config(portal, tmp_path, SLOW_RPS)
    child = _start_cli_crawl(slow)
    _wait_for_requests(portal, child, 200)
    child.kill()
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    settings = replace(_settings(slow), crawl=_settings(_bureau_config(portal, tmp_path)).crawl)
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        assert catalog.runs(1)[0].status == "running"  # nobody could record the end
        readable = [catalog.read_page(c).status for c in catalog.html_captures()]
    assert readable and set(readable) == {200}, "what was archived before the kill is readable"
    report = nightly_job(settings)  # no finished sweep yet: a full one
    assert report.status == "finished"
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        runs = catalog.runs(5)
        assert [(r.full, r.status) for r in runs] == [(True, "finished"), (False, "interrupted")]
        for capture in catalog.html_captures():
            assert catalog.read_page(capture).url == capture.url
    assert not list(settings.archive_dir.glob("*.open"))
    assert _stored_urls(settings) == _listed(portal)


def _cli_crawl(config: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_SEARCH_")}
    result = subprocess.run(
        [sys.executable, "-m", "disclosure_search", "--config", str(config), "crawl"],
        capture_output=True, text=True, timeout=300, check=False, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _health_page(settings: Settings) -> str:
    from disclosure_search.web import accounts
    from disclosure_search.web.app import create_app

    accounts.add_user(settings, "clerk", "correct horse battery")
    app = create_app(settings, test_config={"TESTING": True})
    try:
        client = app.test_client()
        login = client.get("/staff/login").get_data(as_text=True)
        token = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/staff/login", data={"name": "clerk", "password": "correct horse battery",
                                          "csrf_token": token})
        return client.get("/staff/health").get_data(as_text=True)
    finally:
        app.extensions["disclosure_search"].close()


def test_the_cli_and_the_health_page_show_one_duration_and_the_right_kind_of_crawl(
    portal: SamplePortal, tmp_path: Path
) -> None:
    config = _bureau_config(portal, tmp_path)
    first = _cli_crawl(config)  # incremental by flag, but nothing is known: a full sweep
    portal.set_edition(1)
    second = _cli_crawl(config)  # the newest list pages only
    text = config.read_text(encoding="utf-8").replace("[crawl]", "[crawl]\nknown_streak = 100000")
    config.write_text(text, encoding="utf-8")
    third = _cli_crawl(config)  # incremental by flag, yet no list was cut short: a full sweep
    settings = _settings(config)
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        runs = list(reversed(catalog.runs(5)))
    assert [(r.full, r.swept) for r in runs] == [(False, True), (False, False), (False, True)]
    page = _health_page(settings)
    for run, out, mode in zip(runs, (first, second, third), ("全量", "增量", "全量"), strict=True):
        assert run.duration_s is not None and run.duration_s > 0
        shown = f"用时 {run.duration_s:.1f} 秒"
        assert f"第 {run.id} 次抓取：完成（{mode}），{shown}" in out, out
        assert re.search(rf"第 {run.id} 次：[^<]*，完成（{mode}），{shown}</h3>", page), page
