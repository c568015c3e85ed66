"""Table 二 of the annual report drafted from a real catalog: 制发, 废止, 现行有效 per kind."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import Settings
from disclosure_search.reports.annual import year_counts
from disclosure_search.reports.annual_export import draft_csv, draft_docx
from disclosure_search.reports.disclosure_table import disclosure_table, document_kind

from .data import build_catalog, make_doc, seen

BASE = "https://kjj.example.gov.cn/xxgk"


def _docs() -> list:
    return [
        make_doc(f"{BASE}/gfxwj/201803/t1.html",
                 "南昌市科技局关于印发《南昌市科技创新券管理办法》的通知",
                 doc_number="洪科发〔2018〕12号", category="规范性文件", validity="有效",
                 published_date=date(2018, 3, 5), first_seen=seen("2018-03-06")),
        make_doc(f"{BASE}/gfxwj/201905/t2.html", "关于开展2019年度高新技术企业认定工作的通知",
                 doc_number="洪科字〔2019〕30号", category="规范性文件", validity="有效",
                 published_date=date(2019, 5, 20), first_seen=seen("2019-05-21")),
        make_doc(f"{BASE}/zfgz/201902/t3.html", "南昌市科学技术奖励办法",
                 doc_number="南昌市人民政府令第150号", category="规范性文件",
                 published_date=date(2019, 2, 1), first_seen=seen("2019-02-02")),
        make_doc(f"{BASE}/gfxwj/201704/t4.html", "南昌市科技计划项目管理办法",
                 doc_number="洪科发〔2017〕8号", category="规范性文件", validity="有效",
                 published_date=date(2017, 4, 1), first_seen=seen("2017-04-02"),
                 removed_at=seen("2019-08-01")),
        make_doc(f"{BASE}/tzgg/201906/t5.html", "2019年南昌市科技计划项目申报指南",
                 category="公告公示", published_date=date(2019, 6, 1),
                 first_seen=seen("2019-06-02")),
    ]


def _catalog(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path)
    docs = _docs()
    build_catalog(settings, docs)
    # the 2018 measure is declared 废止 on the site in June 2019: a second version
    build_catalog(settings, [replace(docs[0], validity="废止", first_seen=seen("2019-06-10"))])
    return settings


def test_kinds_are_told_by_doc_number_and_category() -> None:
    kinds = [document_kind(d) for d in _docs()]
    assert kinds == ["normative", "normative", "regulation", "normative", None]


def test_table_two_counts_per_year(tmp_path: Path) -> None:
    settings = _catalog(tmp_path)
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        t2018 = disclosure_table(catalog, 2018)
        t2019 = disclosure_table(catalog, 2019)
    assert t2018.rows() == [("规章", 0, 0, 0), ("行政规范性文件", 1, 0, 2)]
    # 2019: one normative issued; the 2018 one declared 废止 and the 2017 one taken down;
    # in force on 31 December: only the one issued in 2019
    assert t2019.rows() == [("规章", 1, 0, 1), ("行政规范性文件", 1, 2, 1)]
    repealed = [d.title for d in t2019.evidence["normative"]["repealed"]]
    assert repealed == ["南昌市科技计划项目管理办法",
                        "南昌市科技局关于印发《南昌市科技创新券管理办法》的通知"]


def test_docx_and_csv_drafts_read_back(tmp_path: Path) -> None:
    settings = _catalog(tmp_path)
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        table = disclosure_table(catalog, 2019)
        counts = year_counts(catalog, 2019)
    data = draft_docx(table, counts, "南昌市科技局", {"kjj": "南昌市科技局"})
    word = docx.Document(io.BytesIO(data))
    texts = [p.text for p in word.paragraphs]
    assert "南昌市科技局2019年政府信息公开工作年度报告（草稿）" in texts
    assert "二、主动公开政府信息情况" in texts
    grid = [[c.text for c in row.cells] for row in word.tables[0].rows]
    assert ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"] in grid
    assert ["规章", "1", "0", "1"] in grid and ["行政规范性文件", "1", "2", "1"] in grid
    licence = next(row for row in grid if row[0] == "行政许可")
    assert "请填写" in licence[1]
    counts_grid = [[c.text for c in row.cells] for row in word.tables[1].rows]
    assert counts_grid[0] == ["分类", "南昌市科技局", "合计"]
    assert counts_grid[-1] == ["合计", "3", "3"]
    text = draft_csv(table, counts, {"kjj": "南昌市科技局"})
    lines = text.lstrip("\ufeff").splitlines()
    assert "行政规范性文件,1,2,1" in lines and lines[-1] == "合计,3,3"
