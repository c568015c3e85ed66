"""Link discovery in HTML: anchors, list paging (createPageHTML, ?page=N, 下一页), attachments."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import lxml.html

from disclosure_search.crawl.datalists import (
    PAGE_PARAMS,
    fragment,
    json_list,
    script_endpoints,
    store_paging,
    store_records,
)
from disclosure_search.vocabulary.attachments import may_be_attachment
from disclosure_search.vocabulary.urls import canonicalize

PAGING_TEXTS = ("下一页", "下页", "尾页", "末页", "上一页", "上页", "首页", "next", "last")
_PAGE_HTML = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.IGNORECASE)
_JS_NUMBER = r"\b{name}\s*=\s*(\d+)"


@dataclass(frozen=True)
class Link:
    """An anchor found on a page: canonical absolute URL and its visible text."""

    url: str
    text: str


@dataclass(frozen=True)
class PageLinks:
    """What a page links to, sorted into the groups the crawler treats differently.

    ``links`` are ordinary anchors in document order (paging and attachments excluded),
    ``paging`` the other pages of the same list, ``attachments`` files and links that may be
    files (``vocabulary.attachments.may_be_attachment``; the response decides).
    """

    links: tuple[Link, ...] = ()
    paging: tuple[str, ...] = ()
    attachments: tuple[Link, ...] = ()
    text: str = ""
    #: The page holds its list as data (a jpage store, a JSON endpoint, a proxy's answer).
    data_list: bool = False
    #: The pages of ``paging`` that serve the list's data (a data proxy, a JSON endpoint):
    #: part of the list wherever they live, so the crawl scope takes them in.
    data_paging: tuple[str, ...] = ()


def discover(tree: lxml.html.HtmlElement, url: str) -> PageLinks:
    """Find the links of a parsed page, including lists it holds or loads as data.

    Args:
        tree: the page parsed by ``htmltree.read_page``.
        url: the page's own (final) URL, the base for relative links unless ``<base>`` says else.
    """
    base = _base_url(tree, url)
    found = _Found(url)
    found.paging += trs_pages(tree, url)
    found.anchors(tree, base)
    scripts: list[str] = []
    stores: list[str] = []
    for script in tree.iter("script"):
        text = script.text or ""
        (stores if "<datastore" in text.lower() else scripts).append(text)
    code = "\n".join(scripts)
    for store in stores:
        records = store_records(store)
        for record in records:
            found.anchors(fragment(record, base), base)
        found.data_paging += store_paging(store, code, url, len(records))
    endpoints = script_endpoints(code, url)
    found.data_paging += endpoints
    return found.result(data_list=bool(stores or endpoints))


def data_page(body: bytes, content_type: str, url: str) -> PageLinks | None:
    """The links of a list answered as data (a jpage proxy's XML, a JSON list), else None."""
    head = body.lstrip()[:200].lower()
    ctype = content_type.lower()
    found = _Found(url)
    if "xml" in ctype or head.startswith(b"<?xml") or b"<datastore" in head:
        text = body.decode("utf-8", "replace")
        records = store_records(text)
        if not records and "<recordset" not in text.lower():
            return None  # other XML (a feed, a sitemap): not a list
        for record in records:
            found.anchors(fragment(record, url), url)
        found.data_paging += store_paging(text, "", url, len(records))
        return found.result(data_list=True)
    if "json" in ctype or head.startswith((b"{", b"[")):
        listed = json_list(body, url)
        if listed is None:
            return None
        items, found.data_paging = listed[0], list(listed[1])
        for target, text in items:
            found.add(target, text)
        return found.result(data_list=True)
    return None


class _Found:
    """Links of one page as they are found, sorted into links, paging and attachments."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.links: list[Link] = []
        self.attachments: list[Link] = []
        self.paging: list[str] = []
        self.data_paging: list[str] = []
        self.seen: set[str] = {url}

    def anchors(self, tree: lxml.html.HtmlElement, base: str) -> None:
        for anchor in tree.iter("a"):
            href = anchor.get("href")
            if not href or href.lstrip().lower().startswith(
                    ("javascript:", "mailto:", "tel:", "#")):
                continue
            target = canonicalize(href, base)
            if target is not None:
                self.add(target, " ".join(anchor.text_content().split()))

    def add(self, target: str, text: str) -> None:
        if target in self.seen:
            return
        self.seen.add(target)
        if may_be_attachment(target, text):
            self.attachments.append(Link(target, text))
        elif _is_paging(target, self.url, text):
            self.paging.append(target)
        else:
            self.links.append(Link(target, text))

    def result(self, data_list: bool = False) -> PageLinks:
        data = tuple(dict.fromkeys(self.data_paging))
        return PageLinks(tuple(self.links), tuple(dict.fromkeys(self.paging + list(data))),
                         tuple(self.attachments), data_list=data_list, data_paging=data)


def _base_url(tree: lxml.html.HtmlElement, url: str) -> str:
    for base in tree.iter("base"):
        href = base.get("href")
        if href:
            return canonicalize(href, url) or url
    return url


def trs_pages(tree: lxml.html.HtmlElement, url: str) -> tuple[str, ...]:
    """Expand a TRS ``createPageHTML(total, current, "index", "html")`` call into page URLs.

    Page 0 is ``index.html``, page k is ``index_k.html``, in the list URL's folder. The
    arguments may be literals or variables assigned earlier in a script (``var countPage = 5``).
    """
    scripts = "\n".join(s.text or "" for s in tree.iter("script"))
    match = _PAGE_HTML.search(scripts)
    if not match:
        return ()
    args = [a.strip().strip("\"'") for a in match.group(1).split(",")]
    numbers = [_js_int(a, scripts) for a in args]
    ints = [n for n in numbers if n is not None]
    words = [a for a, n in zip(args, numbers, strict=True) if n is None and a.isidentifier()]
    if len(ints) < 1 or len(words) < 2:
        return ()
    total, prefix, ext = ints[0], words[-2], words[-1]
    folder = posixpath.dirname(urlsplit(url).path) + "/"
    parts = urlsplit(url)
    pages = [f"{prefix}.{ext}"] + [f"{prefix}_{k}.{ext}" for k in range(1, min(total, 10_000))]
    return tuple(urlunsplit((parts.scheme, parts.netloc, folder + p, "", "")) for p in pages)


def _js_int(arg: str, scripts: str) -> int | None:
    if arg.isdigit():
        return int(arg)
    if arg.isidentifier():
        found = re.search(_JS_NUMBER.format(name=re.escape(arg)), scripts)
        if found:
            return int(found.group(1))
    return None


def _is_paging(target: str, page_url: str, text: str) -> bool:
    if text.lower() in PAGING_TEXTS or text.strip("[]【】 ") in PAGING_TEXTS:
        return True
    if text.isdigit() and _same_list(target, page_url):
        return True
    here, there = urlsplit(page_url), urlsplit(target)
    if here.path != there.path:
        return False
    params = {k.lower() for k, _ in parse_qsl(there.query, keep_blank_values=True)}
    return bool(params & PAGE_PARAMS)


def _same_list(target: str, page_url: str) -> bool:
    here, there = urlsplit(page_url), urlsplit(target)
    if here.path == there.path:
        return True
    return posixpath.dirname(here.path) == posixpath.dirname(there.path) and bool(
        re.fullmatch(r"index(_\d+)?\.\w+", posixpath.basename(there.path))
    )
