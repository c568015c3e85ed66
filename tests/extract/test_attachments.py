"""Attachments yield their text, or a clear ExtractError."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from openpyxl import Workbook

from disclosure_search.errors import ExtractError
from disclosure_search.extract import attachments
from disclosure_search.extract.attachments import attachment_text
from hostile import paragraph_bomb


def _pdf(lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for line in lines:
        pdf.add_page()
        pdf.cell(text=line)
    return bytes(pdf.output())


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于印发科技计划项目管理办法的通知")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "项目", (0, 1): "金额", (1, 0): "科研", (1, 1): "100"}.items():
        table.cell(row, col).text = text
    document.add_paragraph("南昌市科学技术局")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["姓名", "单位", None])
    sheet.append(["张三", "中医医院", 3])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_pdf_text_all_pages() -> None:
    text = attachment_text(_pdf(["Open government report 2018", "Second page"]), "http://x/a.pdf")
    assert "Open government report 2018" in text and "Second page" in text


FILES = Path(__file__).parent / "files"


def test_pdf_with_an_embedded_two_byte_cmap_reads_back_exactly() -> None:
    """fpdf2 + Noto Sans CJK: once a NUL between characters and garbage past glyph 255."""
    pdf = (FILES / "noto_sans_cjk_fpdf2.pdf").read_bytes()
    expected = (FILES / "noto_sans_cjk_fpdf2.txt").read_text(encoding="utf-8")
    text = attachment_text(pdf, "http://x/P020.pdf")
    assert "\x00" not in text
    assert re.sub(r"\s+", "", text) == "示例" + re.sub(r"\s+", "", expected)


def test_pdf_recognised_by_bytes_whatever_the_url() -> None:
    assert "Hello" in attachment_text(_pdf(["Hello"]), "http://x/download?id=3")


def test_truncated_pdf_raises() -> None:
    data = _pdf(["Truncated"])
    with pytest.raises(ExtractError, match="PDF"):
        attachment_text(data[: len(data) // 3], "http://x/a.pdf")


def test_docx_paragraphs_and_tables_in_order() -> None:
    text = attachment_text(_docx(), "http://x/P0201.docx")
    assert text == "关于印发科技计划项目管理办法的通知\n项目\t金额\n科研\t100\n南昌市科学技术局"


def test_xlsx_rows() -> None:
    assert attachment_text(_xlsx(), "http://x/a.xlsx") == "名单\n姓名\t单位\n张三\t中医医院\t3"


def test_xlsx_by_content_type() -> None:
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "张三" in attachment_text(_xlsx(), "http://x/file?id=1", content_type)


def test_plain_text_gbk() -> None:
    assert attachment_text("公示名单".encode("gb18030"), "http://x/a.txt") == "公示名单"


@pytest.mark.parametrize(
    "url", ["http://x/a.doc", "http://x/a.xls", "http://x/a.wps", "http://x/a.zip"]
)
def test_unsupported_types_raise(url: str) -> None:
    with pytest.raises(ExtractError, match="unsupported type"):
        attachment_text(b"\xd0\xcf\x11\xe0 old binary", url)


def test_broken_docx_raises() -> None:
    with pytest.raises(ExtractError, match="DOCX"):
        attachment_text(b"PK\x03\x04 not really", "http://x/a.docx")


def test_zip_bomb_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (5 * 1024 * 1024))
    with pytest.raises(ExtractError, match="inflate"):
        attachment_text(out.getvalue(), "http://x/a.docx")


def test_text_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "MAX_TEXT_CHARS", 10)
    assert len(attachment_text(_xlsx(), "http://x/a.xlsx")) <= 10


def test_docx_bomb_under_the_ratio_limit_is_refused_by_its_unpacked_size() -> None:
    # 187 MB of <w:p/> packed with 1 MB of random bytes: ratio ~175, under the ratio limit
    bomb = paragraph_bomb(187, 1024)
    with pytest.raises(ExtractError, match="would inflate to 19"):
        attachment_text(bomb, "http://x/bomb.docx")
