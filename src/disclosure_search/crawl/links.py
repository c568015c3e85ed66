"""Link discovery in HTML: anchors, list paging (createPageHTML, ?page=N, 下一页), attachments."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from disclosure_search.encoding import decode_html
from disclosure_search.vocabulary.attachments import may_be_attachment
from disclosure_search.vocabulary.urls import canonicalize

#: Query parameters that number list pages.
PAGE_PARAMS = frozenset({
    "page", "pagenum", "pageno", "pageindex", "curpage", "currentpage", "p", "pn", "page_no",
})
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


def parse_html(
    body: bytes, url: str, content_type: str | None = None
) -> tuple[lxml.html.HtmlElement, str]:
    """Decode an HTML body (any charset) and parse it into an lxml tree, once.

    Returns:
        (tree, the charset it was decoded with); an empty page gives an empty tree.
    """
    text, charset = decode_html(body, content_type)
    try:
        return lxml.html.document_fromstring(text or "<html></html>", base_url=url), charset
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html></html>", base_url=url), charset


def discover(tree: lxml.html.HtmlElement, url: str) -> PageLinks:
    """Find the links of a parsed page.

    Args:
        tree: from :func:`parse_html`.
        url: the page's own (final) URL, the base for relative links unless ``<base>`` says else.
    """
    base = _base_url(tree, url)
    links: list[Link] = []
    attachments: list[Link] = []
    paging: list[str] = list(trs_pages(tree, url))
    seen: set[str] = {url}
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if not href or href.lstrip().lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        target = canonicalize(href, base)
        if target is None or target in seen:
            continue
        seen.add(target)
        text = " ".join(anchor.text_content().split())
        if may_be_attachment(target, text):
            attachments.append(Link(target, text))
        elif _is_paging(target, url, text):
            paging.append(target)
        else:
            links.append(Link(target, text))
    return PageLinks(tuple(links), tuple(dict.fromkeys(paging)), tuple(attachments))


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
