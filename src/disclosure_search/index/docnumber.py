"""Document numbers (文号) at search time: recognise one in a query and normalise it.

The extract stage owns the canonical rules (``disclosure_search.extract.doc_number``); this
module uses them when present and otherwise applies the same documented rules itself, so the
index stage works on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from disclosure_search.index.analyzer import fold

_BRACKETS = str.maketrans(
    {c: "〔" for c in "[［（(【﹝〖{｛"} | {c: "〕" for c in "]］）)】﹞〗}｝"}
)
_SPACE = re.compile(r"[\s\u3000]+")
# agency abbreviation, a bracketed four-digit year, a serial number, 号
_PATTERN = re.compile(r"^[\u4e00-\u9fffa-z]{1,20}〔(?:19|20)\d\d〕(?:第)?\d{1,5}号$")


def _own_normalize(text: str) -> str:
    folded = fold(_SPACE.sub("", text)).translate(_BRACKETS)
    return folded.replace("〔第", "〔").replace("〕第", "〕")


def _own_looks_like(text: str) -> bool:
    return bool(_PATTERN.match(_own_normalize(text)))


def _load() -> tuple[Callable[[str], str], Callable[[str], bool]]:
    try:
        from disclosure_search.extract import doc_number as extract_rules
    except ImportError:
        return _own_normalize, _own_looks_like
    normalize = getattr(extract_rules, "normalize_doc_number", _own_normalize)
    looks_like = getattr(extract_rules, "looks_like_doc_number", _own_looks_like)
    return normalize, looks_like


def normalize_doc_number(text: str) -> str:
    """Return the comparison form of a 文号: brackets, digit width, script and spaces unified.

    Args:
        text: a 文号 as published or typed, e.g. ``渝府发[2023]15号`` or ``渝府發（２０２３）15號``.

    Returns:
        The normalised form (``渝府发〔2023〕15号`` for both examples); "" for empty input.
    """
    if not text.strip():
        return ""
    normalize, _ = _load()
    return normalize(text)


def doc_number_variants(text: str) -> set[str]:
    """Return every comparison form of a 文号 (extract's rules and this module's), for matching."""
    if not text.strip():
        return set()
    return {form for form in (normalize_doc_number(text), _own_normalize(text)) if form}


def looks_like_doc_number(text: str) -> bool:
    """Return True when ``text`` as a whole is shaped like a 文号 (agency〔year〕N号)."""
    _, looks_like = _load()
    return bool(text.strip()) and looks_like(text.strip())
