"""Bulk builds: documents analysed in worker processes, postings pooled in memory as arrays.

Whoosh's own writer sends every posting through a sorting pool: a Python tuple per posting,
pickled to run files when the pool is full, read back, merged and sorted, then handed one by
one to the postings writer. A bulk build adds documents in increasing number order, so each
term's postings arrive already sorted: here they are appended to per-term arrays (ids,
weights, encoded values) and written block by block at the end, with only the term keys
sorted. When a worker's pool reaches its memory budget the worker finishes that segment and
starts another, so memory stays bounded whatever the number of documents.

Each worker process (forked, with the analyzer loaded once in the parent) writes whole
segments of its own; the parent holds the index's write lock and commits the new table of
contents listing them, so a build that dies leaves the last committed generation intact.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import traceback
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import writing

from disclosure_search.errors import SearchIndexError

log = logging.getLogger(__name__)

#: Documents sent to a worker at a time.
BATCH = 32
#: Estimated bytes a new term costs in the pool (key, dict slot, three containers).
_TERM_COST = 360
#: Estimated bytes one posting costs in the pool, besides its encoded value.
_POSTING_COST = 16
#: Encoded values this short are shared between postings (frequencies, mostly).
_SHARED_VALUE = 2


class ArrayPool:
    """A segment's postings in memory: per (field, term) arrays of ids, weights and values.

    It stands where Whoosh's ``PostingPool`` stands in a ``SegmentWriter`` (``add``,
    ``iter_postings``, ``fieldnames``, ``cleanup``); documents must come in increasing number
    order, which a writer that only adds documents guarantees.
    """

    def __init__(self) -> None:
        self.terms: dict[tuple[str, bytes], tuple[array, array, list[bytes]]] = {}
        self.fieldnames: set[str] = set()
        self.size = 0
        self._shared: dict[bytes, bytes] = {}

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one posting ``(fieldname, term bytes, docnum, weight, encoded value)``."""
        fieldname, text, docnum, weight, value = item
        key = (fieldname, text)
        entry = self.terms.get(key)
        if entry is None:
            entry = self.terms[key] = (array("I"), array("f"), [])
            self.fieldnames.add(fieldname)
            self.size += _TERM_COST + len(text)
        entry[0].append(docnum)
        entry[1].append(weight)
        if value:
            if len(value) <= _SHARED_VALUE:
                value = self._shared.setdefault(value, value)
            else:
                self.size += len(value) + 33
            entry[2].append(value)
        self.size += _POSTING_COST

    def term_arrays(self) -> Iterator[tuple[str, bytes, array, array, list[bytes]]]:
        """Yield ``(fieldname, term, ids, weights, values)`` in field and term order."""
        for fieldname, text in sorted(self.terms):
            ids, weights, values = self.terms[fieldname, text]
            yield fieldname, text, ids, weights, values

    def iter_postings(self) -> ArrayPool:
        """Return the pool itself: the split codec's field writer reads it term by term."""
        return self

    def cleanup(self) -> None:
        """Drop the pooled postings."""
        self.terms.clear()


class ArrayPoolWriter(writing.SegmentWriter):
    """A segment writer whose postings go to an :class:`ArrayPool` (documents added only)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = ArrayPool()


def _worker(ix: Any, kwargs: dict[str, Any], budget: int, jobs: Any, results: Any) -> None:
    """Write the documents of every batch on ``jobs`` into segments; put them on ``results``."""
    segments = []
    writer = None
    try:
        while (batch := jobs.get()) is not None:
            for fields in batch:
                if writer is None:
                    writer = ArrayPoolWriter(ix, _lk=False, **kwargs)
                writer.add_document(**fields)
                if writer.pool.size > budget:
                    segments.append(_finish(writer))
                    writer = None
        if writer is not None:
            segments.append(_finish(writer))
        results.put(("ok", segments))
    except BaseException:  # reported to the parent, which cancels the build
        results.put(("error", traceback.format_exc()))


def _finish(writer: ArrayPoolWriter) -> Any:
    # Not writer._finish(): every writer of the index shares one temporary folder, which the
    # parent removes when it commits.
    return writer._finalize_segment()


def write_segments(
    ix: Any,
    parent: writing.SegmentWriter,
    documents: Iterable[dict[str, Any]],
    *,
    procs: int,
    budget_mb: int,
    writer_kwargs: dict[str, Any],
) -> int:
    """Write ``documents`` (field dicts) as new segments in ``procs`` processes; commit them.

    Args:
        ix: the open index.
        parent: a writer holding the index's write lock; it commits the new segments.
        documents: field values for ``add_document``.
        procs: worker processes.
        budget_mb: pool memory per worker before it finishes a segment.
        writer_kwargs: arguments for each worker's segment writer (codec, compound).

    Returns:
        How many documents were written.
    """
    context = multiprocessing.get_context("fork")
    jobs: Any = context.Queue(procs * 4)
    results: Any = context.Queue()
    budget = budget_mb * 1024 * 1024
    workers = [
        context.Process(target=_worker, args=(ix, writer_kwargs, budget, jobs, results))
        for _ in range(procs)
    ]
    for worker in workers:
        worker.start()
    count = 0
    try:
        batch: list[dict[str, Any]] = []
        for fields in documents:
            batch.append(fields)
            count += 1
            if len(batch) >= BATCH:
                _put(jobs, batch, workers)
                batch = []
        if batch:
            _put(jobs, batch, workers)
        for _ in workers:
            _put(jobs, None, workers)
        segments = _collect(results, workers)
    except BaseException:
        for worker in workers:
            worker.terminate()
        raise
    finally:
        for worker in workers:
            worker.join()
    parent._close_segment()
    parent._commit_toc(parent.segments + segments)
    parent._finish()
    return count


def _put(jobs: Any, item: Any, workers: list[Any]) -> None:
    """Queue ``item``, failing instead of waiting forever when every worker has died."""
    while True:
        try:
            jobs.put(item, timeout=1.0)
            return
        except queue.Full:
            if not any(w.is_alive() for w in workers):
                raise SearchIndexError("the index writer processes stopped") from None


def _collect(results: Any, workers: list[Any]) -> list[Any]:
    segments: list[Any] = []
    for _ in workers:
        while True:
            try:
                status, payload = results.get(timeout=1.0)
                break
            except queue.Empty:
                if not any(w.is_alive() for w in workers) and results.empty():
                    raise SearchIndexError("an index writer process died") from None
        if status != "ok":
            raise SearchIndexError(f"an index writer process failed:\n{payload}")
        segments.extend(payload)
    return segments
