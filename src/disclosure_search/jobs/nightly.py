"""The nightly job: take the crawl locks, run one crawl pass, stop cleanly on SIGTERM."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from disclosure_search.config import Settings
from disclosure_search.jobs.lock import crawl_lock
from disclosure_search.models import CrawlRun

log = logging.getLogger(__name__)

#: How long the nightly job waits for a manual ``crawl`` that holds the lock.
NIGHTLY_LOCK_WAIT_S = 600.0

#: Set by SIGTERM/SIGINT in the scheduler process; every running job sees it.
_STOP = threading.Event()

Runner = Callable[..., Any]


def request_stop() -> None:
    """Ask every crawl of this process to stop at its next clean point."""
    _STOP.set()


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM and SIGINT while inside the block (main thread only).

    Outside the main thread (e.g. an APScheduler worker) nothing is installed: the
    process's own handler (see :func:`disclosure_search.jobs.scheduler.run_scheduler`)
    sets the shared event instead.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _handler(signum: int, frame: FrameType | None) -> None:
        log.warning("signal %s: stopping the crawl at the next clean point", signum)
        stop.set()

    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def full_sweep_due(runs: Iterable[CrawlRun], now: datetime, days: int) -> bool:
    """Return True when no finished full run started within the last ``days`` days.

    Args:
        runs: past runs, any order (``Catalog.runs``); naive times are read as UTC.
        now: the current time.
        days: ``crawl.full_sweep_days``; 0 means every run is a full sweep.
    """
    if days <= 0:
        return True
    fulls = [_aware(r.started_at) for r in runs if r.full and r.status == "finished"]
    if not fulls:
        return True
    return _aware(now) - max(fulls) >= timedelta(days=days)


def _aware(moment: datetime) -> datetime:
    """Naive times are taken as UTC, which is how the catalog stores them."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _past_runs(settings: Settings) -> list[CrawlRun]:
    if not settings.catalog_path.exists():
        return []
    from disclosure_search.archive.catalog import Catalog

    catalog = Catalog.open(settings.catalog_path, readonly=True)
    try:
        return list(catalog.runs(200))
    finally:
        close = getattr(catalog, "close", None)
        if close:
            close()


def _default_runner() -> Runner:
    from disclosure_search.jobs.pipeline import run_crawl

    return run_crawl


def run_locked_crawl(
    settings: Settings,
    *,
    source_id: str | None = None,
    full: bool = False,
    stop: threading.Event | None = None,
    on_progress: Callable[[Any], None] | None = None,
    on_step: Callable[[str, str], None] | None = None,
    wait_s: float = 0.0,
    runner: Runner | None = None,
) -> Any:
    """Run one crawl pass holding its sources' crawl locks (what ``crawl`` and the job share).

    Crawls of other sources may run beside it in other processes; a crawl of the same
    source may not.

    Args:
        settings: the resolved settings.
        source_id: only this source, or all when None.
        full: a full sweep instead of an incremental pass.
        stop: set it to stop at the next clean point (the run is recorded as interrupted).
        on_progress: passed to the pipeline (one call per URL crawled).
        on_step: passed to the pipeline (extraction and indexing progress).
        wait_s: how long to wait for another crawl to finish first.
        runner: the crawl function (default ``jobs.pipeline.run_crawl``).

    Returns:
        The pipeline's CrawlReport.

    Raises:
        LockedError: another crawl of one of these sources, or work on the whole archive
            (``reindex``), still holds its lock after ``wait_s``.
    """
    run = runner or _default_runner()
    sources = [source_id] if source_id else [s.id for s in settings.sources]
    with crawl_lock(settings.data_dir, sources=sources, wait_s=wait_s):
        log.info("crawl locks taken (%s)", ", ".join(sources))
        extra = {"on_step": on_step} if on_step else {}
        return run(settings, source_id=source_id, full=full, stop=stop,
                   on_progress=on_progress, **extra)


def nightly_job(settings: Settings, *, runner: Runner | None = None) -> Any:
    """The scheduled job: one crawl pass of every source, full when a sweep is due.

    Waits up to :data:`NIGHTLY_LOCK_WAIT_S` for a manual crawl that holds the lock. SIGTERM
    (in the main thread, or via :func:`request_stop` from the scheduler's handler) stops the
    crawl at a clean point; the pipeline records the run as interrupted and the next run
    continues from the archive.

    Returns:
        The pipeline's CrawlReport.

    Raises:
        LockedError: another crawl held the lock for the whole wait.
    """
    _STOP.clear()
    now = datetime.now(settings.tz)
    full = full_sweep_due(_past_runs(settings), now, settings.crawl.full_sweep_days)
    log.info("nightly crawl starting (%s)", "full sweep" if full else "incremental")
    with stop_on_signals(_STOP):
        report = run_locked_crawl(settings, full=full, stop=_STOP,
                                  wait_s=NIGHTLY_LOCK_WAIT_S, runner=runner)
    log.info("nightly crawl done: %s", report)
    return report
