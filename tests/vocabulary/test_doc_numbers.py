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
    # printed so on real pages: a zero-padded serial, a 号 left out, one digit full-width
    ("沪发改价费〔2009〕009号", "沪发改价费〔2009〕9号"),
    ("沪绿容〔2020〕014号", "沪绿容〔2020〕14号"),
    ("晋政办发〔2012〕18", "晋政办发〔2012〕18号"),
    ("粤府办〔2002〕1２号", "粤府办〔2002〕12号"),
    ("国家税务总局公告2015年第41号", "国家税务总局公告〔2015〕41号"),
    ("洪科发〔2018〕0号", "洪科发〔2018〕0号"),
    # not a 文号 with its 号 left out: a date cut short, a decree without a year
    ("统计至2018年12", "统计至〔2018〕12"),
    ("省政府令 第219号", "省政府令第219号"),
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


# (a 文号 as printed on a real page, forms of it that pages print and people type)
_WRITTEN = [
    ("洪科发〔2018〕12号", [
        "洪科发〔2018〕12号", "洪科发[2018]12号", "洪科发［2018］12号", "洪科发(2018)12号",
        "洪科发（2018）12号", "洪科发【2018】12号", "洪科发〖2018〗12号", "洪科发﹝2018﹞12号",
        "洪科发《2018》12号", "洪科发2018年12号", "洪科发〔2018〕第12号", "洪科发2018年第12号",
        "洪科发〔2018〕12", "洪科发[2018]12", "洪科发（２０１８）１２号", "洪科发〔２０１８〕１２",
        "洪科發〔2018〕12號", "洪科發[2018]第12號", "洪科發（２０１８）１２號",
    ]),
    ("沪发改价费〔2009〕009号", ["沪发改价费〔2009〕9号", "沪发改价费[2009]9号",
                                "滬發改價費〔2009〕9號", "沪发改价费〔2009〕9"]),
    ("国家税务总局公告2015年第41号", [
        "国家税务总局公告2015年第41号", "国家税务总局公告〔2015〕41号",
        "國家稅務總局公告2015年第41號",
    ]),
    ("Q/GDW〔2020〕3号", ["Q/GDW〔2020〕3号", "q/gdw[2020]3号", "Q/GDW（２０２０）３号"]),
]


@pytest.mark.parametrize(("printed", "written"), _WRITTEN)
def test_variants_are_the_forms_people_and_pages_write(printed: str, written: list[str]) -> None:
    variants = doc_number_variants(printed)
    assert set(written) <= variants
    assert normalize_doc_number(printed) in variants


@pytest.mark.parametrize("printed", [printed for printed, _ in _WRITTEN])
def test_every_variant_reads_back_as_the_same_number(printed: str) -> None:
    normal = normalize_doc_number(printed)
    variants = doc_number_variants(printed)
    assert {normalize_doc_number(v) for v in variants} == {normal}
    assert all(doc_number_variants(v) == variants for v in sorted(variants)[:12])


def test_variants_leave_out_what_would_read_as_another_thing() -> None:
    # without brackets and without 号, 2018年12 is a date cut short, not this 文号
    assert "洪科发2018年12" not in doc_number_variants("洪科发〔2018〕12号")
    assert not looks_like_doc_number("统计至2018年12")
    assert looks_like_doc_number("晋政办发〔2012〕18")


@pytest.mark.parametrize(("one", "other"), [
    ("洪科发〔2018〕12号", "洪科发〔2018〕13号"),
    ("洪科发〔2018〕12号", "洪科发〔2018〕120号"),
    ("洪科发〔2018〕12号", "洪科发〔2019〕12号"),
])
def test_different_numbers_share_no_variant(one: str, other: str) -> None:
    assert not doc_number_variants(one) & doc_number_variants(other)


@pytest.mark.parametrize("text", ["科技创新", "省政府令第219号", "统计至2018年12"])
def test_text_not_shaped_like_a_doc_number_has_only_its_normal_form(text: str) -> None:
    assert doc_number_variants(text) == {normalize_doc_number(text)}
