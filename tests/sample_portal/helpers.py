"""HTTP helpers for the sample portal tests: plain urllib, redirects not followed."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message


@dataclass(frozen=True)
class Got:
    """One HTTP answer: status, headers and body bytes."""

    status: int
    headers: Message
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Got:
    """Fetch ``url``; HTTP errors and redirects are returned, not raised."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _OPENER.open(req, timeout=30) as resp:
            return Got(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        return Got(err.code, err.headers, err.read())


def links(html: str) -> list[str]:
    """Every href in a page, in order."""
    return re.findall(r'href="([^"]+)"', html)
