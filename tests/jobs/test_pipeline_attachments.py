"""Attachments end to end: crawled, archived, joined to their document, searchable by their text.

Two forms sites use that once got lost between crawler and extractor: a file behind a download
script (``downfile.jsp?filename=...``, served as application/octet-stream) and a file whose
URL has Chinese characters (the page links the raw name, the crawler fetches it encoded).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from crawl.site import Site, detail_html, list_html
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import CrawlSettings, Settings, SourceSettings
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs.pipeline import run_crawl
from disclosure_search.models import SearchQuery
from disclosure_search.sample_portal.data import load_documents
from disclosure_search.sample_portal.files import make_docx, make_xlsx

DOWNLOAD = "/module/download/downfile.jsp?classid=0&filename=2300823.docx"
CHINESE = "/xxgk/tzgg/202009/P020/附件二：项目汇总表.xlsx"
OCTET = [("Content-Type", "application/octet-stream"),
         ("Content-Disposition", 'attachment; filename="2300823.docx"')]


def _texts() -> tuple[str, str]:
    """Two real attachment texts from the bundled portal's data."""
    texts = [a.text for d in load_documents() for a in d.attachments
             if a.file.endswith(".docx") and len(a.text) > 200]
    return texts[0], texts[1]


def _phrase(text: str) -> str:
    """A phrase of the text as a person would type it: a whole clause of a line, unquoted
    (attachment text is matched by words; quoted phrases are for titles and bodies)."""
    clauses = re.split(r"[\s，。；：、　]+", text)
    return next(c for c in clauses if len(c) >= 8 and not c.startswith("第"))


def _site(site: Site, first: str, second: str) -> None:
    site.add("/xxgk/tzgg/index.html",
             list_html([("./202009/t20200930_1001.html", "关于印发项目管理办法的通知")]))
    links = (f'<a href="{DOWNLOAD}">下载</a>'
             f'<a href="./P020/附件二：项目汇总表.xlsx">附件二：项目汇总表.xlsx</a>')
    html = detail_html("关于印发项目管理办法的通知", "为规范项目管理，现印发本办法。")
    site.add("/xxgk/tzgg/202009/t20200930_1001.html",
             html.replace("</div></body>", links + "</div></body>"))
    site.add(DOWNLOAD, make_docx("附件一", first), headers=OCTET)
    rows: list[list[str | int]] = [[n, line] for n, line in enumerate(second.split("\n"), 1)]
    site.add(quote(CHINESE), make_xlsx("附件二", ["序号", "内容"], rows),
             headers=[("Content-Type", "application/vnd.openxmlformats-officedocument"
                                       ".spreadsheetml.sheet")])


def test_download_script_and_chinese_url_attachments_are_searchable(tmp_path: Path) -> None:
    first, second = _texts()
    with Site().running() as site:
        _site(site, first, second)
        source = SourceSettings(id="kjj", name="示例市科技局",
                                start_urls=(site.url("/xxgk/tzgg/index.html"),))
        settings = Settings(data_dir=tmp_path, sources=(source,),
                            crawl=CrawlSettings(requests_per_second=100.0))
        report = run_crawl(settings, full=True)
    assert report.failed == 0, report.extract_failures
    assert site.requested(DOWNLOAD) and site.requested(quote(CHINESE))

    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        (doc,) = list(catalog.iter_documents("kjj"))
    by_name = {att.name: att for att in doc.attachments}
    assert set(by_name) == {"下载", "附件二：项目汇总表.xlsx"}
    for att in doc.attachments:
        assert att.error is None and att.text, att
    assert by_name["下载"].media_type.endswith("wordprocessingml.document")

    backend = open_backend(settings.index_dir)
    try:
        for text in (first, second):
            found = backend.search(SearchQuery(text=_phrase(text)))
            assert [hit.id for hit in found.hits] == [doc.id], _phrase(text)
    finally:
        backend.close()
