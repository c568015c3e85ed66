"""Documents and versions: a new version only when the extracted content changes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from disclosure_search.archive.catalog import Catalog
from disclosure_search.archive.schema import ARCHIVE_MIGRATIONS, migrate
from disclosure_search.archive.sink import ArchiveSink
from disclosure_search.archive.store import to_text
from disclosure_search.archive.warc import WarcWriter
from disclosure_search.models import Attachment, Document, FetchedPage, document_id

URL = "http://kjj.example.gov.cn/xxgk/202009/t20200930_1.html"
DOC = Document(
    id=document_id(URL), source="kjj", url=URL, title="关于印发《科技计划管理办法》的通知",
    body="各县区科技局：现印发……", category="规范性文件", category_raw="规范性文件",
    doc_number="洪科字〔2020〕1号", doc_number_norm="洪科字[2020]1号", agency="南昌市科技局",
    published_date=date(2020, 9, 30), written_date=date(2020, 9, 28),
    attachments=(Attachment(url="http://kjj.example.gov.cn/P1.pdf", name="办法.pdf",
                            media_type="application/pdf", text="第一条"),),
)


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    with Catalog.open(tmp_path / "catalog.sqlite3") as opened:
        yield opened


def capture(catalog: Catalog, body: str, when: datetime, url: str = URL) -> int:
    sink = ArchiveSink(WarcWriter(catalog.archive_dir), catalog)
    page = FetchedPage(url, url, 200, (), (("Content-Type", "text/html"),), body.encode(), when)
    with sink:
        return sink.record(page, "detail", "kjj").capture_id


def test_versions_only_when_content_changes(catalog: Catalog) -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    assert catalog.upsert_document(DOC, capture(catalog, "v1", day)) == "new"
    later = day + timedelta(days=1)
    assert catalog.upsert_document(DOC, capture(catalog, "v1 again", later)) == "unchanged"
    revised = replace(DOC, body=DOC.body + "（修订）", doc_number="洪科字〔2020〕2号")
    third = day + timedelta(days=2)
    assert catalog.upsert_document(revised, capture(catalog, "v2", third)) == "changed"
    versions = catalog.versions(DOC.id)
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].change_summary == "body: 12 → 16 characters; fields: doc_number"
    assert versions[0].metadata["doc_number"] == "洪科字〔2020〕1号"
    doc = catalog.document(DOC.id)
    assert doc is not None
    assert (doc.first_seen, doc.last_changed) == (day, third)
    assert doc.doc_number == "洪科字〔2020〕2号" and doc.body == revised.body
    assert doc.published_date == date(2020, 9, 30) and doc.written_date == date(2020, 9, 28)
    assert doc.attachments == DOC.attachments
    assert [c.fetched_at for c in catalog.captures_for_document(DOC.id)] == [day, later, third]


def test_removed_documents_and_their_return(catalog: Catalog) -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    catalog.upsert_document(DOC, capture(catalog, "v1", day))
    catalog.mark_removed(DOC.id, day + timedelta(days=3))
    gone = catalog.document(DOC.id)
    assert gone is not None and gone.removed_at == day + timedelta(days=3)
    assert [d.id for d in catalog.iter_documents(include_removed=False)] == []
    assert [d.id for d in catalog.iter_documents(source="kjj")] == [DOC.id]
    catalog.upsert_document(DOC, capture(catalog, "v1", day + timedelta(days=4)))
    back = catalog.document(DOC.id)
    assert back is not None and back.removed_at is None and len(catalog.versions(DOC.id)) == 1


def test_html_captures_lists_detail_pages_for_reindex(catalog: Catalog) -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [capture(catalog, f"<p>{n}</p>", day, f"{URL}?n={n}") for n in range(3)]
    assert [c.id for c in catalog.html_captures()] == ids
    assert catalog.document("nope") is None and catalog.versions("nope") == []


def test_topic_is_kept_and_reading_it_first_makes_no_new_version(catalog: Catalog) -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    assert catalog.upsert_document(DOC, capture(catalog, "v1", day)) == "new"
    with_topic = replace(DOC, topic="综合政务\\其他")  # an extractor that now reads 主题分类
    later = day + timedelta(days=1)
    assert catalog.upsert_document(with_topic, capture(catalog, "v1", later)) == "unchanged"
    assert [v.number for v in catalog.versions(DOC.id)] == [1]
    stored = catalog.document(DOC.id)
    assert stored is not None and stored.topic == "综合政务\\其他"


def test_issuing_agency_and_subject_are_stored_and_a_later_change_is_a_version(
    catalog: Catalog,
) -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    assert catalog.upsert_document(DOC, capture(catalog, "v1", day)) == "new"
    with catalog.conn:  # a version stored before the extractor read 发文机关 and 主题词
        catalog.conn.execute("UPDATE versions SET metadata = json_remove(metadata,"
                             " '$.issuing_agency', '$.subject')")
    # the extractor now reads them on the same page: no new version
    read = replace(DOC, issuing_agency="南昌市人民政府", subject="科技 计划 通知")
    assert catalog.upsert_document(read, capture(catalog, "v1", day + timedelta(days=1))) \
        == "unchanged"
    assert [v.number for v in catalog.versions(DOC.id)] == [1]
    stored = catalog.document(DOC.id)
    assert stored is not None
    assert (stored.agency, stored.issuing_agency, stored.subject) == (
        "南昌市科技局", "南昌市人民政府", "科技 计划 通知")
    # the page then names another issuer: that is a change, and the version says what changed
    moved = replace(read, issuing_agency="南昌市人民政府办公厅")
    assert catalog.upsert_document(moved, capture(catalog, "v2", day + timedelta(days=2))) \
        == "changed"
    latest = catalog.versions(DOC.id)[-1]
    assert latest.number == 2 and latest.change_summary == "fields: issuing_agency"
    assert latest.metadata["issuing_agency"] == "南昌市人民政府办公厅"


def test_a_catalog_from_before_the_new_fields_is_migrated_and_still_read(
    tmp_path: Path,
) -> None:
    """An existing catalog gains the 发文机关 and 主题词 columns; its documents read as before,
    also by a reader (the site) that opens it before any writer has migrated it."""
    path = tmp_path / "catalog.sqlite3"
    old = sqlite3.connect(path)
    migrate(old, "archive", [step for step in ARCHIVE_MIGRATIONS if step[0] <= 4])
    seen = to_text(datetime(2026, 1, 1, tzinfo=UTC))
    old.execute("INSERT INTO sources (id, added_at) VALUES ('kjj', ?)", (seen,))
    old.execute("INSERT INTO documents (id, source, url, title, agency, first_seen,"
                " last_changed) VALUES (?, 'kjj', ?, ?, '南昌市科技局', ?, ?)",
                (DOC.id, URL, DOC.title, seen, seen))
    old.commit()
    old.close()
    with Catalog.open(path, readonly=True) as reader:
        before = reader.document(DOC.id)
    assert before is not None
    assert (before.agency, before.issuing_agency, before.subject) == ("南昌市科技局", "", "")
    with Catalog.open(path) as writer:
        after = writer.document(DOC.id)
        columns = {row[1] for row in writer.conn.execute("PRAGMA table_info(documents)")}
    assert {"issuing_agency", "subject"} <= columns and after == before
