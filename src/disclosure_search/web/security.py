"""Security headers on every response: strict CSP without inline script, no sniffing or framing."""

from __future__ import annotations

from flask import Flask, Response

#: The site's own pages: scripts and styles only from static files, never framed.
SITE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
#: Archived pages: a sandbox (opaque origin, no scripts, no forms) that only our pages may frame.
#: Popups are allowed so that marked links to the live site can open in a new tab.
ARCHIVE_CSP = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
    "img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def init_app(app: Flask) -> None:
    """Register the after-request hook that sets the security headers."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Set CSP, nosniff, referrer and framing headers unless a view chose stricter ones.

    A view that serves archived content sets its own ``Content-Security-Policy`` (the
    sandbox); it is kept, and framing is then allowed for our own pages only.
    """
    headers = response.headers
    if "Content-Security-Policy" in headers:
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    else:
        headers["Content-Security-Policy"] = SITE_CSP
        headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response
