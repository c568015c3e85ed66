"""Markup from documents, attachment names and queries comes out as text, never as markup."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from markupsafe import escape

from .conftest import NEEDS_ARCHIVE, XSS, SiteData

RAW = ("<script>", "<img src=x", "<svg onload", '"><svg')


def _assert_inert(body: str) -> None:
    """No payload survives as markup: no script, no event handler, no javascript: link."""
    for raw in RAW:
        assert raw not in body, raw
    soup = BeautifulSoup(body, "lxml")
    assert soup.find_all(["script", "svg", "img", "iframe", "object"]) == []
    for tag in soup.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        for attr in ("href", "src", "action"):
            value = str(tag.get(attr, "")).strip().lower()
            assert not value.startswith("javascript:"), tag


@pytest.mark.parametrize("payload", XSS)
def test_queries_are_escaped_everywhere(client: FlaskClient, payload: str) -> None:
    response = client.get("/search", query_string={"q": payload})
    assert response.status_code in (200, 400)
    _assert_inert(response.get_data(as_text=True))
    feed = client.get("/feed.atom", query_string={"q": payload}).get_data(as_text=True)
    assert not any(raw in feed for raw in RAW)
    page = client.get("/search", query_string={"q": payload}).get_data(as_text=True)
    assert str(escape(payload)) in page  # shown as text, e.g. in the search box


def test_hostile_titles_and_snippets_are_escaped(client: FlaskClient) -> None:
    page = client.get("/search?q=恶意标题").get_data(as_text=True)
    _assert_inert(page)
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<mark>" in page  # highlighting survives the escaping


def test_hostile_json_stays_data(client: FlaskClient) -> None:
    data = client.get("/api/search?q=恶意标题").get_json()
    assert any(XSS[0] in hit["title"] for hit in data["hits"])  # raw in JSON, as data
    for hit in data["hits"]:
        _assert_inert(hit["snippet"])
    response = client.get("/api/search?q=恶意标题")
    assert response.mimetype == "application/json"


def test_hostile_feed_escapes_markup(client: FlaskClient) -> None:
    import xml.etree.ElementTree as ET

    body = client.get("/feed.atom?q=恶意标题").get_data(as_text=True)
    for raw in RAW:
        assert raw not in body
    tags = {el.tag.rsplit("}", 1)[-1] for el in ET.fromstring(body).iter()}
    assert not tags & {"script", "img", "svg"}
    assert "恶意标题" in body


def test_hostile_query_in_error_message_is_escaped(client: FlaskClient) -> None:
    body = client.get("/search", query_string={"category": XSS[0]}).get_data(as_text=True)
    _assert_inert(body)
    assert "&lt;script&gt;" in body


@NEEDS_ARCHIVE
def test_hostile_document_page_is_inert(client: FlaskClient, site_data: SiteData) -> None:
    page = client.get(f"/doc/{site_data.hostile_id}").get_data(as_text=True)
    _assert_inert(page)
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page
    assert "附件&lt;img src=x onerror=alert(1)&gt;.pdf" in page


@NEEDS_ARCHIVE
def test_hostile_archived_page_keeps_no_live_javascript_links(client: FlaskClient,
                                                             site_data: SiteData) -> None:
    body = client.get(f"/doc/{site_data.hostile_id}/captures/1/raw").get_data(as_text=True)
    assert "科技局存档正文" in body  # decoded from GBK
    assert 'href="javascript:' not in body
    assert "http-equiv" not in body
