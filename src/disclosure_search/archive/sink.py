"""The archive as the crawler sees it: WARC writer + catalog behind CaptureSink and CrawlState."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from disclosure_search.archive.catalog import Catalog
from disclosure_search.archive.warc import WarcWriter
from disclosure_search.config import Settings
from disclosure_search.crawl.contracts import Outcome, PageReading, RecordResult
from disclosure_search.models import FetchedPage, PageKind


class ArchiveSink:
    """Writes each exchange to WARC (fsynced), then adds its catalog row; answers state queries.

    Identical payloads (same SHA-256 as one already archived, any URL) are written as revisit
    records. Implements the crawler's ``CaptureSink`` and ``CrawlState`` protocols.
    """

    def __init__(self, writer: WarcWriter, catalog: Catalog, run_id: int | None = None) -> None:
        self.writer = writer
        self.catalog = catalog
        self.run_id = run_id
        self._lock = threading.Lock()  # sources crawled at once share one WARC file

    @classmethod
    def open(cls, settings: Settings, run_id: int | None = None,
             catalog: Catalog | None = None) -> ArchiveSink:
        """Open the archive under ``settings.data_dir`` (recovering files a crash left open)."""
        writer = WarcWriter(Path(settings.archive_dir), settings.crawl.warc_max_bytes)
        return cls(writer, catalog or Catalog.open(settings.catalog_path), run_id)

    def close(self) -> None:
        """Close the current WARC file (the catalog stays open: it may be shared)."""
        self.writer.close()

    def __enter__(self) -> ArchiveSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, page: FetchedPage, kind: PageKind, source: str,
               reading: PageReading | None = None) -> RecordResult:
        """Archive one exchange and catalogue it (with what the crawler read in it); say
        whether its payload is new for the URL."""
        sha = hashlib.sha256(page.body).hexdigest()
        with self._lock:
            previous = self.catalog.latest_capture(page.url, ok_only=True)
            ref = self.catalog.payload_ref(sha) if page.body else None
            location = self.writer.write(page, revisit_of=ref)
            capture = self.catalog.record_capture(page, location, kind, source, self.run_id,
                                                      reading)
        outcome: Outcome
        if page.status == 304 or (previous is not None and previous.sha256 == sha):
            outcome = "unchanged"
        else:
            outcome = "new" if previous is None else "changed"
        return RecordResult(capture.id, outcome, is_new_payload=ref is None)

    def record_failure(self, url: str, reason: str, source: str) -> None:
        """Catalogue a failed URL for this run (failures have no WARC record)."""
        self.catalog.record_failure(self.run_id, url, reason, source)

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """Conditional-GET validators from the newest successful capture of ``url``."""
        return self.catalog.validators(url)

    def is_known(self, url: str) -> bool:
        """True when ``url`` has been captured successfully before."""
        return self.catalog.is_known(url)
