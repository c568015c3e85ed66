"""Retries with exponential backoff, for transient failures only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from disclosure_search.config import CrawlSettings
from disclosure_search.models import FetchedPage

#: Start of :attr:`FetchedPage.error` when a body hit the size cap; never retried.
TOO_LARGE = "too large"
#: ... when the body arrived slower than ``min_bytes_per_s``; not retried in the same run.
TOO_SLOW = "too slow"
#: ... when the whole exchange overran ``request_deadline_s``; not retried in the same run.
DEADLINE = "deadline"
#: ... when the body was cut short (Content-Length not reached, broken chunks); retried.
INCOMPLETE = "incomplete body"

#: Longest ``Retry-After`` we honour; a server asking for more is retried on the next run.
MAX_RETRY_AFTER_S = 60.0


def is_transient(page: FetchedPage) -> bool:
    """True for failures worth another try: no or partial response (connection, timeout),
    429 and 5xx; never for a body that was too large, too slow or over its deadline (another
    try would cost as much again: the next run tries), nor for 4xx such as 404 or 403."""
    if page.error is not None:
        return not page.error.startswith((TOO_LARGE, TOO_SLOW, DEADLINE))
    return page.status == 429 or page.status >= 500


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry one request."""

    retries: int = 2
    backoff_s: float = 1.0

    @classmethod
    def from_settings(cls, settings: CrawlSettings) -> RetryPolicy:
        """Build the policy from ``retries`` and ``retry_backoff_s``."""
        return cls(retries=settings.retries, backoff_s=settings.retry_backoff_s)

    def delay(self, attempt: int, page: FetchedPage) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based) after ``page``."""
        delay = self.backoff_s * (2 ** (attempt - 1))
        retry_after = page.header("Retry-After")
        if page.status in (429, 503) and retry_after and retry_after.strip().isdigit():
            delay = max(delay, min(float(retry_after.strip()), MAX_RETRY_AFTER_S))
        return delay

    def run(
        self,
        attempt: Callable[[], FetchedPage],
        *,
        stop: threading.Event | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> tuple[FetchedPage, int]:
        """Call ``attempt`` until it succeeds, fails for good, or retries run out.

        Returns:
            The last page and the number of attempts made. A set ``stop`` event ends the
            waiting early and returns the last failure as it is.
        """
        page = attempt()
        tries = 1
        while is_transient(page) and tries <= self.retries:
            wait = self.delay(tries, page)
            if stop is not None:
                if stop.wait(wait):
                    break
            else:
                sleep(wait)
            page = attempt()
            tries += 1
        return page, tries
