"""Extraction on the crawler's parse: each page is parsed once per run, and extraction alone
says whether it is a document.

The crawler hands every HTML page it parsed to :class:`PageExtractor` (its ``PageReader``);
the documents the page holds are worked out on that tree right away and kept until
extraction stores them (:meth:`PageExtractor.take`), so the page is not decoded and parsed
again from the archive. What is kept is bounded (:data:`KEEP_CHARS` of document text); pages
past it, pages whose reading failed, and everything ``reindex`` reads are parsed from the
archive as before, with the same result.
"""

from __future__ import annotations

import hashlib
import logging
import threading

from lxml.html import HtmlElement

from disclosure_search.config import SourceSettings
from disclosure_search.errors import ExtractError
from disclosure_search.extract.calls import PageDocuments, parsed_page
from disclosure_search.models import FetchedPage

log = logging.getLogger(__name__)

#: Characters of document text kept for extraction between the crawl and the store
#: (some 100 MB of memory at most; a nightly pass stays far below it).
KEEP_CHARS = 50_000_000


class PageExtractor:
    """Reads pages for the crawler of one or more sources; keeps what they hold."""

    def __init__(self, keep_chars: int = KEEP_CHARS) -> None:
        self.keep_chars = keep_chars
        self._kept: dict[tuple[str, str, str], PageDocuments] = {}
        self._chars = 0
        self._lock = threading.Lock()  # sources are crawled in threads
        self.read_pages = 0

    def for_source(self, source: SourceSettings) -> SourceReader:
        """The reader to give the crawler of ``source``."""
        return SourceReader(self, source)

    def keep(self, source: str, page: FetchedPage, found: PageDocuments) -> None:
        docs = [doc for doc in (found[0], *found[1]) if doc is not None]
        size = sum(len(doc.body) + len(doc.title) + 200 for doc in docs)
        key = (source, page.url, hashlib.sha256(page.body).hexdigest())
        with self._lock:
            self.read_pages += 1
            if self._chars + size > self.keep_chars:
                return  # extraction parses this one from the archive
            self._kept[key] = found
            self._chars += size

    def take(self, source: str, url: str, sha256: str) -> PageDocuments | None:
        """What the crawler's reading found in the page at ``url`` whose body has digest
        ``sha256`` (once), or None when it was not kept."""
        with self._lock:
            found = self._kept.pop((source, url, sha256), None)
            if found is not None:
                docs = [doc for doc in (found[0], *found[1]) if doc is not None]
                self._chars -= sum(len(doc.body) + len(doc.title) + 200 for doc in docs)
            return found


class SourceReader:
    """The ``PageReader`` of one source's crawler."""

    def __init__(self, pages: PageExtractor, source: SourceSettings) -> None:
        self.pages = pages
        self.source = source

    def read(self, page: FetchedPage, tree: HtmlElement, listed: bool) -> bool:
        """Extract what ``page`` holds from the crawler's ``tree``; True for a document.

        A page extraction refuses or fails on is no document here; extraction meets it
        again from the archive and records why.
        """
        if page.status != 200 or page.truncated:
            return False
        try:
            found = parsed_page(tree, page.url, self.source.id, self.source.categories,
                                listed=listed,
                                text_only="text/plain" in (page.header("Content-Type") or ""))
        except ExtractError:
            return False
        except Exception:  # an extractor bug on one page must not end the crawl
            log.exception("reading %s during the crawl raised", page.url)
            return False
        self.pages.keep(self.source.id, page, found)
        return found[0] is not None
