"""Write the sample portal's attachments (PDF, DOCX, XLSX, ZIP) from real text, reproducibly.

Only the build tool imports this module (fpdf2 is a development dependency); the portal serves
the files it wrote. Office files are ZIP containers whose entries carry the current time, so every
container is rewritten with fixed entry dates and fixed document properties.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

#: Every generated file claims this creation time, so rebuilds are identical.
FIXED_TIME = datetime(2018, 1, 1, 0, 0, 0, tzinfo=UTC)
_ZIP_TIME = (2018, 1, 1, 0, 0, 0)

#: Fonts with CJK glyphs that fpdf2 can embed (subsetted); the first one found is used.
CJK_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def find_cjk_font() -> Path:
    """Return the first installed CJK font, or raise with the package that provides one."""
    for name in CJK_FONTS:
        if Path(name).is_file():
            return Path(name)
    raise FileNotFoundError(
        "no CJK font found for PDF attachments; install one, e.g. `apt-get install "
        "fonts-wqy-microhei`, then rerun the build"
    )


def make_pdf(title: str, text: str, font: Path) -> bytes:
    """Render ``title`` and ``text`` into a small PDF with an embedded, subsetted CJK font.

    Args:
        title: the heading line.
        text: paragraphs separated by newlines.
        font: a TTF/TTC file with CJK glyphs.

    Returns:
        The PDF bytes; pypdf extracts the same characters back.
    """
    from fpdf import FPDF  # development dependency: only the build needs it

    pdf = FPDF()
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_title(title)
    pdf.set_producer("disclosure-search sample portal")
    pdf.add_font("cjk", fname=str(font), collection_font_number=0)
    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(0, 8, title)
    pdf.ln(4)
    pdf.set_font("cjk", size=10.5)
    for para in text.splitlines():
        pdf.multi_cell(0, 6, para)
        pdf.ln(1)
    return bytes(pdf.output())


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
