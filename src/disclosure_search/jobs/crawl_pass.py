"""One crawl pass into the archive: a run row, each source crawled, the run closed honestly.

It lives in `jobs`, not `archive`: it builds the crawler, fetcher and rate limiter, and the
archive depends on nothing of the crawl but its contracts.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from disclosure_search.archive.catalog import Catalog
from disclosure_search.archive.sink import ArchiveSink
from disclosure_search.config import Settings, SourceSettings
from disclosure_search.crawl.contracts import CrawlStats
from disclosure_search.crawl.crawler import Crawler, ProgressCallback
from disclosure_search.crawl.fetch import Fetcher
from disclosure_search.crawl.rate import RateLimiter
from disclosure_search.jobs.page_reader import PageExtractor

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    """What a crawl pass did: its run id, status and the counters of each source."""

    run_id: int
    status: str
    stats: dict[str, CrawlStats] = field(default_factory=dict)

    def swept(self, sources: Sequence[SourceSettings]) -> bool:
        """True when the pass finished and walked every list page of every source: a full
        sweep in what it saw (asked for with ``full``, or a first pass, or one where no list
        had ``known_streak`` known items in a row)."""
        return self.status == "finished" and all(
            s.id in self.stats and not self.stats[s.id].lists_cut
            and not self.stats[s.id].out_of_budget for s in sources)


def crawl_into_archive(
    settings: Settings,
    sources: Sequence[SourceSettings] | None = None,
    *,
    full: bool = False,
    catalog: Catalog | None = None,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    pages: PageExtractor | None = None,
) -> RunResult:
    """Crawl ``sources`` (default: all configured) once, archiving every exchange.

    The run is recorded in the catalog as ``finished``, ``interrupted`` (``stop`` was set) or
    ``failed`` (an unexpected error, which is re-raised after the run is closed). Runs of the
    same sources left ``running`` by a process that died are marked ``interrupted``: callers
    hold those sources' crawl locks, so no other crawl of them can be running. An incremental
    pass revalidates every known, not removed document of a source with a conditional GET
    besides walking its newest list pages; after a pass that did not finish it walks every
    list page, so it continues that pass.
    Up to ``crawl.sources_at_once`` sources are crawled at the same time, each with its own
    robots.txt and every host with its own rate, into one WARC file and one run; within a
    source up to ``crawl.hosts_at_once`` hosts are fetched from side by side (the sink writes
    one exchange at a time). Every HTML page is read by extraction on the crawler's parse
    (``pages``, or one made here), which says which pages are documents and keeps what they
    hold for ``jobs.extraction.extract_pending``.
    """
    chosen = tuple(sources if sources is not None else settings.sources)
    stop = stop or threading.Event()
    pages = pages or PageExtractor()
    own_catalog = catalog is None
    cat = catalog or Catalog.open(settings.catalog_path, archive_dir=settings.archive_dir)
    run_id = cat.start_run([s.id for s in chosen], full)
    if cat.interrupt_stale_runs(run_id, [s.id for s in chosen]):
        log.warning("an earlier crawl died without finishing; its run is marked interrupted")
    result = RunResult(run_id, "running")
    fetcher = Fetcher(settings.crawl, rate=RateLimiter(settings.crawl.requests_per_second),
                      stop=stop)
    def crawl_one(source: SourceSettings) -> CrawlStats | None:
        if stop.is_set():
            return None
        cat.ensure_source(source.id, source.name)
        revisit = () if full else revalidation_share(
            cat.document_urls(source.id), settings.crawl.revalidate_days,
            datetime.now(settings.tz).date())
        crawl_settings = settings.crawl
        if not full and _resuming(cat, run_id, source.id):
            # the previous pass stopped part-way: items deep in the lists may never have
            # been fetched, so walk every list page this time
            log.info("%s: previous run did not finish; walking every list page", source.id)
            crawl_settings = replace(crawl_settings, known_streak=sys.maxsize)
        crawler = Crawler(crawl_settings, source, sink, sink, full=full,
                          on_progress=on_progress, stop=stop, fetcher=fetcher, revisit=revisit,
                          reader=pages.for_source(source))
        return crawler.run()

    try:
        with ArchiveSink.open(settings, run_id, catalog=cat) as sink:
            at_once = max(1, min(settings.crawl.sources_at_once, len(chosen)))
            with ThreadPoolExecutor(at_once, thread_name_prefix="source") as pool:
                for source, stats in zip(chosen, pool.map(crawl_one, chosen), strict=True):
                    if stats is not None:
                        result.stats[source.id] = stats
        result.status = "interrupted" if stop.is_set() else "finished"
    except BaseException:
        stop.set()  # the other sources stop at their next clean point
        result.status = "failed"
        raise
    finally:
        cat.finish_run(run_id, result.status, {k: v.counts() for k, v in result.stats.items()},
                       swept=result.swept(chosen))
        if own_catalog:
            cat.close()
    return result


def revalidation_share(urls: Sequence[str], days: int, today: date) -> list[str]:
    """The known documents an incremental pass revalidates today: all, or a rotating 1/days.

    Each URL falls on a fixed day of a ``days``-long cycle (by a hash of the URL), so every
    known document is checked once per cycle and the nightly request count stays near
    ``len(urls) / days``.
    """
    if days <= 1:
        return list(urls)
    slot = today.toordinal() % days
    return [u for u in urls
            if int(hashlib.sha256(u.encode("utf-8")).hexdigest()[:8], 16) % days == slot]


def _resuming(catalog: Catalog, run_id: int, source_id: str) -> bool:
    """True when the run before ``run_id`` that covered ``source_id`` did not finish."""
    for run in catalog.runs(50):
        if run.id < run_id and source_id in run.sources:
            return run.status != "finished"
    return False
