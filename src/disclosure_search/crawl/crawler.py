"""The crawl loop: a breadth-first frontier over one source, lists before details."""

from __future__ import annotations

import logging
import posixpath
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from disclosure_search.config import CrawlSettings, SourceSettings
from disclosure_search.crawl.classify import Classifier
from disclosure_search.crawl.contracts import (
    CaptureSink,
    CrawlEvent,
    CrawlState,
    CrawlStats,
    PageReader,
    PageReading,
)
from disclosure_search.crawl.fetch import Fetcher, FetchResult
from disclosure_search.crawl.frontier import Frontier
from disclosure_search.crawl.links import (
    PAGE_PARAMS,
    Link,
    PageLinks,
    data_page,
    discover,
)
from disclosure_search.crawl.robots import RobotsPolicy
from disclosure_search.crawl.scope import Scope, folder_of, host_of
from disclosure_search.htmltree import read_page
from disclosure_search.models import FetchedPage, PageKind
from disclosure_search.vocabulary.attachments import attachment_type, is_attachment_url
from disclosure_search.vocabulary.urls import canonicalize

log = logging.getLogger(__name__)

ProgressCallback = Callable[[CrawlEvent], None]
_HTML_TYPES = ("text/html", "application/xhtml", "text/plain")


@dataclass(frozen=True)
class _Item:
    url: str
    guess: PageKind
    column: str | None = None  # set on list pages reached by paging


class Crawler:
    """Crawls one source once; collaborators are injected (Scrapy-style).

    Order, per host: every list or unknown page first (breadth-first from the start URLs),
    then the attachments found so far, then detail pages; a detail page's attachments are
    fetched right after it. Up to ``hosts_at_once`` of the source's hosts are fetched from at
    the same time, one request at a time each (see :class:`Frontier`), so a slow host delays
    only its own URLs. One failing URL never ends the crawl: it is recorded with its reason
    and counted.

    ``max_fetches`` ends the crawl after that many URLs (``stats.out_of_budget``);
    ``interleave`` takes lists, files and details in turn instead (a sample of each early).

    Incremental mode (``full=False``): detail pages and attachments are fetched with a
    conditional GET from the previous capture's validators, and a paged list column stops
    paging after ``known_streak`` consecutive detail links that are already known. The
    ``revisit`` URLs (the documents already known) are revalidated with a conditional GET too,
    so an old item edited in place or taken down is noticed although its list page is not
    walked; an unchanged one costs a 304 and no body.

    Every HTML page is parsed once; ``reader`` (extraction, given by ``jobs``) reads it on
    that tree and says whether it is a document. Without a reader no page is a document
    unless ``detail_url_pattern`` says so.
    """

    def __init__(
        self,
        settings: CrawlSettings,
        source: SourceSettings,
        sink: CaptureSink,
        state: CrawlState,
        *,
        full: bool = False,
        on_progress: ProgressCallback | None = None,
        stop: threading.Event | None = None,
        fetcher: Fetcher | None = None,
        robots: RobotsPolicy | None = None,
        revisit: Iterable[str] = (),
        max_fetches: int | None = None,
        interleave: bool = False,
        reader: PageReader | None = None,
    ) -> None:
        self.settings = settings
        self.source = source
        self.sink = sink
        self.state = state
        self.full = full
        self.on_progress = on_progress
        self.stop = stop or threading.Event()
        self.fetcher = fetcher or Fetcher(settings, stop=self.stop)
        self.robots = robots or RobotsPolicy(
            settings.user_agent, self._fetch_robots, obey=settings.obey_robots
        )
        self.scope = Scope(source)
        self.classifier = Classifier(source)
        self.stats = CrawlStats(source=source.id)
        self._seen: set[str] = set()
        self._frontier: Frontier[_Item] = Frontier(settings.hosts_at_once, interleave=interleave)
        # guards everything below and the stats: a visit holds it but for its network I/O
        self._lock = self._frontier.lock
        self._streaks: dict[str, int] = {}
        self._stopped_columns: set[str] = set()
        self._revisit = () if full else tuple(revisit)
        self._known = frozenset(self._revisit)
        self._starts = frozenset(filter(None, map(canonicalize, source.start_urls)))
        self.max_fetches = max_fetches
        self.reader = reader

    def run(self) -> CrawlStats:
        """Crawl until the frontier is empty or ``stop`` is set; return the counters."""
        for url in self.source.start_urls:
            canon = canonicalize(url)
            if canon:
                self._enqueue(canon, self.classifier.guess(canon), force=True)
        for url in self._revisit:  # detail queue: fetched after the lists have been walked
            canon = canonicalize(url)
            if canon:
                self._enqueue(canon, "detail")
        self._frontier.work(self._visit, self._may_take)
        return self.stats

    def _may_take(self) -> bool:
        if self.stop.is_set():
            self.stats.stopped = True
            log.info("crawl of %s stopped on request", self.source.id)
            return False
        under_way = self.stats.fetched + self._frontier.in_flight
        if self.max_fetches is not None and under_way >= self.max_fetches:
            self.stats.out_of_budget = True
            return False
        return True

    # -- frontier -----------------------------------------------------------------------------

    def _enqueue(self, url: str, guess: PageKind, *, column: str | None = None,
                 force: bool = False) -> None:
        if url in self._seen:
            return
        in_scope = self.scope.host_allowed(url) if guess == "attachment" else self.scope.allows(url)
        if not (in_scope or force):
            self.stats.skipped_scope += 1
            self.stats.left_out[folder_of(url)] += 1
            self._seen.add(url)
            return
        self._seen.add(url)
        queue = guess if guess in ("attachment", "detail") else "page"
        self._frontier.put(host_of(url), queue, _Item(url, guess, column))

    # -- one URL ------------------------------------------------------------------------------

    def _visit(self, item: _Item) -> None:
        """Fetch one URL (in a frontier thread) and take in what came back.

        Only robots.txt and the fetch run outside the lock: they are the network waits.
        """
        with self._lock:
            if item.column and item.column in self._stopped_columns and not self.full:
                self.stats.skipped_known += 1
                self._report(item, 0, "skipped", "column already known from here on")
                return
        if not self.robots.allowed(item.url):
            with self._lock:
                self.stats.skipped_robots += 1
                self._report(item, 0, "skipped", "disallowed by robots.txt")
            return
        result = self.fetcher.fetch(
            item.url,
            gate=self._gate,
            validators=self._validators(item),
            max_bytes=self._cap(item.guess),
        )
        with self._lock:
            self._take_in(item, result)

    def _take_in(self, item: _Item, result: FetchResult) -> None:
        self.stats.requests += result.attempts
        final = result.final
        kind, links, reading = self._understand(item, final)
        outcome = self._record(result, kind, reading)
        if outcome is not None and final.status in (404, 410) and item.url in self._known:
            # a known document that is gone is an observation (a removal), not a failure
            self.stats.fetched += 1
            self.stats.gone += 1
            self._report(item, final.status, "gone", f"HTTP {final.status}", kind)
            return
        if outcome is None or self._failure(result):
            self._fail(item, kind, final, self._failure(result) or "not archived")
            return
        self.stats.fetched += 1
        setattr(self.stats, outcome, getattr(self.stats, outcome) + 1)
        self._report(item, final.status, outcome, None, kind)
        if links is not None:
            self._follow(item, kind, final.url, links)

    def _fetch_robots(self, url: str) -> FetchedPage:
        # RFC 9309 2.3.1.2: redirects of robots.txt are followed even to another host (one
        # small file; up to max_redirects hops), and its rules apply to this host
        result = self.fetcher.fetch(url)
        with self._lock:
            self.stats.requests += result.attempts
            self._record(result, "robots")
        return result.final

    def _gate(self, url: str) -> str | None:
        if not self.scope.host_allowed(url):
            with self._lock:
                self.stats.skipped_scope += 1
            return f"redirect to {url} leaves the source's hosts"
        if not self.robots.allowed(url):
            with self._lock:
                self.stats.skipped_robots += 1
            return f"redirect to {url} is disallowed by robots.txt"
        return None

    def _validators(self, item: _Item) -> tuple[str | None, str | None] | None:
        # Lists are always fetched in full: their links are what an incremental run walks.
        if self.full or item.guess not in ("detail", "attachment"):
            return None
        return self.state.validators(item.url)

    def _cap(self, guess: PageKind) -> int:
        if guess == "attachment":
            return self.settings.max_attachment_bytes
        return self.settings.max_page_bytes

    def _understand(
        self, item: _Item, page: FetchedPage
    ) -> tuple[PageKind, PageLinks | None, PageReading | None]:
        if page.status != 200 or page.error:
            return item.guess, None, None
        ctype = (page.header("Content-Type") or "").lower()
        looks_html = any(t in ctype for t in _HTML_TYPES) or (
            not ctype and page.body.lstrip()[:1] == b"<"
        )
        # A download script may label a file text/html: its bytes or its
        # Content-Disposition file name tell the truth.
        is_file = attachment_type(
            body=page.body, content_disposition=page.header("Content-Disposition")
        )
        data = None if looks_html or is_file else data_page(page.body, ctype, page.url)
        if data is not None:  # a list answered as data: a jpage proxy's XML, a JSON list
            return "list", data, _reading(None, data)
        if not looks_html or is_file is not None:
            return "attachment", None, None
        # A link that named a file type is one (an HTML error page in its place included);
        # one that only read like a download (下载 -> get.do?id=3) turned out to be a page.
        if item.guess == "attachment" and is_attachment_url(item.url):
            return "attachment", None, None
        if item.guess == "attachment" and not self.scope.allows(page.url):
            return "other", None, None
        tree, charset = read_page(page.body, ctype, base_url=page.url)
        links = discover(tree, page.url)
        listed = self.classifier.listed(page.url, links)
        document = self.reader is not None and self.reader.read(page, tree, listed)
        kind = self.classifier.classify(page.url, links, document=document)
        return kind, links, _reading(charset, links)

    def _record(self, result: FetchResult, kind: PageKind,
                reading: PageReading | None = None) -> str | None:
        outcome = None
        for hop in result.hops:
            if hop.status == 0:
                continue
            final = hop is result.final
            recorded = self.sink.record(hop, kind if final else "other", self.source.id,
                                        reading if final else None)
            self.stats.bytes += len(hop.body)
            outcome = recorded.outcome
        if result.final.status == 304:
            return "unchanged"
        return outcome

    @staticmethod
    def _failure(result: FetchResult) -> str | None:
        if result.error:
            return result.error
        status = result.final.status
        if status >= 400 or (300 <= status < 400 and status != 304):
            return f"HTTP {status}"
        return None

    def _fail(self, item: _Item, kind: PageKind, page: FetchedPage, reason: str) -> None:
        self.stats.failed += 1
        if page.status:
            self.stats.fetched += 1
        self.stats.failures.append((item.url, reason))
        self.sink.record_failure(item.url, reason, self.source.id)
        self._report(item, page.status, "failed", reason, kind)

    def _report(self, item: _Item, status: int, outcome: str, reason: str | None,
                kind: PageKind | None = None) -> None:
        if self.on_progress is None:
            return
        self.on_progress(CrawlEvent(
            source=self.source.id, url=item.url, kind=kind or item.guess, status=status,
            outcome=outcome, reason=reason, counts=self.stats.counts(),
        ))

    # -- links --------------------------------------------------------------------------------

    def _follow(self, item: _Item, kind: PageKind, url: str, links: PageLinks) -> None:
        self._seen.add(url)
        if self.settings.fetch_attachments:
            for link in links.attachments:
                self._enqueue(link.url, "attachment")
        if not self.classifier.follows(url, kind):
            return
        guesses = [(link, self.classifier.guess(link.url)) for link in links.links]
        self._widen(item, kind, guesses)
        column = item.column or column_key(url)
        if kind == "list" and not self.full:
            self._count_known(column, guesses, links)
        for page_url in links.data_paging:
            # a list's data pages are part of it, wherever its data proxy or endpoint lives
            if self.scope.allows(url) and self.scope.host_allowed(page_url):
                self.scope.adopt_page(page_url)
        for page_url in links.paging:
            self._enqueue(page_url, "list", column=column_key(page_url))
        for link, guess in guesses:
            self._enqueue(link.url, guess)

    def _widen(self, item: _Item, kind: PageKind, guesses: list[tuple[Link, PageKind]]) -> None:
        """Take in what a site's layout puts beside the start page (see :class:`Scope`).

        A start page's links to sibling columns, and article-shaped links of any list in
        scope, on the source's hosts.
        """
        start = item.url in self._starts
        if not (start or kind == "list") or not self.scope.allows(item.url):
            return
        for link, guess in guesses:
            if self.scope.allows(link.url) or not self.scope.host_allowed(link.url):
                continue
            if guess == "detail":
                self.scope.adopt_page(link.url)
            elif start and self.scope.is_sibling_column(link.url):
                self.scope.adopt_column(link.url)

    def _count_known(self, column: str, guesses: list[tuple[Link, PageKind]],
                     links: PageLinks) -> None:
        details = [link for link, guess in guesses if guess == "detail"] or _rows(links)
        streak = self._streaks.get(column, 0)
        for link in details:
            streak = streak + 1 if self.state.is_known(link.url) else 0
            if streak >= self.settings.known_streak:
                self._stopped_columns.add(column)
                self.stats.lists_cut = len(self._stopped_columns)
                log.info("%s: %d known items in a row, not paging further", column, streak)
                break
        self._streaks[column] = streak


def column_key(url: str) -> str:
    """The list a page belongs to: its URL without the page number (index_3.html, ?page=3)."""
    parts = urlsplit(url)
    path = re.sub(r"/index_\d+(\.\w+)$", r"/index\1", parts.path)
    if posixpath.basename(path) in ("", "index.html", "index.htm", "index.shtml"):
        path = posixpath.dirname(path) + "/"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if k.lower() not in PAGE_PARAMS]
    )
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def _reading(charset: str | None, links: PageLinks) -> PageReading:
    return PageReading(charset, tuple((link.url, link.text) for link in links.links),
                       tuple((link.url, link.text) for link in links.attachments))


def _rows(links: PageLinks) -> list[Link]:
    """The links of a list's most common URL shape, in page order (its rows)."""
    by_folder: dict[str, list[Link]] = {}
    for link in links.links:
        folder = re.sub(r"\d+", "N", posixpath.dirname(urlsplit(link.url).path))
        by_folder.setdefault(folder, []).append(link)
    return max(by_folder.values(), key=len) if by_folder else []
