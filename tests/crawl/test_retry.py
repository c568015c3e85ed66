"""Retries: transient failures only, with backoff."""

from __future__ import annotations

from crawl.site import Request, Response, Site
from disclosure_search.config import CrawlSettings
from disclosure_search.crawl.fetch import Fetcher
from disclosure_search.crawl.rate import RateLimiter
from disclosure_search.crawl.retry import RetryPolicy, is_transient
from disclosure_search.models import FetchedPage


def fetcher(timeout: float = 2.0) -> Fetcher:
    settings = CrawlSettings(requests_per_second=0, timeout_s=timeout)
    return Fetcher(settings, rate=RateLimiter(0), retry=RetryPolicy(retries=2, backoff_s=0.01))


def test_503_twice_then_ok_is_fetched_on_the_third_try(site: Site) -> None:
    def flaky(request: Request) -> Response:
        if len(site.requested("/flaky.html")) <= 2:
            return Response(b"busy", status=503)
        return Response(b"<p>ok</p>")

    site.handle("/flaky.html", flaky)
    result = fetcher().fetch(site.url("/flaky.html"))
    assert (result.final.status, result.attempts) == (200, 3)


def test_404_and_403_are_asked_once(site: Site) -> None:
    site.add("/gone.html", status=404)
    site.add("/secret.html", status=403)
    assert fetcher().fetch(site.url("/gone.html")).final.status == 404
    assert fetcher().fetch(site.url("/secret.html")).final.status == 403
    assert site.paths() == ["/gone.html", "/secret.html"]


def test_retries_run_out_on_a_persistent_500(site: Site) -> None:
    site.add("/broken.html", status=500)
    result = fetcher().fetch(site.url("/broken.html"))
    assert (result.final.status, result.attempts) == (500, 3)


def test_backoff_doubles_and_honours_retry_after() -> None:
    policy = RetryPolicy(retries=3, backoff_s=1.0)
    page = FetchedPage("u", "u", 429, (), (("Retry-After", "7"),), b"", fetched_at=None)  # type: ignore[arg-type]
    assert [policy.delay(n, page) for n in (1, 2, 4)] == [7.0, 7.0, 8.0]
    assert is_transient(page)
    too_large = FetchedPage("u", "u", 200, (), (), b"", None, error="too large: more than 1",  # type: ignore[arg-type]
                            truncated=True)
    assert not is_transient(too_large)
