"""One request: headers sent, bodies as received, size cap, timeout, redirects."""

from __future__ import annotations

from crawl.site import Response, Site
from disclosure_search.config import CrawlSettings
from disclosure_search.crawl.fetch import Fetcher
from disclosure_search.crawl.rate import RateLimiter
from disclosure_search.crawl.retry import RetryPolicy

SETTINGS = CrawlSettings(user_agent="disclosure-search-test (+https://example.org/c)",
                         requests_per_second=0, timeout_s=0.5, retries=0, max_redirects=3)


def fetcher(settings: CrawlSettings = SETTINGS) -> Fetcher:
    return Fetcher(settings, rate=RateLimiter(0), retry=RetryPolicy(0, 0))


def test_body_and_headers_are_kept_exactly(site: Site) -> None:
    body = "<p>关于印发通知</p>".encode("gbk")
    site.add("/gbk.html", body, headers=[("Content-Type", "text/html"), ("X-Odd", "a  b")])
    page = fetcher().fetch(site.url("/gbk.html")).final
    assert (page.status, page.body, page.header("x-odd")) == (200, body, "a  b")
    sent = site.requested("/gbk.html")[0].headers
    assert sent["User-Agent"] == SETTINGS.user_agent
    assert sent["Accept-Encoding"] == "identity"
    assert dict(page.request_headers)["User-Agent"] == SETTINGS.user_agent


def test_size_cap_refuses_a_declared_length_over_it_without_reading(site: Site) -> None:
    site.add("/big.pdf", b"x" * 50_000, headers=[("Content-Type", "application/pdf")])
    result = fetcher().fetch(site.url("/big.pdf"), max_bytes=10_000)
    assert result.final.truncated and result.final.body == b""
    assert result.error == "too large: Content-Length 50000 is more than 10000 bytes"


def test_size_cap_stops_reading_a_body_of_unknown_length(site: Site) -> None:
    chunks = Response(b"x" * 50_000, headers=[("Content-Type", "application/pdf")])
    site.handle("/stream.pdf", lambda request: chunks)
    site.no_length.add("/stream.pdf")
    result = fetcher().fetch(site.url("/stream.pdf"), max_bytes=10_000)
    assert result.final.truncated and len(result.final.body) == 10_000
    assert result.error == "too large: more than 10000 bytes"


def test_timeout_is_reported_not_raised(site: Site) -> None:
    site.add("/slow.html", "<p>late</p>", delay=1.5)
    result = fetcher().fetch(site.url("/slow.html"))
    assert result.final.status == 0
    assert result.error == "timeout after 0.5 s"


def test_connection_refused_is_reported(site: Site) -> None:
    result = fetcher().fetch("http://127.0.0.1:9/nothing.html")
    assert result.final.status == 0 and result.error


def test_redirects_are_followed_and_each_hop_kept(site: Site) -> None:
    site.add("/old.html", status=301, headers=[("Location", "/new.html")])
    site.add("/new.html", "<p>here</p>")
    result = fetcher().fetch(site.url("/old.html"))
    assert [h.status for h in result.hops] == [301, 200]
    assert result.final.url == site.url("/new.html") and result.error is None


def test_redirect_loop_is_bounded(site: Site) -> None:
    site.add("/a.html", status=302, headers=[("Location", "/b.html")])
    site.add("/b.html", status=302, headers=[("Location", "/a.html")])
    result = fetcher().fetch(site.url("/a.html"))
    assert result.error is not None and "loop" in result.error
    assert len(site.paths()) == 2
    for n in range(10):
        site.add(f"/r{n}.html", status=302, headers=[("Location", f"/r{n + 1}.html")])
    result = fetcher().fetch(site.url("/r0.html"))
    assert result.error == "too many redirects (more than 3)"
    assert len(site.paths()) == 2 + 4


def test_redirect_target_is_checked_before_it_is_requested(site: Site) -> None:
    offsite = site.url("/elsewhere.html", host="localhost")
    site.add("/go.html", status=302, headers=[("Location", offsite)])
    result = fetcher().fetch(site.url("/go.html"),
                             gate=lambda url: "offsite" if "localhost" in url else None)
    assert result.error == "offsite"
    assert site.paths() == ["/go.html"]


def test_conditional_get_sends_validators_and_gets_304(site: Site) -> None:
    site.routes["/d.html"] = Response(b"<p>doc</p>", etag='"v1"')
    since = "Tue, 01 Sep 2020 00:00:00 GMT"
    page = fetcher().fetch(site.url("/d.html"), validators=('"v1"', since))
    assert page.final.status == 304 and page.final.body == b""
    sent = site.requested("/d.html")[0].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == since
