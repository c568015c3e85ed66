"""Deadlines, not just timeouts: a server that dribbles, promises more than it sends or breaks
its chunked stream costs a bounded time, and its answer is a failure, never a complete page."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from crawl.rawserver import raw_server
from crawl.site import Site
from disclosure_search.config import CrawlSettings
from disclosure_search.crawl.fetch import Fetcher
from disclosure_search.crawl.rate import RateLimiter
from disclosure_search.crawl.retry import RetryPolicy

SETTINGS = CrawlSettings(requests_per_second=0, timeout_s=1.0, request_deadline_s=2.0,
                         min_bytes_per_s=1000, retries=2, retry_backoff_s=0.1)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with raw_server() as url:
        yield url


def _fetch(url: str) -> tuple[str | None, bool, int, float]:
    fetcher = Fetcher(SETTINGS, rate=RateLimiter(0), retry=RetryPolicy.from_settings(SETTINGS))
    started = time.monotonic()
    result = fetcher.fetch(url)
    return result.error, result.final.truncated, result.attempts, time.monotonic() - started


def test_headers_sent_one_line_at_a_time_stop_at_the_deadline(base: str) -> None:
    error, _, attempts, took = _fetch(base + "/dribble-headers")
    assert error == "deadline: no complete answer within 2 s"
    assert attempts == 1 and took < 6  # not retried: another try would cost as much again


def test_a_body_dribbled_below_the_minimum_rate_is_given_up(base: str) -> None:
    error, truncated, attempts, took = _fetch(base + "/dribble-body")
    assert error is not None and error.startswith("too slow:"), error
    assert truncated and attempts == 1 and took < 6


def test_a_body_shorter_than_its_content_length_is_a_failure(base: str) -> None:
    error, truncated, attempts, _ = _fetch(base + "/short-body")
    assert error == "incomplete body: the body ended after 100 of 5000 bytes"
    assert truncated and attempts == 3  # a cut connection may be transient: retried


def test_an_impossible_content_length_is_refused_before_reading(base: str) -> None:
    error, truncated, _, took = _fetch(base + "/huge-length")
    assert error is not None and error.startswith("too large: Content-Length 1000000000000000")
    assert truncated and took < 3


def test_a_broken_chunked_stream_is_a_failure(base: str) -> None:
    error, truncated, _, _ = _fetch(base + "/broken-chunks")
    assert error is not None and error.startswith("incomplete body"), error
    assert truncated


def test_header_count_is_bounded(base: str) -> None:
    error, _, _, _ = _fetch(base + "/many-headers")
    assert error is not None and "more than 100 headers" in error


@pytest.mark.parametrize(("location", "scheme"), [
    ("file:///etc/passwd", "file"), ("ftp://127.0.0.1/a.pdf", "ftp"),
    ("javascript:alert(1)", "javascript")])
def test_refused_redirects_name_the_scheme(site: Site, location: str, scheme: str) -> None:
    site.add("/go.html", status=302, headers=[("Location", location)])
    fetcher = Fetcher(SETTINGS, rate=RateLimiter(0), retry=RetryPolicy(0, 0))
    result = fetcher.fetch(site.url("/go.html"))
    assert result.error is not None
    assert result.error.startswith(f"redirect to a {scheme}: URL refused"), result.error
