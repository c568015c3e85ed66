"""The JSON API: search, documents, statistics and streamed exports of whole result sets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, Response, abort, jsonify, request, stream_with_context

from disclosure_search.models import SearchQuery, SearchResult
from disclosure_search.web import export, present
from disclosure_search.web.context import resources, settings
from disclosure_search.web.documents import load_document
from disclosure_search.web.params import parse_search, parse_year
from disclosure_search.web.search import page_missing_json, parse_request

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response:
    """``/api/search``: one page of results with facets (parameters as ``/search``).

    Errors: 400 with the JSON error shape for any bad parameter (an agency no document
    names included); 404 for a page past the last one.
    """
    result = resources().search(parse_request())
    if result.query.page > present.page_count(result):
        return page_missing_json(result)
    return jsonify(present.result_json(result))


@bp.get("/documents/<doc_id>")
def document(doc_id: str) -> Response:
    """``/api/documents/<id>``: every field, attachments, captures and versions.

    Errors: 404 with the JSON error shape for an unknown id.
    """
    doc = load_document(doc_id)
    catalog = resources().catalog()
    return jsonify(present.document_json(
        doc, catalog.captures_for_document(doc.id), catalog.versions(doc.id)))


@bp.get("/stats")
def stats() -> Response:
    """``/api/stats?year=&source=``: documents per category, as in the annual report.

    The year is that of the declared 发布日期.
    """
    year = parse_year(request.args.get("year", "").strip())
    args = {"source": request.args.get("source", "")}
    query = parse_search(args, settings().web)
    if year is not None:
        query = replace(query, date_from=date(year, 1, 1), date_to=date(year, 12, 31))
    result = resources().search(replace(query, per_page=1, snippets=False))
    return jsonify({
        "ok": True,
        "year": year,
        "source": query.source,
        "total": result.total,
        "by_category": result.facets.get("category", {}),
        "by_source": result.facets.get("source", {}),
        "by_year": result.facets.get("year", {}),
    })


@bp.get("/export.csv")
def export_csv() -> Response:
    """Every hit of a search as CSV, streamed (parameters as ``/search``; page is ignored).

    Errors: 400 when the result set exceeds ``web.export_max_rows`` (narrow the search).
    """
    query, total = _export_query()
    rows = export.csv_rows(export.iter_hits(_uncached_search, query, total))
    response = Response(stream_with_context(rows), mimetype="text/csv")
    return _attachment(response, "csv", total)


@bp.get("/export.json")
def export_json() -> Response:
    """Every hit of a search as one JSON document, streamed.

    Errors: 400 when the result set exceeds ``web.export_max_rows`` (narrow the search).
    """
    query, total = _export_query()
    hits = export.iter_hits(_uncached_search, query, total)
    chunks = export.json_chunks(query, total, hits)
    response = Response(stream_with_context(chunks), mimetype="application/json")
    return _attachment(response, "json", total)


def _export_query() -> tuple[SearchQuery, int]:
    query = parse_request()
    counted = resources().search(replace(query, page=1, per_page=1, facets=False,
                                         snippets=False))
    limit = settings().web.export_max_rows
    if counted.total > limit:
        abort(400, f"共 {counted.total} 条结果，超过导出上限 {limit} 条；请增加筛选条件后再导出。")
    return query, counted.total


def _uncached_search(query: SearchQuery) -> SearchResult:
    return resources().search(query, cache=False)


def _attachment(response: Response, ext: str, total: int) -> Response:
    stamp = date.today().strftime("%Y%m%d")
    response.headers["Content-Disposition"] = f'attachment; filename="search-{stamp}.{ext}"'
    response.headers["X-Total-Count"] = str(total)
    return response


