"""Tests for recognising and normalising 文号 in queries."""

from __future__ import annotations

from disclosure_search.index.docnumber import (
    doc_number_variants,
    looks_like_doc_number,
    normalize_doc_number,
)


def test_bracket_digit_and_script_variants_normalise_equal() -> None:
    forms = [
        "渝府发〔2023〕15号",
        "渝府发[2023]15号",
        "渝府發（２０２３）15號",
        "渝府发 (2023) 15 号",
    ]
    assert {normalize_doc_number(f) for f in forms} == {"渝府发〔2023〕15号"}


def test_variants_include_the_normalised_form() -> None:
    assert "洪科发〔2020〕12号" in doc_number_variants("洪科发[2020]12号")
    assert doc_number_variants("  ") == set()


def test_only_whole_doc_numbers_are_recognised() -> None:
    assert looks_like_doc_number("国办发〔2019〕1号")
    assert looks_like_doc_number("洪科发[2020]12号")
    assert not looks_like_doc_number("科技局")
    assert not looks_like_doc_number("12号")
    assert not looks_like_doc_number("")
