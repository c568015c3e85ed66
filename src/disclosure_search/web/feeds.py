"""Atom feeds (RFC 4287) of the newest matches of a search."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time

from flask import request, url_for

from disclosure_search.config import Settings
from disclosure_search.models import SearchHit, SearchResult
from disclosure_search.web.params import query_args

ATOM_NS = "http://www.w3.org/2005/Atom"
SITE_TITLE = "政府信息公开检索"
#: XML 1.0 forbids most control characters; a document's text may still contain them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def atom_feed(result: SearchResult, settings: Settings) -> bytes:
    """Return the Atom document for ``result`` (already sorted newest first).

    The feed's id is the permalink of the search (filters included), so a subscription
    is stable; each entry's id is the document page on this site.
    """
    ET.register_namespace("", ATOM_NS)
    query = result.query
    args = query_args(query, sort=None, page=None, per_page=None)
    search_url = url_for("search.results", _external=True, **args)
    feed = ET.Element(_q("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _text(feed, "id", url_for("search.feed", _external=True, **args))
    _text(feed, "title", f"{SITE_TITLE}：{query.text}" if query.text else SITE_TITLE)
    _text(feed, "subtitle", _describe(args))
    entries = [_entry(hit, settings) for hit in result.hits]
    newest = max((e[1] for e in entries), default=None) or datetime.now(UTC)
    _text(feed, "updated", _rfc3339(newest))
    ET.SubElement(feed, _q("link"), {"rel": "self", "href": request.url,
                                     "type": "application/atom+xml"})
    ET.SubElement(feed, _q("link"), {"rel": "alternate", "href": search_url,
                                     "type": "text/html"})
    author = ET.SubElement(feed, _q("author"))
    _text(author, "name", SITE_TITLE)
    _text(feed, "generator", "disclosure-search")
    for element, _updated in entries:
        feed.append(element)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(hit: SearchHit, settings: Settings) -> tuple[ET.Element, datetime]:
    names = {src.id: src.name for src in settings.sources}
    link = url_for("documents.document", doc_id=hit.id, _external=True)
    updated = _when(hit, settings)
    entry = ET.Element(_q("entry"))
    _text(entry, "id", link)
    _text(entry, "title", hit.title or hit.id)
    _text(entry, "updated", _rfc3339(updated))
    if hit.published_date:
        published = datetime.combine(hit.published_date, time(0), tzinfo=settings.tz)
        _text(entry, "published", _rfc3339(published))
    ET.SubElement(entry, _q("link"), {"rel": "alternate", "href": link, "type": "text/html"})
    ET.SubElement(entry, _q("link"), {"rel": "related", "href": hit.url, "title": "原网站"})
    author = ET.SubElement(entry, _q("author"))
    _text(author, "name", hit.agency or names.get(hit.source, hit.source) or SITE_TITLE)
    if hit.category:
        ET.SubElement(entry, _q("category"), {"term": hit.category})
    if hit.snippet:
        # The snippet is already HTML (escaped, with <mark>); type="html" says so.
        summary = _text(entry, "summary", hit.snippet)
        summary.set("type", "html")
    return entry, updated


def _when(hit: SearchHit, settings: Settings) -> datetime:
    """The entry's updated time: first seen by the archive, else the declared date."""
    if hit.first_seen is not None:
        seen = hit.first_seen
        return seen if seen.tzinfo else seen.replace(tzinfo=UTC)
    if isinstance(hit.published_date, date):
        return datetime.combine(hit.published_date, time(0), tzinfo=settings.tz)
    return datetime(1970, 1, 1, tzinfo=UTC)


def _describe(args: dict[str, str]) -> str:
    labels = {"q": "检索词", "in": "范围", "category": "分类", "source": "来源",
              "agency": "发布/发文机关", "from": "发布日期起", "to": "发布日期止",
              "written_from": "成文日期起", "written_to": "成文日期止", "validity": "有效性",
              "doc_number": "文号", "topic": "主题分类", "since": "新增自"}
    parts = [f"{labels[k]}：{v}" for k, v in args.items() if k in labels]
    return "；".join(parts) or "全部文档，最新在前"


def _q(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    child = ET.SubElement(parent, _q(tag))
    child.text = _XML_INVALID.sub("", value)
    return child


def _rfc3339(value: datetime) -> str:
    return value.isoformat(timespec="seconds")
