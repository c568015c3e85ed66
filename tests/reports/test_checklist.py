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
        (b"", "清单是空的"),
        (b"\xef\xbb\xbf\r\n\r\n", "清单是空的"),
        (b"title,due_date\n", "没有任何事项"),
        (b"name,due_date\nx,2018-01-01\n", "第 1 行第 1 列：未知的列名 'name'"),
        (b"doc_number,due_date\nx,2018-01-01\n", "缺少必填的 title（标题）列"),
        (b"title,title\nx,y\n", "第 1 行第 2 列：列名 'title' 重复"),
        (b"title,due_date\nok,2018-01-01\nbad,2018/02/30\n",
         "第 3 行 due_date（应公开日期）列：'2018/02/30' 不是"),
        (b"title,due_date\nbad,2018-02-30\n", "第 2 行 due_date（应公开日期）列"),
        (b"title,due_date\nbad,20180228\n", "第 2 行 due_date（应公开日期）列"),
        (b"title,due_date\n,2018-01-01\n", "第 2 行 title（标题）列：标题为空"),
        (b"title\na,b\n", "第 2 行第 2 列：有 2 个字段"),
        ("title\n关于印发管理办法的通知\n".encode("gbk"), "第 2 行：清单不是 UTF-8 编码"),
    ],
)
def test_bad_checklists_are_refused_naming_row_and_column(data: bytes, message: str) -> None:
    with pytest.raises(ChecklistError) as err:
        parse_checklist(data)
    assert message in str(err.value)


def test_more_than_the_row_limit_is_refused_with_a_clear_message() -> None:
    data = "title\n" + "通知\n" * (MAX_ROWS + 1)
    with pytest.raises(ChecklistError, match=r"清单超过 100,000 项，请拆成"):
        parse_checklist(data.encode())


def test_exactly_the_row_limit_is_accepted() -> None:
    rows = parse_checklist(("title\n" + "通知\n" * MAX_ROWS).encode())
    assert len(rows) == MAX_ROWS
