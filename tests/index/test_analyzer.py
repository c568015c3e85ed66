"""Tests for the analyzer: folding, true offsets, stop words, user dictionary, bigrams."""

from __future__ import annotations

import pytest

from disclosure_search.index import analyzer

MIXED = "中華人民共和國政府資訊公開條例，市科技局發布規範性文件（ＡＢＣ-12號）的通知\n第二條"


def test_fold_keeps_length_and_maps_scripts() -> None:
    folded = analyzer.fold(MIXED)
    assert len(folded) == len(MIXED)
    assert folded.startswith("中华人民共和国政府资讯公开条例")
    assert "(abc-12号)" in folded


def test_every_word_is_the_folded_text_at_its_offsets() -> None:
    folded = analyzer.fold(MIXED)
    tokens = list(analyzer.iter_words(MIXED))
    assert tokens
    for word, start, end in tokens:
        assert folded[start:end] == word
        assert analyzer.fold(MIXED[start:end]) == word


def test_every_bigram_is_the_folded_text_at_its_offsets() -> None:
    folded = analyzer.fold(MIXED)
    for gram, start, end in analyzer.iter_bigrams(MIXED):
        assert folded[start:end] == gram


def test_traditional_gives_the_same_words_as_simplified() -> None:
    traditional = "國務院辦公廳關於進一步做好政府資訊公開工作的通知"
    simplified = "国务院办公厅关于进一步做好政府资讯公开工作的通知"
    assert analyzer.words(traditional) == analyzer.words(simplified)
    assert analyzer.bigrams(traditional) == analyzer.bigrams(simplified)


def test_stop_words_are_dropped() -> None:
    words = analyzer.words("科技局的通知和公告")
    assert "的" not in words and "和" not in words
    assert "通知" in words and "公告" in words


def test_user_dictionary_keeps_government_terms_whole() -> None:
    assert "规范性文件" in analyzer.words("关于清理规范性文件的决定")
    assert "发展和改革委员会" in analyzer.words("市发展和改革委员会关于行政许可事项的公告")
    assert "行政许可" in analyzer.words("市发展和改革委员会关于行政许可事项的公告")
    # search mode still yields the parts, so a search for 科技 finds 科技局
    assert {"科技", "科技局"} <= set(analyzer.words("市科技局"))


def test_ascii_is_lowercased_and_kept_whole() -> None:
    assert analyzer.words("WTO 规则 Covid-19") == ["wto", "规则", "covid-19"]


def test_bigrams_cover_sub_words_of_long_names() -> None:
    grams = analyzer.bigrams("中国农业发展银行")
    assert grams == ["中国", "国农", "农业", "业发", "发展", "展银", "银行"]
    assert analyzer.bigrams("市") == ["市"]


def test_subgrams_cover_bigrams_inside_long_words_only() -> None:
    text = "中国农业发展银行"
    words = set(analyzer.words(text))
    subgrams = {gram for gram, _, _ in analyzer.iter_subgrams(text)}
    assert "农业发展银行" in words or "中国农业发展银行" in words
    assert "展银" in subgrams  # inside a word, not a word itself
    assert not subgrams & words  # never duplicates a word of the same text
    folded = analyzer.fold(text)
    for gram, start, end in analyzer.iter_subgrams(text):
        assert folded[start:end] == gram


def test_python_and_rust_jieba_give_the_same_words() -> None:
    rust = analyzer._rust_jieba()
    if rust is None:
        pytest.skip("rjieba is not installed")
    python = analyzer._python_jieba()
    text = "国务院办公厅关于进一步做好政府信息公开工作的通知，市科技局、市发展和改革委员会联合发布"
    for chunk in text.split("，"):
        assert list(map(tuple, rust(chunk))) == list(map(tuple, python(chunk)))
