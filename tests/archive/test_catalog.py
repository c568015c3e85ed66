"""The catalog: capture pointers, state for the crawler, runs, migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from disclosure_search.archive.catalog import Catalog
from disclosure_search.archive.schema import ARCHIVE_MIGRATIONS
from disclosure_search.archive.sink import ArchiveSink
from disclosure_search.archive.warc import WarcWriter
from disclosure_search.crawl.contracts import PageReading
from disclosure_search.errors import ArchiveError
from disclosure_search.models import FetchedPage


def fetched(url: str, body: bytes, status: int = 200, etag: str | None = '"e1"') -> FetchedPage:
    headers = [("Content-Type", "text/html")] + ([("ETag", etag)] if etag else [])
    return FetchedPage(url, url, status, (("Host", "h"),), tuple(headers), body,
                       datetime.now(UTC))


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[ArchiveSink]:
    catalog = Catalog.open(tmp_path / "catalog.sqlite3")
    run_id = catalog.start_run(["kjj"], False)
    with catalog, ArchiveSink(WarcWriter(tmp_path / "archive"), catalog, run_id) as opened:
        yield opened


def test_every_capture_points_at_its_exchange(sink: ArchiveSink) -> None:
    pages = [fetched(f"http://h/t{n}.html", f"<p>第{n}号</p>".encode()) for n in range(5)]
    reading = PageReading("gb18030", (("http://h/t1.html", "通知"),),
                          (("http://h/P1.pdf", "附件一"), ("http://h/d.jsp?filename=2.docx", "")))
    ids = [sink.record(p, "detail", "kjj", reading).capture_id for p in pages]
    catalog = sink.catalog
    for capture_id, original in zip(ids, pages, strict=True):
        capture = catalog.capture(capture_id)
        assert capture is not None and capture.kind == "detail"
        assert capture.charset == "gb18030"  # the crawler's, not detected again
        assert catalog.read_page(capture) == original
        assert catalog.capture_links(capture_id, "attachment") == list(reading.attachments)
        assert catalog.capture_links(capture_id, "page") == list(reading.links)
    assert catalog.capture(9999) is None


def test_a_capture_the_crawler_did_not_read_has_no_recorded_links(sink: ArchiveSink) -> None:
    capture_id = sink.record(fetched("http://h/a.html", b"<p>v1</p>"), "other", "kjj").capture_id
    capture = sink.catalog.capture(capture_id)
    assert capture is not None and capture.charset is None
    assert sink.catalog.capture_links(capture_id, "attachment") is None


def test_outcomes_and_revisits(sink: ArchiveSink) -> None:
    first = sink.record(fetched("http://h/a.html", b"<p>v1</p>"), "detail", "kjj")
    same = sink.record(fetched("http://h/a.html", b"<p>v1</p>"), "detail", "kjj")
    changed = sink.record(fetched("http://h/a.html", b"<p>v2</p>"), "detail", "kjj")
    elsewhere = sink.record(fetched("http://h/b.html", b"<p>v1</p>"), "detail", "kjj")
    assert [r.outcome for r in (first, same, changed, elsewhere)] == [
        "new", "unchanged", "changed", "new"]
    assert [r.is_new_payload for r in (first, same, changed, elsewhere)] == [
        True, False, True, False]
    catalog = sink.catalog
    for capture in catalog.captures_for_url("http://h/a.html"):
        assert catalog.read_page(capture).body in (b"<p>v1</p>", b"<p>v2</p>")
    latest = catalog.latest_capture("http://h/a.html")
    assert latest is not None and latest.id == changed.capture_id
    assert catalog.read_page(catalog.capture(elsewhere.capture_id)).body == b"<p>v1</p>"  # type: ignore[arg-type]


def test_state_for_incremental_crawls(sink: ArchiveSink) -> None:
    sink.record(fetched("http://h/a.html", b"a"), "detail", "kjj")
    sink.record(fetched("http://h/gone.html", b"no", status=404), "detail", "kjj")
    sink.record(fetched("http://h/plain.html", b"p", etag=None), "detail", "kjj")
    assert sink.is_known("http://h/a.html") and not sink.is_known("http://h/gone.html")
    assert sink.validators("http://h/a.html") == ('"e1"', None)
    assert sink.validators("http://h/plain.html") is None
    assert sink.validators("http://h/never.html") is None


def test_runs_and_failures_are_recorded(sink: ArchiveSink) -> None:
    catalog = sink.catalog
    assert sink.run_id is not None
    sink.record_failure("http://h/x.html", "HTTP 500", "kjj")
    catalog.finish_run(sink.run_id, "finished", {"kjj": {"fetched": 3, "failed": 1}})
    later = catalog.start_run(["kjj", "portal"], True)
    runs = catalog.runs(10)
    assert [r.id for r in runs] == [later, sink.run_id]
    done = runs[1]
    assert done.status == "finished" and done.finished_at is not None
    assert done.counts == {"kjj": {"fetched": 3, "failed": 1}}
    assert done.failures == (("http://h/x.html", "HTTP 500"),)
    assert runs[0].status == "running" and runs[0].full and runs[0].sources == ("kjj", "portal")


def test_migrations_are_idempotent_and_other_components_add_their_own(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    Catalog.open(path).close()
    with Catalog.open(path) as catalog:
        version = catalog.migrate("web", ((1, "staff users", "CREATE TABLE users (id TEXT)"),))
        assert version == 1
        assert catalog.migrate("web", ((1, "staff users", "CREATE TABLE users (id TEXT)"),)) == 1
    rows = dict(sqlite3.connect(path).execute("SELECT component, version FROM schema_version"))
    assert rows == {"archive": ARCHIVE_MIGRATIONS[-1][0], "links": 1, "web": 1}
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_readonly_open(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="请先运行 disclosure-search crawl"):
        Catalog.open(tmp_path / "none.sqlite3", readonly=True)
    Catalog.open(tmp_path / "c.sqlite3").close()
    with Catalog.open(tmp_path / "c.sqlite3", readonly=True) as catalog:
        assert catalog.runs() == []
        with pytest.raises(sqlite3.OperationalError):
            catalog.start_run(["x"], False)
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all" * 100)
    with pytest.raises(ArchiveError, match="不是可用的存档目录"):
        Catalog.open(tmp_path / "junk.sqlite3")
