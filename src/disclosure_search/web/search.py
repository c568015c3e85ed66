"""The search blueprint: home page, result pages, Atom feed and OpenSearch description."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from disclosure_search.errors import SearchIndexError
from disclosure_search.models import SearchQuery, SearchResult
from disclosure_search.web import feeds, present
from disclosure_search.web.app import resources, settings
from disclosure_search.web.errors import wants_json
from disclosure_search.web.params import SORTS, parse_search, query_args

log = logging.getLogger(__name__)
bp = Blueprint("search", __name__)

#: Entries in a feed: the newest matches.
FEED_ENTRIES = 30


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
    """The search page: one box, the filters, and what the index holds."""
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
    )


@bp.get("/search")
def results() -> Any:
    """A page of results (HTML, or the /api/search JSON for clients that ask for JSON)."""
    query = parse_search(request.args, settings().web)
    result = run_search(query)
    if wants_json():
        return jsonify(present.result_json(result))
    return render_template(
        "results.html",
        query=query,
        result=result,
        pages=present.page_count(result),
        page_links=page_links(query, present.page_count(result)),
        facets=facet_links(result, query),
        years=year_links(result, query),
        filters=active_filters(query),
        sort_links=[(s, search_href(**query_args(query, sort=s))) for s in SORTS],
        args=query_args(query),
        feed_args=query_args(query, sort=None, page=None, per_page=None),
    )


@bp.get("/feed.atom")
def feed() -> Response:
    """An Atom feed of the newest matches of any search; the filters are kept."""
    query = parse_search(request.args, settings().web)
    query = replace(query, sort="newest", page=1, per_page=FEED_ENTRIES, facets=False)
    result = run_search(query)
    body = feeds.atom_feed(result, settings())
    return Response(body, mimetype="application/atom+xml")


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
    for field, arg in (("category", "category"), ("source", "source")):
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


def year_links(result: SearchResult, query: SearchQuery, limit: int = 8) -> list[FacetLink]:
    """Year shortcuts (newest first): each sets the date range to that calendar year."""
    years = sorted(result.facets.get("year", {}).items(), key=lambda kv: str(kv[0]), reverse=True)
    links = []
    for year, count in years[:limit]:
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
        ("分类", query.category, {"category": None}),
        ("来源", names.get(query.source or "", query.source), {"source": None}),
        ("发布机构", query.agency, {"agency": None}),
        ("起始日期", iso_or_none(query.date_from), {"from": None}),
        ("截止日期", iso_or_none(query.date_to), {"to": None}),
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
