"""The one 文号 normaliser: every way a 文号 is written compares equal, different ones do not."""

from __future__ import annotations

import pytest

from disclosure_search.vocabulary.doc_numbers import (
    doc_number_variants,
    looks_like_doc_number,
    normalize_doc_number,
)


@pytest.mark.parametrize("raw", [
    "洪科发〔2018〕12号",
    "洪科发[2018]12号",
    "洪科发［2018］12号",
    "洪科发（２０１８）１２号",
    "洪科发(2018)12号",
    "洪科发【2018】12号",
    "洪科发〖2018〗12号",
    "洪科发《2018》12号",
    "洪科发﹝2018﹞12号",
    "洪科发2018年12号",
    "洪科发2018年第12号",
    "发文字号：洪科发 〔2018〕 12 号",
    "文号:洪科发〔2018〕12号",
    "洪科發〔2018〕12號",
    "洪科发〔2018〕第12号",
    "洪科发\u3000〔2018〕\u200b12号",
])
def test_every_form_of_one_doc_number_is_equal(raw: str) -> None:
    assert normalize_doc_number(raw) == "洪科发〔2018〕12号"


@pytest.mark.parametrize(("raw", "normal"), [
    ("渝府發（２０２３）15號", "渝府发〔2023〕15号"),
    ("Q/GDW〔2020〕3号", "q/gdw〔2020〕3号"),
    ("ｑ／ｇｄｗ[2020]3号", "q/gdw〔2020〕3号"),
    ("京中医科字[2020]170号", "京中医科字〔2020〕170号"),
])
def test_script_width_and_ascii_case_fold(raw: str, normal: str) -> None:
    assert normalize_doc_number(raw) == normal


@pytest.mark.parametrize(("one", "other"), [
    ("洪科发〔2018〕12号", "洪科发〔2018〕13号"),
    ("洪科发〔2018〕12号", "洪科发〔2019〕12号"),
    ("洪科发〔2018〕12号", "洪科办〔2018〕12号"),
])
def test_different_numbers_stay_different(one: str, other: str) -> None:
    assert normalize_doc_number(one) != normalize_doc_number(other)


def test_empty_input_has_no_form() -> None:
    assert normalize_doc_number("  ") == ""
    assert doc_number_variants("  ") == set()
    assert doc_number_variants("洪科发[2020]12号") == {"洪科发〔2020〕12号"}


@pytest.mark.parametrize("text", [
    "国发〔2018〕12号", "京中医科字[2020]170号", "洪科发2018年12号", "赣府厅发（２０１９）１８号",
    "国办发〔2019〕1号", "洪科发〖2018〗12号", "洪科发《2018》12号", "GB〔2018〕1号",
])
def test_looks_like_doc_number(text: str) -> None:
    assert looks_like_doc_number(text)


@pytest.mark.parametrize("text", [
    "科技 创新", "2018年12月", "关于印发办法的通知", "", "科技局", "12号", "洪科发" * 30,
])
def test_ordinary_text_is_not_a_doc_number(text: str) -> None:
    assert not looks_like_doc_number(text)
