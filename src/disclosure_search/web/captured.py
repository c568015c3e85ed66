"""Prepares an archived HTML page for display inside the sandbox: links to the live site marked."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from disclosure_search.htmltree import parse_text

LIVE_LINK_TITLE = "原网站链接（在新窗口打开实时网站，非存档内容）"
_SAFE_SCHEMES = {"http", "https", "mailto", "ftp"}
#: Meta tags that could steer the frame elsewhere or change how it is read; the response
#: headers decide those, never the archived page.
_DROP_META = re.compile(r"refresh|content-security-policy|set-cookie|content-type", re.I)


def rewrite_archived_html(text: str, base_url: str) -> str:
    """Return ``text`` with every link absolute and marked as going to the live site.

    Links open in a new window (``target=_blank``, ``rel=noopener noreferrer nofollow``) and
    carry a title saying they lead to the live site; ``javascript:`` and other unsafe links
    lose their target; ``<meta http-equiv="refresh">`` and friends are dropped; a
    ``<meta charset="utf-8">`` matches the encoding the text is served in. Scripts are left
    as archived: the sandbox (CSP ``sandbox`` without ``allow-scripts``) keeps them inert.

    Args:
        text: the archived page, already decoded to text.
        base_url: the URL it was fetched from, for resolving relative links.
    """
    if not text.strip():
        return "<!DOCTYPE html><meta charset=\"utf-8\"><p>（存档页面为空）</p>"
    root = parse_text(text)  # as the crawler read it: XHTML and text after </html> too
    base_url = _document_base(root, base_url)
    for meta in list(root.iter("meta")):
        if _DROP_META.fullmatch((meta.get("http-equiv") or "").strip()) or meta.get("charset"):
            meta.drop_tree()
    for element in root.iter("a", "area"):
        _mark_link(element, base_url)
    for form in root.iter("form"):
        form.set("action", "about:blank")
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    head.insert(0, etree.Element("meta", charset="utf-8"))
    html = lxml.html.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return str(html)


def _mark_link(element: etree._Element, base_url: str) -> None:
    href = (element.get("href") or "").strip()
    if not href or href.startswith("#"):
        return
    absolute = urljoin(base_url, href)
    if urlsplit(absolute).scheme.lower() not in _SAFE_SCHEMES:
        del element.attrib["href"]
        return
    element.set("href", absolute)
    element.set("target", "_blank")
    element.set("rel", "noopener noreferrer nofollow")
    element.set("title", LIVE_LINK_TITLE)


def _document_base(root: etree._Element, fetched_from: str) -> str:
    """The page's own <base href>, resolved against where it was fetched, then removed."""
    base = fetched_from
    for element in list(root.iter("base")):
        href = element.get("href")
        if href and urlsplit(urljoin(fetched_from, href)).scheme in {"http", "https"}:
            base = urljoin(fetched_from, href)
        element.drop_tree()
    return base
