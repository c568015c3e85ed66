"""A small, lenient charset sniff so link discovery can read GBK and UTF-8 pages alike."""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)
#: GBK and GB2312 are subsets of GB18030; decoding as the superset never loses a character.
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canon = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(canon, _SUPERSETS.get(name.lower(), canon))


def sniff_charset(body: bytes, content_type: str | None = None) -> str:
    """Guess the charset of an HTML body: valid UTF-8 first, then header, meta, else GB18030.

    Strict UTF-8 validity wins over declarations because declarations lie (a page saying
    ``gb2312`` that is really UTF-8 is common); anything else that is not UTF-8 on these sites
    is almost always GBK.
    """
    head = body[:4096]
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    declared = None
    if content_type:
        found = _HEADER.search(content_type)
        declared = _known(found.group(1)) if found else None
    if declared is None:
        found_meta = _META.search(head)
        declared = _known(found_meta.group(1).decode("ascii")) if found_meta else None
    if declared and declared != "utf-8":
        return declared
    return "gb18030"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML body leniently with :func:`sniff_charset` (bad bytes become U+FFFD)."""
    return body.decode(sniff_charset(body, content_type), errors="replace")
