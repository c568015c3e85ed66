"""Every served attachment is a real, parseable file carrying the real text the data records."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator

import docx
import openpyxl
import pypdf
import pytest

from disclosure_search.extract.attachments import attachment_text
from disclosure_search.sample_portal import files
from disclosure_search.sample_portal.data import PortalAttachment, attachment_bytes, load_documents
from disclosure_search.sample_portal.server import SamplePortal
from sample_portal.helpers import get


@pytest.fixture(scope="module")
def portal() -> Iterator[SamplePortal]:
    with SamplePortal() as running:
        yield running


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def extracted(att: PortalAttachment, data: bytes) -> str:
    """Text read back with the same libraries the extractor uses."""
    if att.file.endswith(".pdf"):
        return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    if att.file.endswith(".docx"):
        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    if att.file.endswith(".xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        return "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "".join(zf.read(n).decode("utf-8") for n in zf.namelist())


def test_attachment_kinds_and_counts() -> None:
    kinds = Counter(a.file.rsplit(".", 1)[1] for d in load_documents() for a in d.attachments)
    assert kinds == {"pdf": 40, "docx": 30, "xlsx": 20, "zip": 2}


def test_every_attachment_is_served_and_yields_its_real_text(portal: SamplePortal) -> None:
    checked = 0
    for site in ("kjj", "city"):
        base = portal.base_url(site)
        for doc in load_documents():
            if doc.site != site or doc.edition or doc.role in ("removed", "gone"):
                continue
            for att in doc.attachments:
                got = get(base + att.path)
                assert got.status == 200
                assert got.headers["Content-Type"] == att.media_type
                text = squeeze(extracted(att, got.body))
                assert len(text) > 100
                for line in att.text.split("\n")[:3]:
                    assert squeeze(line.split("\t")[1] if "\t" in line else line)[:40] in text
                checked += 1
    assert checked == 92


def test_generated_files_are_byte_identical_on_rebuild() -> None:
    text = "第一条　为了规范科技计划项目管理，制定本办法。\n第二条　本办法适用于市级科技计划项目。"
    assert files.make_docx("示例", text) == files.make_docx("示例", text)
    rows: list[list[str | int]] = [[1, "示例市科技局关于印发办法的通知", "示科发〔2018〕1号"]]
    assert files.make_xlsx("表", ["序号", "名称", "文号"], rows) == files.make_xlsx(
        "表", ["序号", "名称", "文号"], rows
    )
    assert files.make_zip([("说明.txt", text)]) == files.make_zip([("说明.txt", text)])
    pdf = files.make_pdf("示例", text)
    assert pdf == files.make_pdf("示例", text)
    assert squeeze(attachment_text(pdf, "http://h/a.pdf")) == squeeze("示例" + text)


def test_shipped_pdfs_are_what_any_machine_writes() -> None:
    """PDFs name a standard font instead of embedding one: no machine font changes a byte."""
    checked = 0
    for doc in load_documents():
        for att in doc.attachments:
            if att.file.endswith(".pdf"):
                assert files.make_pdf(doc.title, att.text) == attachment_bytes(att), att.file
                checked += 1
    assert checked == 40
