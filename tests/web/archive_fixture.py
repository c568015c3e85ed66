"""Writes the web tests' documents into a real catalog with WARC captures, as a crawl would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from disclosure_search.archive.catalog import Catalog
from disclosure_search.archive.warc import WarcWriter
from disclosure_search.config import Settings
from disclosure_search.models import Document, FetchedPage

#: An archived page that tries to run script on our origin in every way it can.
HOSTILE_PAGE = """<html><head><meta charset="gbk"><title>存档页面</title>
<meta http-equiv="refresh" content="5;url=http://evil.example/">
<script>document.title='PWNED'; try { parent.document.title='PWNED' } catch (e) {}</script>
</head><body><h1>科技局存档正文</h1>
<p>这是抓取时的页面。</p>
<a id="live" href="/xxgk/other.html">相关链接</a>
<a id="js" href="javascript:parent.document.title='PWNED'">坏链接</a>
<img src="x" onerror="parent.document.title='PWNED'">
</body></html>"""

PDF_BYTES = b"%PDF-1.4\n<script>alert(1)</script>\n%%EOF\n"


def page_for(doc: Document, body: bytes, when: datetime,
             content_type: str = "text/html") -> FetchedPage:
    """A 200 response for ``doc.url`` with ``body``."""
    return FetchedPage(
        url=doc.url, final_url=doc.url, status=200,
        request_headers=(("User-Agent", "disclosure-search-test"),),
        response_headers=(("Content-Type", content_type), ("Content-Length", str(len(body)))),
        body=body, fetched_at=when,
    )


def _html(doc: Document) -> bytes:
    return (f"<html><head><title>{doc.title}</title></head><body><h1>{doc.title}</h1>"
            f"<div>{doc.body}</div></body></html>").encode()


def build_archive(settings: Settings, docs: list[Document]) -> None:
    """Capture every document once; change one (two versions); mark one removed."""
    catalog = Catalog.open(settings.catalog_path)
    writer = WarcWriter(settings.archive_dir, prefix="test")
    try:
        for doc in docs:
            when = doc.first_seen or datetime(2024, 1, 1, tzinfo=UTC)
            body = HOSTILE_PAGE.encode("gbk") if "恶意" in doc.title else _html(doc)
            _record(catalog, writer, doc, page_for(doc, body, when))
        changed = docs[26]
        later = (changed.first_seen or datetime(2024, 1, 1, tzinfo=UTC)) + timedelta(days=30)
        new = replace(changed, title=changed.title + "（修订）",
                      body="第一条 项目资金按月拨付。\n第二条 新增的条款。")
        _record(catalog, writer, new, page_for(new, _html(new), later))
        pdf = docs[1]  # a later capture of the same URL that is not HTML
        later_pdf = (pdf.first_seen or datetime(2024, 1, 1, tzinfo=UTC)) + timedelta(days=1)
        page = page_for(pdf, PDF_BYTES, later_pdf, "application/pdf")
        catalog.record_capture(page, writer.write(page), "attachment", pdf.source)
        removed = docs[27]
        catalog.mark_removed(removed.id, removed.removed_at or later)
    finally:
        writer.close()
        catalog.close()


def _record(catalog: Catalog, writer: WarcWriter, doc: Document, page: FetchedPage) -> None:
    location = writer.write(page)
    capture = catalog.record_capture(page, location, "detail", doc.source)
    catalog.upsert_document(replace(doc, capture_id=capture.id), capture.id)
