"""文号 variants compare equal after normalisation."""

from __future__ import annotations

import pytest

from disclosure_search.extract.doc_number import looks_like_doc_number, normalize_doc_number


@pytest.mark.parametrize(
    "raw",
    [
        "洪科发〔2018〕12号",
        "洪科发[2018]12号",
        "洪科发［2018］12号",
        "洪科发（２０１８）１２号",
        "洪科发(2018)12号",
        "洪科发【2018】12号",
        "洪科发2018年12号",
        "发文字号：洪科发 〔2018〕 12 号",
        "洪科發〔2018〕12號",
        "洪科发〔2018〕第12号",
    ],
)
def test_variants_compare_equal(raw: str) -> None:
    assert normalize_doc_number(raw) == "洪科发〔2018〕12号"


def test_different_numbers_stay_different() -> None:
    assert normalize_doc_number("洪科发〔2018〕12号") != normalize_doc_number("洪科发〔2018〕13号")
    assert normalize_doc_number("洪科发〔2018〕12号") != normalize_doc_number("洪科发〔2019〕12号")


def test_empty() -> None:
    assert normalize_doc_number("  ") == ""


@pytest.mark.parametrize(
    "text",
    ["国发〔2018〕12号", "京中医科字[2020]170号", "洪科发2018年12号", "赣府厅发（２０１９）１８号"],
)
def test_looks_like_doc_number(text: str) -> None:
    assert looks_like_doc_number(text)


@pytest.mark.parametrize("text", ["科技 创新", "2018年12月", "关于印发办法的通知", ""])
def test_ordinary_text_is_not_a_doc_number(text: str) -> None:
    assert not looks_like_doc_number(text)
