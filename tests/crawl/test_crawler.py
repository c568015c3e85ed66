"""The crawl loop against a local site: order, scope, robots, failures, incremental runs."""

from __future__ import annotations

import threading
from dataclasses import replace

from crawl.memory import MemorySink
from crawl.site import Site, detail_html, list_html, trs_site
from disclosure_search.config import CrawlSettings, SourceSettings
from disclosure_search.crawl.contracts import CrawlEvent
from disclosure_search.crawl.crawler import Crawler, column_key
from disclosure_search.jobs.page_reader import PageExtractor

FAST = CrawlSettings(requests_per_second=0, timeout_s=2, retries=2, retry_backoff_s=0.01)


def crawl(site: Site, sink: MemorySink, start: str = "/xxgk/tzgg/index.html",
          settings: CrawlSettings = FAST, **kwargs: object) -> Crawler:
    source = SourceSettings(id="kjj", name="科技局", start_urls=(site.url(start),))
    kwargs.setdefault("reader", PageExtractor().for_source(source))  # as jobs gives it
    crawler = Crawler(settings, source, sink, sink, **kwargs)  # type: ignore[arg-type]
    crawler.run()
    return crawler


def test_trs_column_is_crawled_lists_first_with_all_pages(site: Site) -> None:
    details = trs_site(site, pages=3, per_page=3)
    sink = MemorySink()
    stats = crawl(site, sink).stats
    requested = site.paths()
    assert requested[0] == "/robots.txt"
    lists = [p for p in requested if "index" in p]
    first_detail = min(requested.index(d) for d in details)
    assert all(requested.index(p) < first_detail for p in lists)
    assert set(details) <= set(requested)
    assert (stats.new, stats.fetched, stats.failed) == (3 + 9, 3 + 9, 0)
    assert stats.requests == 3 + 9 + 1  # and robots.txt, archived but not counted as a page
    kinds = sink.kinds()
    assert kinds[site.url(details[0])] == "detail"
    assert kinds[site.url("/xxgk/tzgg/index_2.html")] == "list"


def test_column_key_ignores_page_numbers() -> None:
    assert column_key("http://h/a/index_3.html") == column_key("http://h/a/index.html")
    assert column_key("http://h/a/list?page=2&c=1") == column_key("http://h/a/list?c=1")


def test_never_leaves_the_hosts_not_even_by_redirect(site: Site) -> None:
    offsite = site.url("/xxgk/offsite.html", host="localhost")
    site.add("/xxgk/index.html", list_html([(offsite, "外链"), ("go.html", "跳转"),
                                            ("t20200101_1.html", "正文")]))
    site.add("/xxgk/go.html", status=302, headers=[("Location", offsite)])
    site.add("/xxgk/t20200101_1.html", detail_html("正文"))
    site.add("/xxgk/offsite.html", "<p>elsewhere</p>")
    sink = MemorySink()
    stats = crawl(site, sink, "/xxgk/index.html").stats
    assert all(r.host == f"127.0.0.1:{site.port}" for r in site.log)
    assert "/xxgk/offsite.html" not in site.paths()
    assert stats.skipped_scope == 2
    assert (site.url("/xxgk/go.html"), f"redirect to {offsite} leaves the source's hosts") in (
        stats.failures)


def test_one_failing_url_does_not_end_the_crawl_and_counts_add_up(site: Site) -> None:
    site.add("/xxgk/index.html", list_html([
        ("t20200101_1.html", "a"), ("missing.html", "b"), ("broken.html", "c"),
        ("slow.html", "d"), ("t20200101_2.html", "e"), ("big.pdf", "f"),
    ]))
    site.add("/xxgk/t20200101_1.html", detail_html("一", attachments=("f1.docx",)))
    site.add("/xxgk/f1.docx", b"PK\x03\x04docx", headers=[("Content-Type", "application/msword")])
    site.add("/xxgk/t20200101_2.html", detail_html("二"))
    site.add("/xxgk/broken.html", status=500)
    site.add("/xxgk/slow.html", "<p>slow</p>", delay=1.0)
    site.add("/xxgk/big.pdf", b"%PDF" + b"0" * 5000, headers=[("Content-Type", "application/pdf")])
    settings = replace(FAST, timeout_s=0.3, retries=1, max_attachment_bytes=1000)
    events: list[CrawlEvent] = []
    sink = MemorySink()
    stats = crawl(site, sink, "/xxgk/index.html", settings, on_progress=events.append).stats
    reasons = dict(stats.failures)
    assert reasons[site.url("/xxgk/missing.html")] == "HTTP 404"
    assert reasons[site.url("/xxgk/broken.html")] == "HTTP 500"
    assert reasons[site.url("/xxgk/slow.html")] == "timeout after 0.3 s"
    assert reasons[site.url("/xxgk/big.pdf")] == (
        "too large: Content-Length 5004 is more than 1000 bytes")  # refused before reading
    assert stats.failed == 4 and sink.failures == stats.failures
    assert stats.new == 4  # index, two details, one attachment
    assert stats.fetched == 4 + 3  # and 404, 500, the truncated pdf got answers
    assert site.paths().count("/xxgk/broken.html") == 2  # retried once: 5xx is transient
    assert site.paths().count("/xxgk/missing.html") == 1
    assert sink.kinds()[site.url("/xxgk/f1.docx")] == "attachment"
    assert events[-1].counts == stats.counts() and len(events) == 8
    assert stats.bytes == sum(len(p.body) for p, _ in sink.pages)


def test_incremental_run_uses_validators_and_stops_at_known_items(site: Site) -> None:
    details = trs_site(site, pages=4, per_page=3)
    sink = MemorySink()
    crawl(site, sink)
    site.log.clear()
    settings = replace(FAST, known_streak=3)
    stats = crawl(site, sink, settings=settings).stats
    # index.html shows 3 known items in a row: the column stops paging after it
    assert [p for p in site.paths() if "index" in p] == ["/xxgk/tzgg/index.html"]
    assert stats.skipped_known == 3
    assert stats.unchanged == 1 + 3 and stats.new == 0
    assert site.requested(details[0])[0].headers["If-None-Match"] == '"d1"'
    assert [p.status for p, _ in sink.pages[-3:]] == [304, 304, 304]
    site.log.clear()
    stats = crawl(site, sink, settings=settings, full=True).stats
    assert len([p for p in site.paths() if "index" in p]) == 4
    assert "If-None-Match" not in site.requested(details[0])[0].headers
    assert stats.unchanged == 4 + 12


def test_new_items_keep_an_incremental_run_paging(site: Site) -> None:
    trs_site(site, pages=3, per_page=3)
    sink = MemorySink()
    crawl(site, sink)
    site.add("/xxgk/tzgg/index.html", list_html(
        [(f"./202010/t20201001_{n}.html", "新") for n in range(3)],
        'createPageHTML(3, 0, "index", "html");'))
    for n in range(3):
        site.add(f"/xxgk/tzgg/202010/t20201001_{n}.html", detail_html(f"新{n}"))
    site.log.clear()
    stats = crawl(site, sink, settings=replace(FAST, known_streak=3)).stats
    assert "/xxgk/tzgg/index_1.html" in site.paths()
    assert "/xxgk/tzgg/index_2.html" not in site.paths()
    assert stats.new == 3 and stats.changed == 1


def test_stop_event_ends_the_crawl_at_a_clean_point(site: Site) -> None:
    trs_site(site, pages=2, per_page=3)
    stop = threading.Event()
    sink = MemorySink()

    def stop_after_two(event: CrawlEvent) -> None:
        if event.counts["fetched"] == 2:
            stop.set()

    stats = crawl(site, sink, on_progress=stop_after_two, stop=stop).stats
    assert stats.stopped and stats.fetched == 2
    assert len(sink.pages) == 3  # robots.txt and the two pages, each archived whole


def test_gbk_list_without_charset_header_is_followed(site: Site) -> None:
    html = '<html><body><a href="t20200101_9.html">关于公布科技项目的通知</a></body></html>'
    site.add("/xxgk/index.html", html.encode("gbk"), headers=[("Content-Type", "text/html")])
    site.add("/xxgk/t20200101_9.html", detail_html("关于公布科技项目的通知"))
    sink = MemorySink()
    crawl(site, sink, "/xxgk/index.html")
    assert "/xxgk/t20200101_9.html" in site.paths()
    gbk_page = next(p for p, _ in sink.pages if p.url.endswith("/xxgk/index.html"))
    assert gbk_page.body == html.encode("gbk")
    # read once: the charset found and the links seen go to the archive with the page
    reading = sink.readings[gbk_page.url]
    assert reading.charset == "gb18030"
    assert reading.links == ((site.url("/xxgk/t20200101_9.html"), "关于公布科技项目的通知"),)


def test_requests_to_the_site_are_spaced_by_the_rate_limit(site: Site) -> None:
    trs_site(site, pages=1, per_page=4)
    crawl(site, MemorySink(), settings=replace(FAST, requests_per_second=20))
    times = [r.at for r in site.log]
    assert len(times) == 6
    # Timestamps are taken where the server's thread gets to the request, which a loaded
    # machine delays by a few ms either way: the rate shows in the whole span (0.25 s at 20/s;
    # without the limiter it is a few ms).
    assert times[-1] - times[0] >= 5 * 0.05 * 0.9


def test_chinese_attachment_names_are_requested_percent_encoded(site: Site) -> None:
    site.add("/xxgk/index.html", list_html([("t20200101_3.html", "通知")]))
    site.add("/xxgk/t20200101_3.html", detail_html("通知", attachments=("附件 1.pdf",)))
    site.add("/xxgk/%E9%99%84%E4%BB%B6%201.pdf", b"%PDF-1.4",
             headers=[("Content-Type", "application/pdf")])
    stats = crawl(site, MemorySink(), "/xxgk/index.html").stats
    assert "/xxgk/%E9%99%84%E4%BB%B6%201.pdf" in site.paths()
    assert stats.failed == 0 and stats.new == 3
