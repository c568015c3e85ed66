"""Bytes to text: a page's charset from BOM, header, meta and detection (GBK as GB18030)."""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

logger = logging.getLogger(__name__)

# Chinese sites label GBK pages as gb2312 all the time and then use characters outside GB2312
# (镕, 堃, 玥, ...); GB18030 is the superset of all of these, so it decodes every one of them.
_GB_ALIASES = {
    "gb2312",
    "gb_2312",
    "gb_2312-80",
    "gbk",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "csgb2312",
    "euc-cn",
    "euccn",
    "x-euc-cn",
    "chinese",
    "gb18030",
    "hz-gb-2312",
}
# Single-byte charsets that servers put in headers by default; GB text decodes "cleanly" in them.
_SINGLE_BYTE = {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_HEAD_BYTES = 8192


def normalize_charset(name: str | None) -> str | None:
    """Return Python's codec name for a declared charset, or None when unknown.

    Args:
        name: a charset label as found in a header or meta tag (any case).

    Returns:
        "gb18030" for every GB-family alias, otherwise the codec's canonical name.
    """
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in _GB_ALIASES:
        return "gb18030"
    if label in {"utf8", "unicode-1-1-utf-8"}:
        return "utf-8"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if codec in {"gbk", "gb2312", "hz"} else codec


def header_charset(content_type: str | None) -> str | None:
    """Return the normalised charset named in a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalize_charset(match.group(1)) if match else None


def meta_charset(body: bytes) -> str | None:
    """Return the normalised charset a page declares in its first meta charset/http-equiv."""
    match = _META_CHARSET.search(body[:_HEAD_BYTES])
    if not match:
        return None
    return normalize_charset(match.group(1).decode("ascii", "replace"))


def _strict(body: bytes, charset: str) -> str | None:
    try:
        return body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_like_mojibake(text: str, charset: str, body: bytes) -> bool:
    """True when a single-byte decode is really GB text read with the wrong table."""
    if charset not in _SINGLE_BYTE:
        return "\ufffd" in text
    high = sum(1 for ch in text if "\x80" <= ch <= "\xff")
    if high == 0:
        return False
    as_gb = _strict(body, "gb18030")
    if as_gb is None:
        return False
    cjk = sum(1 for ch in as_gb if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f")
    return cjk * 2 >= high * 0.8


def _detect(body: bytes) -> tuple[str, str] | None:
    best = from_bytes(body).best()
    if best is None or best.encoding is None:
        return None
    charset = normalize_charset(best.encoding) or best.encoding
    text = _strict(body, charset)
    return (text, charset) if text is not None else None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page's bytes to text, surviving missing or lying charset declarations.

    Order: byte-order mark, the Content-Type header's charset, the page's own meta charset,
    then detection. A declaration is only believed when the bytes decode cleanly with it;
    bytes that are valid UTF-8 (and not plain ASCII) are read as UTF-8 whatever is declared.

    Args:
        body: the response body exactly as received.
        content_type: the Content-Type header value, if any.

    Returns:
        (text, charset actually used). Never raises: the worst case is UTF-8 with
        replacement characters, reported as "utf-8".
    """
    for bom, charset in _BOMS:
        if body.startswith(bom):
            text = _strict(body[len(bom) :], charset)
            if text is not None:
                return text, charset
    as_utf8 = _strict(body, "utf-8")
    declared = [c for c in (header_charset(content_type), meta_charset(body)) if c]
    for charset in dict.fromkeys(declared):
        text = _strict(body, charset)
        if text is None or _looks_like_mojibake(text, charset, body):
            logger.debug("declared charset %s does not fit the bytes; trying others", charset)
            continue
        if charset != "utf-8" and as_utf8 is not None and not body.isascii():
            return as_utf8, "utf-8"
        return text, charset
    if as_utf8 is not None:
        return as_utf8, "utf-8"
    as_gb = _strict(body, "gb18030")
    if as_gb is not None:
        return as_gb, "gb18030"
    detected = _detect(body)
    if detected is not None:
        return detected
    return body.decode("utf-8", "replace"), "utf-8"


def decode_as(body: bytes, charset: str | None, content_type: str | None = None) -> str:
    """Decode a page with the charset found when it was first read (stored in the catalog).

    Detection runs once, when the crawler reads the page; later readers pass the charset it
    found. A byte-order mark is dropped as :func:`decode_html` drops it. Without a stored
    charset, or if it no longer fits the bytes, this is :func:`decode_html`.
    """
    if charset:
        bom = next((b for b, c in _BOMS if c == charset and body.startswith(b)), b"")
        text = _strict(body[len(bom):], charset)
        if text is not None:
            return text
    return decode_html(body, content_type)[0]
