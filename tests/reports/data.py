"""Documents shaped like the archive's (real titles and 文号 forms), and a real catalog of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

from disclosure_search.config import Settings
from disclosure_search.models import CrawlRun, Document, FetchedPage, Version, document_id


def make_doc(url: str, title: str, **fields: object) -> Document:
    """A Document as the catalog returns it: id from the URL, defaults for the rest."""
    fields.setdefault("source", "kjj")
    return Document(id=document_id(url), url=url, title=title, **fields)  # type: ignore[arg-type]


def seen(day: str) -> datetime:
    """Midnight-ish UTC datetime for an ISO day (the archive stores aware times)."""
    return datetime.fromisoformat(day).replace(hour=2, tzinfo=UTC)


def sample_documents() -> list[Document]:
    """A small bureau site: policies, notices, one removed item, two near-identical titles."""
    base = "https://kjj.example.gov.cn/xxgk"
    return [
        make_doc(f"{base}/gfxwj/201803/t20180305_1.html",
                 "南昌市科技局关于印发《南昌市科技创新券管理办法》的通知",
                 doc_number="洪科发〔2018〕12号", doc_number_norm="洪科发〔2018〕12号",
                 category="规范性文件", published_date=date(2018, 3, 5),
                 first_seen=seen("2018-03-06")),
        make_doc(f"{base}/gfxwj/201805/t20180520_2.html",
                 "关于开展2018年度高新技术企业认定工作的通知",
                 doc_number="洪科字[2018]30号", doc_number_norm="洪科字〔2018〕30号",
                 category="规范性文件", published_date=date(2018, 5, 20),
                 first_seen=seen("2018-05-21")),
        make_doc(f"{base}/tzgg/201806/t20180601_3.html",
                 "2018年南昌市科技计划项目申报指南",
                 category="公告公示", published_date=date(2018, 6, 1),
                 first_seen=seen("2018-06-10")),
        make_doc(f"{base}/tzgg/201807/t20180702_4.html",
                 "南昌市科技局2018年上半年工作总结",
                 category="规划计划", published_date=None, first_seen=seen("2018-07-15")),
        make_doc(f"{base}/tzgg/201809/t20180903_5.html",
                 "关于公布2018年第一批科技型中小企业名单的公告",
                 category="公告公示", published_date=date(2018, 9, 3),
                 first_seen=seen("2018-09-03")),
        make_doc(f"{base}/tzgg/201809/t20180910_6.html",
                 "关于公布2018年第二批科技型中小企业名单的公告",
                 category="公告公示", published_date=date(2018, 9, 10),
                 first_seen=seen("2018-09-10")),
        make_doc(f"{base}/zcjd/201810/t20181008_7.html",
                 "《南昌市科技创新券管理办法》政策解读",
                 category="政策解读", published_date=date(2018, 10, 8),
                 first_seen=seen("2018-10-09"), removed_at=seen("2019-01-05")),
        make_doc("https://www.nc.example.gov.cn/art/2018/11/1/art_5_8.html",
                 "南昌市人民政府办公厅关于加强科技成果转化的实施意见",
                 source="portal", doc_number="洪府办发〔2018〕88号",
                 doc_number_norm="洪府办发〔2018〕88号", category="规范性文件",
                 published_date=date(2018, 11, 1), first_seen=seen("2018-11-01")),
    ]


class ListCatalog:
    """The catalog's read API over plain lists (the report functions take any such object)."""

    def __init__(self, documents: list[Document], versions: dict[str, list[Version]] | None = None,
                 runs: list[CrawlRun] | None = None) -> None:
        self._documents = documents
        self._versions = versions or {}
        self._runs = runs or []

    def iter_documents(self, source: str | None = None,
                       include_removed: bool = True) -> Iterator[Document]:
        for doc in self._documents:
            if (source is None or doc.source == source) and (
                    include_removed or doc.removed_at is None):
                yield doc

    def versions(self, doc_id: str) -> list[Version]:
        return list(self._versions.get(doc_id, []))

    def runs(self, limit: int = 50) -> list[CrawlRun]:
        return self._runs[:limit]


def build_catalog(settings: Settings, docs: list[Document]) -> None:
    """Write ``docs`` into a real catalog as a crawl would: a WARC capture each, at first_seen."""
    from disclosure_search.archive.catalog import Catalog
    from disclosure_search.archive.warc import WarcWriter

    catalog = Catalog.open(settings.catalog_path)
    writer = WarcWriter(settings.archive_dir, prefix="test")
    try:
        for doc in docs:
            when = doc.first_seen or datetime(2024, 1, 1, tzinfo=UTC)
            body = f"<html><head><title>{doc.title}</title></head><body>{doc.body}</body></html>"
            page = FetchedPage(url=doc.url, final_url=doc.url, status=200,
                               request_headers=(("User-Agent", "test"),),
                               response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                               body=body.encode(), fetched_at=when)
            capture = catalog.record_capture(page, writer.write(page), "detail", doc.source)
            catalog.upsert_document(replace(doc, capture_id=capture.id), capture.id)
            if doc.removed_at:
                catalog.mark_removed(doc.id, doc.removed_at)
    finally:
        writer.close()
        catalog.close()
