"""Document numbers (文号): one comparable form, for extraction, search and the publication check.

Sites and staff write one 文号 many ways: 洪科发〔2018〕12号, 洪科发[2018]12号,
洪科发〖2018〗12号, 洪科发《2018》12号, 洪科发（２０１８）１２号, 洪科发2018年12号,
洪科发〔2018〕第12号, 洪科發〔2018〕12號, with spaces, with its label (发文字号：...), Latin
letters in either case. All of them give one normal form: ``洪科发〔2018〕12号``.
"""

from __future__ import annotations

import re
import unicodedata

from disclosure_search.vocabulary.folding import fold

_LABEL_PREFIX = re.compile(r"^(?:发文字号|发文文号|文件编号|发文号|文号|字号)[:：]?")
_OPEN = r"〔\[（(【［{｛〈<《﹝〖"
_CLOSE = r"〕\]）)】］}｝〉>》﹞〗"
# The year, in whatever brackets (or none, or followed by 年), becomes 〔YEAR〕; 第 before the
# serial number is dropped because sites print 〔2018〕第12号 and 〔2018〕12号 for one document.
_YEAR = re.compile(rf"[{_OPEN}]?((?:19|20)\d{{2}})[{_CLOSE}]?年?第?(?=\d)")
_SPACES = re.compile(r"[\s\u200b\ufeff]+")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fffa-z]{1,24}〔(?:19|20)\d{2}〕\d{1,5}号$")
_MAX_LENGTH = 60


def normalize_doc_number(raw: str) -> str:
    """Return the comparable form of a 文号.

    Width (NFKC), spaces, a leading label, script (Traditional to Simplified) and ASCII case
    are folded; the year in any brackets, none, or as ``2018年`` becomes ``〔2018〕``; a 第
    before the serial number is dropped.

    Args:
        raw: the document number as printed or typed, possibly with its label.

    Returns:
        The normal form, or "" for empty input.
    """
    text = _SPACES.sub("", unicodedata.normalize("NFKC", raw))
    text = _LABEL_PREFIX.sub("", fold(text))
    if not text:
        return ""
    return _YEAR.sub(lambda m: f"〔{m.group(1)}〕", text, count=1)


def doc_number_variants(raw: str) -> set[str]:
    """Return the forms under which a 文号 is indexed and looked up (empty for empty input).

    Today that is the normal form alone; the index stores and queries a set so that a rule
    can add a form without changing the index's callers.
    """
    normal = normalize_doc_number(raw)
    return {normal} if normal else set()


def document_doc_number_keys(published: str, normal: str = "") -> set[str]:
    """Every form a document is found under by 文号: the forms of the number as published
    and of the normal form stored with it (stored by an earlier version, perhaps).

    Search (the index's exact-match terms) and the publication check both use this, so a
    文号 finds a document in one exactly when it does in the other.
    """
    return doc_number_variants(published) | doc_number_variants(normal)


def looks_like_doc_number(text: str) -> bool:
    """Return True when ``text`` as a whole is shaped like a 文号 (issuer, year, serial, 号).

    Args:
        text: a search query or a line of a page.

    Returns:
        True for 国发〔2018〕12号, 京中医科字[2020]170号, 洪科发2018年12号 and the like.
    """
    if not text or len(text) > _MAX_LENGTH:
        return False
    return bool(_DOC_NUMBER.match(normalize_doc_number(text)))
