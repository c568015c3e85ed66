"""Dates written every way pages write them."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure_search.extract.dates import iter_dates, parse_date


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
