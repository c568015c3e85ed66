"""The annual report draft as a Word document (.docx) and as CSV: table 二 and the counts."""

from __future__ import annotations

import csv
import io

from docx import Document as WordDocument
from docx.shared import Pt

from disclosure_search.models import CATEGORIES
from disclosure_search.reports.annual import YearCounts
from disclosure_search.reports.disclosure_table import (
    BLANK_ROWS,
    COLUMN_LABELS,
    DisclosureTable,
)

TABLE_TITLE = "二、主动公开政府信息情况"
BLANK_NOTE = "（本系统无法统计，请填写）"


def report_title(organisation: str, year: int) -> str:
    """The report's title as the national format words it."""
    return f"{organisation}{year}年政府信息公开工作年度报告（草稿）"


def draft_docx(table: DisclosureTable, counts: YearCounts, organisation: str,
               source_names: dict[str, str]) -> bytes:
    """Table 二 as the template lays it out, blanks to fill, then the per-category counts."""
    word = WordDocument()
    style = word.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    word.add_heading(report_title(organisation, table.year), level=1)
    word.add_paragraph(f"本草稿由政府信息公开存档系统根据 {table.year} 年 1 月 1 日至 12 月 31 日"
                       "抓取的网站内容生成；标注“请填写”的栏目须由本机关补充。")
    word.add_heading(TABLE_TITLE, level=2)
    grid = word.add_table(rows=0, cols=4)
    grid.style = "Table Grid"
    _row(grid, ["第二十条第（一）项", "", "", ""], merge=True)
    _row(grid, ["信息内容", *COLUMN_LABELS.values()])
    for label, issued, repealed, in_force in table.rows():
        _row(grid, [label, str(issued), str(repealed), str(in_force)])
    article = ""
    for where, item, measure in BLANK_ROWS:
        if where != article:
            _row(grid, [where, "", "", ""], merge=True)
            _row(grid, ["信息内容", measure, "", ""], merge_from=1)
            article = where
        _row(grid, [item, BLANK_NOTE, "", ""], merge_from=1)
    word.add_heading("附：本年主动公开文件分类统计", level=2)
    sources = list(counts.by_source)
    counts_grid = word.add_table(rows=0, cols=len(sources) + 2)
    counts_grid.style = "Table Grid"
    _row(counts_grid, ["分类", *(source_names.get(s, s) for s in sources), "合计"])
    for category in CATEGORIES:
        _row(counts_grid, [category, *(str(counts.by_source[s][category]) for s in sources),
                           str(counts.by_category[category])])
    _row(counts_grid, ["合计", *(str(counts.by_source[s]["total"]) for s in sources),
                       str(counts.total)])
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _row(grid: object, cells: list[str], *, merge: bool = False, merge_from: int = 0) -> None:
    row = grid.add_row().cells  # type: ignore[attr-defined]
    for cell, text in zip(row, cells, strict=True):
        cell.text = text
    if merge:
        row[0].merge(row[-1]).text = cells[0]
    elif merge_from:
        row[merge_from].merge(row[-1]).text = cells[merge_from]


def draft_csv(table: DisclosureTable, counts: YearCounts, source_names: dict[str, str]) -> str:
    """The same draft as CSV (UTF-8 with a BOM, so spreadsheet programs read it as such)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([TABLE_TITLE, f"{table.year}年"])
    writer.writerow(["第二十条第（一）项"])
    writer.writerow(["信息内容", *COLUMN_LABELS.values()])
    writer.writerows(table.rows())
    for where, item, measure in BLANK_ROWS:
        writer.writerow([where, item, measure, BLANK_NOTE])
    writer.writerow([])
    sources = list(counts.by_source)
    writer.writerow(["分类", *(source_names.get(s, s) for s in sources), "合计"])
    for category in CATEGORIES:
        writer.writerow([category, *(counts.by_source[s][category] for s in sources),
                         counts.by_category[category]])
    writer.writerow(["合计", *(counts.by_source[s]["total"] for s in sources), counts.total])
    return "\ufeff" + out.getvalue()
