"""The Atom feed: RFC 4287's required elements, newest first, filters kept."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient

A = "{http://www.w3.org/2005/Atom}"


def _feed(client: FlaskClient, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.get_data())


def _rfc3339(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None, f"{text} has no time zone offset"
    return parsed


def test_feed_has_rfc4287_required_elements(client: FlaskClient) -> None:
    feed = _feed(client, "/feed.atom?q=通知")
    assert feed.tag == f"{A}feed"
    assert feed.findtext(f"{A}id") and feed.findtext(f"{A}title")
    _rfc3339(feed.findtext(f"{A}updated") or "")
    assert feed.find(f"{A}author/{A}name") is not None
    assert feed.find(f"{A}link[@rel='self']") is not None
    entries = feed.findall(f"{A}entry")
    assert entries
    ids = [e.findtext(f"{A}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert entry.findtext(f"{A}title")
        _rfc3339(entry.findtext(f"{A}updated") or "")
        link = entry.find(f"{A}link[@rel='alternate']")
        assert link is not None and "/doc/" in link.get("href", "")


def test_feed_is_newest_first_and_keeps_filters(client: FlaskClient) -> None:
    feed = _feed(client, "/feed.atom?category=规范性文件&source=kjj&sort=oldest&page=3")
    published = [e.findtext(f"{A}published") for e in feed.findall(f"{A}entry")]
    assert published and published == sorted(published, reverse=True)
    for entry in feed.findall(f"{A}entry"):
        assert entry.find(f"{A}category").get("term") == "规范性文件"
    alternate = feed.find(f"{A}link[@rel='alternate']").get("href")
    assert parse_qs(urlsplit(alternate).query) == {"category": ["规范性文件"], "source": ["kjj"]}


def test_feed_id_is_stable_for_the_same_search(client: FlaskClient) -> None:
    one = _feed(client, "/feed.atom?q=农业&category=规范性文件").findtext(f"{A}id")
    two = _feed(client, "/feed.atom?category=规范性文件&q=农业").findtext(f"{A}id")
    assert one == two


def test_empty_feed_is_still_valid(client: FlaskClient) -> None:
    feed = _feed(client, "/feed.atom?q=完全不存在的词语xyzzy")
    assert feed.findall(f"{A}entry") == []
    _rfc3339(feed.findtext(f"{A}updated") or "")


def test_bad_feed_parameters_are_400(client: FlaskClient) -> None:
    response = client.get("/feed.atom?from=2024-99-01")
    assert response.status_code == 400
    assert "日期" in response.get_data(as_text=True)
