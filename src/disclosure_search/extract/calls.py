"""The calls extraction makes on one page: a parsed or archived page to its documents, one
file to text (the last run in the extraction worker)."""

from __future__ import annotations

from disclosure_search.extract.attachments import attachment_text
from disclosure_search.extract.file_rows import listed_files
from disclosure_search.extract.html import document_from_tree
from disclosure_search.extract.tree import Element, check_shape
from disclosure_search.htmltree import read_page
from disclosure_search.models import Document

__all__ = ["PageDocuments", "archived_page", "attachment_text", "parsed_page"]

#: (the document a page is, or None; the documents a list holds as rows linking to files)
PageDocuments = tuple[Document | None, list[Document]]


def parsed_page(root: Element, url: str, source: str,
                categories: tuple[tuple[str, str], ...], *, listed: bool = False,
                text_only: bool = False) -> PageDocuments:
    """What a parsed HTML page holds: itself as a document, else the files its rows list.

    Args:
        root: the page's tree (``htmltree``), as the crawler parsed it or read from the
            archive; it is not changed.
        url: the page's canonical URL.
        source: the source id.
        categories: (URL prefix, category) pairs of the source.
        listed: the crawler found a list here: not a document, only its rows are read.
        text_only: the page was served as text/plain: a document or nothing.

    Raises:
        ExtractError: the page is too deep or too large to walk (``tree.check_shape``).
    """
    check_shape(root)
    doc = None if listed else document_from_tree(root, url, source=source,
                                                 category_prefixes=categories)
    if doc is not None or text_only:
        return doc, []
    return None, listed_files(root, url, source=source, category_prefixes=categories)


def archived_page(body: bytes, content_type: str, url: str, source: str,
                  categories: tuple[tuple[str, str], ...], charset: str | None = None, *,
                  listed: bool = False) -> PageDocuments:
    """:func:`parsed_page` of an archived response, decoded with the charset the crawler
    found (``charset``, when it recorded one) and parsed once; nothing for a non-HTML one."""
    text_only = "text/plain" in content_type
    if content_type and "html" not in content_type and not text_only:
        return None, []
    root, _ = read_page(body, content_type or None, charset, url)
    return parsed_page(root, url, source, categories, listed=listed, text_only=text_only)
