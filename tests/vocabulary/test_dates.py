"""Dates written every way pages write them, and the one form people type."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure_search.vocabulary.dates import (
    TypedDateError,
    iter_dates,
    parse_date,
    parse_typed_date,
)


@pytest.mark.parametrize(
    "text",
    [
        "2018-03-05",
        "2018-3-5",
        "2018年3月5日",
        "2018/3/5",
        "2018.03.05",
        "20180305",
        "2018-03-05 09:30:00",
        "２０１８年３月５日",
        "二〇一八年三月五日",
        "发布日期：2018年03月05日",
        "2018 年 3 月 5 日",
    ],
)
def test_written_forms(text: str) -> None:
    assert parse_date(text) == date(2018, 3, 5)


def test_chinese_numerals_with_ten() -> None:
    assert parse_date("二〇一九年十二月二十五日") == date(2019, 12, 25)


@pytest.mark.parametrize("text", ["2018-02-30", "2018-13-01", "20181301", "", "无", "1234-05-06"])
def test_impossible_or_missing_dates_are_none(text: str) -> None:
    assert parse_date(text) is None


def test_dates_in_order_of_appearance() -> None:
    assert list(iter_dates("成文 2020年1月17日，发布 2020-01-20")) == [
        date(2020, 1, 17),
        date(2020, 1, 20),
    ]


@pytest.mark.parametrize(("typed", "expected"), [
    ("2024-01-31", date(2024, 1, 31)),
    (" 2024-01-31 ", date(2024, 1, 31)),
    ("", None),
    (None, None),
])
def test_typed_dates_have_one_form(typed: str | None, expected: date | None) -> None:
    assert parse_typed_date(typed) == expected


@pytest.mark.parametrize(("typed", "reason"), [
    ("20240131", "form"),  # date.fromisoformat accepts it on Python 3.11+; people's input not
    ("2024/01/31", "form"),
    ("2024-1-31", "form"),
    ("２０２４-01-31", "form"),
    ("2024年1月31日", "form"),
    ("yesterday", "form"),
    ("2024-02-30", "calendar"),
    ("2024-13-01", "calendar"),
])
def test_other_typed_forms_are_refused(typed: str, reason: str) -> None:
    with pytest.raises(TypedDateError) as refused:
        parse_typed_date(typed)
    assert refused.value.reason == reason
