"""An in-memory CaptureSink and CrawlState, so crawler tests need no archive on disk."""

from __future__ import annotations

import hashlib

from disclosure_search.crawl.contracts import PageReading, RecordResult
from disclosure_search.models import FetchedPage, PageKind


class MemorySink:
    """Keeps every exchange and failure in lists; knows URLs captured with status 200."""

    def __init__(self) -> None:
        self.pages: list[tuple[FetchedPage, PageKind]] = []
        self.readings: dict[str, PageReading] = {}
        self.failures: list[tuple[str, str]] = []
        self.digests: dict[str, str] = {}
        self.etags: dict[str, tuple[str | None, str | None]] = {}

    def record(self, page: FetchedPage, kind: PageKind, source: str,
               reading: PageReading | None = None) -> RecordResult:
        self.pages.append((page, kind))
        if reading is not None:
            self.readings[page.url] = reading
        if page.status != 200:
            return RecordResult(len(self.pages), "unchanged" if page.status == 304 else "new")
        digest = hashlib.sha256(page.body).hexdigest()
        before = self.digests.get(page.url)
        self.digests[page.url] = digest
        self.etags[page.url] = (page.header("ETag"), page.header("Last-Modified"))
        outcome = "new" if before is None else "unchanged" if before == digest else "changed"
        return RecordResult(len(self.pages), outcome)

    def record_failure(self, url: str, reason: str, source: str) -> None:
        self.failures.append((url, reason))

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        return self.etags.get(url)

    def is_known(self, url: str) -> bool:
        return url in self.digests

    def kinds(self) -> dict[str, PageKind]:
        return {page.url: kind for page, kind in self.pages}
