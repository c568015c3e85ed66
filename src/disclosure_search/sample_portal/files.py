"""Write the sample portal's attachments (PDF, DOCX, XLSX, ZIP) from real text, reproducibly.

Only the build tool imports this module; the portal serves the files it wrote. PDFs are written
here directly and name Adobe's standard Chinese font instead of embedding one, so they are the
same bytes on every machine, whatever fonts it has (and a few KB each). Office files are ZIP
containers whose entries carry the current time, so every container is rewritten with fixed
entry dates and fixed document properties.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

#: Every generated file claims this creation time, so rebuilds are identical.
FIXED_TIME = datetime(2018, 1, 1, 0, 0, 0, tzinfo=UTC)
_ZIP_TIME = (2018, 1, 1, 0, 0, 0)

#: A4 in points, the margin, and the type sizes of the generated PDFs.
_PAGE_W, _PAGE_H, _MARGIN = 595, 842, 56
_TITLE_PT, _TEXT_PT, _LEADING = 14.0, 10.5, 1.5
#: Adobe's standard Simplified Chinese font: every PDF reader supplies it (or a substitute), so
#: nothing is embedded and the bytes depend on no font installed on the building machine.
_CJK_FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H"
    b" /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
    b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000"
    b" /W [1 95 500] /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light"
    b" /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120"
    b" /CapHeight 880 /StemV 93 >> >>] >>"
)


def _hex(text: str) -> bytes:
    return b"<" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _wrap(text: str, size: float) -> list[str]:
    """Break a paragraph into lines that fit the text width (ASCII is half as wide)."""
    room = (_PAGE_W - 2 * _MARGIN) / size
    lines, line, width = [], "", 0.0
    for ch in text:
        w = 0.5 if ch.isascii() else 1.0
        if width + w > room:
            lines.append(line)
            line, width = "", 0.0
        line += ch
        width += w
    return [*lines, line]


def _pages(title: str, text: str) -> list[bytes]:
    """The content streams: the title, then each paragraph, wrapped and paged."""
    runs = [(line, _TITLE_PT) for line in _wrap(title, _TITLE_PT)]
    runs += [(line, _TEXT_PT) for para in text.splitlines() for line in _wrap(para, _TEXT_PT)]
    pages: list[bytes] = []
    ops: list[bytes] = []
    y = float(_PAGE_H - _MARGIN)
    for line, size in runs:
        if y - size * _LEADING < _MARGIN:
            pages.append(b"\n".join(ops))
            ops, y = [], float(_PAGE_H - _MARGIN)
        y -= size * _LEADING
        ops.append(b"BT /F1 %g Tf %d %g Td %s Tj ET" % (size, _MARGIN, y, _hex(line)))
    return [*pages, b"\n".join(ops)]


def make_pdf(title: str, text: str) -> bytes:
    """Write ``title`` and ``text`` into a small PDF that names, not embeds, its CJK font.

    Args:
        title: the heading line.
        text: paragraphs separated by newlines.

    Returns:
        The PDF bytes: the same on every machine; pypdf extracts the same characters back.
    """
    pages = _pages(title, text)
    first_page = 5
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
            len(pages), b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(pages)))),
        _CJK_FONT,
        b"<< /Title %s /Producer (disclosure-search sample portal) /CreationDate (D:%s) >>" % (
            _hex(title), FIXED_TIME.strftime("%Y%m%d%H%M%SZ").encode()),
    ]
    for number, content in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R"
            b" >> >> /Contents %d 0 R >>" % (_PAGE_W, _PAGE_H, first_page + 2 * number + 1))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content) + 1, content))
    return _pdf_file(objects)


def _pdf_file(objects: list[bytes]) -> bytes:
    """Number the objects from 1 and write header, body, cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def make_docx(title: str, text: str) -> bytes:
    """Write ``title`` as a heading and ``text`` as paragraphs into a DOCX file."""
    import docx

    document = docx.Document()
    props = document.core_properties
    props.author = "示例市"
    props.title = title
    props.created = FIXED_TIME.replace(tzinfo=None)
    props.modified = FIXED_TIME.replace(tzinfo=None)
    props.last_modified_by = "示例市"
    props.revision = 1
    document.add_heading(title, level=1)
    for para in text.splitlines():
        document.add_paragraph(para)
    buf = io.BytesIO()
    document.save(buf)
    return normalize_zip(buf.getvalue())


def make_xlsx(title: str, header: list[str], rows: list[list[str | int]]) -> bytes:
    """Write a one-sheet workbook: a title row, a header row and the data rows."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.properties.creator = "示例市"
    wb.properties.created = FIXED_TIME.replace(tzinfo=None)
    wb.properties.modified = FIXED_TIME.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue())


def make_zip(members: list[tuple[str, str]]) -> bytes:
    """Pack (name, text) pairs as UTF-8 text files into a ZIP with fixed dates."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # names are UTF-8
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a ZIP container with fixed entry dates and fixed core-property timestamps."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", payload)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            out.writestr(entry, payload)
    return buf.getvalue()
