"""Analyse documents for indexing, in worker processes when the batch is large enough to pay."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from typing import Any

from disclosure_search.index import analyzer
from disclosure_search.index.schema import index_fields
from disclosure_search.models import Document

log = logging.getLogger(__name__)

#: Below this many documents, starting workers costs more than it saves.
PARALLEL_THRESHOLD = 400
#: Documents sent to a worker at a time.
CHUNK = 16


def _init_worker() -> None:
    analyzer.warm_up()


def workers() -> int:
    """Return how many analysis processes to use: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def analysed(docs: Iterable[Document], processes: int | None = None) -> Iterator[dict[str, Any]]:
    """Yield :func:`index_fields` of each document, in order.

    Args:
        docs: documents to analyse (any iterable; consumed lazily).
        processes: worker processes; default :func:`workers`. 1 analyses in this process.

    Yields:
        Pre-analysed field values, ready for Whoosh's ``add_document``.
    """
    procs = workers() if processes is None else processes
    iterator = iter(docs)
    head = list(itertools.islice(iterator, PARALLEL_THRESHOLD))
    if procs <= 1 or len(head) < PARALLEL_THRESHOLD:
        yield from map(index_fields, itertools.chain(head, iterator))
        return
    # forkserver: the calling process may have threads (a web server, a scheduler),
    # and forking those is unsafe
    context = multiprocessing.get_context("forkserver")
    with context.Pool(procs, initializer=_init_worker) as pool:
        log.debug("analysing with %d worker processes", procs)
        yield from pool.imap(index_fields, itertools.chain(head, iterator), chunksize=CHUNK)
