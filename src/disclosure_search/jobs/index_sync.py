"""The index catches up with the catalog: what is missing or stale is written, what is gone removed.

The catalog stores with every document a fingerprint of the content the index should hold,
written in the same transaction as the document; the index stores the fingerprint it was
given with each document, committed with it. Comparing the two is therefore right after a
kill at any moment, and :func:`catch_up` is all a crawl, ``reindex`` or ``serve`` needs to
bring the index to the catalog's state.

What the index holds also depends on one setting: the ``[agencies]`` table names the agency
(发布机构) and the issuing agency (发文机关) of a document. The fingerprint the index keeps
carries those names whenever the table renames either (:func:`indexed_fingerprint`), so a
change of the table makes exactly the documents whose shown names change stale, and the
next catch-up writes them again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import Settings
from disclosure_search.errors import LockedError
from disclosure_search.extract.worker import Stopped
from disclosure_search.index.backend import SearchBackend, open_backend
from disclosure_search.jobs.lock import crawl_lock
from disclosure_search.models import Document

log = logging.getLogger(__name__)

StepCallback = Callable[[str, str], None]  # (stage, detail)


@dataclass(frozen=True)
class IndexDiff:
    """How the index differs from the catalog, by document id."""

    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


AgencyName = Callable[[str], str]


def indexed_fingerprint(fingerprint: str, names: tuple[tuple[str, str], ...]) -> str:
    """The fingerprint the index holds for a document: the catalog's ``fingerprint``, with
    the names shown added when ``[agencies]`` renames one of them.

    ``names`` holds (as published, as shown) pairs: the agency (发布机构) first, then the
    issuing agency (发文机关). A name the table leaves alone adds nothing, so the same
    fingerprint means the same indexed names.
    """
    shown = [name if name != published else "" for published, name in names]
    if not any(shown):
        return fingerprint
    digest = hashlib.sha256("\n".join(shown).rstrip("\n").encode("utf-8")).hexdigest()[:12]
    return f"{fingerprint}-{digest}"


def _named(agency_name: AgencyName, *published: str) -> tuple[tuple[str, str], ...]:
    """Each published name with the name ``[agencies]`` shows for it ("" stays "")."""
    return tuple((name, agency_name(name) if name else name) for name in published)


def wanted(catalog: Catalog, agency_name: AgencyName | None = None) -> dict[str, str]:
    """Every catalog document's id and the fingerprint the index should hold for it."""
    rows = catalog.fingerprints_and_agencies()
    if agency_name is None:
        return {doc_id: fp for doc_id, (fp, _, _) in rows.items()}
    return {doc_id: indexed_fingerprint(fp, _named(agency_name, agency, issuer))
            for doc_id, (fp, agency, issuer) in rows.items()}


def compare(catalog: Catalog, backend: SearchBackend,
            agency_name: AgencyName | None = None) -> IndexDiff:
    """Compare the catalog's documents with the index's (ids and fingerprints).

    ``agency_name`` is the ``[agencies]`` table's (``Settings.agency_name``): a document
    whose shown agency name changed with the table is stale.
    """
    want = wanted(catalog, agency_name)
    have = backend.fingerprints()
    return IndexDiff(
        missing=sorted(i for i in want if i not in have),
        stale=sorted(i for i, fp in want.items() if i in have and have[i] != fp),
        extra=sorted(i for i in have if i not in want),
    )


@dataclass(frozen=True)
class CatchUp:
    """What :func:`catch_up` wrote and removed."""

    indexed: int
    removed: int


def catch_up(catalog: Catalog, backend: SearchBackend,
             on_step: StepCallback | None = None,
             agency_name: AgencyName | None = None,
             stop: threading.Event | None = None) -> CatchUp:
    """Index every document the index lacks or holds stale; remove those the catalog lacks.

    ``agency_name`` maps an agency's published spelling to the name shown (``[agencies]``).
    A set ``stop`` ends it before the next batch is written (what is committed stays; the
    next catch-up does the rest).
    """
    diff = compare(catalog, backend, agency_name)
    removed = backend.delete(diff.extra) if diff.extra else 0
    indexed = index_documents(catalog, backend, [*diff.missing, *diff.stale], on_step,
                              agency_name=agency_name, stop=stop)
    if indexed or removed:
        log.info("index caught up: %d written, %d removed", indexed, removed)
    return CatchUp(indexed, removed)


def catch_up_settings(settings: Settings) -> CatchUp | None:
    """Catch the index up at ``serve`` start; None when a crawl holds the lock (it catches up).

    Raises:
        SearchIndexError: the index cannot be opened for writing.
    """
    if not settings.catalog_path.exists():
        return None
    try:
        with crawl_lock(settings.data_dir, wait_s=0, task="同步索引"), Catalog.open(
                settings.catalog_path, archive_dir=settings.archive_dir) as catalog:
            backend = open_backend(settings.index_dir, writable=True, config=settings.index)
            try:
                return catch_up(catalog, backend, agency_name=settings.agency_name)
            finally:
                backend.close()
    except LockedError:
        log.info("a crawl is running; it brings the index up to date when it ends")
        return None


def index_documents(catalog: Catalog, backend: SearchBackend, ids: Iterable[str],
                    on_step: StepCallback | None = None, batch: int = 5000,
                    agency_name: AgencyName | None = None,
                    stop: threading.Event | None = None) -> int:
    """(Re)index the catalog's current state of ``ids``; returns how many were written.

    Documents go to the backend in large batches: one commit each, and a batch into an empty
    index lets the backend build with every core. ``agency_name`` gives the one name of an
    agency spelled several ways (the ``[agencies]`` table); the catalog keeps the spelling.
    A set ``stop`` ends it before the next batch (what is committed stays).
    """
    pending: list[Document] = []
    written = 0
    try:
        for doc in _documents(catalog, ids, on_step, agency_name, stop):
            pending.append(doc)
            if len(pending) >= batch:
                written += backend.upsert(pending)
                pending.clear()
    except Stopped:
        return written
    if pending:
        written += backend.upsert(pending)
    return written


def rebuild(catalog: Catalog, backend: SearchBackend, on_step: StepCallback | None = None,
            agency_name: AgencyName | None = None,
            stop: threading.Event | None = None) -> int:
    """Replace the whole index by the catalog's documents; return how many were written.

    On Elasticsearch the new index replaces the old one only once complete (searches answer
    from the old one meanwhile, a failed or stopped rebuild leaves it serving); the embedded
    index is emptied first and refilled. Either way the next catch-up finishes what a kill
    or ``stop`` (raised as :class:`Stopped`) left undone.
    """
    return backend.rebuild(_documents(catalog, sorted(catalog.fingerprints()), on_step,
                                      agency_name, stop))


def _documents(catalog: Catalog, ids: Iterable[str], on_step: StepCallback | None,
               agency_name: AgencyName | None,
               stop: threading.Event | None) -> Iterator[Document]:
    """Yield the catalog's current state of ``ids`` (those it still has), agencies named
    (发布机构 and 发文机关, as ``[agencies]`` says).

    Raises:
        Stopped: ``stop`` was set.
    """
    for doc_id in ids:
        if stop is not None and stop.is_set():
            raise Stopped("stopped")
        doc = catalog.document(doc_id)
        if doc is None:
            continue
        if agency_name is not None:
            names = _named(agency_name, doc.agency, doc.issuing_agency)
            doc = replace(doc, agency=names[0][1], issuing_agency=names[1][1],
                          fingerprint=indexed_fingerprint(doc.fingerprint, names))
        if on_step:
            on_step("index", doc.url)
        yield doc
