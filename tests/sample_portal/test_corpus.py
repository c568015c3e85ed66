"""Reading the real corpus and rewriting it for the sample city, on a few real records."""

from __future__ import annotations

import random
from pathlib import Path

from disclosure_search.sample_portal import plan
from disclosure_search.sample_portal.corpus import (
    cut_passages,
    read_full_texts,
    read_passages,
    read_policy_rows,
)

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def test_policy_rows_join_dates_and_doc_numbers() -> None:
    rows = read_policy_rows(CORPUS)
    assert [r.doc_number for r in rows] == ["粤府〔2023〕68号", "粤府函〔2023〕223号",
                                            "粤府办〔2023〕15号"]
    first = rows[0]
    assert first.title == "广东省人民政府关于调整一批省级行政职权事项的决定"
    assert (first.written_date, first.published_date) == ("2023-09-13", "2023-09-25")


def test_full_texts_lose_the_font_size_widget() -> None:
    [doc] = read_full_texts(CORPUS)
    assert doc.title.startswith("北京市密云区人民政府关于印发")
    assert "字号：" not in doc.body and "密政发〔2016〕20号" in doc.body


def test_passages_are_document_sized_real_text() -> None:
    passages = read_passages(CORPUS, random.Random(1))
    assert passages
    assert all(len(p) >= 350 for p in passages)
    joined = "".join(passages)
    assert "上海航运交易所" in joined  # the law
    assert "<!--" not in joined and "#" not in joined
    assert read_passages(CORPUS, random.Random(1)) == passages


def test_cut_passages_keeps_paragraphs_whole() -> None:
    paras = [f"第{i}条 " + "内容" * 100 for i in range(30)]
    for passage in cut_passages(paras, random.Random(7)):
        assert all(line in paras for line in passage.split("\n"))


def test_places_and_doc_numbers_are_rewritten_to_the_sample_city() -> None:
    title = "广东省人民政府关于调整一批省级行政职权事项的决定"
    assert plan.rewrite_places(title) == "示例市人民政府关于调整一批省级行政职权事项的决定"
    assert plan.rewrite_places("上海金融创新奖") == "示例金融创新奖"
    assert plan.rewrite_doc_number("粤府函〔2023〕223号") == "示府函〔2023〕223号"
    assert plan.rewrite_doc_number("国发〔2010〕41号") == "国发〔2010〕41号"
    assert plan.agency_prefix("示例市人民政府办公厅关于印发方案的通知") == "示例市人民政府办公厅"
    assert plan.agency_prefix("关于印发方案的通知") == ""
