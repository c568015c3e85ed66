"""Find the attachments (附件) a page links to: documents, sheets, archives."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from disclosure_search.extract.metadata import clean_text
from disclosure_search.models import Attachment

#: File extensions treated as attachments, with the media type each one means.
ATTACHMENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".wps": "application/vnd.ms-works",
    ".et": "application/vnd.ms-excel",
    ".dps": "application/vnd.ms-powerpoint",
    ".ofd": "application/ofd",
    ".zip": "application/zip",
    ".rar": "application/vnd.rar",
    ".7z": "application/x-7z-compressed",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".rtf": "application/rtf",
}


def attachment_extension(url: str) -> str:
    """Return the lower-case extension of a URL's path (".pdf"), or "" when it has none."""
    path = urlsplit(url).path
    return posixpath.splitext(unquote(path))[1].lower()


def media_type_for(url: str) -> str:
    """Return the media type an attachment URL's extension implies, or ""."""
    return ATTACHMENT_TYPES.get(attachment_extension(url), "")


def _name(link: Tag, url: str) -> str:
    text = clean_text(link.get_text(" ")) or clean_text(str(link.get("title") or ""))
    if text:
        return text
    return posixpath.basename(unquote(urlsplit(url).path))


def find_attachments(soup: BeautifulSoup | Tag, base_url: str) -> tuple[Attachment, ...]:
    """Return the page's attachment links, absolute and without duplicates.

    Args:
        soup: the parsed page.
        base_url: the page URL (a ``<base href>`` in the page takes precedence).

    Returns:
        Attachments named by their link text (or the file name when the link has none),
        in page order; the text of each is read later.
    """
    base_tag = soup.find("base", href=True)
    base = urljoin(base_url, str(base_tag["href"])) if isinstance(base_tag, Tag) else base_url
    found: dict[str, Attachment] = {}
    for link in soup.find_all("a", href=True):
        href = str(link["href"]).strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base, href).split("#", 1)[0]
        media_type = media_type_for(url)
        if not media_type:
            continue
        name = _name(link, url)
        previous = found.get(url)
        if previous is None or (not previous.name and name):
            found[url] = Attachment(url=url, name=name, media_type=media_type)
    return tuple(found.values())
