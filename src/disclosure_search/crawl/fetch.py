"""One HTTP GET (or conditional GET) to a FetchedPage, and bounded, scope-checked redirects."""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from disclosure_search.config import CrawlSettings
from disclosure_search.crawl.rate import RateLimiter
from disclosure_search.crawl.retry import DEADLINE, INCOMPLETE, TOO_LARGE, TOO_SLOW, RetryPolicy
from disclosure_search.crawl.scope import host_of
from disclosure_search.models import FetchedPage
from disclosure_search.vocabulary.urls import canonicalize

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

#: Returns None when a URL may be requested, else the reason it may not.
Gate = Callable[[str], "str | None"]


@dataclass(frozen=True)
class FetchResult:
    """Every exchange made for one URL (redirect hops in order) and why it stopped, if it failed.

    ``error`` is set when the chain ended without a usable final response: the last hop's own
    error (timeout, too large), or a redirect that was not followed (out of scope, loop, limit).
    """

    hops: tuple[FetchedPage, ...]
    error: str | None = None
    attempts: int = 1

    @property
    def final(self) -> FetchedPage:
        """The last exchange made."""
        return self.hops[-1]


class Fetcher:
    """Makes the HTTP requests: honest User-Agent, identity encoding, timeouts and size caps.

    Components are injected: a :class:`RateLimiter` spaces requests per host and a
    :class:`RetryPolicy` retries transient failures. Bodies are kept exactly as received;
    ``Accept-Encoding: identity`` asks servers not to compress them.
    """

    def __init__(
        self,
        settings: CrawlSettings,
        *,
        rate: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.settings = settings
        self.rate = rate or RateLimiter(settings.requests_per_second)
        self.retry = retry or RetryPolicy.from_settings(settings)
        self.stop = stop
        self._ssl = ssl.create_default_context()

    def fetch(
        self,
        url: str,
        *,
        gate: Gate | None = None,
        validators: tuple[str | None, str | None] | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url``, following redirects; each hop is checked by ``gate`` before it is sent.

        Args:
            url: a canonical http(s) URL (already checked by the caller).
            gate: says whether a redirect target may be requested (scope, robots.txt).
            validators: ``(etag, last_modified)`` of the previous capture for a conditional GET.
            max_bytes: size cap for the body (default ``max_page_bytes``).
        """
        extra = _conditional_headers(validators)
        hops: list[FetchedPage] = []
        seen = {url}
        attempts = 0
        while True:
            page, tries = self.fetch_with_retry(url, extra, max_bytes)
            hops.append(page)
            attempts += tries
            if page.error or page.status not in REDIRECT_STATUSES:
                return FetchResult(tuple(hops), page.error, attempts)
            target = _redirect_target(page)
            reason = self._redirect_problem(target, seen, len(hops), gate,
                                            page.header("Location"))
            if reason or target is None:
                return FetchResult(tuple(hops), reason, attempts)
            seen.add(target)
            url, extra = target, ()

    def _redirect_problem(
        self, target: str | None, seen: set[str], hops: int, gate: Gate | None,
        location: str | None = None,
    ) -> str | None:
        if target is None and location:
            scheme = location.strip().split(":", 1)[0].lower() if ":" in location else ""
            usable = scheme.isascii() and scheme.isalpha()
            what = f"a {scheme}: URL" if usable else "an unusable URL"
            shown = location.strip()[:80]
            return f"redirect to {what} refused ({shown!r}); only http(s) is followed"
        if target is None:
            return "redirect without a Location header"
        if target in seen:
            return f"redirect loop at {target}"
        if hops > self.settings.max_redirects:
            return f"too many redirects (more than {self.settings.max_redirects})"
        return gate(target) if gate else None

    def fetch_with_retry(
        self, url: str, extra: Sequence[tuple[str, str]] = (), max_bytes: int | None = None
    ) -> tuple[FetchedPage, int]:
        """One exchange (no redirects), retried per the policy; returns it and the tries made."""

        def attempt() -> FetchedPage:
            self.rate.wait(host_of(url))
            return self.fetch_once(url, extra, max_bytes)

        return self.retry.run(attempt, stop=self.stop)

    def fetch_once(
        self, url: str, extra: Sequence[tuple[str, str]] = (), max_bytes: int | None = None
    ) -> FetchedPage:
        """Send one GET and read the answer; never raises for network trouble (see ``error``)."""
        cap = self.settings.max_page_bytes if max_bytes is None else max_bytes
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [
            ("Host", parts.netloc),
            ("User-Agent", self.settings.user_agent),
            ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
            ("Accept-Encoding", "identity"),
            ("Connection", "close"),
            *extra,
        ]
        started = datetime.now(UTC)
        conn = self._connection(parts.scheme, parts.hostname or "", parts.port)
        status, version, resp_headers, body = 0, "HTTP/1.1", [], b""
        error: str | None = None
        truncated = False
        # The per-read timeout alone lets a server dribble headers or body forever: a
        # watchdog closes the socket when the whole exchange overruns its deadline.
        watchdog = _Watchdog(conn, self.settings.request_deadline_s)
        try:
            conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                conn.putheader(name, value)
            conn.endheaders()
            resp = conn.getresponse()
            status = resp.status
            version = "HTTP/1.0" if resp.version == 10 else "HTTP/1.1"
            resp_headers = resp.getheaders()
            body, truncated, error = _read_body(resp, cap, self.settings.min_bytes_per_s,
                                                self.settings.timeout_s)
        except (OSError, http.client.HTTPException, UnicodeError, ValueError) as exc:
            error = _describe(exc, self.settings.timeout_s)
            truncated = status != 0
        finally:
            watchdog.cancel()
            conn.close()
        if watchdog.fired:
            error = f"{DEADLINE}: no complete answer within {self.settings.request_deadline_s:g} s"
            truncated = status != 0
        if error:
            log.info("fetch %s: %s", url, error)
        return FetchedPage(
            url=url, final_url=url, status=status, request_headers=tuple(headers),
            response_headers=tuple(resp_headers), body=body, fetched_at=started,
            http_version=version, error=error, truncated=truncated,
        )

    def _connection(self, scheme: str, host: str, port: int | None) -> http.client.HTTPConnection:
        timeout = self.settings.timeout_s
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=timeout, context=self._ssl)
        return http.client.HTTPConnection(host, port, timeout=timeout)


class _Watchdog:
    """Shuts a connection's socket down when ``seconds`` pass before :meth:`cancel`."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float) -> None:
        self.conn = conn
        self.fired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        self.fired = True
        sock = self.conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # wakes the blocked read in the other thread
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _read_body(resp: http.client.HTTPResponse, cap: int, min_rate: float,
               grace_s: float) -> tuple[bytes, bool, str | None]:
    """Read the body: (bytes, truncated, error). A body shorter than its Content-Length, over
    ``cap`` bytes, or arriving slower than ``min_rate`` bytes/s after ``grace_s`` fails."""
    declared = resp.length
    if declared is not None and declared > cap:
        return b"", True, f"{TOO_LARGE}: Content-Length {declared} is more than {cap} bytes"
    chunks: list[bytes] = []
    size = 0
    started = time.monotonic()
    while True:
        chunk = resp.read1(_CHUNK)
        if not chunk:
            if resp.length:  # the connection closed with bytes still owed
                return b"".join(chunks), True, (
                    f"{INCOMPLETE}: the body ended after {size} of {declared} bytes")
            return b"".join(chunks), False, None
        if size + len(chunk) > cap:
            chunks.append(chunk[: cap - size])
            return b"".join(chunks), True, f"{TOO_LARGE}: more than {cap} bytes"
        chunks.append(chunk)
        size += len(chunk)
        elapsed = time.monotonic() - started
        if min_rate and elapsed > grace_s and size < min_rate * elapsed:
            return b"".join(chunks), True, (
                f"{TOO_SLOW}: {size} bytes in {elapsed:.0f} s (less than {min_rate:g} bytes/s)")


def _describe(exc: BaseException, timeout_s: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"timeout after {timeout_s:g} s"
    if isinstance(exc, http.client.IncompleteRead):
        return f"{INCOMPLETE}: the connection closed before the body was complete"
    name = type(exc).__name__
    return f"{name}: {exc}" if str(exc) else name


def _conditional_headers(
    validators: tuple[str | None, str | None] | None,
) -> tuple[tuple[str, str], ...]:
    if not validators:
        return ()
    etag, last_modified = validators
    out: list[tuple[str, str]] = []
    if etag:
        out.append(("If-None-Match", etag))
    if last_modified:
        out.append(("If-Modified-Since", last_modified))
    return tuple(out)


def _redirect_target(page: FetchedPage) -> str | None:
    location = page.header("Location")
    return canonicalize(location, base=page.url) if location else None
