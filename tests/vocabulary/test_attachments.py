"""The one attachment decision: each form a site uses to say "this is a file", as a table."""

from __future__ import annotations

import pytest

from disclosure_search.sample_portal.files import make_docx, make_xlsx, make_zip
from disclosure_search.vocabulary.attachments import (
    attachment_type,
    disposition_file_name,
    is_attachment_url,
    may_be_attachment,
    query_file_name,
    sniff,
    url_file_type,
)

TEXT = "第一条　为了规范科技计划项目管理，制定本办法。"
DOCX = make_docx("示例", TEXT)
XLSX = make_xlsx("表", ["序号", "名称"], [[1, "示例市科技局关于印发办法的通知"]])
ZIP = make_zip([("说明.txt", TEXT)])
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
HTML = "<html><head><title>下载</title></head><body>文件不存在</body></html>".encode()


@pytest.mark.parametrize(("url", "text", "ext"), [
    ("http://h/202009/P020200930381161903052.pdf", "", ".pdf"),
    ("http://h/x/附件.XLSX", "", ".xlsx"),
    ("http://h/x/%E9%99%84%E4%BB%B6%E4%B8%80.docx", "", ".docx"),
    ("http://h/module/download/downfile.jsp?classid=0&filename=2300823.docx", "下载", ".docx"),
    ("http://h/down.jsp?id=7&fileName=%E9%99%84%E4%BB%B6.pdf", "", ".pdf"),
    ("http://h/attach/get.do?id=7", "附件一.docx", ".docx"),
    ("http://h/attach/get.do?id=7", " 附件2：汇总表.XLS ", ".xls"),
    ("http://h/files/archive.rar", "", ".rar"),
    ("http://h/files/a.7z", "", ".7z"),
    ("http://h/files/a.wps", "", ".wps"),
    ("http://h/files/a.ofd", "", ".ofd"),
    # pages, whatever the link says
    ("http://h/202009/t20200930_1.html", "2023年报告.pdf", None),
    ("http://h/xxgk/", "", None),
    ("http://h/art/2020/9/30/art_1_2.html", "", None),
    ("http://h/search.jsp?q=pdf", "查询", None),
])
def test_url_and_link_text_decide_before_fetching(url: str, text: str, ext: str | None) -> None:
    found = url_file_type(url, text)
    assert (found.extension if found else None) == ext
    assert is_attachment_url(url, text) is (ext is not None)


@pytest.mark.parametrize(("body", "ext"), [
    (PDF, ".pdf"),
    (b"\r\n" + PDF, ".pdf"),
    (DOCX, ".docx"),
    (XLSX, ".xlsx"),
    (ZIP, ".zip"),
    (OLE2 + "WordDocument".encode("utf-16-le"), ".doc"),
    (OLE2 + "Workbook".encode("utf-16-le"), ".xls"),
    (b"Rar!\x1a\x07\x01\x00", ".rar"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04", ".7z"),
    (b"{\\rtf1\\ansi", ".rtf"),
    (HTML, None),
    (b"", None),
])
def test_magic_bytes(body: bytes, ext: str | None) -> None:
    found = sniff(body)
    assert (found.extension if found else None) == ext


@pytest.mark.parametrize(("header", "name"), [
    ("attachment; filename=\"2300823.docx\"", "2300823.docx"),
    ("attachment; filename=report.pdf", "report.pdf"),
    ("attachment; filename*=UTF-8''%E9%99%84%E4%BB%B6%E4%B8%80.pdf", "附件一.pdf"),
    ("attachment; filename=%E9%99%84%E4%BB%B6.xlsx", "附件.xlsx"),
    # raw UTF-8 and GBK bytes as http.client hands them over (read as Latin-1)
    ("attachment; filename=\"" + "附件一.docx".encode().decode("latin-1") + "\"", "附件一.docx"),
    ("attachment; filename=" + "附件二.xls".encode("gbk").decode("latin-1"), "附件二.xls"),
    ("inline", ""),
    (None, ""),
])
def test_content_disposition_file_name(header: str | None, name: str) -> None:
    assert disposition_file_name(header) == name


def test_query_file_name_is_the_parameter_that_names_a_file() -> None:
    assert query_file_name("http://h/d.jsp?classid=0&filename=2300823.docx") == "2300823.docx"
    assert query_file_name("http://h/d.jsp?path=upload\\2020\\a.pdf") == "a.pdf"
    assert query_file_name("http://h/d.jsp?id=7") == ""


@pytest.mark.parametrize(("kwargs", "ext"), [
    # the bytes outrank every name
    ({"url": "http://h/a.docx", "body": PDF}, ".pdf"),
    # a download script: neither path nor name, only the bytes
    ({"url": "http://h/down.jsp?id=1", "body": DOCX}, ".docx"),
    # a container is made precise by a name of its family, never overruled by another
    ({"url": "http://h/a.wps", "body": OLE2}, ".wps"),
    ({"url": "http://h/a.xls", "body": OLE2}, ".xls"),
    ({"url": "http://h/a.pdf", "body": OLE2}, ".doc"),
    ({"url": "http://h/a.ofd", "body": ZIP}, ".ofd"),
    ({"url": "http://h/a.docx", "body": ZIP}, ".docx"),
    # Content-Disposition outranks the URL
    ({"url": "http://h/down.jsp?filename=1.pdf",
      "content_disposition": "attachment; filename=1.xlsx"}, ".xlsx"),
    ({"url": "http://h/down.jsp?id=1", "content_disposition": "attachment; filename=a.rar"},
     ".rar"),
    # an HTML error page from a download link still names the file it stands for
    ({"url": "http://h/a.pdf", "body": HTML}, ".pdf"),
    # Content-Type last
    ({"url": "http://h/down.jsp?id=1", "content_type": "application/pdf; qs=1"}, ".pdf"),
    ({"url": "http://h/down.jsp?id=1", "content_type": "text/html", "body": HTML}, None),
    ({"url": "http://h/t1.html", "link_text": "附件.pdf"}, None),
    ({"url": "http://h/get?id=1", "link_text": "附件.pdf"}, ".pdf"),
])
def test_attachment_type_weighs_the_evidence(kwargs: dict, ext: str | None) -> None:
    found = attachment_type(**kwargs)
    assert (found.extension if found else None) == ext
    if found is not None:
        assert found.media_type


@pytest.mark.parametrize(("url", "text", "expected"), [
    ("https://x.gov.cn/a/P0200930.pdf", "", True),
    ("https://x.gov.cn/attach/get.do?id=13", "附件1", True),
    ("https://x.gov.cn/servlet/GetFile?fid=14", "点击下载", True),
    ("https://x.gov.cn/module/download/file.jsp?id=3", "", True),
    ("https://x.gov.cn/art/2020/8/6/art_4101_1.html", "附件下载说明", False),
    ("https://x.gov.cn/col/col4101/index.html", "政策文件", False),
    ("https://x.gov.cn/search.do?q=1", "搜索", False),
])
def test_a_link_may_be_an_attachment_by_name_or_by_reading_like_a_download(
    url: str, text: str, expected: bool
) -> None:
    assert may_be_attachment(url, text) is expected
