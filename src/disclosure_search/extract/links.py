"""Find the attachments (附件) a page links to: documents, sheets, archives."""

from __future__ import annotations

from collections.abc import Iterable

from disclosure_search.extract.metadata import clean_text
from disclosure_search.extract.tree import Element, elements, text_of
from disclosure_search.models import Attachment
from disclosure_search.vocabulary.attachments import (
    may_be_attachment,
    query_file_name,
    url_file_type,
)
from disclosure_search.vocabulary.urls import canonicalize, path_name


def _text(link: Element) -> str:
    return clean_text(text_of(link, " ")) or clean_text(str(link.get("title") or ""))


def attachments_from_links(links: Iterable[tuple[str, str]]) -> tuple[Attachment, ...]:
    """Attachments from (canonical URL, link text) pairs, as the crawler recorded them.

    Named by the link text (else the download script's file name, else the path's), typed
    by ``vocabulary.attachments.url_file_type`` (a link that only reads like a download is a
    candidate with no media type), first occurrence of each URL kept (a later one only lends
    its text to a nameless first).
    """
    found: dict[str, Attachment] = {}
    for url, text in links:
        if not may_be_attachment(url, text):
            continue
        file_type = url_file_type(url, text)
        name = text or query_file_name(url) or path_name(url)
        previous = found.get(url)
        if previous is None or (not previous.name and name):
            media_type = file_type.media_type if file_type else ""
            found[url] = Attachment(url=url, name=name, media_type=media_type)
    return tuple(found.values())


def find_attachments(root: Element, base_url: str) -> tuple[Attachment, ...]:
    """Return the page's attachment links, canonical and without duplicates.

    The URLs are canonical (``vocabulary.urls.canonicalize``), the form the crawler archived
    them under, so each attachment meets its capture. Which links are attachments is decided
    by ``vocabulary.attachments``: a link whose path, download-script parameter or text names
    a file type is one; a link that only reads like a download (``点击下载``) is a candidate
    with no media type, kept once its archived response shows a file.

    Args:
        root: the parsed page.
        base_url: the page URL (a ``<base href>`` in the page takes precedence).

    Returns:
        Attachments named by their link text (or the file name when the link has none),
        in page order; the text of each is read later.
    """
    base_tag = next((b for b in elements(root, "base") if b.get("href") is not None), None)
    base = base_url
    if base_tag is not None:
        base = canonicalize(str(base_tag.get("href")), base_url) or base_url
    links: list[tuple[str, str]] = []
    for link in elements(root, "a"):
        href = (link.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = canonicalize(href, base)
        if url is not None:
            links.append((url, _text(link)))
    return attachments_from_links(links)
