"""The crawl loop against a local site: order, scope, robots, failures, incremental runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawl.memory import MemorySink
from crawl.site import Site, trs_site
from disclosure_search.config import CrawlSettings, SourceSettings
from disclosure_search.crawl.crawler import Crawler, column_key

FAST = CrawlSettings(requests_per_second=0, timeout_s=2, retries=2, retry_backoff_s=0.01)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site().running() as running:
        yield running


def crawl(site: Site, sink: MemorySink, start: str = "/xxgk/tzgg/index.html",
          settings: CrawlSettings = FAST, **kwargs: object) -> Crawler:
    source = SourceSettings(id="kjj", name="科技局", start_urls=(site.url(start),))
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
