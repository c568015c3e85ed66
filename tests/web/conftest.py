"""Web test fixtures: a real data dir (Whoosh index, SQLite catalog, WARC), app, client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from disclosure_search.config import Settings, SourceSettings
from disclosure_search.models import CATEGORIES, Attachment, Document, document_id
from disclosure_search.web.app import create_app

#: Markup that must come out inert wherever a document or a person can put it.
XSS = (
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
)


def _archive_available() -> bool:
    try:
        from disclosure_search.archive.catalog import Catalog  # noqa: F401
        from disclosure_search.archive.warc import WarcWriter  # noqa: F401
    except ImportError:
        return False
    return True


HAS_ARCHIVE = _archive_available()
NEEDS_ARCHIVE = pytest.mark.skipif(
    not HAS_ARCHIVE, reason="needs disclosure_search.archive.catalog (archive stage not built yet)"
)
_TOPICS = ("科技创新", "农业发展", "高新技术企业", "政府信息公开", "行政许可", "安全生产")


@dataclass(frozen=True)
class SiteData:
    """The fixture data dir and the ids of the documents tests look at."""

    settings: Settings
    plain_id: str
    hostile_id: str
    changed_id: str
    removed_id: str
    documents: tuple[Document, ...]


def _doc(n: int, **fields: object) -> Document:
    url = f"http://kjj.example.gov.cn/xxgk/t2023{n:04d}_{n}.html"
    base: dict[str, object] = {
        "id": document_id(url),
        "source": "kjj" if n % 3 else "city",
        "url": url,
        "title": f"关于{_TOPICS[n % len(_TOPICS)]}工作的通知（第{n}号）",
        "body": f"为推进{_TOPICS[n % len(_TOPICS)]}，现将有关事项通知如下。\n"
        "一、总体要求。\n二、工作安排。",
        "category": CATEGORIES[n % 4],
        "category_raw": CATEGORIES[n % 4],
        "doc_number": f"洪科发〔{2019 + n % 5}〕{n}号",
        "agency": "南昌市科学技术局" if n % 2 else "南昌市人民政府办公厅",
        "published_date": date(2019 + n % 5, 1 + n % 12, 1 + n % 27),
        "first_seen": datetime(2024, 1, 1 + n % 27, 8, 0, tzinfo=UTC),
        "last_changed": datetime(2024, 1, 1 + n % 27, 8, 0, tzinfo=UTC),
    }
    base.update(fields)
    return Document(**base)  # type: ignore[arg-type]


def build_documents() -> list[Document]:
    """25 ordinary documents plus a hostile, a changed and a removed one."""
    docs = [_doc(n) for n in range(1, 26)]
    hostile = "".join(XSS)
    docs.append(_doc(
        90,
        title=f"恶意标题{XSS[0]}{XSS[1]}农业",
        body=f"正文含有{XSS[1]}与{XSS[2]}，农业发展。\n{XSS[3]}",
        doc_number=f"{XSS[2]}〔2023〕1号",
        agency=f"机构{XSS[0]}",
        category_raw=XSS[1],
        url="http://kjj.example.gov.cn/xxgk/t20230505_90.html",
        attachments=(
            Attachment(url="javascript:alert(1)", name=f"附件{XSS[1]}.pdf",
                       media_type="application/pdf", size=2048, text=f"附件文字{XSS[0]}"),
            Attachment(url="http://kjj.example.gov.cn/att/1.docx", name=f"{XSS[2]}.docx",
                       media_type="application/vnd.openxmlformats", size=None, text="",
                       error=hostile),
        ),
    ))
    docs.append(_doc(91, title="关于调整科技计划项目管理办法的通知",
                     body="第一条 项目资金按季度拨付。", topic="科技\\计划管理",
                     validity="现行有效", written_date=date(2020, 3, 5),
                     issuing_agency="南昌市人民政府", subject="科技 计划 通知"))
    docs.append(_doc(92, title="已撤下的公告公示", category="公告公示",
                     removed_at=datetime(2024, 3, 1, 9, 30, tzinfo=UTC)))
    return docs


def _settings(data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        sources=(
            SourceSettings(id="kjj", name="南昌市科技局", start_urls=("http://kjj.example.gov.cn/",)),
            SourceSettings(id="city", name="南昌市人民政府", start_urls=("http://www.example.gov.cn/",)),
        ),
    )


@pytest.fixture(scope="session")
def site_data(tmp_path_factory: pytest.TempPathFactory) -> SiteData:
    """A data dir with a real index (and, once the archive exists, catalog and WARC files)."""
    from disclosure_search.index.backend import open_backend

    settings = _settings(tmp_path_factory.mktemp("site"))
    docs = build_documents()
    backend = open_backend(settings.index_dir, writable=True)
    try:
        backend.upsert(docs)
    finally:
        backend.close()
    if HAS_ARCHIVE:
        from .archive_fixture import build_archive

        build_archive(settings, docs)
    return SiteData(
        settings=settings,
        plain_id=docs[0].id,
        hostile_id=docs[25].id,
        changed_id=docs[26].id,
        removed_id=docs[27].id,
        documents=tuple(docs),
    )


@pytest.fixture(scope="session")
def app(site_data: SiteData) -> Iterator[Flask]:
    """The site over the fixture data dir."""
    application = create_app(site_data.settings, test_config={"TESTING": True})
    yield application
    application.extensions["disclosure_search"].close()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A Flask test client."""
    return app.test_client()
