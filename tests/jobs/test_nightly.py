"""The nightly job function called directly: lock held, sweep choice, SIGTERM stops cleanly."""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from disclosure_search.config import CrawlSettings, Settings, SourceSettings
from disclosure_search.errors import LockedError
from disclosure_search.jobs.lock import crawl_lock, lock_path, read_holder
from disclosure_search.jobs.nightly import full_sweep_due, nightly_job, run_locked_crawl
from disclosure_search.models import CrawlRun


class _Recorder:
    """Stands in for the pipeline only where the test is about the job around it."""

    def __init__(self, on_call: Any = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.on_call = on_call

    def __call__(self, settings: Settings, **kwargs: Any) -> str:
        holder = read_holder(lock_path(settings.data_dir, "kjj"))
        kwargs["lock_pid"] = holder.pid if holder else None
        if self.on_call:
            self.on_call(kwargs)
        kwargs["stopped"] = kwargs["stop"].is_set() if kwargs.get("stop") else None
        self.calls.append(kwargs)
        return "report"


#: The one source the job crawls here: its crawl lock is the one held.
SOURCES = (SourceSettings(id="kjj", name="南昌市科技局", start_urls=("http://kjj.example.gov.cn/",)),)


def _run(started: datetime, *, full: bool, status: str = "finished") -> CrawlRun:
    return CrawlRun(id=1, started_at=started, finished_at=started, status=status, full=full,
                    sources=("kjj",))


def test_full_sweep_due_after_the_configured_days() -> None:
    now = datetime(2024, 5, 10, 2, 0, tzinfo=UTC)
    assert full_sweep_due([], now, 7)
    recent = [_run(now - timedelta(days=3), full=True)]
    assert not full_sweep_due(recent, now, 7)
    assert full_sweep_due([_run(now - timedelta(days=7), full=True)], now, 7)
    interrupted = [_run(now - timedelta(days=1), full=True, status="interrupted")]
    assert full_sweep_due(interrupted, now, 7)
    naive = [_run((now - timedelta(days=1)).replace(tzinfo=None), full=True)]
    assert not full_sweep_due(naive, now, 7)
    assert full_sweep_due(recent, now, 0)


def test_nightly_job_runs_the_crawl_holding_the_lock(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, crawl=CrawlSettings(full_sweep_days=7),
                        sources=SOURCES)
    recorder = _Recorder()
    assert nightly_job(settings, runner=recorder) == "report"
    (call,) = recorder.calls
    assert call["lock_pid"] == os.getpid()
    assert call["full"] is True  # no finished full sweep yet
    assert call["source_id"] is None
    assert read_holder(lock_path(tmp_path, "kjj")) is None  # released afterwards


def test_sigterm_sets_the_stop_event_for_a_clean_stop(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    recorder = _Recorder(on_call=lambda kw: os.kill(os.getpid(), signal.SIGTERM))
    before = signal.getsignal(signal.SIGTERM)
    nightly_job(settings, runner=recorder)
    assert recorder.calls[0]["stopped"] is True
    assert signal.getsignal(signal.SIGTERM) == before  # handler restored


def test_manual_crawl_refused_while_the_job_holds_the_lock(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, sources=SOURCES)
    errors: list[str] = []

    def _try_second(kwargs: dict[str, Any]) -> None:
        def _second() -> None:
            try:
                run_locked_crawl(settings, runner=_Recorder(), wait_s=0.2)
            except LockedError as exc:
                errors.append(str(exc))
        # flock is per open file description, so a thread of the same process is refused too
        worker = threading.Thread(target=_second)
        worker.start()
        worker.join()

    run_locked_crawl(settings, runner=_Recorder(on_call=_try_second))
    assert errors and f"pid {os.getpid()}" in errors[0]
    with crawl_lock(tmp_path):
        pass
