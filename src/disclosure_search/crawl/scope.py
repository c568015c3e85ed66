"""The crawl scope: which URLs a source may fetch (canonical URLs, see ``vocabulary.urls``)."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

from disclosure_search.config import SourceSettings
from disclosure_search.vocabulary.urls import canonicalize


def host_of(url: str) -> str:
    """Return ``host[:port]`` of a canonical URL, as :attr:`SourceSettings.hosts` spells it."""
    return urlsplit(url).netloc.lower()


def _path_prefix(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else posixpath.dirname(path).rstrip("/") + "/"


class Scope:
    """Decides whether a URL belongs to one source.

    A URL is in scope when its host is one of the source's hosts AND either its path lies
    under one of the start URLs' directories or it matches the configured list/detail pattern.
    Attachments only need the host test: sites keep files in their own folders
    (``/module/download/``, ``/attach/``) and they are only followed from detail pages.
    """

    def __init__(self, source: SourceSettings) -> None:
        self.hosts = frozenset(_canonical_host(h) for h in source.hosts)
        starts = [canonicalize(u) for u in source.start_urls]
        self.prefixes = tuple(sorted({(host_of(u), _path_prefix(u)) for u in starts if u}))
        self.patterns = tuple(
            re.compile(p) for p in (source.list_url_pattern, source.detail_url_pattern) if p
        )

    def host_allowed(self, url: str) -> bool:
        """True when ``url`` (canonical) is on one of the source's hosts."""
        return host_of(url) in self.hosts

    def allows(self, url: str) -> bool:
        """True when ``url`` (canonical) is a page this source may crawl."""
        if not self.host_allowed(url):
            return False
        if any(p.search(url) for p in self.patterns):
            return True
        host, path = host_of(url), urlsplit(url).path or "/"
        return any(host == h and path.startswith(prefix) for h, prefix in self.prefixes)


def _canonical_host(host: str) -> str:
    canon = canonicalize(f"http://{host}/")
    return host_of(canon) if canon else host.lower()
