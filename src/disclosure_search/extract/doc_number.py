"""Normalise document numbers (文号) so bracket, digit-width and script variants compare equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_LABEL_PREFIX = re.compile(r"^\s*(?:发文字号|发文文号|文件编号|发文号|文号|字号)\s*[:：]?\s*")
_OPEN = r"〔\[（(【［{｛〈<《﹝"
_CLOSE = r"〕\]）)】］}｝〉>》﹞"
# The year, in whatever brackets (or none, or followed by 年), becomes 〔YEAR〕; 第 before the
# serial number is dropped because sites print 〔2018〕第12号 and 〔2018〕12号 for one document.
_YEAR = re.compile(rf"[{_OPEN}]?((?:19|20)\d{{2}})[{_CLOSE}]?年?第?(?=\d)")
_SPACES = re.compile(r"[\s\u200b\ufeff]+")
_DOC_NUMBER = re.compile(
    rf"^[\u4e00-\u9fffA-Za-z]{{1,24}}[{_OPEN}]?(?:19|20)\d{{2}}[{_CLOSE}]?年?第?\d{{1,5}}号$"
)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _prepare(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw)
    text = _SPACES.sub("", text)
    text = _LABEL_PREFIX.sub("", text)
    return _t2s().convert(text)


def normalize_doc_number(raw: str) -> str:
    """Return the comparable form of a 文号.

    洪科发〔2018〕12号, 洪科发[2018]12号, 洪科发（２０１８）１２号, 洪科发2018年12号 and
    "发文字号：洪科发 〔2018〕 12 号" all give 洪科发〔2018〕12号; Traditional characters are
    mapped to Simplified.

    Args:
        raw: the document number as printed, possibly with its label.

    Returns:
        The normalised number, or "" for empty input.
    """
    text = _prepare(raw)
    if not text:
        return ""
    return _YEAR.sub(lambda m: f"〔{m.group(1)}〕", text, count=1)


def looks_like_doc_number(text: str) -> bool:
    """Return True when ``text`` is shaped like a 文号 (issuer code, year, serial, 号).

    Args:
        text: a search query or a line of a page.

    Returns:
        True for 国发〔2018〕12号, 京中医科字[2020]170号, 洪科发2018年12号 and the like.
    """
    if not text or len(text) > 60:
        return False
    return bool(_DOC_NUMBER.match(_prepare(text)))
