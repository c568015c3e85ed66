"""The calls the extraction worker runs: one archived page to a Document, one file to text."""

from __future__ import annotations

from disclosure_search.encoding import decode_as
from disclosure_search.extract.attachments import attachment_text
from disclosure_search.extract.file_rows import listed_files
from disclosure_search.extract.html import extract_document, parse_page
from disclosure_search.models import Document

__all__ = ["attachment_text", "file_row_documents", "page_document"]


def page_document(body: bytes, content_type: str, url: str, source: str,
                  categories: tuple[tuple[str, str], ...],
                  charset: str | None = None) -> Document | None:
    """Return the Document of an archived HTML page, or None for a non-HTML or non-detail page.

    ``charset`` is the one the crawler decoded the page with, when it recorded one.

    Raises:
        ExtractError: the page cannot be read (nested too deeply, ...).
    """
    if content_type and "html" not in content_type and "text/plain" not in content_type:
        return None
    text = decode_as(body, charset, content_type or None)
    return extract_document(text, url, source=source, category_prefixes=categories)


def file_row_documents(body: bytes, content_type: str, url: str, source: str,
                       categories: tuple[tuple[str, str], ...],
                       charset: str | None = None) -> list[Document]:
    """The documents an archived list page holds as rows linking straight to files.

    Raises:
        ExtractError: the page cannot be read (nested too deeply, ...).
    """
    if content_type and "html" not in content_type:
        return []
    text = decode_as(body, charset, content_type or None)
    return listed_files(parse_page(text), url, source=source, category_prefixes=categories)
