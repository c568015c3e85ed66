"""Page bytes decode correctly whatever the headers and meta tags claim."""

from __future__ import annotations

import codecs

import pytest

from disclosure_search.encoding import decode_html, normalize_charset

TEXT = "<html><body><p>关于朱镕基、王堃同志的通知</p></body></html>"


def test_bom_wins_over_header() -> None:
    body = codecs.BOM_UTF8 + TEXT.encode("utf-8")
    assert decode_html(body, "text/html; charset=gbk") == (TEXT, "utf-8")


def test_utf16_bom() -> None:
    body = codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")
    assert decode_html(body, None)[0] == TEXT


def test_header_charset_used() -> None:
    assert decode_html(TEXT.encode("gb18030"), "text/html; charset=GBK") == (TEXT, "gb18030")


def test_gb2312_meta_decodes_characters_outside_gb2312() -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' + TEXT
    text, charset = decode_html(page.encode("gb18030"), None)
    assert charset == "gb18030"
    assert "朱镕基" in text and "王堃" in text


def test_meta_claiming_utf8_on_gbk_bytes() -> None:
    page = '<meta charset="utf-8">' + TEXT
    text, charset = decode_html(page.encode("gb18030"), "text/html")
    assert (text, charset) == (page, "gb18030")


def test_meta_claiming_gbk_on_utf8_bytes() -> None:
    page = '<meta charset="gbk">' + TEXT
    assert decode_html(page.encode("utf-8"), None) == (page, "utf-8")


def test_latin1_header_on_gbk_bytes_is_mojibake_and_ignored() -> None:
    text, charset = decode_html(TEXT.encode("gb18030"), "text/html; charset=ISO-8859-1")
    assert (text, charset) == (TEXT, "gb18030")


def test_no_declaration_gbk_bytes() -> None:
    assert decode_html(TEXT.encode("gb18030"), None) == (TEXT, "gb18030")


def test_unknown_declared_charset_is_ignored() -> None:
    assert decode_html(TEXT.encode("utf-8"), "text/html; charset=x-nonsense") == (TEXT, "utf-8")


def test_garbage_never_raises() -> None:
    text, charset = decode_html(bytes(range(256)) * 4, "text/html; charset=utf-8")
    assert isinstance(text, str) and charset


@pytest.mark.parametrize("label", ["GB2312", "gbk", "x-gbk", "CP936", "GB_2312-80", "gb18030"])
def test_gb_aliases_become_gb18030(label: str) -> None:
    assert normalize_charset(label) == "gb18030"
