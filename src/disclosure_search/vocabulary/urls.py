"""URL identity: the one canonical form under which a URL is fetched, stored and looked up."""

from __future__ import annotations

import posixpath
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Characters left as they are when non-ASCII ones are percent-encoded (existing %XX stay).
_SAFE = "/%:@!$&'()*+,;=-._~?"


def canonicalize(url: str, base: str | None = None) -> str | None:
    """Return the canonical form of ``url`` (resolved against ``base``), or None if not http(s).

    Canonical means: scheme and host lower-cased (internationalised hosts in IDNA form),
    default port dropped, empty path made ``/``, fragment dropped, characters that cannot go
    on the wire (Chinese file names, spaces) percent-encoded as UTF-8. Nothing else changes
    (query order is kept: servers may care). The crawler fetches and archives under this
    form and the extractor names links in it, so a link found in a page and the capture of
    its target always meet.

    Args:
        url: an absolute or relative URL as found in a page.
        base: the URL of the page it was found on, for relative links.
    """
    url = url.strip()
    if base is not None:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        host = parts.hostname.lower().encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path or "/", safe=_SAFE)
    return urlunsplit((scheme, netloc, path, quote(parts.query, safe=_SAFE), ""))


def path_name(url: str) -> str:
    """The last segment of a URL's path, percent-decoded (``附件一.pdf``); "" for a folder."""
    return posixpath.basename(unquote(urlsplit(url).path))
