"""Crawl health: run durations and counts, and the three warnings staff need."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from disclosure_search.models import CrawlRun, Document
from disclosure_search.reports.health import assess, crawl_health, run_health

from .data import ListCatalog, make_doc

NOW = datetime(2024, 6, 30, 3, 0, tzinfo=UTC)


def _run(run_id: int, days_ago: int, failed: int, **extra: int) -> CrawlRun:
    started = NOW - timedelta(days=days_ago, hours=1)
    return CrawlRun(id=run_id, started_at=started, finished_at=started + timedelta(minutes=12),
                    status="finished", full=False, sources=("kjj",),
                    counts={"kjj": {"fetched": 120, "new": 2, "failed": failed, **extra}},
                    failures=tuple((f"https://a.example/{i}", "HTTP 404: not found")
                                   for i in range(failed)))


def _active_docs(days_since_last: int, *, with_metadata: bool = True) -> list[Document]:
    docs = []
    for i in range(60):  # about one item a week over the last year
        day = NOW - timedelta(days=days_since_last + 6 * i)
        docs.append(make_doc(f"https://a.example/d{i}", f"通知{i}", first_seen=day,
                             published_date=day.date() if with_metadata else None,
                             doc_number="洪科发〔2024〕1号" if with_metadata else ""))
    return docs


def test_run_duration_counts_and_failure_reasons() -> None:
    health = run_health(_run(1, 0, 3, bytes=5000))
    assert health.duration_s == 720
    assert list(health.totals)[:6] == ["fetched", "unchanged", "new", "changed", "removed",
                                       "failed"]
    assert health.totals["failed"] == 3 and health.totals["bytes"] == 5000
    assert health.failure_reasons == {"HTTP 404（页面不存在）": 3}


def test_healthy_site_has_no_warnings() -> None:
    runs = [_run(i, i, 1) for i in range(6)]
    report = assess(runs, _active_docs(1), NOW)
    assert report.warnings == ()
    assert len(report.runs) == 6


def test_quiet_active_source_is_flagged() -> None:
    report = assess([_run(1, 0, 0)], _active_docs(20), NOW)
    (warning,) = report.warnings
    assert warning.kind == "quiet" and "20 天没有新文件" in warning.message


def test_failure_jump_is_flagged() -> None:
    runs = [_run(0, 0, 40)] + [_run(i, i, 2) for i in range(1, 6)]
    kinds = [w.kind for w in assess(runs, _active_docs(0), NOW).warnings]
    assert kinds == ["failures"]


def test_missing_metadata_on_new_pages_suggests_a_redesign() -> None:
    docs = _active_docs(30)
    for i in range(6):
        docs.append(make_doc(f"https://a.example/new{i}", f"改版后{i}",
                             first_seen=NOW - timedelta(minutes=30)))
    report = assess([_run(1, 0, 0)], docs, NOW)
    assert [w.kind for w in report.warnings] == ["extraction"]
    assert "网站可能已改版" in report.warnings[0].message


def test_crawl_health_reads_the_catalog_newest_run_first() -> None:
    catalog = ListCatalog([make_doc("https://a.example/x", "甲", published_date=date(2024, 6, 1))],
                          runs=[_run(1, 3, 0), _run(2, 1, 0)])
    report = crawl_health(catalog, NOW)
    assert [r.run.id for r in report.runs] == [2, 1]
