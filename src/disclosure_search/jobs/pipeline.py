"""The whole pipeline in one call: crawl into the archive, extract what is new, index it."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import Settings, SourceSettings
from disclosure_search.crawl.contracts import CrawlEvent, CrawlStats
from disclosure_search.encoding import decode_as
from disclosure_search.errors import ArchiveError, ExtractError
from disclosure_search.extract.attachments import attachment_text
from disclosure_search.extract.html import extract_document
from disclosure_search.extract.links import attachments_from_links
from disclosure_search.index.backend import SearchBackend, open_backend
from disclosure_search.jobs.crawl_pass import crawl_into_archive
from disclosure_search.jobs.ledger import Ledger
from disclosure_search.models import Attachment, Capture, Document
from disclosure_search.vocabulary.attachments import attachment_type

log = logging.getLogger(__name__)

StepCallback = Callable[[str, str], None]  # (stage, detail)


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
    started = time.monotonic()
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

    with Catalog.open(settings.catalog_path, archive_dir=settings.archive_dir) as catalog:
        result = crawl_into_archive(settings, sources, full=full, catalog=catalog,
                                    on_progress=progress, stop=stop)
        report = CrawlReport(result.run_id, result.status, crawl=result.stats)
        backend = open_backend(settings.index_dir, writable=True)
        try:
            for source in sources:
                counts = report.documents.setdefault(source.id, Counter())
                changed = extract_pending(catalog, source, report, on_step)
                counts.update(outcome for outcome, _ in changed)
                counts["removed"] += len(_removals(catalog, source, result.status, full,
                                                   gone[source.id], seen[source.id]))
                # The index holds no removal state (a removed document stays findable and its
                # page says it was taken down), so only new and changed documents are written.
                ids = {doc_id for _, doc_id in changed}
                report.indexed += index_documents(catalog, backend, ids, on_step,
                                                   agency_name=settings.agency_name)
        finally:
            backend.close()
        for source in sources:
            stats = report.crawl.get(source.id)
            problem = stats and scope_problem(source, stats, len(catalog.document_urls(source.id)))
            if problem:
                log.warning("%s", problem)
                report.scope_problems.append(problem)
    report.elapsed_s = time.monotonic() - started
    return report


def scope_problem(source: SourceSettings, stats: CrawlStats, documents: int) -> str | None:
    """Say what to add when a source found no documents or left most links out of scope.

    Returns:
        A message naming the folders most links were left out of, or None when all is well.
    """
    left_out = sum(stats.left_out.values())
    if stats.stopped or (documents and left_out <= stats.fetched):
        return None
    what = "found no documents" if not documents else (
        f"left {left_out} links out of scope against {stats.fetched} fetched")
    folders = ", ".join(f"{folder} ({n})" for folder, n in stats.left_out.most_common(5))
    advice = (f"; most were under {folders}: add those folders to start_urls, or set "
              "detail_url_pattern / list_url_pattern") if folders else "; check start_urls"
    return f"source {source.id} {what}{advice}"


def extract_pending(
    catalog: Catalog, source: SourceSettings, report: CrawlReport | None = None,
    on_step: StepCallback | None = None,
) -> list[tuple[str, str]]:
    """Extract every archived page of ``source`` not extracted yet; store documents.

    Returns:
        (outcome, document id) for each document that is new or changed.
    """
    ledger = Ledger(catalog)
    out: list[tuple[str, str]] = []
    for capture in ledger.pending(source.id):
        try:
            doc = _extract(catalog, source, capture)
        except (ArchiveError, ExtractError) as exc:
            log.warning("extraction failed for %s: %s", capture.url, exc)
            if report is not None:
                report.extract_failures.append((capture.url, str(exc)))
            continue
        if doc is not None:
            outcome = catalog.upsert_document(doc, capture.id)
            if outcome != "unchanged":
                out.append((outcome, doc.id))
        ledger.done(capture, doc.id if doc else None)
        if on_step:
            on_step("extract", capture.url)
    return out


def _extract(catalog: Catalog, source: SourceSettings, capture: Capture) -> Document | None:
    page = catalog.read_page(capture)
    ctype = page.header("Content-Type") or ""
    if ctype and "html" not in ctype and "text/plain" not in ctype:
        return None
    text = decode_as(page.body, capture.charset, ctype or None)
    doc = extract_document(text, capture.url, source=source.id,
                           category_prefixes=source.categories)
    if doc is None:
        return None
    # the attachment links the crawler read in this capture (and fetched); an older
    # capture without a recorded reading keeps the extractor's own list
    recorded = catalog.capture_links(capture.id, "attachment")
    listed = doc.attachments if recorded is None else attachments_from_links(recorded)
    read = (_attachment(catalog, att) for att in listed)
    return replace(doc, attachments=tuple(a for a in read if a is not None),
                   capture_id=capture.id)


def _attachment(catalog: Catalog, att: Attachment) -> Attachment | None:
    """The attachment with its text; None for a candidate link (no media type: it only read
    like a download) whose archived response is not a file, or was never fetched."""
    capture = catalog.latest_capture(att.url, ok_only=True)
    if capture is None:
        return att if att.media_type else None
    try:
        page = catalog.read_page(capture)
        if not att.media_type:
            found = attachment_type(att.url, body=page.body,
                                    content_type=page.header("Content-Type"),
                                    content_disposition=page.header("Content-Disposition"))
            if found is None:
                return None
            att = replace(att, media_type=found.media_type)
        text = attachment_text(page.body, att.url, page.header("Content-Type"),
                               page.header("Content-Disposition"))
    except ExtractError as exc:
        return replace(att, size=len(page.body), error=str(exc))
    except ArchiveError as exc:
        return replace(att, error=str(exc))
    return replace(att, size=len(page.body), text=text)


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


def index_documents(catalog: Catalog, backend: SearchBackend, ids: Iterable[str],
                    on_step: StepCallback | None = None, batch: int = 5000,
                    agency_name: Callable[[str], str] | None = None) -> int:
    """(Re)index the catalog's current state of ``ids``; returns how many were written.

    Documents go to the backend in large batches: one commit each, and a batch into an empty
    index lets the backend build with every core. ``agency_name`` gives the one name of an
    agency spelled several ways (the ``[agencies]`` table); the catalog keeps the spelling.
    """
    pending: list[Document] = []
    written = 0
    for doc_id in ids:
        doc = catalog.document(doc_id)
        if doc is None:
            continue
        if agency_name is not None and doc.agency:
            doc = replace(doc, agency=agency_name(doc.agency))
        pending.append(doc)
        if on_step:
            on_step("index", doc.url)
        if len(pending) >= batch:
            written += backend.upsert(pending)
            pending.clear()
    if pending:
        written += backend.upsert(pending)
    return written


def reindex(settings: Settings, on_step: StepCallback | None = None) -> CrawlReport:
    """Rebuild documents and the index from the archive alone (no network).

    The extraction ledger is cleared so every archived page is extracted again with the
    current extractor; the index is emptied and refilled from the catalog.
    """
    started = time.monotonic()
    report = CrawlReport(run_id=0, status="finished")
    with Catalog.open(settings.catalog_path, archive_dir=settings.archive_dir) as catalog:
        Ledger(catalog).forget()
        for source in settings.sources:
            changed = extract_pending(catalog, source, report, on_step)
            report.documents[source.id] = Counter(outcome for outcome, _ in changed)
        backend = open_backend(settings.index_dir, writable=True)
        try:
            backend.clear()
            ids = [doc.id for doc in catalog.iter_documents()]
            report.indexed = index_documents(catalog, backend, ids, on_step,
                                             agency_name=settings.agency_name)
        finally:
            backend.close()
    report.elapsed_s = time.monotonic() - started
    return report
