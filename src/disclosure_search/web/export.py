"""Streams a whole result set as CSV or JSON, page by page, never silently cut short."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import replace

from disclosure_search.models import SearchHit, SearchQuery, SearchResult
from disclosure_search.web.present import hit_json, query_json

#: Hits fetched per index query while streaming an export.
CHUNK = 1000
CSV_COLUMNS: tuple[str, ...] = (
    "id", "title", "url", "source", "category", "doc_number", "agency", "issuing_agency",
    "published_date", "written_date", "validity", "topic", "first_seen", "link",
)

Searcher = Callable[[SearchQuery], SearchResult]


def iter_hits(search: Searcher, query: SearchQuery, total: int) -> Iterator[SearchHit]:
    """Yield every hit of ``query`` in its sort order, ``CHUNK`` at a time.

    Args:
        search: runs one page of a query.
        query: the search; its page and per_page are ignored.
        total: how many hits the first count reported; the export stops after that many,
            so a crawl that commits during the export cannot make it repeat rows.
    """
    base = replace(query, page=1, per_page=CHUNK, facets=False, snippets=False)
    sent = 0
    page = 1
    while sent < total:
        result = search(replace(base, page=page))
        if not result.hits:
            return
        for hit in result.hits[: total - sent]:
            yield hit
            sent += 1
        page += 1


def csv_rows(hits: Iterator[SearchHit]) -> Iterator[str]:
    """CSV text, header first; a UTF-8 BOM so spreadsheet programs read the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + _drain(buffer)
    for hit in hits:
        row = hit_json(hit)
        writer.writerow([_cell(row.get(column)) for column in CSV_COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield _drain(buffer)
    yield _drain(buffer)


def json_chunks(query: SearchQuery, total: int, hits: Iterator[SearchHit]) -> Iterator[str]:
    """One JSON object ``{"ok", "query", "total", "hits": [...]}`` written incrementally."""
    head = {"ok": True, "query": query_json(query), "total": total}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "hits": [\n'
    first = True
    for hit in hits:
        row = hit_json(hit)
        row.pop("snippet", None)
        yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
