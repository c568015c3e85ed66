"""Security headers on every response, including errors, feeds, static files and exports."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from disclosure_search.web.security import SITE_CSP

from .conftest import NEEDS_ARCHIVE, SiteData

URLS = [
    "/", "/search?q=农业", "/search?page=0", "/feed.atom", "/opensearch.xml",
    "/api/search?q=农业", "/api/stats", "/api/export.csv", "/api/export.json",
    "/api/search?category=x", "/static/site.css", "/missing", "/doc/~bad~",
]


def _check_common(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"same-origin", "no-referrer"}
    assert "Server" not in headers or "Werkzeug" not in headers["Server"]


@pytest.mark.parametrize("url", URLS)
def test_site_headers_on_every_response(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    _check_common(response)
    csp = response.headers["Content-Security-Policy"]
    assert csp == SITE_CSP
    for directive in ("script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
                      "form-action 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    response.close()  # static files are streamed from an open file


def test_pages_have_no_inline_script_or_style(client: FlaskClient, site_data: SiteData) -> None:
    for url in ("/", "/search?q=农业", "/search?page=0"):
        html = client.get(url).get_data(as_text=True)
        assert "<script" not in html.replace("&lt;script", "")
        assert " style=" not in html and "<style" not in html


@NEEDS_ARCHIVE
def test_archived_copy_is_sandboxed(client: FlaskClient, site_data: SiteData) -> None:
    response = client.get(f"/doc/{site_data.hostile_id}/captures/1/raw")
    assert response.status_code == 200
    _check_common(response)
    csp = response.headers["Content-Security-Policy"]
    directives = [d.strip() for d in csp.split(";")]
    assert directives[0].startswith("sandbox")
    assert "allow-scripts" not in csp and "allow-same-origin" not in csp
    assert "default-src 'none'" in directives
    assert "script-src" not in csp  # falls back to default-src 'none'
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.mimetype == "text/html" and response.mimetype_params["charset"] == "utf-8"


@NEEDS_ARCHIVE
def test_capture_page_frames_the_copy_in_a_sandbox(client: FlaskClient,
                                                     site_data: SiteData) -> None:
    from bs4 import BeautifulSoup

    response = client.get(f"/doc/{site_data.hostile_id}/captures/1")
    assert response.headers["Content-Security-Policy"] == SITE_CSP
    frame = BeautifulSoup(response.get_data(as_text=True), "lxml").select_one("iframe")
    sandbox = frame["sandbox"]
    assert "allow-scripts" not in sandbox and "allow-same-origin" not in sandbox
    assert frame["src"].endswith("/captures/1/raw") and frame["title"]
