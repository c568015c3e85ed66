"""Each layout of the sample portal's layouts site, crawled with only its landing page.

jpage data stores paged through the data proxy (with sibling columns, 详见附件 items and
download-script files), a list loaded from a JSON endpoint, a table of rows linking straight
to PDFs, and pages whose metadata is only in meta tags or script variables: every listed item
is archived, found by a piece of its title and by a phrase of its attachment, with the fields
its layout gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawl.site import Request, Response, Site, list_html
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import CrawlSettings, Settings, SourceSettings
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs.pipeline import run_crawl
from disclosure_search.models import Document, SearchQuery
from disclosure_search.sample_portal.files import make_pdf
from disclosure_search.sample_portal.layouts import LAYOUTS, SEE_ATTACHMENT, items_of
from disclosure_search.sample_portal.server import SamplePortal


@pytest.fixture(scope="module")
def portal() -> Iterator[SamplePortal]:
    with SamplePortal(layouts=True) as running:
        yield running


def title_piece(title: str) -> str:
    """A piece of a title as a person would type it: its longest run between function words."""
    parts = re.split(r"关于|印发|的|[\[\]【】《》（）()“”、，\s]+", title)
    return max(parts, key=len)


def attachment_phrase(text: str) -> str:
    """A clause of an attachment's text (8 or more characters)."""
    clauses = re.split(r"[\s，。；：、　“”（）()]+", text)
    return next(c for c in clauses if len(c) >= 8 and not c.startswith("第"))


def layout_settings(portal: SamplePortal, layout: str, tmp_path: Path) -> Settings:
    """Settings with one source whose only start URL is the layout's landing page."""
    source = SourceSettings(id="more", name="示例市人民政府信息公开",
                            start_urls=(portal.start_url("layouts", layout),))
    return Settings(data_dir=tmp_path, sources=(source,),
                    crawl=CrawlSettings(requests_per_second=200.0))


def crawl(portal: SamplePortal, layout: str, tmp_path: Path) -> dict[str, Document]:
    """Crawl ``layout`` from its landing page only; check it is complete and findable."""
    settings = layout_settings(portal, layout, tmp_path)
    report = run_crawl(settings, full=True)
    assert report.failed == 0 and report.scope_problems == [], report
    return assert_complete_and_findable(settings, layout)


def crawled_documents(settings: Settings) -> dict[str, Document]:
    """The archived documents by URL path."""
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        return {"/" + d.url.split("/", 3)[3]: d for d in catalog.iter_documents("more")}


def assert_complete_and_findable(settings: Settings, layout: str) -> dict[str, Document]:
    """Every item of ``layout`` archived, found by a title piece and by an attachment phrase."""
    docs = crawled_documents(settings)
    assert set(docs) == {item.path for item in items_of(layout)}
    backend = open_backend(settings.index_dir)
    try:
        for item in items_of(layout):
            doc = docs[item.path]
            assert doc.title == item.doc.title
            hits = backend.search(SearchQuery(text=title_piece(doc.title), per_page=50)).hits
            assert doc.id in [h.id for h in hits], (layout, title_piece(doc.title))
            for att in item.doc.attachments:
                phrase = attachment_phrase(att.text)
                hits = backend.search(SearchQuery(text=phrase, per_page=50)).hits
                assert doc.id in [h.id for h in hits], (layout, phrase)
    finally:
        backend.close()
    return docs


def test_jpage_lists_sibling_columns_and_files_behind_a_download_script(
    portal: SamplePortal, tmp_path: Path
) -> None:
    docs = crawl(portal, "jpage", tmp_path)
    proxied = [p for p, *_ in portal.request_log if p.startswith("/module/web/jpage/")]
    assert proxied, "the records past the first group come only from the data proxy"
    only = [item for item in items_of("jpage") if item.attachment_only]
    assert only, "the layout has items that say only 详见附件"
    for item in only:
        doc = docs[item.path]
        assert doc.body.strip() == SEE_ATTACHMENT
        (att,) = doc.attachments
        assert "downfile.jsp" in att.url and att.text and att.error is None
    assert {d.category for d in docs.values()} == {"政务信息", "公告公示"}


def test_a_list_loaded_from_a_json_endpoint(portal: SamplePortal, tmp_path: Path) -> None:
    docs = crawl(portal, "json", tmp_path)
    assert {d.category for d in docs.values()} == {"政策解读"}
    assert any(p.startswith("/api/xxgk/list?") and "pageNo=2" in p
               for p, *_ in portal.request_log)


def test_rows_linking_straight_to_pdfs_are_documents_with_the_rows_metadata(
    portal: SamplePortal, tmp_path: Path
) -> None:
    docs = crawl(portal, "files", tmp_path)
    for item in items_of("files"):
        doc = docs[item.path]
        assert doc.doc_number == item.doc.doc_number
        assert doc.agency == item.doc.agency
        assert doc.published_date is not None
        assert doc.published_date.isoformat() == item.doc.published_date
        assert doc.category == "其他文件"  # the column's name
        (att,) = doc.attachments
        assert att.media_type == "application/pdf" and att.text


def test_metadata_only_in_meta_tags_or_script_variables(
    portal: SamplePortal, tmp_path: Path
) -> None:
    docs = crawl(portal, "meta", tmp_path)
    kinds = {item.script_vars for item in items_of("meta")}
    assert kinds == {True, False}, "both kinds of page are in the layout"
    for item in items_of("meta"):
        doc = docs[item.path]
        assert doc.published_date is not None
        assert doc.published_date.isoformat() == item.doc.published_date
        assert doc.agency == item.doc.agency
        assert doc.category == "公告公示"


def test_every_layout_has_a_landing_page(portal: SamplePortal) -> None:
    assert set(LAYOUTS) == {"jpage", "json", "files", "meta"}
    assert all(items_of(layout) for layout in LAYOUTS)


def test_a_file_row_whose_file_failed_becomes_a_document_once_the_file_comes(
    tmp_path: Path,
) -> None:
    item = items_of("files")[0]
    text = item.doc.attachments[0].text
    answers = iter([Response(b"busy", status=500)])

    def pdf(request: Request) -> Response:
        return next(answers, Response(make_pdf(item.doc.title, text),
                                      headers=[("Content-Type", "application/pdf")]))

    row = (f'<tr><td><a href="/xxgk/wjxz/P1.pdf">{item.doc.title}</a></td>'
           f"<td>{item.doc.doc_number}</td><td>{item.doc.published_date}</td></tr>")
    with Site().running() as site:
        site.add("/xxgk/wjxz/index.html", list_html([], extra=f"<table>{row}</table>"))
        site.handle("/xxgk/wjxz/P1.pdf", pdf)
        source = SourceSettings(id="more", name="示例", start_urls=(
            site.url("/xxgk/wjxz/index.html"),))
        settings = Settings(data_dir=tmp_path, sources=(source,),
                            crawl=CrawlSettings(requests_per_second=200.0, retries=0))
        first = run_crawl(settings, full=True)
        assert first.failed == 1 and crawled_documents(settings) == {}
        run_crawl(settings)  # the list is unchanged; its file answers now
    docs = crawled_documents(settings)
    assert list(docs) == ["/xxgk/wjxz/P1.pdf"]
    (doc,) = docs.values()
    assert doc.doc_number == item.doc.doc_number and doc.attachments[0].text


@pytest.mark.parametrize("layout", ["jpage", "json"])
def test_an_incremental_run_of_a_data_list_keeps_every_document(
    portal: SamplePortal, layout: str, tmp_path: Path
) -> None:
    crawl(portal, layout, tmp_path)
    settings = layout_settings(portal, layout, tmp_path)
    again = run_crawl(settings)
    assert again.failed == 0 and again.documents["more"]["removed"] == 0
    assert again.documents["more"]["new"] == 0
    assert set(crawled_documents(settings)) == {item.path for item in items_of(layout)}
