"""The crawl scope: which URLs a source may fetch (canonical URLs, see ``vocabulary.urls``)."""

from __future__ import annotations

import itertools
import posixpath
import re
from urllib.parse import urlsplit

from disclosure_search.config import SourceSettings
from disclosure_search.vocabulary.urls import canonicalize


def host_of(url: str) -> str:
    """Return ``host[:port]`` of a canonical URL, as :attr:`SourceSettings.hosts` spells it."""
    return urlsplit(url).netloc.lower()


def folder_of(url: str) -> str:
    """Return the URL of the folder ``url`` lies in (``http://h/col/col4101/``)."""
    return f"{urlsplit(url).scheme}://{host_of(url)}{_path_prefix(url)}"


def _path_prefix(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else posixpath.dirname(path).rstrip("/") + "/"


class Scope:
    """Decides whether a URL belongs to one source.

    A URL is in scope when its host is one of the source's hosts AND either its path lies
    under one of the start URLs' directories or it matches the configured list/detail pattern.
    Attachments only need the host test: sites keep files in their own folders
    (``/module/download/``, ``/attach/``) and they are only followed from detail pages.

    The crawler widens the scope as it meets a site's layout (see :meth:`adopt_column` and
    :meth:`adopt_page`): columns beside a start page's own (``/col/col4101/`` beside
    ``/col/col4100/``) linked from a start page, and article pages linked from lists
    (``/art/2020/8/6/art_4101_1.html``), so a start URL alone covers the common layouts
    without opening the whole host.
    """

    def __init__(self, source: SourceSettings) -> None:
        self.hosts = frozenset(_canonical_host(h) for h in source.hosts)
        starts = [canonicalize(u) for u in source.start_urls]
        self.prefixes = tuple(sorted({(host_of(u), _path_prefix(u)) for u in starts if u}))
        self.patterns = tuple(
            re.compile(p) for p in (source.list_url_pattern, source.detail_url_pattern) if p
        )
        self._columns: set[tuple[str, str]] = set()
        self._pages: set[str] = set()

    def is_sibling_column(self, url: str) -> bool:
        """True for a folder beside a start URL's folder, on its host (``/col/col4101/`` for a
        start in ``/col/col4100/``); never for top-level folders (their parent is the host)."""
        host, prefix = host_of(url), _path_prefix(url)
        parent = posixpath.dirname(prefix.rstrip("/")).rstrip("/") + "/"
        if parent == "/" or prefix.count("/") != parent.count("/") + 1:
            return False
        return any(h == host and p != prefix and p.startswith(parent) and
                   p.count("/") == prefix.count("/") for h, p in self.prefixes)

    def adopt_column(self, url: str) -> None:
        """Take ``url``'s folder into the scope (a column the start page links to)."""
        self._columns.add((host_of(url), _path_prefix(url)))

    def adopt_page(self, url: str) -> None:
        """Take one page into the scope (an article a list in scope links to)."""
        self._pages.add(url)

    def host_allowed(self, url: str) -> bool:
        """True when ``url`` (canonical) is on one of the source's hosts."""
        return host_of(url) in self.hosts

    def allows(self, url: str) -> bool:
        """True when ``url`` (canonical) is a page this source may crawl."""
        if not self.host_allowed(url):
            return False
        if any(p.search(url) for p in self.patterns):
            return True
        if url in self._pages:
            return True
        host, path = host_of(url), urlsplit(url).path or "/"
        return any(host == h and path.startswith(prefix)
                   for h, prefix in itertools.chain(self.prefixes, self._columns))


def _canonical_host(host: str) -> str:
    canon = canonicalize(f"http://{host}/")
    return host_of(canon) if canon else host.lower()
