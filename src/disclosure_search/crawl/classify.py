"""Page classification (list, detail, attachment, other) by configured pattern, content and URL."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from urllib.parse import urlsplit

import lxml.html

from disclosure_search.config import SourceSettings
from disclosure_search.crawl.links import PageLinks
from disclosure_search.models import PageKind
from disclosure_search.vocabulary.attachments import is_attachment_url
from disclosure_search.vocabulary.labels import is_block_label

#: Detail-page URL shapes of the common site systems (TRS, Hanweb/大汉, others).
DETAIL_URL_SHAPES = (
    re.compile(r"/t\d{8}_\d+\.s?html?$"),  # TRS: /202009/t20200930_2106115.html
    re.compile(r"/art_\d+_\d+\.html$"),  # Hanweb: /art/2020/9/30/art_123_456.html
    re.compile(r"/content/post_\d+\.html$"),  # /content/post_123.html
    re.compile(r"/(?:info|content|detail|article)/\d+(?:/\d+)*\.s?html?$"),
    re.compile(r"[?&](?:articleid|infoid|contentid|docid|id)=\d+", re.IGNORECASE),
)
DETAIL_META_NAMES = frozenset({"pubdate", "articletitle", "contentsource", "firstimage"})
_LIST_MIN_LINKS = 5


class Classifier:
    """Sorts pages of one source into kinds; configured patterns override the heuristics."""

    def __init__(self, source: SourceSettings) -> None:
        self.detail = re.compile(source.detail_url_pattern) if source.detail_url_pattern else None
        self.list = re.compile(source.list_url_pattern) if source.list_url_pattern else None

    def guess(self, url: str) -> PageKind:
        """Kind of a URL before it is fetched (decides queue order): by pattern and shape only."""
        if is_attachment_url(url):
            return "attachment"
        if self.detail is not None:
            if self.detail.search(url):
                return "detail"
            return "list" if self.list is not None and self.list.search(url) else "other"
        if self.list is not None and self.list.search(url):
            return "list"
        return "detail" if looks_like_detail_url(url) else "other"

    def classify(
        self, url: str, tree: lxml.html.HtmlElement | None, links: PageLinks
    ) -> PageKind:
        """Kind of a fetched page: patterns first, then its content, then its URL shape."""
        if tree is None:
            return "attachment" if is_attachment_url(url) else "other"
        if self.detail is not None and self.detail.search(url):
            return "detail"
        if self.list is not None and self.list.search(url):
            return "list"
        guess_detail = self.detail is None
        if guess_detail and has_article_meta(tree):
            return "detail"
        if links.paging or links.data_list:
            return "list"
        # Catalogue lists (信息公开目录) have 索引号/文号 column headers too, but many rows.
        if guess_detail and metadata_label_count(tree) >= 2 and not _repeated(links, 10):
            return "detail"
        if _repeated(links, _LIST_MIN_LINKS):
            return "list"
        if guess_detail and looks_like_detail_url(url):
            return "detail"
        return "other"


def looks_like_detail_url(url: str) -> bool:
    """True for URL shapes that content systems give to single articles."""
    path_and_query = urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
    return any(shape.search(path_and_query) for shape in DETAIL_URL_SHAPES)


def has_article_meta(tree: lxml.html.HtmlElement) -> bool:
    """True when the head carries article meta tags (PubDate, ArticleTitle, ContentSource)."""
    for meta in tree.iter("meta"):
        if (meta.get("name") or "").lower() in DETAIL_META_NAMES and meta.get("content"):
            return True
    return False


def metadata_label_count(tree: lxml.html.HtmlElement) -> int:
    """How many distinct metadata labels (索引号, 发布机构, 文号, ...) the page shows."""
    found: set[str] = set()
    for cell in tree.iter("td", "th", "span", "li", "dt", "div", "p", "b", "strong", "label"):
        text = re.sub(r"[\s:：\u3000]", "", cell.text or "")
        if text and is_block_label(text):
            found.add(text)
    return len(found)


def _repeated(links: PageLinks, at_least: int) -> bool:
    """True when many links share one shape (same folder and suffix): the rows of a list."""
    shapes = Counter(_shape(link.url) for link in links.links)
    return bool(shapes) and shapes.most_common(1)[0][1] >= at_least


def _shape(url: str) -> str:
    parts = urlsplit(url)
    folder = re.sub(r"\d+", "N", posixpath.dirname(parts.path))
    name = re.sub(r"\d+", "N", posixpath.basename(parts.path))
    return f"{parts.netloc}{folder}/{name}"
