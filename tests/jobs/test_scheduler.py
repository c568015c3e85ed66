"""The nightly job's registration: id, cron fields, time zone, one instance, persisted store."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from disclosure_search.config import CrawlSettings, Settings
from disclosure_search.errors import ConfigError
from disclosure_search.jobs.scheduler import (
    JOB_ID,
    build_scheduler,
    describe_jobs,
    nightly_trigger,
)


def _settings(tmp_path: Path, schedule: str = "30 2 * * *") -> Settings:
    return Settings(data_dir=tmp_path, timezone="Asia/Shanghai",
                    crawl=CrawlSettings(schedule=schedule))


def _field(trigger: object, name: str) -> str:
    return str(next(f for f in trigger.fields if f.name == name))  # type: ignore[attr-defined]


def test_nightly_job_is_registered_with_the_configured_cron(tmp_path: Path) -> None:
    scheduler = build_scheduler(_settings(tmp_path))
    job = scheduler.get_job(JOB_ID)
    assert job is not None
    assert _field(job.trigger, "minute") == "30"
    assert _field(job.trigger, "hour") == "2"
    assert job.trigger.timezone == ZoneInfo("Asia/Shanghai")
    assert job.max_instances == 1
    assert job.coalesce is True
    assert job.misfire_grace_time >= 3600
    assert job.func_ref == "disclosure_search.jobs.nightly:nightly_job"
    assert job.args[0].data_dir == tmp_path


def test_next_run_is_at_the_cron_time_in_the_configured_zone(tmp_path: Path) -> None:
    trigger = nightly_trigger(_settings(tmp_path))
    now = datetime(2024, 3, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    upcoming = trigger.get_next_fire_time(None, now)
    assert upcoming == datetime(2024, 3, 2, 2, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    listed = describe_jobs(_settings(tmp_path))
    assert listed[0]["id"] == JOB_ID and listed[0]["timezone"] == "Asia/Shanghai"


def test_bad_cron_is_a_config_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="61 2"):
        nightly_trigger(_settings(tmp_path, "61 2 * * *"))


def _start_paused(settings: Settings) -> tuple[object, threading.Thread]:
    scheduler = build_scheduler(settings)
    thread = threading.Thread(target=scheduler.start, kwargs={"paused": True}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not scheduler.running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert scheduler.running
    return scheduler, thread


def test_job_is_persisted_and_replaced_not_duplicated(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    for schedule in ("30 2 * * *", "15 3 * * *"):
        scheduler, thread = _start_paused(replace(settings, crawl=CrawlSettings(
            schedule=schedule)))
        scheduler.shutdown(wait=True)  # type: ignore[attr-defined]
        thread.join(timeout=5)
    with contextlib.closing(sqlite3.connect(settings.jobs_path)) as conn:
        rows = conn.execute("SELECT id, next_run_time FROM apscheduler_jobs").fetchall()
    assert [r[0] for r in rows] == [JOB_ID]
    upcoming = datetime.fromtimestamp(rows[0][1], ZoneInfo("Asia/Shanghai"))
    assert (upcoming.hour, upcoming.minute) == (3, 15)


def test_shutdown_logs_no_job_store_error(tmp_path: Path,
                                         caplog: pytest.LogCaptureFixture) -> None:
    scheduler = build_scheduler(_settings(tmp_path))
    runner = threading.Thread(target=scheduler.start, daemon=True)
    runner.start()
    deadline = time.monotonic() + 10
    while not scheduler.running and time.monotonic() < deadline:
        time.sleep(0.01)
    with caplog.at_level("WARNING"):
        scheduler.shutdown(wait=True)
        runner.join(5)
    assert not runner.is_alive()
    assert not [r for r in caplog.records if "job store" in r.getMessage()], caplog.text
