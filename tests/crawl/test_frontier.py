"""Hosts of one source fetched side by side: a slow host delays only its own pages."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from crawl.memory import MemorySink
from crawl.site import Site, detail_html, list_html
from disclosure_search.config import CrawlSettings, SourceSettings
from disclosure_search.crawl.crawler import Crawler
from disclosure_search.crawl.frontier import Frontier

RATE = 20.0  # requests per second per host: 50 ms apart at least
SETTINGS = CrawlSettings(requests_per_second=RATE, timeout_s=5, retries=0,
                         request_deadline_s=10)
SLOW = 0.6  # seconds the slow host takes for every answer (well inside its deadline)


@pytest.fixture
def slow() -> Iterator[Site]:
    with Site().running() as running:
        yield running


def _column(site: Site, name: str, count: int, delay: float = 0.0) -> list[str]:
    """A list /xxgk/index.html of ``count`` details on ``site``; every answer ``delay`` late."""
    details = [f"/xxgk/t2020010{n}_{n}.html" for n in range(1, count + 1)]
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n",
             headers=[("Content-Type", "text/plain")], delay=delay)
    site.add("/xxgk/index.html", list_html([(d.rsplit("/", 1)[1], f"{name}{n}")
                                            for n, d in enumerate(details, 1)]), delay=delay)
    for n, path in enumerate(details, 1):
        site.add(path, detail_html(f"{name}第{n}号通知"), delay=delay)
    return ["/robots.txt", "/xxgk/index.html", *details]


def _source(slow: Site, fast: Site) -> SourceSettings:
    # the slow host's start URL first: one queue for the whole source would fetch its
    # details before the fast host's
    return SourceSettings(id="city", name="市政府", start_urls=(
        slow.url("/xxgk/index.html"), fast.url("/xxgk/index.html")))


def test_a_slow_host_does_not_hold_up_the_other_hosts_of_its_source(
        site: Site, slow: Site) -> None:
    fast_paths = _column(site, "科技局", 6)
    slow_paths = _column(slow, "市政府", 2, delay=SLOW)
    sink = MemorySink()
    stats = Crawler(SETTINGS, _source(slow, site), sink, sink).run()

    assert sorted(site.paths()) == sorted(fast_paths)
    assert sorted(slow.paths()) == sorted(slow_paths)
    assert (stats.fetched, stats.new, stats.failed) == (2 + 8, 2 + 8, 0)
    # every page of the fast host was asked for before the slow host's second answer came
    # (its list), though the slow host's URLs were queued first
    assert max(r.at for r in site.log) < slow.log[1].at + SLOW
    # each host keeps its own politeness: one request at a time, at its own rate
    fast_times = [r.at for r in site.log]
    # (the limiter spaces the slots; a request sent late in its slot may arrive close to the
    # next one, so the rate shows over the whole run)
    assert fast_times[-1] - fast_times[0] >= 0.9 * (len(fast_times) - 1) / RATE
    slow_times = [r.at for r in slow.log]
    assert all(b - a >= SLOW * 0.9 for a, b in itertools.pairwise(slow_times))
    assert slow.paths()[0] == "/robots.txt" and site.paths()[0] == "/robots.txt"


def test_a_slow_robots_txt_holds_up_only_its_own_host(site: Site, slow: Site) -> None:
    fast_paths = _column(site, "科技局", 6)
    _column(slow, "市政府", 1)
    slow.add("/robots.txt", "User-agent: *\n", headers=[("Content-Type", "text/plain")],
             delay=2.0)
    sink = MemorySink()
    Crawler(SETTINGS, _source(slow, site), sink, sink).run()
    assert sorted(site.paths()) == sorted(fast_paths)
    assert max(r.at for r in site.log) < slow.log[0].at + 2.0
    assert len(slow.paths()) == 3


def test_one_host_at_a_time_keeps_one_order_for_the_whole_source(
        site: Site, slow: Site) -> None:
    _column(site, "科技局", 2)
    _column(slow, "市政府", 2, delay=0.05)
    sink = MemorySink()
    Crawler(replace(SETTINGS, hosts_at_once=1), _source(slow, site), sink, sink).run()
    order = [(p.url.split("/")[2] == f"127.0.0.1:{site.port}", p.url.rsplit("/", 1)[1])
             for p, kind in sink.pages if kind != "robots"]
    # lists of both hosts first, then details, each kind in the order found
    assert order == [(False, "index.html"), (True, "index.html"),
                     (False, "t20200101_1.html"), (False, "t20200102_2.html"),
                     (True, "t20200101_1.html"), (True, "t20200102_2.html")]


def test_stop_ends_a_crawl_within_seconds_while_a_host_is_slow(site: Site, slow: Site) -> None:
    _column(site, "科技局", 40)
    _column(slow, "市政府", 40, delay=SLOW)
    stop = threading.Event()
    sink = MemorySink()
    crawler = Crawler(replace(SETTINGS, requests_per_second=10), _source(slow, site), sink,
                      sink, stop=stop)
    threading.Timer(1.5, stop.set).start()
    started = time.monotonic()
    stats = crawler.run()
    assert time.monotonic() - started < 1.5 + SLOW + 1.0
    assert stats.stopped and stats.fetched < 2 + 80


def test_a_bug_in_one_visit_ends_the_work_and_is_raised() -> None:
    frontier: Frontier[int] = Frontier(3)
    for n in range(10):
        frontier.put(f"h{n % 3}", "page", n)
    visited: list[int] = []

    def visit(n: int) -> None:
        if n == 4:
            raise KeyError(n)
        visited.append(n)

    with pytest.raises(KeyError):
        frontier.work(visit, lambda: True)
    assert 4 not in visited and len(visited) < 10
