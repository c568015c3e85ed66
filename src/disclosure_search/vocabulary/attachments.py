"""Is this link or response an attachment (附件), and of what type: the one decision.

Evidence, strongest first: the bytes themselves (PDF, ZIP-based Office, OLE2 .doc/.xls, RAR,
7z, RTF), the file name a ``Content-Disposition`` header gives, the URL path's extension, a
file-name query parameter of a download script (``downfile.jsp?filename=2300823.docx``), the
extension in the link's text (``附件一.docx``), and last the ``Content-Type``. Magic bytes that
name only a container (a ZIP, an OLE2 file) are made precise by a name of that family: a
``.wps`` is an OLE2 file, an ``.ofd`` a ZIP.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from disclosure_search.vocabulary.urls import path_name

#: Attachment extensions and the media type each means.
MEDIA_TYPES: dict[str, str] = {
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
#: Static page extensions: a link to one of these is a page whatever its text says.
PAGE_EXTENSIONS = frozenset({".html", ".htm", ".shtml", ".xhtml"})
#: The container each extension is stored in, when magic bytes can only tell the container.
_FAMILIES: dict[str, frozenset[str]] = {
    "zip": frozenset({".docx", ".xlsx", ".pptx", ".ofd", ".zip"}),
    "ole2": frozenset({".doc", ".xls", ".ppt", ".wps", ".et", ".dps"}),
}
_FAMILY_DEFAULT = {"zip": ".zip", "ole2": ".doc"}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: OLE2 stream names (UTF-16LE in the directory) and the type each one marks.
_OLE2_STREAMS = (
    ("WordDocument".encode("utf-16-le"), ".doc"),
    ("Workbook".encode("utf-16-le"), ".xls"),
    ("PowerPoint Document".encode("utf-16-le"), ".ppt"),
)
_ZIP_MEMBERS = (
    ("word/document.xml", ".docx"),
    ("xl/workbook.xml", ".xlsx"),
    ("ppt/presentation.xml", ".pptx"),
    ("OFD.xml", ".ofd"),
)
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([\w-]*)'[^']*'([^;]+)", re.IGNORECASE)
#: Link texts and URLs that read like a download, whatever type they do not name.
_DOWNLOAD_TEXT = re.compile(r"附件|下载|下載|附檔|附表|download", re.IGNORECASE)
_DOWNLOAD_URL = re.compile(r"down|attach|getfile|fujian|fileid|fid=", re.IGNORECASE)
_FILENAME = re.compile(r"""filename\s*=\s*(?:"([^"]*)"|([^;]+))""", re.IGNORECASE)


@dataclass(frozen=True)
class FileType:
    """An attachment's type: its extension (``.pdf``) and media type."""

    extension: str
    media_type: str


def type_of_name(name: str) -> FileType | None:
    """The attachment type a file name's extension names (``附件一.DOCX`` -> .docx), or None."""
    ext = posixpath.splitext(name.strip().lower())[1]
    return FileType(ext, MEDIA_TYPES[ext]) if ext in MEDIA_TYPES else None


def query_file_name(url: str) -> str:
    """A download script's file-name parameter (``?filename=2300823.docx``), or ""."""
    for _key, value in parse_qsl(urlsplit(url).query):
        if type_of_name(value) is not None:
            return posixpath.basename(value.replace("\\", "/"))
    return ""


def url_file_type(url: str, link_text: str = "") -> FileType | None:
    """The type a link shows before it is fetched: path, file-name parameter, then link text.

    The link's text counts only when the path is not a static page (``.html``): a title such
    as ``2023年报告.pdf`` linking to an article page is a page.
    """
    path_type = type_of_name(path_name(url))
    if path_type is not None:
        return path_type
    query_type = type_of_name(query_file_name(url))
    if query_type is not None:
        return query_type
    if posixpath.splitext(urlsplit(url).path.lower())[1] in PAGE_EXTENSIONS:
        return None
    return type_of_name(link_text)


def is_attachment_url(url: str, link_text: str = "") -> bool:
    """True when a link leads to an attachment rather than a page (see :func:`url_file_type`)."""
    return url_file_type(url, link_text) is not None


def may_be_attachment(url: str, link_text: str = "") -> bool:
    """True when a link may lead to a file: :func:`is_attachment_url`, or a link that says
    nothing of a type but reads like a download (``点击下载`` to ``GetFile?fid=14``,
    ``附件1`` to ``get.do?id=13``).

    Such a link is only a candidate: what it answers (:func:`attachment_type` on the response's
    bytes and ``Content-Disposition``) decides; a page it answers stays a page.
    """
    if is_attachment_url(url, link_text):
        return True
    parts = urlsplit(url)
    if posixpath.splitext(parts.path.lower())[1] in PAGE_EXTENSIONS:
        return False
    where = f"{parts.path}?{parts.query}"
    return bool(_DOWNLOAD_TEXT.search(link_text) or _DOWNLOAD_URL.search(where))


def sniff(body: bytes) -> FileType | None:
    """The type the bytes themselves show (magic numbers), or None (HTML, text, unknown)."""
    found = _sniff_extension(body)
    ext = _FAMILY_DEFAULT.get(found, found)
    return FileType(ext, MEDIA_TYPES[ext]) if ext else None


def _sniff_extension(body: bytes) -> str:
    head = body[:1024]
    if b"%PDF-" in head:
        return ".pdf"
    if body.startswith(b"PK\x03\x04"):
        return _zip_kind(body)
    if body.startswith(_OLE2_MAGIC):
        return next((ext for name, ext in _OLE2_STREAMS if name in body), "ole2")
    if body.startswith(b"Rar!\x1a\x07"):
        return ".rar"
    if body.startswith(b"7z\xbc\xaf\x27\x1c"):
        return ".7z"
    if body.startswith(b"{\\rtf"):
        return ".rtf"
    return ""


def _zip_kind(body: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"  # truncated or odd: a ZIP all the same
    return next((ext for member, ext in _ZIP_MEMBERS if member in names), "zip")


def disposition_file_name(header: str | None) -> str:
    """The file name a ``Content-Disposition`` header gives, decoded; "" when it gives none.

    Handles RFC 6266 ``filename*=UTF-8''%E9%99%84...``, quoted and bare ``filename=``,
    percent-encoded names, and raw UTF-8 or GBK bytes that arrived read as Latin-1.
    """
    if not header:
        return ""
    star = _FILENAME_STAR.search(header)
    if star:
        return unquote(star.group(2).strip(), encoding=star.group(1) or "utf-8", errors="replace")
    plain = _FILENAME.search(header)
    if not plain:
        return ""
    name = (plain.group(1) if plain.group(1) is not None else plain.group(2)).strip()
    return _repair_latin1(unquote(name))


def _repair_latin1(name: str) -> str:
    if not any("\x80" <= ch <= "\xff" for ch in name) or any(ord(ch) > 0xFF for ch in name):
        return name
    raw = name.encode("latin-1")
    for charset in ("utf-8", "gb18030"):
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            continue
    return name


def attachment_type(
    url: str = "",
    *,
    link_text: str = "",
    body: bytes | None = None,
    content_type: str | None = None,
    content_disposition: str | None = None,
) -> FileType | None:
    """Decide whether a link or response is an attachment, and of which type.

    Args:
        url: the link or the response's URL.
        link_text: the anchor's visible text, if known.
        body: the response's bytes, if fetched.
        content_type: the ``Content-Type`` header, if any.
        content_disposition: the ``Content-Disposition`` header, if any.

    Returns:
        The type, or None when nothing marks an attachment (an HTML page, say).
    """
    sniffed = _sniff_extension(body) if body else ""
    named = _named_type(url, link_text, content_disposition)
    if sniffed in _FAMILIES:
        if named is not None and named.extension in _FAMILIES[sniffed]:
            return named
        sniffed = _FAMILY_DEFAULT[sniffed]
    if sniffed:
        return FileType(sniffed, MEDIA_TYPES[sniffed])
    if named is not None:
        return named
    media = (content_type or "").split(";", 1)[0].strip().lower()
    ext = next((e for e, m in MEDIA_TYPES.items() if m == media), "")
    return FileType(ext, media) if ext else None


def _named_type(url: str, link_text: str, content_disposition: str | None) -> FileType | None:
    disposition = type_of_name(disposition_file_name(content_disposition))
    return disposition if disposition is not None else url_file_type(url, link_text)
