"""Page classification: list or not, by configured pattern, paging and rows; attachment by URL.

Whether a page is a document (``detail``) is extraction's answer alone (a
:class:`~disclosure_search.crawl.contracts.PageReader` the crawler is given); the crawl only
says what is a list and which links to take in. Article-shaped URLs (:data:`DETAIL_URL_SHAPES`)
only order the queue and keep the crawl from wandering off an article's links.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from urllib.parse import urlsplit

from disclosure_search.config import SourceSettings
from disclosure_search.crawl.links import PageLinks
from disclosure_search.models import PageKind
from disclosure_search.vocabulary.attachments import is_attachment_url

#: Detail-page URL shapes of the common site systems (TRS, Hanweb/大汉, others).
DETAIL_URL_SHAPES = (
    re.compile(r"/t\d{8}_\d+\.s?html?$"),  # TRS: /202009/t20200930_2106115.html
    re.compile(r"/art_\d+_\d+\.html$"),  # Hanweb: /art/2020/9/30/art_123_456.html
    re.compile(r"/content/post_\d+\.html$"),  # /content/post_123.html
    re.compile(r"/(?:info|content|detail|article)/\d+(?:/\d+)*\.s?html?$"),
    re.compile(r"[?&](?:articleid|infoid|contentid|docid|id)=\d+", re.IGNORECASE),
)
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

    def listed(self, url: str, links: PageLinks) -> bool:
        """True for a list by configuration, or one that pages or holds its rows as data
        (known before extraction reads the page); False for a configured detail page."""
        if self.detail is not None and self.detail.search(url):
            return False
        if self.list is not None and self.list.search(url):
            return True
        return bool(links.paging or links.data_list)

    def classify(self, url: str, links: PageLinks | None, *, document: bool = False) -> PageKind:
        """Kind of a fetched page: patterns first, then list or not, then extraction's word.

        Args:
            url: the page's final URL.
            links: what the page links to; None for a page that is not HTML.
            document: extraction read the page as a document (the crawler's reader).

        Returns:
            ``list`` (configured, paging, a list held as data, or not a document and rows of
            links of one shape), ``detail`` (configured, or a document as extraction says),
            ``attachment`` or ``other``.
        """
        if links is None:
            return "attachment" if is_attachment_url(url) else "other"
        if self.detail is not None and self.detail.search(url):
            return "detail"
        if self.listed(url, links):
            return "list"
        if document:
            return "detail"
        return "list" if _repeated(links, _LIST_MIN_LINKS) else "other"

    def follows(self, url: str, kind: PageKind) -> bool:
        """Whether the crawl takes in a fetched page's links (its attachments it always takes):
        not a document's, nor those of a page at an article-shaped URL (unless configured
        patterns decide), where they lead to related articles and site furniture."""
        if kind == "detail":
            return False
        guess_items = self.detail is None
        return not (kind == "other" and guess_items and looks_like_detail_url(url))


def looks_like_detail_url(url: str) -> bool:
    """True for URL shapes that content systems give to single articles."""
    path_and_query = urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
    return any(shape.search(path_and_query) for shape in DETAIL_URL_SHAPES)


def _repeated(links: PageLinks, at_least: int) -> bool:
    """True when many links share one shape (same folder and suffix): the rows of a list."""
    shapes = Counter(_shape(link.url) for link in links.links)
    return bool(shapes) and shapes.most_common(1)[0][1] >= at_least


def _shape(url: str) -> str:
    parts = urlsplit(url)
    folder = re.sub(r"\d+", "N", posixpath.dirname(parts.path))
    name = re.sub(r"\d+", "N", posixpath.basename(parts.path))
    return f"{parts.netloc}{folder}/{name}"
