"""The scheduler process: APScheduler runs the nightly crawl on the cron, one run at a time."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from disclosure_search.config import Settings
from disclosure_search.errors import ConfigError
from disclosure_search.jobs.jobstore import SQLiteJobStore
from disclosure_search.jobs.nightly import request_stop

log = logging.getLogger(__name__)

JOB_ID = "nightly-crawl"
JOB_FUNC = "disclosure_search.jobs.nightly:nightly_job"
#: A run missed by up to this long (machine asleep, process restarted) still runs once.
MISFIRE_GRACE_S = 6 * 3600


def nightly_trigger(settings: Settings) -> CronTrigger:
    """Return the cron trigger of ``crawl.schedule`` in the configured time zone.

    Raises:
        ConfigError: the cron string does not parse (the message names it).
    """
    try:
        return CronTrigger.from_crontab(settings.crawl.schedule, timezone=settings.tz)
    except ValueError as exc:
        raise ConfigError(
            f"crawl.schedule：cron 表达式 {settings.crawl.schedule!r} 无法解析：{exc}") from None


def build_scheduler(settings: Settings) -> BlockingScheduler:
    """Build (not start) the scheduler with the nightly job registered in ``jobs.sqlite3``.

    The job is stored with the stable id ``nightly-crawl`` and replaced on every start, so a
    changed schedule in the config takes effect at the next ``disclosure-search jobs``.
    One instance at a time, missed runs coalesced into one, within a grace period.
    """
    scheduler = BlockingScheduler(
        jobstores={"default": SQLiteJobStore(settings.jobs_path)},
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": MISFIRE_GRACE_S},
        timezone=settings.tz,
    )
    scheduler.add_job(
        JOB_FUNC,
        trigger=nightly_trigger(settings),
        args=(settings,),
        id=JOB_ID,
        name="nightly crawl of every source",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=MISFIRE_GRACE_S,
    )
    return scheduler


def run_scheduler(settings: Settings) -> None:
    """Run the scheduler until SIGTERM/SIGINT (what ``disclosure-search jobs`` does).

    A signal asks a running crawl to stop at its next clean point, then shuts the scheduler
    down after that job has finished (from a helper thread: shutting down inside a signal
    handler could deadlock on the scheduler's own lock).
    """
    scheduler = build_scheduler(settings)

    def _handler(signum: int, frame: FrameType | None) -> None:
        log.warning("signal %s: stopping the scheduler after the current job", signum)
        request_stop()
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True},
                         daemon=True).start()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _handler)
    job = scheduler.get_job(JOB_ID)
    log.info("scheduler started; next nightly crawl %s", getattr(job, "next_run_time", None))
    scheduler.start()


def describe_jobs(settings: Settings) -> list[dict[str, str]]:
    """Return the registered jobs (id, trigger, time zone, next run) for ``jobs`` to print.

    Raises:
        ConfigError: the cron string does not parse.
    """
    trigger = nightly_trigger(settings)
    upcoming = trigger.get_next_fire_time(None, datetime.now(settings.tz))
    return [{
        "id": JOB_ID,
        "trigger": str(trigger),
        "timezone": settings.timezone,
        "next_run_time": upcoming.isoformat() if upcoming else "",
    }]
