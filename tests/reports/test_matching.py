"""Row-to-document matching: script, 文号 and punctuation variants, similarity, ambiguity."""

from __future__ import annotations

from disclosure_search.models import Document
from disclosure_search.reports.checklist import ChecklistRow
from disclosure_search.reports.matching import DocumentMatcher, folded_title


def _row(title: str, **fields: object) -> ChecklistRow:
    return ChecklistRow(line=2, title=title, **fields)  # type: ignore[arg-type]


def test_doc_number_bracket_and_width_variants_match(documents: list[Document]) -> None:
    matcher = DocumentMatcher(documents)
    for number in ("洪科发[2018]12号", "洪科发（２０１８）１２号", "洪科发 〔2018〕 12 号",
                   "洪科发〖2018〗12号", "洪科发《2018》12号", "洪科发2018年12号",
                   "洪科發〔2018〕第12號"):
        found = matcher.match(_row("随便写的标题", doc_number=number))
        assert found.outcome == "matched"
        assert found.document is not None and found.document.doc_number == "洪科发〔2018〕12号"
        assert found.reason == "文号一致"


def test_traditional_title_matches_simplified_document(documents: list[Document]) -> None:
    found = DocumentMatcher(documents).match(_row("關於開展2018年度高新技術企業認定工作的通知"))
    assert found.outcome == "matched"
    assert found.reason == "标题一致（繁简转换后）"
    assert found.document is not None and "高新技术企业" in found.document.title


def test_spaces_and_punctuation_ignored(documents: list[Document]) -> None:
    found = DocumentMatcher(documents).match(
        _row("南昌市科技局关于印发 南昌市科技创新券管理办法 的通知。"))
    assert found.outcome == "matched"
    assert found.reason == "标题一致（忽略空格和标点）"


def test_small_title_difference_matches_with_its_score(documents: list[Document]) -> None:
    found = DocumentMatcher(documents).match(_row("2018年南昌市科技计划项目申报工作指南"))
    assert found.outcome == "matched"
    assert found.reason.startswith("标题相似度 0.9")
    assert found.document is not None and found.document.title == "2018年南昌市科技计划项目申报指南"


def test_unrelated_title_is_not_matched(documents: list[Document]) -> None:
    found = DocumentMatcher(documents).match(_row("关于征集2019年度市级重点研发项目的通知"))
    assert found.outcome == "none"


def test_equally_good_candidates_are_ambiguous(documents: list[Document]) -> None:
    found = DocumentMatcher(documents).match(_row("关于公布2018年第三批科技型中小企业名单的公告"))
    assert found.outcome == "ambiguous"
    assert len(found.documents) == 2
    assert "2 份同样相符" in found.reason


def test_source_column_narrows_the_candidates(documents: list[Document]) -> None:
    title = "南昌市人民政府办公厅关于加强科技成果转化的实施意见"
    assert DocumentMatcher(documents).match(_row(title, source="portal")).outcome == "matched"
    assert DocumentMatcher(documents).match(_row(title, source="kjj")).outcome == "none"


def test_wrong_doc_number_falls_back_to_title_and_says_so(documents: list[Document]) -> None:
    found = DocumentMatcher(documents).match(
        _row("关于开展2018年度高新技术企业认定工作的通知", doc_number="洪科字〔2018〕31号"))
    assert found.outcome == "matched"
    assert "文号不一致" in found.reason and "洪科字[2018]30号" in found.reason


def test_folded_title_is_script_width_and_punctuation_blind() -> None:
    assert folded_title("《管理辦法》 （２０１８）") == folded_title("管理办法(2018)")
