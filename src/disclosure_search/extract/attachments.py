"""Read the text of attachments: PDF, DOCX, XLSX, plain text; refuse broken or huge files."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any
from xml.parsers.expat import ExpatError

from lxml import etree

from disclosure_search.errors import ExtractError, UnsupportedFileError
from disclosure_search.vocabulary.attachments import attachment_type

#: Extracted text is cut at this many characters; the index needs no more.
MAX_TEXT_CHARS = 200_000
#: A DOCX/XLSX whose members would inflate beyond this in total is refused (zip bomb guard):
#: real ones unpack to a few MB; parsed XML takes ~20x its size in memory.
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
#: Zip members, like declared sizes, are bounded: a zip reader never inflates past them.
MAX_ZIP_MEMBERS = 10_000
MAX_SHEET_ROWS = 100_000
MAX_PDF_PAGES = 2_000
_CODESPACE = re.compile(rb"begincodespacerange(.*?)endcodespacerange", re.DOTALL)
_HEX_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")

#: What the PDF/DOCX/XLSX libraries raise on malformed input (found by the fuzz targets).
_PARSER_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
                  LookupError, OSError, EOFError, zipfile.BadZipFile, etree.LxmlError,
                  RuntimeError, SyntaxError, ExpatError, zlib.error)


class _Collector:
    """Gathers text up to ``MAX_TEXT_CHARS`` and says when it is full."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> bool:
        text = text.strip()
        if text:
            self.parts.append(text[: MAX_TEXT_CHARS - self.size])
            self.size += len(text) + 1
        return self.size < MAX_TEXT_CHARS

    def text(self) -> str:
        return "\n".join(self.parts)[:MAX_TEXT_CHARS]


def _two_byte_codes(page: Any) -> None:
    """Name an embedded two-byte encoding CMap ``/Identity-H`` so pypdf reads two-byte codes.

    Writers such as fpdf2 (with OpenType CJK fonts like Noto Sans CJK) embed the Type0 font's
    encoding as a CMap stream whose codes are two bytes. pypdf then reads the text one byte
    at a time: a NUL before every character, and wrong characters past the 255th glyph.
    For text, only the code width matters (ToUnicode is keyed by the codes themselves), and
    ``/Identity-H`` says exactly that width.
    """
    from pypdf.generic import NameObject

    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    for ref in (fonts.get_object().values() if fonts is not None else ()):
        font = ref.get_object()
        encoding = font.get("/Encoding")
        if font.get("/Subtype") != "/Type0" or encoding is None:
            continue
        encoding = encoding.get_object()
        if isinstance(encoding, NameObject) or not hasattr(encoding, "get_data"):
            continue
        blocks = _CODESPACE.findall(encoding.get_data())
        ranges = [pair for block in blocks for pair in _HEX_PAIR.findall(block)]
        if ranges and all(len(low) == len(high) == 4 for low, high in ranges):
            font[NameObject("/Encoding")] = NameObject("/Identity-H")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    out = _Collector()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("PDF is encrypted with a password; its text cannot be read")
        for number, page in enumerate(reader.pages):
            _two_byte_codes(page)
            text = (page.extract_text() or "").replace("\x00", "")  # a NUL is never text
            if number >= MAX_PDF_PAGES or not out.add(text):
                break
    except ExtractError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AssertionError) as exc:
        raise ExtractError(f"broken PDF: {exc or type(exc).__name__}") from exc
    return out.text()


def _check_zip(data: bytes, what: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ExtractError(f"broken {what}: not a valid zip container ({exc})") from exc
    # zipfile stops inflating a member at its declared size (and fails its CRC), so the
    # declared sizes bound what any reader of this container can unpack.
    if len(members) > MAX_ZIP_MEMBERS:
        raise ExtractError(f"{what} refused: {len(members)} parts (more than {MAX_ZIP_MEMBERS})")
    unzipped = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_COMPRESSION_RATIO:
        raise ExtractError(
            f"{what} refused: it would inflate to {unzipped} bytes ({unzipped // packed}x;"
            f" the limits are {MAX_UNZIPPED_BYTES} bytes and {MAX_COMPRESSION_RATIO}x)"
        )


def _docx_blocks(data: bytes) -> Iterator[str]:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = cell.text.strip()
                    if text and (not cells or cells[-1] != text):  # merged cells repeat
                        cells.append(text)
                yield "\t".join(cells)
        else:
            yield block.text


def _docx_text(data: bytes) -> str:
    _check_zip(data, "DOCX")
    out = _Collector()
    try:
        for block in _docx_blocks(data):
            if not out.add(block):
                break
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ExtractError(f"broken DOCX: {exc}") from exc
    return out.text()


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    _check_zip(data, "XLSX")
    out = _Collector()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ExtractError(f"broken XLSX: {exc}") from exc
    try:
        for sheet in book.worksheets:
            out.add(sheet.title)
            for number, row in enumerate(sheet.iter_rows(values_only=True)):
                cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
                if number >= MAX_SHEET_ROWS or not out.add("\t".join(cells)):
                    return out.text()
    finally:
        book.close()
    return out.text()


def _plain_text(data: bytes) -> str:
    for charset in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(charset)[:MAX_TEXT_CHARS]
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")[:MAX_TEXT_CHARS]


def attachment_text(
    data: bytes, url: str, content_type: str | None = None,
    content_disposition: str | None = None,
) -> str:
    """Return the text of an attachment, cut at ``MAX_TEXT_CHARS``.

    Args:
        data: the file's bytes.
        url: where it came from (its name says the type when the bytes do not).
        content_type: the Content-Type header, if any.
        content_disposition: the Content-Disposition header, if any (a download script's
            file name).

    Returns:
        The text: PDF pages, DOCX paragraphs and tables (cells tab-separated), XLSX
        rows (cells tab-separated, one sheet after another), or decoded plain text.

    Raises:
        ExtractError: the file is broken, encrypted, too large once unpacked, or of an
            unsupported type (.doc, .xls, .wps, .zip, ...).
    """
    found = attachment_type(url, body=data, content_type=content_type,
                            content_disposition=content_disposition)
    kind = found.extension if found is not None else ""
    readers = {".pdf": _pdf_text, ".docx": _docx_text, ".xlsx": _xlsx_text,
               ".txt": _plain_text, ".csv": _plain_text}  # fmt: skip
    reader = readers.get(kind)
    if reader is None:
        raise UnsupportedFileError(f"unsupported type {kind or 'unknown'!r} for {url}")
    if not data:
        raise ExtractError(f"empty file: {url}")
    try:
        return reader(data)
    except ExtractError:
        raise
    except _PARSER_ERRORS as exc:  # the third-party readers' ways of saying "broken file"
        name = type(exc).__name__
        raise ExtractError(f"broken {kind.lstrip('.').upper()}: {name}: {exc}"[:500]) from exc
