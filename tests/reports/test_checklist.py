"""Checklist CSV parsing: the good shapes accepted, every bad one refused with row and column."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure_search.errors import ChecklistError
from disclosure_search.reports.checklist import MAX_ROWS, parse_checklist


def test_parses_rows_with_bom_any_column_order_and_blank_lines() -> None:
    data = ("\ufeffDoc_Number,title,due_date\r\n"
            "洪科发〔2018〕12号,关于印发管理办法的通知,2018-03-31\r\n"
            "\r\n"
            ",\"标题, 带逗号\",\r\n").encode()
    rows = parse_checklist(data)
    assert [r.title for r in rows] == ["关于印发管理办法的通知", "标题, 带逗号"]
    assert rows[0].doc_number == "洪科发〔2018〕12号"
    assert rows[0].due_date == date(2018, 3, 31)
    assert rows[1].due_date is None
    assert [r.line for r in rows] == [2, 4]


def test_pasted_text_is_accepted() -> None:
    rows = parse_checklist("title,source\n年度报告,kjj\n")
    assert rows[0].source == "kjj"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "empty"),
        (b"title,due_date\n", "no items"),
        (b"name,due_date\nx,2018-01-01\n", "row 1, column 1: unknown column 'name'"),
        (b"doc_number,due_date\nx,2018-01-01\n", "no 'title' column"),
        (b"title,title\nx,y\n", "row 1, column 2: column 'title' appears twice"),
        (b"title,due_date\nok,2018-01-01\nbad,2018/02/30\n",
         "row 3, column due_date: '2018/02/30' is not a date"),
        (b"title,due_date\nbad,2018-02-30\n", "row 2, column due_date"),
        (b"title,due_date\nbad,20180228\n", "row 2, column due_date"),
        (b"title,due_date\n,2018-01-01\n", "row 2, column title: the title is empty"),
        (b"title\na,b\n", "row 2, column 2: 2 fields"),
        ("title\n关于印发管理办法的通知\n".encode("gbk"), "row 2: the checklist is not UTF-8"),
    ],
)
def test_bad_checklists_are_refused_naming_row_and_column(data: bytes, message: str) -> None:
    with pytest.raises(ChecklistError) as err:
        parse_checklist(data)
    assert message in str(err.value)


def test_more_than_the_row_limit_is_refused_with_a_clear_message() -> None:
    data = "title\n" + "通知\n" * (MAX_ROWS + 1)
    with pytest.raises(ChecklistError, match=r"more than 100,000 items; split it"):
        parse_checklist(data.encode())


def test_exactly_the_row_limit_is_accepted() -> None:
    rows = parse_checklist(("title\n" + "通知\n" * MAX_ROWS).encode())
    assert len(rows) == MAX_ROWS
