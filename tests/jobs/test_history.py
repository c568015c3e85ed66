"""Document history across portal editions: new, edited, silently edited, removed and gone items."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import pytest

from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import Settings, load_settings
from disclosure_search.crawl.contracts import CrawlEvent
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs.pipeline import CrawlReport, run_crawl
from disclosure_search.models import Document, SearchQuery
from disclosure_search.reports.check import check_documents
from disclosure_search.reports.checklist import parse_checklist
from disclosure_search.sample_portal import PortalDocument, SamplePortal, load_documents
from disclosure_search.web.app import create_app


@dataclass
class Stage:
    """The catalog as one run left it, and what the portal was asked during that run."""

    report: CrawlReport
    docs: dict[str, Document]  # by URL
    versions: dict[str, int]  # document id -> number of versions
    requests: list[tuple[str, str, int, int]] = field(default_factory=list)


@dataclass
class History:
    portal: SamplePortal
    settings: Settings
    stages: dict[int, Stage]
    copies: dict[int, Path]  # edition -> a copy of the data folder as that edition's run left it

    def url(self, item: PortalDocument) -> str:
        return self.portal.base_url(item.site) + item.path


def _role(role: str) -> PortalDocument:
    return next(d for d in load_documents() if d.role == role)


def _snapshot(settings: Settings, report: CrawlReport,
              requests: list[tuple[str, str, int, int]]) -> Stage:
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        docs = {d.url: d for d in catalog.iter_documents()}
        versions = {d.id: len(catalog.versions(d.id)) for d in docs.values()}
    return Stage(report, docs, versions, requests)


def _crawl(portal: SamplePortal, settings: Settings, **kwargs: object) -> Stage:
    before = len(portal.request_log)
    report = run_crawl(settings, **kwargs)  # type: ignore[arg-type]
    return _snapshot(settings, report, portal.request_log[before:])


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    """Edition 0 crawled in full, then editions 1 and 2 each crawled incrementally."""
    root = tmp_path_factory.mktemp("history")
    with SamplePortal() as portal:
        config = root / "disclosure-search.toml"
        config.write_text(portal.config_toml(root / "data"), encoding="utf-8")
        settings = load_settings(config, environ={})
        stages, copies = {0: _crawl(portal, settings, full=True)}, {}
        for edition in (1, 2):
            copies[edition - 1] = root / f"after-{edition - 1}"
            shutil.copytree(settings.data_dir, copies[edition - 1])
            portal.set_edition(edition)
            stages[edition] = _crawl(portal, settings)
        yield History(portal, settings, stages, copies)


def _copy(history: History, edition: int, tmp_path: Path) -> Settings:
    target = tmp_path / "data"
    shutil.copytree(history.copies[edition], target)
    return replace(history.settings, data_dir=target)


def test_edition_1_shows_exactly_the_new_the_edited_and_the_removed(history: History) -> None:
    before, after = history.stages[0], history.stages[1]
    new_urls = set(after.docs) - set(before.docs)
    expected_new = {history.url(d) for d in load_documents() if d.edition == 1}
    assert len(expected_new) == 5 and new_urls == expected_new
    assert history.stages[1].report.documents["kjj"] == {"new": 5, "changed": 2, "removed": 1}
    crawl = history.stages[1].report.crawl["kjj"]
    assert crawl.gone == 1 and crawl.failed == 0  # a removal is an observation, not a failure
    assert not +history.stages[1].report.documents["city"]
    edited, silent, removed = (history.url(_role(r)) for r in ("edited", "silent", "removed"))
    changed = {url for url, doc in before.docs.items()
               if after.versions[doc.id] != before.versions[doc.id]}
    assert changed == {edited, silent}, "no other document may gain a version"
    now_removed = {url for url, doc in after.docs.items() if doc.removed_at}
    assert now_removed == {removed}
    for url in new_urls:  # first seen during the second run, declared earlier
        doc = after.docs[url]
        assert doc.first_seen == doc.last_changed and doc.first_seen > _run_start(before)
        assert after.versions[doc.id] == 1


def _run_start(stage: Stage) -> datetime:
    """The latest moment the earlier run observed anything (its documents' last change)."""
    return max(d.last_changed for d in stage.docs.values() if d.last_changed)


def test_visible_edit_is_a_new_version_naming_title_body_and_metadata(history: History) -> None:
    item = _role("edited")
    doc = history.stages[1].docs[history.url(item)]
    with Catalog.open(history.settings.catalog_path, readonly=True) as catalog:
        first, second = catalog.versions(doc.id)
    assert second.title == item.revision["title"] and "（修订）" in second.title
    assert first.title == item.title
    summary = second.change_summary
    assert "title:" in summary and "body:" in summary and "doc_number" in summary
    assert second.metadata["doc_number"] != first.metadata["doc_number"]
    assert doc.last_changed == second.seen_at
    assert doc.published_date == history.stages[0].docs[doc.url].published_date


def test_silent_edit_changes_the_body_only_and_moves_last_changed(history: History) -> None:
    item = _role("silent")
    old, doc = (history.stages[n].docs[history.url(item)] for n in (0, 1))
    with Catalog.open(history.settings.catalog_path, readonly=True) as catalog:
        first, second = catalog.versions(doc.id)
    assert second.change_summary.startswith("body:") and "title" not in second.change_summary
    assert "fields" not in second.change_summary
    assert second.title == first.title and second.metadata == first.metadata
    assert second.body != first.body
    assert doc.published_date == old.published_date == date.fromisoformat(item.published_date)
    assert doc.first_seen == old.first_seen
    assert doc.last_changed is not None and old.last_changed is not None
    assert doc.last_changed > old.last_changed


def test_removed_and_gone_items_stay_readable_from_the_archive(history: History) -> None:
    removed, gone = (history.url(_role(r)) for r in ("removed", "gone"))
    stage1, stage2 = history.stages[1], history.stages[2]
    assert stage1.docs[gone].removed_at is None
    assert stage2.docs[gone].removed_at is not None
    assert history.stages[2].report.documents["kjj"] == {"removed": 1}
    assert stage2.docs[removed].removed_at == stage1.docs[removed].removed_at  # not re-dated
    client = create_app(history.settings, test_config={"TESTING": True}).test_client()
    for url in (removed, gone):
        doc = stage2.docs[url]
        api = client.get(f"/api/documents/{doc.id}").get_json()
        assert api["removed"] is True and api["removed_at"]
        assert api["title"] == doc.title and api["body"]
        ok = [c for c in api["captures"] if c["status"] == 200]
        assert ok, "the page as it was must still be in the archive"
        number = api["captures"].index(ok[-1]) + 1
        raw = client.get(f"/doc/{doc.id}/captures/{number}/raw")
        assert raw.status_code == 200 and doc.title[:10] in raw.get_data(as_text=True)
        page = client.get(f"/doc/{doc.id}")
        assert page.status_code == 200 and "已撤下" in page.get_data(as_text=True)


def test_index_follows_the_changes(history: History) -> None:
    edited = history.stages[1].docs[history.url(_role("edited"))]
    removed = history.stages[1].docs[history.url(_role("removed"))]
    new = [history.url(d) for d in load_documents() if d.edition == 1]
    backend = open_backend(history.settings.index_dir)
    try:
        for url in new:
            doc = history.stages[1].docs[url]
            hits = backend.search(SearchQuery(text=doc.title, per_page=5)).hits
            assert doc.id in [h.id for h in hits], doc.title
        hits = backend.search(SearchQuery(text=edited.title, per_page=3)).hits
        assert hits[0].id == edited.id and hits[0].title == edited.title
        # removed documents stay findable (the archive keeps them); their page says removed
        hits = backend.search(SearchQuery(text=removed.title, per_page=5)).hits
        assert removed.id in [h.id for h in hits]
        assert backend.stats().doc_count == len(history.stages[2].docs)
    finally:
        backend.close()


def test_incremental_runs_are_cheap_and_reindex_only_what_changed(history: History) -> None:
    full, inc = history.stages[0], history.stages[1]
    full_bytes = sum(size for *_, size in full.requests)
    inc_bytes = sum(size for *_, size in inc.requests)
    assert inc_bytes <= 0.05 * full_bytes
    statuses = [status for _, _, status, _ in inc.requests]
    assert statuses.count(304) >= len(full.docs) - 10  # known pages revalidated, not refetched
    assert inc.report.indexed == 7  # 5 new + 2 changed, nothing else
    assert history.stages[2].report.indexed == 0
    paths = {path for path, *_ in inc.requests}
    assert not [p for p in paths if "index_5" in p], "list walks stop at known items"
    attachments = [r for r in inc.requests if r[0].rsplit(".", 1)[-1] in ("pdf", "docx", "xlsx")]
    assert all(status == 304 for _, _, status, _ in attachments)


def test_declared_first_seen_and_lag_in_the_check_report(history: History) -> None:
    items = [*[d for d in load_documents() if d.edition == 1][:2], _role("edited")]
    rows = "title,due_date\n" + "".join(f"{d.title},{d.published_date}\n" for d in items)
    docs = history.stages[2].docs.values()
    report = check_documents(docs, parse_checklist(rows), date.today())
    for item, result in zip(items, report.results, strict=True):
        doc = history.stages[2].docs[history.url(item)]
        assert result.document_id == doc.id, result.reason
        assert result.published_date == date.fromisoformat(item.published_date)
        assert result.status == "published" and result.days_late == 0
        assert doc.first_seen is not None
        lag = (doc.first_seen.date() - result.published_date).days
        assert result.observed_days_late == lag and lag > 0


def test_full_sweep_marks_delisted_documents_removed(history: History, tmp_path: Path) -> None:
    settings = _copy(history, 1, tmp_path)
    history.portal.set_edition(2)
    stage = _crawl(history.portal, settings, full=True, source_id="kjj")
    gone = _role("gone")
    assert not [r for r in stage.requests if r[0] == gone.path], "a delisted page is not fetched"
    assert stage.docs[history.url(gone)].removed_at is not None
    assert stage.report.documents["kjj"]["removed"] == 1
    assert stage.report.indexed == 0
    live = {url for url, d in stage.docs.items() if d.removed_at is None and d.source == "kjj"}
    listed = {i.url for i in history.portal.listed_documents("kjj")}
    assert live == listed


def test_interrupted_run_removes_nothing_and_the_next_run_continues(
    history: History, tmp_path: Path
) -> None:
    settings = _copy(history, 0, tmp_path)
    history.portal.set_edition(1)
    stop, done = threading.Event(), [0]

    def halt(event: CrawlEvent) -> None:
        done[0] += 1
        if done[0] == 150:
            stop.set()

    first = _crawl(history.portal, settings, full=True, source_id="kjj", stop=stop,
                   on_progress=halt)
    assert first.report.status == "interrupted"
    # a sweep that did not finish has not seen every list: it decides no removal
    assert not [d for d in first.docs.values() if d.removed_at]
    assert first.report.documents["kjj"]["removed"] == 0
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        assert catalog.runs(1)[0].status == "interrupted"
    second = _crawl(history.portal, settings, source_id="kjj")
    assert second.report.status == "finished"
    expected = history.stages[1].docs
    assert {u for u, d in second.docs.items() if d.source == "kjj"} == {
        u for u, d in expected.items() if d.source == "kjj"}
    assert {u for u, d in second.docs.items() if d.removed_at} == {history.url(_role("removed"))}
