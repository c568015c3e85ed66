"""The publication check: published, late, missing, ambiguous, with dates and CSV/JSON output."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from disclosure_search.models import Document
from disclosure_search.reports.check import check_documents, report_csv, report_json, run_check
from disclosure_search.reports.checklist import parse_checklist

CHECKLIST = """title,doc_number,category,due_date,source
南昌市科技局关于印发《南昌市科技创新券管理办法》的通知,洪科发[2018]12号,规范性文件,2018-03-31,
關於開展2018年度高新技術企業認定工作的通知,,,2018-05-10,
2018年南昌市科技计划项目申报指南,,,2018-06-05,
南昌市科技局2018年上半年工作总结,,,2018-07-10,
关于公布2018年第三批科技型中小企业名单的公告,,,,
《南昌市科技创新券管理办法》政策解读,,,2018-10-31,
关于征集2019年度市级重点研发项目的通知,,,2019-03-01,
=cmd|' /C calc'!A0,,,,
"""


def _report(documents: list[Document]) -> dict[str, dict[str, object]]:
    rows = parse_checklist(CHECKLIST.encode())
    report = check_documents(documents, rows, date(2019, 1, 31))
    return {str(r["line"]): r for r in report.as_dict()["rows"]}


def test_statuses_dates_and_reasons(documents: list[Document]) -> None:
    by_line = _report(documents)
    on_time = by_line["2"]
    assert on_time["status"] == "published" and on_time["reason"] == "文号一致"
    assert on_time["published_date"] == "2018-03-05" and on_time["days_late"] == 0
    assert str(on_time["first_seen"]).startswith("2018-03-06")
    late = by_line["3"]
    assert late["status"] == "late" and late["days_late"] == 10
    assert late["reason"] == "标题一致（繁简转换后）"
    # declared on time, but first seen nine days later: on time by the declared date
    declared_ok = by_line["4"]
    assert declared_ok["status"] == "published" and declared_ok["observed_days_late"] == 5
    # no declared date: first_seen decides
    undeclared = by_line["5"]
    assert undeclared["status"] == "late" and undeclared["days_late"] == 5
    assert by_line["6"]["status"] == "ambiguous" and len(by_line["6"]["candidates"]) == 2
    removed = by_line["7"]
    assert removed["status"] == "missing" and "2019-01-05 从网站撤下" in str(removed["reason"])
    assert by_line["8"]["status"] == "missing" and by_line["8"]["document_id"] == ""


def test_counts_add_up_to_the_rows(documents: list[Document]) -> None:
    rows = parse_checklist(CHECKLIST.encode())
    report = check_documents(documents, rows, date(2019, 1, 31))
    assert report.counts == {"published": 2, "late": 2, "missing": 3, "ambiguous": 1}
    assert sum(report.counts.values()) == len(rows)


def test_json_and_csv_renderings_agree(documents: list[Document]) -> None:
    report = check_documents(documents, parse_checklist(CHECKLIST.encode()), date(2019, 1, 31))
    data = json.loads(report_json(report))
    assert data["ok"] is True and data["total"] == 8 and data["checked_on"] == "2019-01-31"
    text = report_csv(report)
    assert text.startswith("\ufeffline,title,doc_number")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [r["status"] for r in rows] == [r["status"] for r in data["rows"]]
    assert rows[1]["days_late"] == "10"
    # a title that looks like a spreadsheet formula is written inert
    assert rows[7]["title"].startswith("'=cmd")


def test_run_check_against_the_real_catalog(archive: object) -> None:
    report = run_check(archive, parse_checklist(CHECKLIST.encode()), date(2019, 1, 31))
    assert report.counts == {"published": 2, "late": 2, "missing": 3, "ambiguous": 1}
    late = report.results[1]
    assert late.status == "late" and late.first_seen is not None
    assert late.first_seen.date() == date(2018, 5, 21)
