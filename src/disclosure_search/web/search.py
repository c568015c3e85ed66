"""The search blueprint: home page, result pages, Atom feed and OpenSearch description."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from disclosure_search.errors import SearchIndexError
from disclosure_search.models import SearchQuery, SearchResult
from disclosure_search.web import feeds, present
from disclosure_search.web.context import resources, settings
from disclosure_search.web.errors import error_response, wants_json
from disclosure_search.web.params import (
    SEARCH_ARGS,
    SORTS,
    parse_search,
    query_args,
    resolve_agency,
)

log = logging.getLogger(__name__)
bp = Blueprint("search", __name__)

#: Entries in a feed: the newest matches.
FEED_ENTRIES = 30
#: Facets listed on the results page: (facet, request argument, heading).
FACETS: tuple[tuple[str, str, str], ...] = (
    ("category", "category", "分类"),
    ("agency", "agency", "发布/发文机关"),
    ("validity", "validity", "有效性"),
    ("topic", "topic", "主题分类"),
    ("source", "source", "来源"),
)


@dataclass(frozen=True)
class FacetLink:
    """One facet value with its count and the link that adds (or removes) it as a filter."""

    label: str
    count: int
    href: str
    active: bool


@dataclass(frozen=True)
class Filter:
    """An active filter shown above the results, with a link that removes it."""

    label: str
    value: str
    remove_href: str


@bp.get("/")
def home() -> Any:
    """The search page: one box, the filters, and what the index holds.

    A search submitted to ``/`` (``/?q=科技``) is sent on to its results page.
    """
    if any(request.args.get(name) for name in SEARCH_ARGS):
        return redirect(search_href(**request.args.to_dict()))
    try:
        result = run_search(SearchQuery(per_page=1, snippets=False))
    except SearchIndexError as exc:
        log.warning("home page without index: %s", exc)
        result = None
    if wants_json():
        return jsonify({"ok": True, "total": result.total if result else 0,
                        "facets": result.facets if result else {},
                        "search": url_for("api.search", _external=True)})
    return render_template(
        "home.html", query=SearchQuery(), result=result,
        facets=facet_links(result, SearchQuery()) if result else {},
        years=year_links(result, SearchQuery()) if result else [],
        agencies=sorted(result.facets.get("agency", {})) if result else [],
    )


@bp.get("/search")
def results() -> Any:
    """A page of results (HTML, or the /api/search JSON for clients that ask for JSON).

    Errors: 400 for a bad parameter, 404 for a page past the last (with a link to it).
    """
    query = parse_request()
    result = run_search(query)
    pages = present.page_count(result)
    if query.page > pages:
        last = search_href(**query_args(query, page=pages))
        if wants_json():
            return page_missing_json(result)
        return render_template("page_missing.html", query=query, pages=pages, last=last), 404
    if wants_json():
        return jsonify(present.result_json(result))
    return render_template(
        "results.html",
        query=query,
        result=result,
        pages=pages,
        page_links=page_links(query, pages),
        facets=facet_links(result, query),
        years=year_links(result, query),
        filters=active_filters(query),
        sort_links=[(s, search_href(**query_args(query, sort=s))) for s in SORTS],
        args=query_args(query),
        feed_args=query_args(query, sort=None, page=None, per_page=None),
        follow_href=search_href(**query_args(query, since=date.today().isoformat(),
                                             sort="newest")),
        unfollow_href=search_href(**query_args(query, since=None, sort=None)),
        agencies=all_agencies(),
    )


@bp.get("/feed.atom")
def feed() -> Response:
    """An Atom feed of the newest matches of any search; the filters are kept."""
    query = parse_request()
    query = replace(query, sort="newest", page=1, per_page=FEED_ENTRIES, facets=False)
    result = run_search(query)
    body = feeds.atom_feed(result, settings())
    return Response(body, mimetype="application/atom+xml")


def page_missing_json(result: SearchResult) -> Response:
    """The JSON error for a page past the last one, naming the last page's URL."""
    pages = present.page_count(result)
    last = url_for("api.search", _external=True, **query_args(result.query, page=pages))
    return error_response(
        404, f"第 {result.query.page} 页超出范围：共 {pages} 页。最后一页：{last}")


def parse_request() -> SearchQuery:
    """The search of this request, its agency named as the ``[agencies]`` table says.

    Raises:
        QueryError: a bad parameter, or an agency no indexed document names.
    """
    query = parse_search(request.args, settings().web)
    if not query.agency:
        return query
    return resolve_agency(query, settings().agency_name, all_agencies())


def all_agencies() -> list[str]:
    """Every agency in the index (发布机构 and 发文机关), most documents first."""
    whole = run_search(SearchQuery(per_page=1, snippets=False))
    return list(whole.facets.get("agency", {}))


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    """The OpenSearch description, so browsers can add the site as a search engine."""
    body = render_template("opensearch.xml")
    return Response(body, mimetype="application/opensearchdescription+xml")


def run_search(query: SearchQuery) -> SearchResult:
    """Search the index (refreshed if a crawl committed a newer one)."""
    return resources().search(query)


def facet_links(result: SearchResult, query: SearchQuery) -> dict[str, list[FacetLink]]:
    """Facet values with counts, each a link that adds that filter (or removes it if active)."""
    out: dict[str, list[FacetLink]] = {}
    names = {src.id: src.name for src in settings().sources}
    for field, arg, _heading in FACETS:
        current = getattr(query, field)
        links = []
        for value, count in sorted(result.facets.get(field, {}).items(), key=lambda kv: -kv[1]):
            active = value == current
            change = {arg: None if active else value}
            href = search_href(**query_args(query, **change))
            label = names.get(value, value) if field == "source" else value
            links.append(FacetLink(label, count, href, active))
        out[field] = links
    return out


def year_links(result: SearchResult, query: SearchQuery) -> list[FacetLink]:
    """Every year (newest first), each setting the 发布日期 range to that calendar year."""
    years = sorted(result.facets.get("year", {}).items(), key=lambda kv: str(kv[0]), reverse=True)
    links = []
    for year, count in years:
        start, end = f"{year}-01-01", f"{year}-12-31"
        active = (iso_or_none(query.date_from), iso_or_none(query.date_to)) == (start, end)
        href = search_href(**query_args(
            query, **{"from": None if active else start, "to": None if active else end}))
        links.append(FacetLink(str(year), count, href, active))
    return links


def active_filters(query: SearchQuery) -> list[Filter]:
    """The filters in force, each with a link that removes only that one."""
    names = {src.id: src.name for src in settings().sources}
    items = [
        ("范围", "仅标题" if query.scope == "title" else None, {"in": None}),
        ("分类", query.category, {"category": None}),
        ("来源", names.get(query.source or "", query.source), {"source": None}),
        ("发布/发文机关", query.agency, {"agency": None}),
        ("有效性", query.validity, {"validity": None}),
        ("主题分类", query.topic, {"topic": None}),
        ("文号", query.doc_number, {"doc_number": None}),
        ("发布日期起", iso_or_none(query.date_from), {"from": None}),
        ("发布日期止", iso_or_none(query.date_to), {"to": None}),
        ("成文日期起", iso_or_none(query.written_from), {"written_from": None}),
        ("成文日期止", iso_or_none(query.written_to), {"written_to": None}),
        ("新增自", iso_or_none(query.since), {"since": None}),
    ]
    return [
        Filter(label, str(value), search_href(**query_args(query, **change)))
        for label, value, change in items
        if value
    ]


def page_links(query: SearchQuery, pages: int, window: int = 3) -> list[tuple[int, str]]:
    """Numbered page links around the current page."""
    low = max(1, query.page - window)
    high = min(pages, query.page + window)
    return [
        (n, search_href(**query_args(query, page=n))) for n in range(low, high + 1)
    ]


def search_href(**args: Any) -> str:
    """The results-page URL for these request arguments."""
    return url_for("search.results", **args)


def iso_or_none(value: Any) -> str | None:
    """ISO text of a date, or None."""
    return value.isoformat() if value else None
