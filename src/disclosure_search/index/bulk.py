"""Bulk builds: documents analysed in worker processes, postings pooled in memory as arrays.

Whoosh's own writer sends every posting through a sorting pool: a Python tuple per posting,
pickled to run files when the pool is full, read back, merged and sorted, then handed one by
one to the postings writer. A bulk build adds documents in increasing number order, so each
term's postings arrive already sorted: here they are appended to per-term arrays (ids,
weights, encoded values in one byte buffer) and written block by block at the end, with only
the term keys sorted. When a worker's pool reaches its memory budget it is written out as a
sorted run (a term a record, its arrays as bytes) and emptied; the segment is written at the
end of the worker's share by merging the runs term by term. So memory stays bounded whatever
the number of documents, and a segment holds a whole share, not one pool's worth: a search
looks each term up in every segment, so fewer, larger segments answer faster.

Each worker process (forked, with the analyzer loaded once in the parent) writes whole
segments of its own; the parent holds the index's write lock and commits the new table of
contents listing them, so a build that dies leaves the last committed generation intact.
"""

from __future__ import annotations

import heapq
import itertools
import marshal
import multiprocessing
import operator
import queue
import tempfile
import traceback
from array import array
from collections.abc import Iterable, Iterator
from typing import IO, Any

from whoosh import writing

from disclosure_search.errors import SearchIndexError

#: Documents sent to a worker at a time.
BATCH = 32
#: Estimated bytes a new term costs in the pool (key, dict slot, four containers).
_TERM_COST = 420
#: Estimated bytes one posting costs in the pool: its id and weight, and its value's end.
_POSTING_COST = 12

#: A run record: (fieldname, term, ids, weights, values buffer, value ends), arrays as bytes.
Record = tuple[str, bytes, Any, Any, Any, Any]
_KEY = operator.itemgetter(0, 1)


class ArrayPool:
    """A segment's postings: per (field, term) arrays in memory, and sorted runs on disk.

    It stands where Whoosh's ``PostingPool`` stands in a ``SegmentWriter`` (``add``,
    ``iter_postings``, ``fieldnames``, ``cleanup``); documents must come in increasing number
    order, which a writer that only adds documents guarantees. A term's encoded values
    (positions, mostly a few bytes each) are appended to one byte buffer with their end
    offsets beside it: a few bytes a posting instead of a Python object of 40 or more.

    Args:
        spill_dir: where runs are written (unnamed files, gone when closed or killed).
    """

    def __init__(self, spill_dir: str | None = None) -> None:
        self.terms: dict[tuple[str, bytes], tuple[array, array, bytearray, array]] = {}
        self.fieldnames: set[str] = set()
        self.size = 0
        self._spill_dir = spill_dir
        self._runs: list[IO[bytes]] = []

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one posting ``(fieldname, term bytes, docnum, weight, encoded value)``."""
        fieldname, text, docnum, weight, value = item
        key = (fieldname, text)
        entry = self.terms.get(key)
        if entry is None:
            entry = self.terms[key] = (array("I"), array("f"), bytearray(), array("I"))
            self.fieldnames.add(fieldname)
            self.size += _TERM_COST + len(text)
        entry[0].append(docnum)
        entry[1].append(weight)
        if value:
            buffer = entry[2]
            buffer += value
            entry[3].append(len(buffer))
            self.size += len(value)
        self.size += _POSTING_COST

    def spill(self) -> None:
        """Write the pooled postings to disk as one run sorted by term, and empty the pool."""
        # kept open: term_arrays reads it back, cleanup closes it
        run = tempfile.TemporaryFile(dir=self._spill_dir)  # noqa: SIM115
        dump = marshal.dump
        for key in sorted(self.terms):
            ids, weights, buffer, ends = self.terms[key]
            dump((*key, ids.tobytes(), weights.tobytes(), bytes(buffer), ends.tobytes()), run)
        run.seek(0)
        self._runs.append(run)
        self.terms.clear()
        self.size = 0

    def _pooled(self) -> Iterator[Record]:
        for key in sorted(self.terms):
            yield (*key, *self.terms[key])

    def term_arrays(self) -> Iterator[tuple[str, bytes, array, array, list[bytes]]]:
        """Yield ``(fieldname, term, ids, weights, values)`` in field and term order.

        The runs and what is still pooled are merged term by term; a term's parts come in
        run order, which is document order.
        """
        sources = [_records(run) for run in self._runs] + [self._pooled()]
        merged = heapq.merge(*sources, key=_KEY) if len(sources) > 1 else sources[0]
        for (fieldname, text), group in itertools.groupby(merged, key=_KEY):
            ids, weights, buffer, ends = array("I"), array("f"), bytearray(), array("I")
            for record in group:
                base = len(buffer)
                part = record[5]
                if isinstance(part, array):  # still pooled
                    ids.extend(record[2])
                    weights.extend(record[3])
                else:  # read from a run
                    ids.frombytes(record[2])
                    weights.frombytes(record[3])
                    part = _uints(part)
                buffer += record[4]
                ends.extend(map(base.__add__, part) if base else part)
            starts = itertools.chain((0,), ends)
            values = list(map(bytes, map(buffer.__getitem__, map(slice, starts, ends))))
            yield fieldname, text, ids, weights, values

    def iter_postings(self) -> ArrayPool:
        """Return the pool itself: the split codec's field writer reads it term by term."""
        return self

    def cleanup(self) -> None:
        """Drop the pooled postings and the runs."""
        self.terms.clear()
        for run in self._runs:
            run.close()
        self._runs.clear()


def _uints(packed: bytes) -> array:
    values = array("I")
    values.frombytes(packed)
    return values


def _records(run: IO[bytes]) -> Iterator[Record]:
    load = marshal.load
    while True:
        try:
            yield load(run)
        except EOFError:
            return


class ArrayPoolWriter(writing.SegmentWriter):
    """A segment writer whose postings go to an :class:`ArrayPool` (documents added only)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = ArrayPool(spill_dir=getattr(ix.storage, "folder", None))


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
                    writer.pool.spill()
        if writer is not None:
            segments.append(_finish(writer))
        results.put(("ok", segments))
    except BaseException:  # reported to the parent, which cancels the build
        results.put(("error", traceback.format_exc()))


def _finish(writer: ArrayPoolWriter) -> Any:
    # Not writer._finish(): every writer of the index shares one temporary folder, which the
    # parent removes when it commits.
    segment = writer._finalize_segment()
    writer.pool.cleanup()
    return segment


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
        budget_mb: pool memory per worker before it writes a run to disk.
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
