"""A site serving hostile files and pages beside good ones: each bad item is a recorded failure,
every good document is archived, extracted and searchable, in a crawl and in ``reindex``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crawl.rawserver import raw_server
from crawl.site import Site, detail_html, list_html
from disclosure_search.archive.catalog import Catalog
from disclosure_search.config import CrawlSettings, Settings, SourceSettings
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs.pipeline import reindex, run_crawl
from disclosure_search.models import SearchQuery
from disclosure_search.sample_portal.data import load_documents
from disclosure_search.sample_portal.files import make_docx
from hostile import nested_page, paragraph_bomb

DOCX = [("Content-Type",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]


def _real_documents() -> list[tuple[str, str]]:
    """(title, body) of three real items of the bundled portal."""
    docs = [d for d in load_documents() if len(d.body) > 200][:3]
    return [(d.title, d.body.split("\n")[0][:300]) for d in docs]


#: Paths of the misbehaving server the list page also links to.
RAW = ("/dribble-headers", "/dribble-body", "/short-body", "/huge-length", "/broken-chunks")


def _serve_hostile(site: Site, raw: str) -> dict[str, str]:
    """Fill ``site`` (its list also links to ``raw``'s misbehaving pages); return what is where."""
    good = _real_documents()
    paths = {
        "good0": "/xxgk/a/t1.html", "good1": "/xxgk/a/t2.html", "with_bombs": "/xxgk/a/t3.html",
        "nested1k": "/xxgk/a/t4.html", "nested200k": "/xxgk/a/t5.html",
        "bomb": "/xxgk/a/P1.docx", "memory": "/xxgk/a/P2.docx", "attachment": "/xxgk/a/P3.docx",
    }
    links = [(paths[k].replace("/xxgk/a/", "./"), good[0][0] + k) for k in
             ("good0", "good1", "with_bombs", "nested1k", "nested200k")]
    links += [(raw + "/xxgk/a" + path, f"{good[0][0]}{path}") for path in RAW]
    site.add("/xxgk/a/index.html", list_html(links))
    site.add(paths["good0"], detail_html(good[0][0], good[0][1]))
    site.add(paths["good1"], detail_html(good[1][0], good[1][1], attachments=("./P3.docx",)))
    site.add(paths["attachment"], make_docx("附件", good[2][1]), headers=DOCX)
    site.add(paths["with_bombs"], detail_html(good[2][0], good[2][1],
                                              attachments=("./P1.docx", "./P2.docx")))
    site.add(paths["bomb"], paragraph_bomb(187, 1024), headers=DOCX)
    site.add(paths["memory"], paragraph_bomb(40, 256), headers=DOCX)
    site.add(paths["nested1k"], nested_page(1_000, "嵌套页面", "嵌套"))
    site.add(paths["nested200k"], nested_page(200_000, "嵌套页面", "嵌套"))
    return {**paths, **{f"text{i}": body for i, (_, body) in enumerate(good)}}


def _phrase(body: str) -> str:
    return body.replace("，", " ").split()[0][:12]


def _assert_index(settings: Settings, texts: list[str]) -> None:
    backend = open_backend(settings.index_dir)
    try:
        assert backend.stats().doc_count == 3
        for text in texts:
            assert backend.search(SearchQuery(text=_phrase(text))).total >= 1, text
    finally:
        backend.close()


@pytest.mark.slow
def test_hostile_items_fail_one_by_one_and_every_good_document_is_searchable(
    tmp_path: Path,
) -> None:
    with Site().running() as site, raw_server() as raw:
        paths = _serve_hostile(site, raw)
        source = SourceSettings(id="kjj", name="示例市科技局",
                                # the misbehaving host's folder is in scope too
                                start_urls=(site.url("/xxgk/a/index.html"),
                                            raw + "/xxgk/a/index.html"))
        crawl = CrawlSettings(requests_per_second=100.0, extract_memory_mb=384,
                              extract_timeout_s=120, timeout_s=1, request_deadline_s=3,
                              retry_backoff_s=0.1)
        settings = Settings(data_dir=tmp_path, sources=(source,), crawl=crawl)
        started = time.monotonic()
        report = run_crawl(settings, full=True)
        took = time.monotonic() - started
    assert report.status == "finished"
    fetch_failures = dict(report.crawl["kjj"].failures)
    raw += "/xxgk/a"
    assert {raw + path for path in RAW} <= set(fetch_failures), fetch_failures
    assert fetch_failures[raw + "/dribble-headers"].startswith("deadline")
    assert fetch_failures[raw + "/dribble-body"].startswith(("too slow", "deadline"))
    assert fetch_failures[raw + "/short-body"].startswith("incomplete body")
    assert fetch_failures[raw + "/huge-length"].startswith("too large")
    assert took < 120, "a slow server holds the crawl for bounded time only"
    reasons = {url.removeprefix(site.url("")): reason for url, reason in report.extract_failures}
    assert "nest more than 200 deep" in reasons[paths["nested1k"]]
    assert "nest more than 200 deep" in reasons[paths["nested200k"]]
    assert "would inflate to" in reasons[paths["bomb"]]
    assert "memory budget of 384 MB" in reasons[paths["memory"]]
    assert len(reasons) == 4, reasons
    with Catalog.open(settings.catalog_path, readonly=True) as catalog:
        (run,) = catalog.runs(1)
        recorded = {url for url, reason in run.failures if reason.startswith("extraction")}
        docs = {d.url: d for d in catalog.iter_documents()}
    assert recorded == {site.url(paths[k]) for k in ("nested1k", "nested200k", "bomb", "memory")}
    attached = docs[site.url(paths["good1"])].attachments[0]
    assert attached.error is None and attached.text
    errors = [a.error for a in docs[site.url(paths["with_bombs"])].attachments]
    assert all(errors) and len(errors) == 2
    _assert_index(settings, [paths["text0"], paths["text1"], paths["text2"]])

    again = reindex(settings)
    assert again.status == "finished" and again.indexed == 3
    assert {url for url, _ in again.extract_failures} == recorded
    _assert_index(settings, [paths["text0"], paths["text1"], paths["text2"]])
