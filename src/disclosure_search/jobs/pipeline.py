"""The whole pipeline in one call: crawl into the archive, extract what is new, index it."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import Settings, SourceSettings
from disclosure_search.crawl.contracts import CrawlEvent, CrawlStats
from disclosure_search.extract.worker import ExtractWorker, Stopped
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs import index_sync
from disclosure_search.jobs.crawl_pass import crawl_into_archive
from disclosure_search.jobs.extraction import StepCallback, extract_pending
from disclosure_search.jobs.ledger import Ledger
from disclosure_search.jobs.lock import index_lock
from disclosure_search.jobs.page_reader import PageExtractor
from disclosure_search.reports import watchlist
from disclosure_search.reports.watchlist import Recheck

log = logging.getLogger(__name__)


@dataclass
class CrawlReport:
    """What one pipeline pass did, per source: crawl counters and document changes."""

    run_id: int
    status: str
    crawl: dict[str, CrawlStats] = field(default_factory=dict)
    documents: dict[str, Counter[str]] = field(default_factory=dict)
    extract_failures: list[tuple[str, str]] = field(default_factory=list)
    indexed: int = 0
    elapsed_s: float = 0.0
    #: Every list page was walked (a full sweep, asked for or not).
    swept: bool = False
    #: What re-checking the saved expected-items lists found after this pass.
    watch: Recheck = field(default_factory=Recheck)
    #: Sources whose scope kept their documents out: what was left out and what to add.
    scope_problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.crawl.values()) + len(self.extract_failures)


def run_crawl(
    settings: Settings,
    *,
    source_id: str | None = None,
    full: bool = False,
    stop: threading.Event | None = None,
    on_progress: Callable[[CrawlEvent], None] | None = None,
    on_step: StepCallback | None = None,
) -> CrawlReport:
    """Crawl (one or every source), archive, extract new and changed pages, update the index.

    Args:
        settings: the resolved settings.
        source_id: only this source; all configured sources when None.
        full: a full sweep (no conditional GETs, every list page); also marks documents
            no longer listed as removed. Incremental passes walk the newest list pages and
            revalidate known documents with conditional GETs.
        stop: set it to stop at the next clean point (the run is then ``interrupted``).
        on_progress: called for every URL the crawler finishes.
        on_step: called with (stage, detail) for extraction and indexing progress.

    Returns:
        The report with per-source counters; the run is recorded in the catalog too.
    """
    sources = (settings.source(source_id),) if source_id else settings.sources
    seen: dict[str, set[str]] = {s.id: set() for s in sources}
    gone: dict[str, set[str]] = {s.id: set() for s in sources}

    def progress(event: CrawlEvent) -> None:
        # Any answer but 404/410 (a 500, a timeout) means the page was still reachable from
        # the lists: only a page the sweep never reached counts as delisted.
        if event.status in (404, 410):
            gone[event.source].add(event.url)
        else:
            seen[event.source].add(event.url)
        if on_progress:
            on_progress(event)

    stop = stop or threading.Event()
    pages = PageExtractor()  # each page parsed once: the crawler's tree, read by extraction
    with Catalog.open(settings.catalog_path, archive_dir=settings.archive_dir) as catalog:
        result = crawl_into_archive(settings, sources, full=full, catalog=catalog,
                                    on_progress=progress, stop=stop, pages=pages)
        report = CrawlReport(result.run_id, result.status, crawl=result.stats)
        for source in sources:
            removed = _removals(catalog, source, result.status, full, gone[source.id],
                                seen[source.id])
            report.documents[source.id] = Counter(removed=len(removed))
        if stop.is_set():  # stop means stop: the next run extracts and indexes the rest
            return _end(catalog, report)
        try:
            with _worker(settings, stop) as worker:
                for source in sources:
                    changed = extract_pending(catalog, source, worker, run_id=result.run_id,
                                              failures=report.extract_failures, on_step=on_step,
                                              pages=pages)
                    report.documents[source.id].update(outcome for outcome, _ in changed)
            report.indexed = _catch_up(settings, catalog, on_step, stop=stop)
        except Stopped:
            pass
        if stop.is_set():
            report.status = "interrupted"  # the next run extracts and indexes the rest
        if report.status == "finished":
            report.watch = recheck_saved(settings, catalog)
        for source in sources:
            stats = report.crawl.get(source.id)
            problem = stats and scope_problem(source, stats, len(catalog.document_urls(source.id)))
            if problem:
                log.warning("%s", problem)
                report.scope_problems.append(problem)
        return _end(catalog, report)


def recheck_saved(settings: Settings, catalog: Catalog) -> Recheck:
    """Check every saved expected-items list again against the archive (after a crawl).

    A database that cannot be written right now (e.g. locked for longer than the timeout)
    costs this re-check only, never the crawl: the next crawl checks again.
    """
    try:
        found = watchlist.recheck(settings.catalog_path,
                                  catalog.iter_documents(include_removed=True),
                                  datetime.now(settings.tz).date())
    except sqlite3.OperationalError as exc:
        log.warning("saved checklists not re-checked this time: %s", exc)
        return Recheck()
    if found.lists:
        log.info("saved checklists re-checked: %s", found)
    return found


def _end(catalog: Catalog, report: CrawlReport) -> CrawlReport:
    """Close the pass in the catalog; its duration is the one stored (the health page's)."""
    run = catalog.end_pass(report.run_id, report.status)
    report.elapsed_s = run.duration_s or 0.0
    report.swept = run.swept
    return report


def scope_problem(source: SourceSettings, stats: CrawlStats, documents: int) -> str | None:
    """Say what to add when a source found no documents or left most links out of scope.

    Returns:
        A message naming the folders most links were left out of, or None when all is well.
    """
    left_out = sum(stats.left_out.values())
    if stats.stopped or (documents and left_out <= stats.fetched):
        return None
    what = "没有找到任何文件" if not documents else (
        f"有 {left_out} 个链接在抓取范围之外（已抓取 {stats.fetched} 个）")
    folders = "、".join(f"{folder}（{n} 个）" for folder, n in stats.left_out.most_common(5))
    advice = (f"；多数在 {folders}：请把这些目录加入 start_urls，或设置 "
              "detail_url_pattern / list_url_pattern") if folders else "；请检查 start_urls"
    return f"来源 {source.id} {what}{advice}"


def _worker(settings: Settings, stop: threading.Event | None) -> ExtractWorker:
    return ExtractWorker(settings.crawl.extract_timeout_s, settings.crawl.extract_memory_mb,
                         stop=stop)


def _catch_up(settings: Settings, catalog: Catalog, on_step: StepCallback | None,
              rebuild: bool = False, stop: threading.Event | None = None) -> int:
    """Bring the index to the catalog's state (rebuilt whole when ``rebuild``); return writes.

    Holds the index lock: a crawl of another source that ends meanwhile waits its turn.

    Raises:
        Stopped: ``stop`` was set during a rebuild, or while waiting for the lock.
    """
    with index_lock(settings.data_dir, stop) as held:
        if not held:
            raise Stopped("indexing not started: the run was asked to stop")
        return _write_index(settings, catalog, on_step, rebuild, stop)


def _write_index(settings: Settings, catalog: Catalog, on_step: StepCallback | None,
                 rebuild: bool, stop: threading.Event | None) -> int:
    backend = open_backend(settings.index_dir, writable=True, config=settings.index)
    try:
        if rebuild:
            return index_sync.rebuild(catalog, backend, on_step,
                                      agency_name=settings.agency_name, stop=stop)
        return index_sync.catch_up(catalog, backend, on_step, agency_name=settings.agency_name,
                                   stop=stop).indexed
    finally:
        backend.close()


def _removals(catalog: Catalog, source: SourceSettings, status: str, full: bool,
              gone: set[str], reached: set[str]) -> set[str]:
    """Mark documents removed: their page answered 404/410, or a full sweep no longer reached them.

    Only a run that finished decides removals; an interrupted one leaves them to the next run.
    """
    if status != "finished":
        return set()
    listed = reached if full else None
    now = datetime.now(UTC)
    removed: set[str] = set()
    for doc in catalog.iter_documents(source.id, include_removed=False):
        if doc.url in gone or (listed is not None and doc.url not in listed):
            catalog.mark_removed(doc.id, now)
            removed.add(doc.id)
    return removed


def reindex(settings: Settings, on_step: StepCallback | None = None,
            stop: threading.Event | None = None) -> CrawlReport:
    """Rebuild documents and the index from the archive alone (no network).

    The extraction ledger is cleared so every archived page is extracted again with the
    current extractor (same budgets as a crawl); the index is rebuilt from the catalog (on
    Elasticsearch into a new index that replaces the old one only when complete). Killed
    part-way, the next crawl or ``serve`` start completes the index.
    """
    started = time.monotonic()
    report = CrawlReport(run_id=0, status="finished")
    with Catalog.open(settings.catalog_path, archive_dir=settings.archive_dir) as catalog:
        Ledger(catalog).forget()
        try:
            with _worker(settings, stop) as worker:
                for source in settings.sources:
                    changed = extract_pending(catalog, source, worker,
                                              failures=report.extract_failures, on_step=on_step)
                    report.documents[source.id] = Counter(outcome for outcome, _ in changed)
            report.indexed = _catch_up(settings, catalog, on_step, rebuild=True, stop=stop)
        except Stopped:
            pass
        if stop is not None and stop.is_set():
            report.status = "interrupted"
    report.elapsed_s = time.monotonic() - started
    return report
