"""Annual report counts: categories in the report's order, sources, months, totals add up."""

from __future__ import annotations

import csv
import io
from datetime import date

from disclosure_search.models import CATEGORIES, Document
from disclosure_search.reports.annual import count_documents, counts_csv, year_counts

from .data import ListCatalog, make_doc, seen


def test_year_counts_follow_the_report_categories_and_add_up(documents: list[Document]) -> None:
    counts = year_counts(ListCatalog(documents), 2018)
    assert list(counts.by_category) == list(CATEGORIES)
    assert counts.total == 8 == sum(counts.by_category.values())
    assert counts.by_category["规范性文件"] == 3 and counts.by_category["公告公示"] == 3
    assert counts.by_category["统计数据"] == 0
    assert sum(s["total"] for s in counts.by_source.values()) == counts.total
    assert counts.by_source["portal"]["规范性文件"] == 1
    assert next(iter(counts.by_month)) == "2018-01" and len(counts.by_month) == 12
    assert sum(counts.by_month.values()) == counts.total
    assert counts.by_month["2018-09"] == 2
    # the undated summary was first seen in July: it counts under July
    assert counts.by_month["2018-07"] == 1
    assert counts.removed == 1


def test_source_and_year_filters(documents: list[Document]) -> None:
    catalog = ListCatalog(documents)
    assert year_counts(catalog, 2018, "portal").total == 1
    assert year_counts(catalog, 2017).total == 0
    assert year_counts(catalog, None).years == (2018,)


def test_unknown_category_counts_as_other_and_undated_is_reported() -> None:
    docs = [make_doc("https://a.example/1", "甲", category="奇怪分类",
                     published_date=date(2020, 1, 2)),
            make_doc("https://a.example/2", "乙")]
    counts = count_documents(docs, 2020)
    assert counts.by_category["其他"] == 1 and counts.undated == 1


def test_csv_export_has_every_category_and_the_total_row(documents: list[Document]) -> None:
    counts = year_counts(ListCatalog(documents), 2018)
    rows = list(csv.reader(io.StringIO(counts_csv(counts).removeprefix("\ufeff"))))
    assert rows[0] == ["category", "kjj", "portal", "total"]
    assert [r[0] for r in rows[1:-1]] == list(CATEGORIES)
    assert rows[-1] == ["合计", "7", "1", "8"]
    assert sum(int(r[-1]) for r in rows[1:-1]) == int(rows[-1][-1])


def test_first_seen_day_uses_the_configured_zone() -> None:
    from zoneinfo import ZoneInfo

    late_evening_utc = seen("2018-12-31").replace(hour=20)  # 04:00 next day in Shanghai
    docs = [make_doc("https://a.example/3", "丙", first_seen=late_evening_utc)]
    assert count_documents(docs, 2019, tz=ZoneInfo("Asia/Shanghai")).total == 1
    assert count_documents(docs, 2018).total == 1


def test_year_counts_from_the_real_catalog(archive: object) -> None:
    counts = year_counts(archive, 2018)
    assert counts.total == 8 and counts.removed == 1
    assert counts.by_category["规范性文件"] == 3
