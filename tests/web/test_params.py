"""Request arguments become a SearchQuery, and every bad one a plain QueryError."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure_search.config import WebSettings
from disclosure_search.errors import QueryError
from disclosure_search.models import CATEGORIES, SearchQuery
from disclosure_search.web.params import parse_search, parse_year, query_args

WEB = WebSettings()


def test_full_query_is_parsed() -> None:
    query = parse_search(
        {"q": " 农业 ", "category": "规范性文件", "source": "kjj", "agency": "科技局",
         "from": "2023-01-01", "to": "2023-12-31", "sort": "newest", "page": "3",
         "per_page": "20"},
        WEB,
    )
    assert query == SearchQuery(
        text="农业", category="规范性文件", source="kjj", agency="科技局",
        date_from=date(2023, 1, 1), date_to=date(2023, 12, 31), sort="newest", page=3,
        per_page=20,
    )


def test_empty_arguments_mean_no_filter() -> None:
    assert parse_search({"q": "", "category": "", "from": "", "page": ""}, WEB) == SearchQuery()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({"category": "不存在"}, CATEGORIES[0]),
        ({"from": "2023-13-01"}, "不是有效日期"),
        ({"from": "2023/01/01"}, "YYYY-MM-DD"),
        ({"to": "yesterday"}, "YYYY-MM-DD"),
        ({"from": "2024-01-02", "to": "2024-01-01"}, "晚于"),
        ({"page": "0"}, "页码"),
        ({"page": "1000000000"}, "页码"),
        ({"page": "-1"}, "页码"),
        ({"page": "abc"}, "页码"),
        ({"per_page": "101"}, "每页条数"),
        ({"per_page": "0"}, "每页条数"),
        ({"q": "农" * 10_000}, "过长"),
        ({"sort": "random"}, "排序"),
        ({"source": "../etc"}, "来源"),
    ],
)
def test_bad_arguments_raise_plain_messages(args: dict[str, str], words: str) -> None:
    with pytest.raises(QueryError, match=words):
        parse_search(args, WEB)


def test_query_length_bound_comes_from_settings() -> None:
    assert parse_search({"q": "农" * 200}, WEB).text == "农" * 200
    with pytest.raises(QueryError):
        parse_search({"q": "农" * 201}, WEB)
    assert parse_search({"q": "农" * 300}, WebSettings(query_max_chars=300)).text


def test_year_argument() -> None:
    assert parse_year("2024") == 2024
    assert parse_year("") is None
    for bad in ("24", "二〇二四", "3000"):
        with pytest.raises(QueryError):
            parse_year(bad)


def test_query_args_round_trip_and_reset_page() -> None:
    args = {"q": "农业", "category": "政策解读", "from": "2020-01-01", "sort": "oldest",
            "page": "4"}
    query = parse_search(args, WEB)
    assert query_args(query) == args
    narrowed = query_args(query, source="kjj")
    assert narrowed["source"] == "kjj" and "page" not in narrowed
    assert "category" not in query_args(query, category=None)
    assert parse_search(query_args(query, page=2), WEB).page == 2


def test_new_filters_parse_and_round_trip() -> None:
    args = {"q": "预算", "in": "title", "written_from": "2018-01-01", "written_to": "2018-12-31",
            "validity": "现行有效", "doc_number": "示科发[2018]29号", "topic": "综合政务",
            "since": "2024-05-01"}
    query = parse_search(args, WEB)
    assert query == SearchQuery(
        text="预算", scope="title", written_from=date(2018, 1, 1),
        written_to=date(2018, 12, 31), validity="有效", doc_number="示科发[2018]29号",
        topic="综合政务", since=date(2024, 5, 1), sort="newest",  # what is new: newest first
    )
    assert parse_search(query_args(query), WEB) == query


def test_since_keeps_an_explicit_sort() -> None:
    assert parse_search({"since": "2024-05-01", "sort": "oldest"}, WEB).sort == "oldest"
