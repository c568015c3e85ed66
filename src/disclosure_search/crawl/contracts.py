"""What the crawler needs from the archive (sink and state) and what it reports back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from disclosure_search.models import FetchedPage, PageKind

if TYPE_CHECKING:
    from lxml.html import HtmlElement

Outcome = Literal["new", "changed", "unchanged"]


@dataclass(frozen=True)
class RecordResult:
    """What the archive made of one exchange: its catalog id and whether the payload was new.

    ``outcome`` is ``new`` for a URL never captured before, ``changed`` when the payload
    digest differs from the previous capture, ``unchanged`` when it is the same (or a 304).
    """

    capture_id: int
    outcome: Outcome
    is_new_payload: bool = True


@dataclass(frozen=True)
class PageReading:
    """What the crawler learned reading a page, kept so no later stage works it out again.

    ``charset`` is the one the page was decoded with; ``links`` the pages it links to and
    ``attachments`` its attachment links, as (canonical URL, link text) in page order.
    """

    charset: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    attachments: tuple[tuple[str, str], ...] = ()


class CaptureSink(Protocol):
    """Receives every exchange the crawler makes, and every URL that failed."""

    def record(self, page: FetchedPage, kind: PageKind, source: str,
               reading: PageReading | None = None) -> RecordResult:
        """Archive one exchange (flushed to disk before this returns), with what the crawler
        read in it (an HTML page it parsed)."""
        ...

    def record_failure(self, url: str, reason: str, source: str) -> None:
        """Remember that ``url`` failed and why."""
        ...


class PageReader(Protocol):
    """Reads each HTML page the crawler parsed, on the crawler's own tree (extraction, given
    by ``jobs``): the one place that says whether a page is a document."""

    def read(self, page: FetchedPage, tree: HtmlElement, listed: bool) -> bool:
        """Read ``page`` from ``tree`` (its parse, which the reader does not change).

        ``listed`` says the crawler found a list there (paging or data); the reader then
        only reads its rows. Returns True when the page is a document: the crawler then
        takes in its attachments, not its other links.
        """
        ...


class CrawlState(Protocol):
    """What earlier runs saw: validators for conditional GETs, and which URLs are known."""

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """``(etag, last_modified)`` of the latest successful capture of ``url``, or None."""
        ...

    def is_known(self, url: str) -> bool:
        """True when ``url`` was captured successfully before."""
        ...


@dataclass
class CrawlStats:
    """Counters of one crawl pass over one source, and the failures with their reasons.

    ``fetched`` counts URLs that got a final response (any status); ``requests`` counts every
    HTTP request including redirect hops and retries; ``bytes`` is body bytes received.
    """

    source: str
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    gone: int = 0
    skipped_robots: int = 0
    skipped_scope: int = 0
    skipped_known: int = 0
    requests: int = 0
    bytes: int = 0
    stopped: bool = False
    #: The crawl ended at its ``max_fetches`` budget (the probe's), not at an empty frontier.
    out_of_budget: bool = False
    #: Lists whose paging an incremental pass stopped early (``known_streak`` known items).
    lists_cut: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    #: Links left out of scope, counted per folder (``http://h/zfxxgk/``).
    left_out: Counter[str] = field(default_factory=Counter)

    def counts(self) -> dict[str, int]:
        """The counters as a plain dict, as stored with a crawl run."""
        names = ("fetched", "new", "changed", "unchanged", "failed", "gone", "skipped_robots",
                 "skipped_scope", "skipped_known", "requests", "bytes")
        return {name: int(getattr(self, name)) for name in names}


@dataclass(frozen=True)
class CrawlEvent:
    """One progress report: a URL done (or skipped), with the counters so far."""

    source: str
    url: str
    kind: PageKind
    status: int
    outcome: str  # new | changed | unchanged | failed | gone | skipped
    reason: str | None
    counts: dict[str, int]
