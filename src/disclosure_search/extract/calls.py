"""The calls the extraction worker runs: one archived page to a Document, one file to text."""

from __future__ import annotations

from disclosure_search.encoding import decode_as
from disclosure_search.extract.attachments import attachment_text
from disclosure_search.extract.html import extract_document
from disclosure_search.models import Document

__all__ = ["attachment_text", "page_document"]


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
