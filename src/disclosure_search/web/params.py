"""Turns request arguments into a validated SearchQuery, or a QueryError with a plain message."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import cast

from disclosure_search.config import WebSettings
from disclosure_search.errors import QueryError
from disclosure_search.models import CATEGORIES, SearchQuery, SearchScope, SortOrder
from disclosure_search.vocabulary.dates import TYPED_DATE_FORM, TypedDateError, parse_typed_date
from disclosure_search.vocabulary.folding import fold
from disclosure_search.vocabulary.validity import VALIDITIES, fold_validity

#: The highest page number anyone may ask for; deeper pages are never useful to a person.
MAX_PAGE = 10_000
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")
SORT_LABELS: dict[str, str] = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
#: The request arguments that describe a search (kept in permalinks, feeds and exports).
SEARCH_ARGS: tuple[str, ...] = (
    "q", "in", "category", "source", "agency", "from", "to", "written_from", "written_to",
    "validity", "doc_number", "topic", "since", "sort", "page", "per_page",
)
SCOPES: tuple[str, ...] = ("all", "title")
SCOPE_LABELS: dict[str, str] = {"all": "全文", "title": "标题"}
_SOURCE_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")


def parse_search(args: Mapping[str, str], web: WebSettings, *, per_page: int = 10) -> SearchQuery:
    """Build a SearchQuery from the request arguments of :data:`SEARCH_ARGS`.

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
    date_from, date_to = _date_range(args, "from", "to", "发布日期")
    written_from, written_to = _date_range(args, "written_from", "written_to", "成文日期")
    return SearchQuery(
        text=text,
        scope=_scope(_arg(args, "in")),
        category=_category(_arg(args, "category")),
        source=_source(_arg(args, "source")),
        agency=_arg(args, "agency")[:100] or None,
        date_from=date_from,
        date_to=date_to,
        written_from=written_from,
        written_to=written_to,
        validity=_validity(_arg(args, "validity")),
        doc_number=_arg(args, "doc_number")[:100] or None,
        topic=_arg(args, "topic")[:100] or None,
        since=parse_date(_arg(args, "since"), "关注起始日期（since）"),
        # a "what is new since" view is read newest first unless asked otherwise
        sort=_sort(_arg(args, "sort") or ("newest" if _arg(args, "since") else "")),
        page=_bounded_int(_arg(args, "page"), "页码（page）", 1, MAX_PAGE, 1),
        per_page=_bounded_int(
            _arg(args, "per_page"), "每页条数（per_page）", 1, web.per_page_max, per_page
        ),
    )


def resolve_agency(query: SearchQuery, agency_name: Callable[[str], str],
                   known: Sequence[str]) -> SearchQuery:
    """Name the query's agency as the ``[agencies]`` table says, and check some agency has it.

    Args:
        query: a parsed search.
        agency_name: the settings' :meth:`~disclosure_search.config.Settings.agency_name`.
        known: every agency in the index (发布机构 and 发文机关), most documents first.

    Raises:
        QueryError: no indexed agency's name contains the text (the message lists some).
    """
    if not query.agency:
        return query
    agency = agency_name(query.agency)
    wanted = fold(agency)
    if not any(wanted in fold(name) for name in known):
        examples = "、".join(known[:5]) or "（索引中尚无机构）"
        raise QueryError(
            f"没有发布机构或发文机关的名称包含“{query.agency}”。可以输入名称的一部分，"
            f"如“科技局”；已收录的机构有：{examples}{'等' if len(known) > 5 else ''}。"
        )
    return replace(query, agency=agency)


def _date_range(
    args: Mapping[str, str], low: str, high: str, label: str
) -> tuple[date | None, date | None]:
    """Parse a pair of date arguments; the start may not be after the end."""
    start = parse_date(_arg(args, low), f"{label}起（{low}）")
    end = parse_date(_arg(args, high), f"{label}止（{high}）")
    if start and end and start > end:
        raise QueryError(
            f"{label}的起始日期 {start} 晚于截止日期 {end}，请交换或修改日期。"
        )
    return start, end


def parse_date(value: str, label: str) -> date | None:
    """Parse ``YYYY-MM-DD`` (empty means no date) or raise QueryError naming ``label``."""
    try:
        return parse_typed_date(value)
    except TypedDateError as exc:
        if exc.reason == "form":
            message = f"{label}格式不正确：应为 {TYPED_DATE_FORM}，例如 2024-01-31。"
        else:
            message = f"{label}不是有效日期：{value}。"
        raise QueryError(message) from None


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
        "in": query.scope if query.scope != "all" else "",
        "category": query.category or "",
        "source": query.source or "",
        "agency": query.agency or "",
        "from": _iso(query.date_from),
        "to": _iso(query.date_to),
        "written_from": _iso(query.written_from),
        "written_to": _iso(query.written_to),
        "validity": query.validity or "",
        "doc_number": query.doc_number or "",
        "topic": query.topic or "",
        "since": _iso(query.since),
        "sort": query.sort if query.sort != "relevance" else "",
        "page": str(query.page) if query.page != 1 else "",
        "per_page": str(query.per_page) if query.per_page != 10 else "",
    }
    if changes and "page" not in changes:
        out["page"] = ""
    for key, value in changes.items():
        out[key] = "" if value is None else str(value)
    return {k: v for k, v in out.items() if v}


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


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


def _scope(value: str) -> SearchScope:
    if not value:
        return "all"
    if value not in SCOPES:
        raise QueryError(f"未知的检索范围“{value}”。可选：all（全文）、title（仅标题）。")
    return cast(SearchScope, value)


def _validity(value: str) -> str | None:
    if not value:
        return None
    folded = fold_validity(value)
    if not folded:
        raise QueryError(f"未知的有效性“{value}”。可选：{'、'.join(VALIDITIES)}。")
    return folded


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
