"""Archived pages to catalog documents, each page and attachment on its own.

Attachments (third-party PDF/DOCX/XLSX parsers, compressed containers) are read in the
extraction worker (``extract.worker``) with a time and a memory budget. HTML pages are
extracted in this process: their size is capped when fetched and their shape (depth,
element count) is checked by a C parser before the tree is built, which bounds their time and
memory, and a process round trip per page costs two scheduler wake-ups that a busy machine
makes slow. Whatever happens to one item (a broken or hostile file, a parser bug, a budget
exceeded, an unreadable WARC record) is that item's failure: it is logged, listed in the
report, recorded with the run's failures (crawl health) and in the ledger, and the run goes on
with the next item.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import SourceSettings
from disclosure_search.errors import ArchiveError, ExtractError, UnsupportedFileError
from disclosure_search.extract.calls import archived_page, attachment_text
from disclosure_search.extract.links import attachments_from_links
from disclosure_search.extract.worker import ExtractWorker, Stopped
from disclosure_search.jobs.ledger import Ledger
from disclosure_search.jobs.page_reader import PageExtractor
from disclosure_search.models import Attachment, Capture, Document
from disclosure_search.vocabulary.attachments import attachment_type

log = logging.getLogger(__name__)

StepCallback = Callable[[str, str], None]  # (stage, detail)
#: (url, reason) of each page or attachment that failed.
Failures = list[tuple[str, str]]


def extract_pending(
    catalog: Catalog, source: SourceSettings, worker: ExtractWorker, *,
    failures: Failures | None = None, run_id: int | None = None,
    on_step: StepCallback | None = None, pages: PageExtractor | None = None,
) -> list[tuple[str, str]]:
    """Extract every archived page of ``source`` not extracted yet; store documents.

    Args:
        catalog: the open catalog.
        source: the source whose pages are extracted.
        worker: the extraction worker (budgets, stop).
        failures: each failure is appended here as (url, reason).
        run_id: the crawl run failures are recorded with (None for ``reindex``).
        on_step: called with ("extract", url) after each page.
        pages: what the crawl of this run read in its pages (a page found there is not
            read from the archive again).

    Returns:
        (outcome, document id) for each document that is new or changed.

    Raises:
        extract.worker.Stopped: the run was asked to stop; what is done so far is stored.
    """
    ledger = Ledger(catalog)
    out: list[tuple[str, str]] = []

    def failed(url: str, reason: str) -> None:
        log.warning("extraction failed for %s: %s", url, reason)
        if failures is not None:
            failures.append((url, reason))
        catalog.record_failure(run_id, url, f"extraction: {reason}", source.id)

    for capture in ledger.pending(source.id):
        if worker.stop is not None and worker.stop.is_set():
            raise Stopped("extraction interrupted: the run was asked to stop")
        try:
            docs, waiting = _documents(catalog, source, capture, worker, failed, pages)
        except Stopped:
            raise
        except (ArchiveError, ExtractError) as exc:
            failed(capture.url, str(exc))
            ledger.done(capture, None, error=str(exc))
            continue
        except Exception as exc:  # an extractor bug on one page must not end the run
            log.exception("extraction of %s raised", capture.url)
            reason = f"unexpected {type(exc).__name__}: {exc}"[:500]
            failed(capture.url, reason)
            ledger.done(capture, None, error=reason)
            continue
        for doc in docs:
            outcome = catalog.upsert_document(doc, doc.capture_id)
            if outcome != "unchanged":
                out.append((outcome, doc.id))
        if not waiting:  # else the list is read again once its files have come
            ledger.done(capture, docs[0].id if len(docs) == 1 else None)
        if on_step:
            on_step("extract", capture.url)
    return out


def _documents(
    catalog: Catalog, source: SourceSettings, capture: Capture, worker: ExtractWorker,
    failed: Callable[[str, str], None], pages: PageExtractor | None,
) -> tuple[list[Document], int]:
    """The document of a detail page, or those a list holds as rows linking to files.

    Returns:
        (documents, how many rows' files are not archived yet: a failed or skipped fetch).
    """
    found = pages.take(source.id, capture.url, capture.sha256) if pages else None
    if found is None:  # not read by this run's crawl: read it from the archive
        page = catalog.read_page(capture)
        found = archived_page(page.body, page.header("Content-Type") or "", capture.url,
                              source.id, source.categories, capture.charset,
                              listed=capture.kind == "list")
    doc, rows = found
    if doc is not None:
        return [_with_files(catalog, doc, capture, worker, failed)], 0
    out = []
    for row in rows:
        file_capture = catalog.latest_capture(row.url, ok_only=True)
        if file_capture is None:
            continue  # not fetched (yet): the fetch failed, attachments are off
        read = (_attachment(catalog, att, worker, failed) for att in row.attachments)
        out.append(replace(row, attachments=tuple(a for a in read if a is not None),
                           capture_id=file_capture.id))
    return out, len(rows) - len(out)


def _with_files(catalog: Catalog, doc: Document, capture: Capture, worker: ExtractWorker,
                failed: Callable[[str, str], None]) -> Document:
    # the attachment links the crawler read in this capture (and fetched); an older
    # capture without a recorded reading keeps the extractor's own list
    recorded = catalog.capture_links(capture.id, "attachment")
    listed = doc.attachments if recorded is None else attachments_from_links(recorded)
    read = (_attachment(catalog, att, worker, failed) for att in listed)
    return replace(doc, attachments=tuple(a for a in read if a is not None),
                   capture_id=capture.id)


def _attachment(catalog: Catalog, att: Attachment, worker: ExtractWorker,
                failed: Callable[[str, str], None]) -> Attachment | None:
    """The attachment with its text; None for a candidate link (no media type: it only read
    like a download) whose archived response is not a file, or was never fetched."""
    capture = catalog.latest_capture(att.url, ok_only=True)
    if capture is None:
        return att if att.media_type else None
    size = None
    try:
        page = catalog.read_page(capture)
        size = len(page.body)
        if not att.media_type:
            found = attachment_type(att.url, body=page.body,
                                    content_type=page.header("Content-Type"),
                                    content_disposition=page.header("Content-Disposition"))
            if found is None:
                return None
            att = replace(att, media_type=found.media_type)
        text = worker.call(attachment_text, page.body, att.url, page.header("Content-Type"),
                           page.header("Content-Disposition"))
    except (ArchiveError, ExtractError) as exc:
        if not isinstance(exc, UnsupportedFileError):
            failed(att.url, f"attachment: {exc}")
        return replace(att, size=size, error=str(exc))
    return replace(att, size=size, text=text)
