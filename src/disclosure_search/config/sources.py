"""The ``[[sources]]`` tables: the sites to crawl, each checked and turned into SourceSettings."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from disclosure_search.config.locate import Locator
from disclosure_search.config.settings import SourceSettings
from disclosure_search.models import CATEGORIES

SOURCE_KEYS = {
    "id",
    "name",
    "start_urls",
    "list_url_pattern",
    "detail_url_pattern",
    "categories",
    "allowed_hosts",
}


def parse_sources(at: Locator, raw: Any) -> tuple[SourceSettings, ...]:
    """Every ``[[sources]]`` table in order; ids must be unique."""
    if not isinstance(raw, list):
        raise at.fail("sources", "应写成表数组：[[sources]]")
    parsed = tuple(parse_source(at, s, i) for i, s in enumerate(raw))
    ids = [s.id for s in parsed]
    for sid in ids:
        if ids.count(sid) > 1:
            raise at.fail("sources.id", f"来源 id {sid!r} 重复", "sources")
    return parsed


def parse_source(at: Locator, raw: Any, nth: int) -> SourceSettings:
    """The ``nth`` ``[[sources]]`` table: known keys, an id, http(s) start URLs, valid patterns."""
    if not isinstance(raw, dict):
        raise at.fail("sources", "每个 [[sources]] 都应为表")
    for key in raw:
        if key not in SOURCE_KEYS:
            known = "、".join(sorted(SOURCE_KEYS))
            raise at.fail(f"sources.{key}", f"未知的设置项（可用：{known}）", "sources", nth)
    sid = raw.get("id")
    if not isinstance(sid, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", sid):
        raise at.fail("sources.id", "必填：字母、数字、_ 或 -", "sources", nth)
    urls = _start_urls(at, raw.get("start_urls"), nth)
    for key in ("list_url_pattern", "detail_url_pattern"):
        pattern = raw.get(key)
        if pattern is None:
            continue
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise at.fail(f"sources.{key}", f"不是有效的正则表达式：{exc}", "sources",
                          nth) from None
    cats = _categories(at, raw.get("categories", {}), nth)
    hosts = raw.get("allowed_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise at.fail("sources.allowed_hosts", "应为主机名列表", "sources", nth)
    return SourceSettings(
        id=sid,
        name=str(raw.get("name", sid)),
        start_urls=urls,
        list_url_pattern=raw.get("list_url_pattern"),
        detail_url_pattern=raw.get("detail_url_pattern"),
        categories=cats,
        allowed_hosts=tuple(hosts),
    )


def _start_urls(at: Locator, urls: Any, nth: int) -> tuple[str, ...]:
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise at.fail("sources.start_urls", "必填：网址列表", "sources", nth)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise at.fail("sources.start_urls", f"{url!r} 不是 http(s) 网址", "sources", nth)
    return tuple(urls)


def _categories(at: Locator, cats: Any, nth: int) -> tuple[tuple[str, str], ...]:
    """URL prefix -> category pairs, longest prefix first (the first match wins)."""
    if not isinstance(cats, dict):
        raise at.fail("sources.categories", "应为表", "sources", nth)
    for prefix, cat in cats.items():
        if cat not in CATEGORIES:
            raise at.fail(
                "sources.categories",
                f"{prefix!r} 对应的 {cat!r} 不是分类（可用：{'、'.join(CATEGORIES)}）",
                "sources.categories",
                nth,
                lookup=prefix,
            )
    return tuple(sorted(cats.items(), key=lambda kv: -len(kv[0])))
