"""Every form of attachment link, end to end: crawled, read, searchable, shown on the document page.

A file can announce itself by its URL path (``….docx``), by a download script's file-name
parameter (``downfile.jsp?filename=2300823.docx``, answered as octet-stream without a
``Content-Disposition``), by the link's text (``附件一：名单.xlsx``), by the response's
``Content-Disposition``, or only by its bytes (a link saying 下载 to ``getfile.do?id=14``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawl.site import Site, detail_html, list_html
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import CrawlSettings, Settings, SourceSettings
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs.pipeline import run_crawl
from disclosure_search.models import SearchQuery
from disclosure_search.sample_portal.data import load_documents
from disclosure_search.sample_portal.files import make_docx
from disclosure_search.web.app import create_app

OCTET = ("Content-Type", "application/octet-stream")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: form -> (link href, link text, response headers)
FORMS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "url path": ("/xxgk/202009/P020200930381161903052.docx", "附件1", [("Content-Type", DOCX)]),
    "file-name parameter": (
        "/module/download/downfile.jsp?classid=0&filename=2300823.docx", "附件1", [OCTET]),
    "link text": ("/attach/get.do?id=12", "附件一：项目名单.docx", [OCTET]),
    "content-disposition": ("/attach/get.do?id=13", "附件1", [
        OCTET, ("Content-Disposition", "attachment; filename*=UTF-8''%E5%90%8D%E5%8D%95.docx")]),
    "magic bytes only": ("/servlet/GetFile?fid=14", "点击下载", [OCTET]),
}


def _text() -> str:
    """A real attachment text from the bundled portal's data."""
    return next(a.text for d in load_documents() for a in d.attachments
                if a.file.endswith(".docx") and len(a.text) > 200)


def _phrase(text: str) -> str:
    clauses = re.split(r"[\s，。；：、　]+", text)
    return next(c for c in clauses if len(c) >= 8 and not c.startswith("第"))


@pytest.mark.parametrize("form", list(FORMS))
def test_each_form_of_attachment_link_is_read_searchable_and_shown(
    form: str, tmp_path: Path
) -> None:
    href, label, headers = FORMS[form]
    text = _text()
    with Site().running() as site:
        site.add("/xxgk/tzgg/index.html",
                 list_html([("./202009/t20200930_1001.html", "关于印发项目管理办法的通知")]))
        html = detail_html("关于印发项目管理办法的通知", "详见附件")
        site.add("/xxgk/tzgg/202009/t20200930_1001.html",
                 html.replace("</div></body>", f'<a href="{href}">{label}</a></div></body>'))
        site.add(href, make_docx("附件", text), headers=headers)
        source = SourceSettings(id="kjj", name="示例市科技局",
                                start_urls=(site.url("/xxgk/tzgg/index.html"),),
                                allowed_hosts=())
        settings = Settings(data_dir=tmp_path, sources=(source,),
                            crawl=CrawlSettings(requests_per_second=100.0))
        report = run_crawl(settings, full=True)
        assert site.requested(href), f"{form}: the file was never fetched"
    assert report.failed == 0, report.extract_failures

    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        (doc,) = list(catalog.iter_documents("kjj"))
    (attachment,) = doc.attachments
    assert attachment.error is None and attachment.text, attachment
    assert attachment.media_type == DOCX

    backend = open_backend(settings.index_dir)
    try:
        hits = backend.search(SearchQuery(text=_phrase(text))).hits
        assert [hit.id for hit in hits] == [doc.id], form
    finally:
        backend.close()

    page = create_app(settings, test_config={"TESTING": True}).test_client().get(f"/doc/{doc.id}")
    assert page.status_code == 200
    assert _phrase(text) in page.get_data(as_text=True)


def test_a_link_that_only_reads_like_a_download_but_is_a_page_is_no_attachment(
    tmp_path: Path,
) -> None:
    with Site().running() as site:
        site.add("/xxgk/tzgg/index.html",
                 list_html([("./202009/t20200930_1001.html", "关于印发项目管理办法的通知")]))
        html = detail_html("关于印发项目管理办法的通知", "为规范项目管理，现印发本办法。")
        guide = '<a href="/xxgk/tzgg/down.jsp?id=1">附件下载说明</a>'
        site.add("/xxgk/tzgg/202009/t20200930_1001.html",
                 html.replace("</div></body>", guide + "</div></body>"))
        site.add("/xxgk/tzgg/down.jsp?id=1", detail_html("附件下载说明", "请使用浏览器下载附件。"))
        source = SourceSettings(id="kjj", name="示例市科技局",
                                start_urls=(site.url("/xxgk/tzgg/index.html"),))
        settings = Settings(data_dir=tmp_path, sources=(source,),
                            crawl=CrawlSettings(requests_per_second=100.0))
        run_crawl(settings, full=True)
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        docs = {d.title: d for d in catalog.iter_documents("kjj")}
    assert docs["关于印发项目管理办法的通知"].attachments == ()
    assert "附件下载说明" in docs  # the page it led to is a document of its own
