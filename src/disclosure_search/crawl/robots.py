"""robots.txt: fetched once per host per run (and archived like any page), then obeyed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from disclosure_search.models import FetchedPage

log = logging.getLogger(__name__)

#: Fetches ``/robots.txt`` of one origin and returns what came back (the caller archives it).
RobotsFetch = Callable[[str], FetchedPage]


class RobotsPolicy:
    """Answers "may this URL be fetched?" per the host's robots.txt (RFC 9309 semantics).

    A missing robots.txt (4xx) allows everything; a server error or no answer (5xx, timeout)
    disallows the whole host for this run, as the RFC asks, so a broken server is left alone.
    Redirects are followed (even to another host) by the fetch given; a chain that could not
    be followed to the end counts as unavailable (4xx), as RFC 9309 2.3.1.2 allows.
    """

    def __init__(self, user_agent: str, fetch: RobotsFetch, *, obey: bool = True) -> None:
        self.user_agent = user_agent
        self._fetch = fetch
        self.obey = obey
        self._parsers: dict[str, RobotFileParser | bool] = {}
        self._loading: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        """True when robots.txt of ``url``'s origin lets our User-Agent fetch it."""
        if not self.obey:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if urlsplit(url).path == "/robots.txt":
            return True
        rules = self._rules(origin)
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(self.user_agent, url)

    def _rules(self, origin: str) -> RobotFileParser | bool:
        # one lock per origin: a slow robots.txt holds up only the URLs of its own host
        with self._lock:
            loading = self._loading.setdefault(origin, threading.Lock())
        with loading:
            if origin not in self._parsers:
                self._parsers[origin] = self._load(origin)
            return self._parsers[origin]

    def _load(self, origin: str) -> RobotFileParser | bool:
        page = self._fetch(f"{origin}/robots.txt")
        if page.status == 0 or page.status >= 500:
            log.warning("robots.txt of %s unavailable (%s): not crawling that host this run",
                        origin, page.error or page.status)
            return False
        if page.status >= 300:  # 4xx: no robots.txt; an unfollowed redirect: same
            return True
        parser = RobotFileParser()
        parser.parse(page.body.decode("utf-8", errors="replace").splitlines())
        return parser
