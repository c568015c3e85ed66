"""What a page says about itself besides its labels: meta tags, script variables, its column."""

from __future__ import annotations

import json
import re

from disclosure_search.extract.categories import OTHER, normalize_category
from disclosure_search.extract.metadata import clean_text
from disclosure_search.extract.tree import Element, classes, elements, text_of

_CRUMB = re.compile(r"crumb|position|location|dqwz|weizhi|currentpath|path", re.IGNORECASE)
_CRUMB_SPLIT = re.compile(r"\s*(?:>|＞|»|›|→|/|\\|&gt;)\s*")
_SCRIPT_VAR = re.compile(
    r"""\b(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(["'])((?:\\.|(?!\2)[^\\\n]){1,500})\2""")
#: Script variables (lower-cased names) content systems put a page's metadata in, by field.
SCRIPT_FIELDS: dict[str, frozenset[str]] = {
    "title": frozenset({"articletitle", "doctitle", "newstitle", "infotitle",
                        "arttitle", "contenttitle"}),
    "published_date": frozenset({"pubdate", "publishdate", "pubtime", "publishtime",
                                 "releasedate", "releasetime", "docpubtime", "fbrq", "fbsj"}),
    "agency": frozenset({"contentsource", "source", "docsource", "publisher", "fbjg",
                         "laiyuan"}),
    "column": frozenset({"columnname", "channelname", "lmmc"}),
}


def meta_content(root: Element, names: tuple[str, ...]) -> str:
    """The content of the first ``<meta name=…>`` (or ``property``) among ``names``."""
    wanted = {n.lower() for n in names}
    for tag in elements(root, "meta"):
        key = str(tag.get("name") or tag.get("property") or "").lower()
        content = clean_text(str(tag.get("content") or ""))
        if key in wanted and content:
            return content
    return ""


def script_fields(root: Element) -> dict[str, str]:
    """Metadata a page keeps only in script variables (``var pubDate = "2021-03-02";``).

    Returns:
        field -> value for the fields of :data:`SCRIPT_FIELDS` found (the first of each).
    """
    found: dict[str, str] = {}
    for script in elements(root, "script"):
        for name, quote, raw in _SCRIPT_VAR.findall(text_of(script)):
            field = next((f for f, names in SCRIPT_FIELDS.items() if name.lower() in names), None)
            if field is None or field in found:
                continue
            value = clean_text(_unescape(raw, quote))
            if value:
                found[field] = value
    return found


def _unescape(raw: str, quote: str) -> str:
    if quote != '"':
        raw = raw.replace('\\"', '"').replace('"', '\\"').replace("\\'", "'")
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return value if isinstance(value, str) else raw


def breadcrumb(root: Element) -> str:
    """The last step of the page's breadcrumb (当前位置：首页 > … > 通知公告), or ""."""
    for tag in elements(root, "div", "nav", "p", "span", "ul", "ol"):
        attrs = f"{classes(tag)} {tag.get('id') or ''}"
        text = clean_text(text_of(tag, " "))
        if not (_CRUMB.search(attrs) or text.startswith("当前位置")) or len(text) > 200:
            continue
        parts = [p for p in _CRUMB_SPLIT.split(text.split("：", 1)[-1]) if p]
        parts = [p for p in parts if p not in {"正文", "详情", "首页", "内容"}]
        if parts:
            return parts[-1]
    return ""


def category_of(
    root: Element,
    fields: dict[str, str],
    url: str,
    category_prefixes: tuple[tuple[str, str], ...],
    fallback_category: str,
) -> tuple[str, str]:
    """(category, raw label): the page's own label, then URL prefix, column name, fallback.

    The column name comes from the ``ColumnName`` meta, a script variable, or the breadcrumb.
    """
    raw = fields.get("category", "")
    if raw and normalize_category(raw) != OTHER:
        return normalize_category(raw), raw
    for prefix, category in sorted(category_prefixes, key=lambda p: len(p[0]), reverse=True):
        if url.startswith(prefix):
            return normalize_category(category), raw or category
    columns = (meta_content(root, ("columnname",)), fields.get("column", ""), breadcrumb(root))
    for column in columns:
        if column and normalize_category(column) != OTHER:
            return normalize_category(column), raw or column
    fallback = normalize_category(fallback_category) if fallback_category else OTHER
    return fallback, raw or fallback_category
