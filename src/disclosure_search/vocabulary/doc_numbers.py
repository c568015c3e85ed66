"""Document numbers (文号): one comparable form, its written variants, and "is this one".

Sites and staff write one 文号 many ways: 洪科发〔2018〕12号, 洪科发[2018]12号,
洪科发〖2018〗12号, 洪科发《2018》12号, 洪科发（２０１８）１２号, 洪科发2018年12号,
洪科发〔2018〕第12号, 洪科發〔2018〕12號, 洪科发〔2018〕012号, 洪科发〔2018〕12 (no 号), with
spaces, with its label (发文字号：...), Latin letters in either case. All of them give one normal
form, ``洪科发〔2018〕12号``: the key search (the index's exact terms) and the publication check
both match on, so a 文号 finds a document in one exactly when it does in the other.
:func:`doc_number_variants` goes the other way: from one 文号 to the forms people and pages
write it in.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import product

from disclosure_search.vocabulary.folding import converter, fold

_LABEL_PREFIX = re.compile(r"^(?:发文字号|发文文号|文件编号|发文号|文号|字号)[:：]?")
_OPEN = r"〔\[（(【［{｛〈<《﹝〖"
_CLOSE = r"〕\]）)】］}｝〉>》﹞〗"
# The year, in whatever brackets (or none, or followed by 年), becomes 〔YEAR〕. Then the
# serial number: a 第 before it and its leading zeros are dropped (sites print 〔2018〕第12号
# and 〔2018〕12号, 〔1999〕043号 and 〔1999〕43号 for one document), and a 号 left out at the
# very end after a bracketed year is put back (晋政办发〔2012〕18 is 18号; "统计至2018年12"
# is not a 文号).
_YEAR = re.compile(rf"([{_OPEN}]?)((?:19|20)\d{{2}})[{_CLOSE}]?年?第?0*(\d+)(号?)")
_SPACES = re.compile(r"[\s\u200b\ufeff]+")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fffa-z]{1,24}〔(?:19|20)\d{2}〕\d{1,5}号$")
_PARTS = re.compile(r"^(.{1,24})〔((?:19|20)\d{2})〕(\d{1,5})号$")
_MAX_LENGTH = 60
#: The year as pages and people write it: in each bracket pair sites use, or as 2018年.
YEAR_FORMS = ("〔{}〕", "[{}]", "［{}］", "({})", "（{}）", "【{}】", "〖{}〗", "﹝{}﹞", "《{}》",
              "{}年")  # fmt: skip
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def normalize_doc_number(raw: str) -> str:
    """Return the comparable form of a 文号.

    Width (NFKC), spaces, a leading label, script (Traditional to Simplified) and ASCII case
    are folded; the year in any brackets, none, or as ``2018年`` becomes ``〔2018〕``; a 第
    before the serial number and its leading zeros are dropped, and a 号 left out after it
    at the end is put back.

    Args:
        raw: the document number as printed or typed, possibly with its label.

    Returns:
        The normal form, or "" for empty input.
    """
    text = _SPACES.sub("", unicodedata.normalize("NFKC", raw))
    text = _LABEL_PREFIX.sub("", fold(text))
    if not text:
        return ""
    return _YEAR.sub(_year_and_serial, text, count=1)


def _year_and_serial(match: re.Match[str]) -> str:
    bracket, year, serial, hao = match.groups()
    if not hao and bracket and match.end() == len(match.string):
        hao = "号"
    return f"〔{year}〕{serial}{hao}"


def doc_number_keys(raw: str) -> set[str]:
    """Return the keys a typed or printed 文号 is looked up under: its normal form (empty set
    for empty input). The index stores a document's keys (:func:`document_doc_number_keys`)
    as exact terms and the publication check files documents under them, so both answer a
    文号 in any of its :func:`doc_number_variants` the same way."""
    normal = normalize_doc_number(raw)
    return {normal} if normal else set()


def document_doc_number_keys(published: str, normal: str = "") -> set[str]:
    """Every key a document is found under by 文号: those of the number as published and of
    the normal form stored with it (stored by an earlier version, perhaps)."""
    return doc_number_keys(published) | doc_number_keys(normal)


def doc_number_variants(raw: str) -> set[str]:
    """Return the forms one 文号 is written in by pages and by people typing it.

    The year in every bracket pair sites use or as ``2018年``; the serial with 号, with 第…号
    or without 号; ASCII or full-width digits; Simplified or Traditional script (洪科發…號).
    Each of them normalises back to the normal form of ``raw``
    (``normalize_doc_number(v) == normalize_doc_number(raw)`` for every ``v``), so any of
    them finds the same document in search and in the publication check.

    Args:
        raw: a 文号 in any form.

    Returns:
        The written forms, the normal form among them; just the normal form when ``raw`` is
        not shaped like a 文号 (issuer, year, serial, 号); empty for empty input.
    """
    normal = normalize_doc_number(raw)
    parts = _PARTS.match(normal)
    if parts is None:
        return {normal} if normal else set()
    issuer, year, serial = parts.groups()
    names = {(issuer, "号"), (issuer.upper(), "号"), (converter("s2t")(issuer), "號")}
    forms = set()
    for year_form, serial_form, digits, (name, hao) in product(
        YEAR_FORMS, ("{}{}", "第{}{}", "{}"), ("ascii", "wide"), names,
    ):
        wide = _WIDE if digits == "wide" else {}
        written = (name + year_form.format(year.translate(wide))
                   + serial_form.format(serial.translate(wide), hao))
        forms.add(written)
    # a form that does not read back as this number is not one of its forms (洪科发2018年12
    # without 号 could be a date; a phrase rule of the script conversion)
    return {form for form in forms if normalize_doc_number(form) == normal}


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
