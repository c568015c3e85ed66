"""Lists held as data rather than links: jpage data stores, their data proxy, JSON endpoints.

Three shapes real portals use for their column lists:

- Hanweb's jpage: the first records sit in the page as ``<script type="text/xml">
  <datastore><recordset><record><![CDATA[<li>…</li>]]></record>…``; the rest come from a data
  proxy (``/module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=…`` plus the
  parameters of the store's ``<nextgroup>`` link, which the proxy reads from the query as well
  as from a posted form) answering the same XML.
- a list a script loads from a JSON endpoint (``$.getJSON("/api/list?…&pageNo=" + n)``):
  the endpoint is found among the script's string literals, its answer holds an array of
  items with a URL and a title, and a page count.

Each gives (links, paging URLs); the crawler follows them like any list's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from disclosure_search.vocabulary.urls import canonicalize

#: Query parameters that number list pages (shared with ``links``).
PAGE_PARAMS = frozenset({
    "page", "pagenum", "pageno", "pageindex", "curpage", "currentpage", "p", "pn", "page_no",
    "startrecord", "endrecord",
})
_MAX_PAGES = 10_000
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.DOTALL | re.IGNORECASE)
_TOTAL = re.compile(r"(?:totalRecord\s*[:=]\s*[\"']?|<totalrecord>\s*)(\d+)", re.IGNORECASE)
_PER_PAGE = re.compile(r"perPage\s*[:=]\s*[\"']?(\d+)", re.IGNORECASE)
_PROXY = re.compile(r"proxyUrl\s*[:=]\s*[\"']([^\"']+)", re.IGNORECASE)
_LITERAL = re.compile(r"""(["'])((?:https?://|/|\./|\.\./)[^"'\s<>]*)\1""")
_NOT_DATA = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|html?|shtml)(?:$|\?)", re.IGNORECASE)
_URL_KEYS = ("url", "link", "href", "docurl", "linkurl", "detailurl", "art_url", "path",
             "fileurl", "downloadurl")
_TITLE_KEYS = ("title", "doctitle", "name", "subject", "filename", "maintitle", "art_title")
_PAGES_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "pagetotal", "totalpagenum")
_TOTAL_KEYS = ("total", "totalcount", "totalrecord", "totalrecords", "totalsize", "count",
               "recordcount")
_SIZE_KEYS = ("pagesize", "size", "limit", "rows", "perpage")
_TAGS = re.compile(r"<[^>]+>")


def store_records(text: str) -> list[str]:
    """The HTML fragments of a jpage data store's records, in order."""
    return _RECORD.findall(text)


def fragment(html: str, base: str) -> lxml.html.HtmlElement:
    """Parse a record's HTML fragment (links resolve against ``base``)."""
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div", base_url=base)
    except (etree.ParserError, ValueError):
        return lxml.html.fragment_fromstring("<div></div>", base_url=base)


def store_paging(text: str, scripts: str, url: str, shown: int) -> tuple[str, ...]:
    """The data-proxy URLs of a jpage store's further records.

    Args:
        text: the store (``<datastore>…``) or a proxy's XML answer.
        scripts: the page's scripts (``perPage``, ``totalRecord``, ``proxyUrl`` of the call).
        url: the page or proxy URL the store came from.
        shown: how many records the store held (the size of one group).
    """
    base = _proxy_base(text, scripts, url)
    if base is None or shown < 1:
        return ()
    total = _int(_TOTAL, scripts + text)
    per_page = _int(_PER_PAGE, scripts) or 0
    here = {k.lower(): v for k, v in parse_qsl(urlsplit(url).query)}
    first = int(here.get("endrecord", shown)) + 1 if "endrecord" in here else shown + 1
    if "endrecord" in here and shown < int(here["endrecord"]) - int(here["startrecord"]) + 1:
        return ()  # a short group is the last one
    last = total if total is not None else first + shown - 1
    per = per_page or int(here.get("perpage", 0) or 0) or shown
    starts = range(first, min(last, first + shown * _MAX_PAGES) + 1, shown)
    return tuple(_with_params(base, {"startrecord": str(s), "endrecord": str(s + shown - 1),
                                     "perpage": str(per)}) for s in starts)


def _proxy_base(text: str, scripts: str, url: str) -> str | None:
    """The proxy URL with its parameters (from ``<nextgroup>``, else the call's proxyUrl)."""
    nextgroup = _NEXTGROUP.search(text)
    href = None
    if nextgroup:
        found = re.search(r"href\s*=\s*[\"']([^\"']+)", nextgroup.group(1))
        href = found.group(1).replace("&amp;", "&") if found else None
    if href is None:
        proxy = _PROXY.search(scripts)
        if proxy is None:
            return url if "startrecord" in urlsplit(url).query.lower() else None
        href = proxy.group(1)
    return canonicalize(href, url)


def _with_params(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` set (first, in this order) and its own paging numbers dropped."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in PAGE_PARAMS and k.lower() not in params]
    query = urlencode([*params.items(), *kept], safe="/%")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _int(pattern: re.Pattern[str], text: str) -> int | None:
    found = pattern.search(text)
    return int(found.group(1)) if found else None


def script_endpoints(scripts: str, url: str) -> tuple[str, ...]:
    """Data endpoints a page's scripts load its list from: string literals that name a
    ``.json`` file or carry a page-number parameter (``…&pageNo=" + n`` is taken as page 1)."""
    found = []
    for _, literal in _LITERAL.findall(scripts):
        if _NOT_DATA.search(literal):
            continue
        query = urlsplit(literal).query
        names = [k.lower() for k, _ in parse_qsl(query, keep_blank_values=True)]
        if literal.endswith("=") and names and names[-1] in PAGE_PARAMS:
            literal += "1"
        elif not (urlsplit(literal).path.lower().endswith(".json") or set(names) & PAGE_PARAMS):
            continue
        target = canonicalize(literal, url)
        if target and target != url:
            found.append(target)
    return tuple(dict.fromkeys(found))


def json_list(body: bytes, url: str) -> tuple[list[tuple[str, str]], tuple[str, ...]] | None:
    """The items (URL, title) of a JSON list answer and its other pages; None if not a list."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    rows = max(_item_arrays(data, 0), key=len, default=None)
    if not rows:
        return None
    items = [(target, title) for row in rows if (target := _row_url(row, url))
             for title in [_row_title(row)]]
    return items, _json_paging(data, url, len(rows))


def _item_arrays(data: Any, depth: int) -> Iterator[list[dict[str, Any]]]:
    """Arrays of objects anywhere in ``data`` (bounded depth)."""
    if depth > 8:
        return
    if isinstance(data, list):
        rows = [d for d in data if isinstance(d, dict)]
        if rows and any(_row_url(r, "http://x/") for r in rows):
            yield rows
        for item in data[:50]:
            yield from _item_arrays(item, depth + 1)
    elif isinstance(data, dict):
        for value in data.values():
            yield from _item_arrays(value, depth + 1)


def _field(row: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {str(k).lower(): v for k, v in row.items()}
    return next((lowered[k] for k in keys if lowered.get(k) not in (None, "")), None)


def _row_url(row: dict[str, Any], base: str) -> str | None:
    value = _field(row, _URL_KEYS)
    if not isinstance(value, str):
        value = next((v for v in row.values() if isinstance(v, str)
                      and v.startswith(("/", "http://", "https://", "./")) and " " not in v), None)
    return canonicalize(value, base) if isinstance(value, str) and value.strip() else None


def _row_title(row: dict[str, Any]) -> str:
    value = _field(row, _TITLE_KEYS)
    text = value if isinstance(value, str) else ""
    return " ".join(_TAGS.sub("", text).split())


def _json_paging(data: Any, url: str, rows: int) -> tuple[str, ...]:
    """Every page of the list, when the answer says how many and the URL numbers its page."""
    params = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    page_key = next((k for k, _ in params if k.lower() in PAGE_PARAMS), None)
    if page_key is None:
        return ()
    pages = _number(data, _PAGES_KEYS)
    if pages is None:
        total = _number(data, _TOTAL_KEYS)
        size = _number(data, _SIZE_KEYS) or rows
        pages = -(-total // size) if total is not None and size else None
    if not pages:
        return ()
    parts = urlsplit(url)
    out = []
    for n in range(1, min(pages, _MAX_PAGES) + 1):
        query = urlencode([(k, str(n) if k == page_key else v) for k, v in params], safe="/%")
        out.append(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")))
    return tuple(u for u in out if u != url)


def _number(data: Any, keys: tuple[str, ...], depth: int = 0) -> int | None:
    """The first whole number under one of ``keys`` in the objects of ``data``."""
    if depth > 4 or not isinstance(data, dict):
        return None
    value = _field(data, keys)
    if (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.isdigit()):
        return int(value)
    for child in data.values():
        found = _number(child, keys, depth + 1)
        if found is not None:
            return found
    return None
