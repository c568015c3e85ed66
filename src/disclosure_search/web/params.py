"""Turns request arguments into a validated SearchQuery, or a QueryError with a plain message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import cast

from disclosure_search.config import WebSettings
from disclosure_search.errors import QueryError
from disclosure_search.models import CATEGORIES, SearchQuery, SortOrder

#: The highest page number anyone may ask for; deeper pages are never useful to a person.
MAX_PAGE = 10_000
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")
SORT_LABELS: dict[str, str] = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
#: The request arguments that describe a search (kept in permalinks, feeds and exports).
SEARCH_ARGS: tuple[str, ...] = (
    "q", "category", "source", "agency", "from", "to", "sort", "page", "per_page",
)
_SOURCE_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_search(args: Mapping[str, str], web: WebSettings, *, per_page: int = 10) -> SearchQuery:
    """Build a SearchQuery from ``q, category, source, agency, from, to, sort, page, per_page``.

    Args:
        args: the request's query-string arguments.
        web: the site settings (query length and page-size bounds).
        per_page: page size when the request gives none.

    Returns:
        The query, with empty arguments treated as absent.

    Raises:
        QueryError: a plain Chinese message naming the bad argument and what is allowed.
    """
    text = _arg(args, "q")
    if len(text) > web.query_max_chars:
        raise QueryError(
            f"检索词过长（{len(text)} 个字符），最多 {web.query_max_chars} 个字符，请缩短后再试。"
        )
    date_from = parse_date(_arg(args, "from"), "起始日期（from）")
    date_to = parse_date(_arg(args, "to"), "截止日期（to）")
    if date_from and date_to and date_from > date_to:
        raise QueryError(f"起始日期 {date_from} 晚于截止日期 {date_to}，请交换或修改日期。")
    return SearchQuery(
        text=text,
        category=_category(_arg(args, "category")),
        source=_source(_arg(args, "source")),
        agency=_arg(args, "agency")[:100] or None,
        date_from=date_from,
        date_to=date_to,
        sort=_sort(_arg(args, "sort")),
        page=_bounded_int(_arg(args, "page"), "页码（page）", 1, MAX_PAGE, 1),
        per_page=_bounded_int(
            _arg(args, "per_page"), "每页条数（per_page）", 1, web.per_page_max, per_page
        ),
    )


def parse_date(value: str, label: str) -> date | None:
    """Parse ``YYYY-MM-DD`` (empty means no date) or raise QueryError naming ``label``."""
    if not value:
        return None
    if not _DATE_RE.fullmatch(value):
        raise QueryError(f"{label}格式不正确：应为 YYYY-MM-DD，例如 2024-01-31。")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{label}不是有效日期：{value}。") from None


def parse_year(value: str) -> int | None:
    """Parse a four-digit year argument (empty means none) or raise QueryError."""
    if not value:
        return None
    if not re.fullmatch(r"\d{4}", value) or not 1900 <= int(value) <= 2100:
        raise QueryError("年份（year）应为四位数字，例如 2024。")
    return int(value)


def query_args(query: SearchQuery, **changes: object) -> dict[str, str]:
    """Return the non-empty request arguments that reproduce ``query``, with ``changes`` applied.

    A change to anything but ``page`` resets the page to 1, as a person expects when they
    narrow a search. A change whose value is None removes that argument.
    """
    out: dict[str, str] = {
        "q": query.text,
        "category": query.category or "",
        "source": query.source or "",
        "agency": query.agency or "",
        "from": query.date_from.isoformat() if query.date_from else "",
        "to": query.date_to.isoformat() if query.date_to else "",
        "sort": query.sort if query.sort != "relevance" else "",
        "page": str(query.page) if query.page != 1 else "",
        "per_page": str(query.per_page) if query.per_page != 10 else "",
    }
    if changes and "page" not in changes:
        out["page"] = ""
    for key, value in changes.items():
        out[key] = "" if value is None else str(value)
    return {k: v for k, v in out.items() if v}


def _arg(args: Mapping[str, str], name: str) -> str:
    return (args.get(name) or "").strip()


def _category(value: str) -> str | None:
    if not value:
        return None
    if value not in CATEGORIES:
        raise QueryError(f"未知的分类“{value}”。可选分类：{'、'.join(CATEGORIES)}。")
    return value


def _source(value: str) -> str | None:
    if not value:
        return None
    if not _SOURCE_RE.fullmatch(value):
        raise QueryError("来源（source）只能包含字母、数字、下划线和连字符。")
    return value


def _sort(value: str) -> SortOrder:
    if not value:
        return "relevance"
    if value not in SORTS:
        raise QueryError(f"未知的排序方式“{value}”。可选：{', '.join(SORTS)}。")
    return cast(SortOrder, value)


def _bounded_int(value: str, label: str, low: int, high: int, default: int) -> int:
    if not value:
        return default
    if not re.fullmatch(r"\d{1,12}", value) or not low <= int(value) <= high:
        raise QueryError(f"{label}应为 {low} 到 {high} 之间的整数。")
    return int(value)
