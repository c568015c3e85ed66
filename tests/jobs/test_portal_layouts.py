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

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import CrawlSettings, Settings, SourceSettings
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs.pipeline import run_crawl
from disclosure_search.models import Document, SearchQuery
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


def crawl(portal: SamplePortal, layout: str, tmp_path: Path) -> dict[str, Document]:
    """Crawl ``layout`` from its landing page only; check it is complete and findable."""
    source = SourceSettings(id="more", name="示例市人民政府信息公开",
                            start_urls=(portal.start_url("layouts", layout),))
    settings = Settings(data_dir=tmp_path, sources=(source,),
                        crawl=CrawlSettings(requests_per_second=200.0))
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
