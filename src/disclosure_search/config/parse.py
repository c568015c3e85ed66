"""The config file's tree turned into Settings: the top-level keys, then each table in turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from disclosure_search.config.agencies import parse_agencies
from disclosure_search.config.checks import check_tz
from disclosure_search.config.locate import Locator
from disclosure_search.config.sections import check_cron, index_section, section
from disclosure_search.config.settings import CrawlSettings, Settings, WebSettings
from disclosure_search.config.sources import parse_sources
from disclosure_search.errors import ConfigError

TOP_KEYS = {"data_dir", "timezone", "crawl", "web", "index", "sources", "agencies"}


def parse_settings(at: Locator, raw: dict[str, Any], base: Path) -> Settings:
    """Settings from the parsed TOML ``raw``; ``data_dir`` is resolved against ``base``.

    Raises:
        ConfigError: from ``at``, naming the file, the line and the key's path.
    """
    for key in raw:
        if key not in TOP_KEYS:
            raise at.fail(key, f"未知的设置项（可用：{'、'.join(sorted(TOP_KEYS))}）")
    data_dir = raw.get("data_dir", "data")
    if not isinstance(data_dir, str) or not data_dir:
        raise at.fail("data_dir", "应为非空的字符串（数据目录）")
    timezone = raw.get("timezone", "Asia/Shanghai")
    if not isinstance(timezone, str):
        raise at.fail("timezone", "应为字符串，例如 'Asia/Shanghai'")
    try:
        check_tz(timezone, "timezone")
    except ConfigError as exc:
        raise at.fail("timezone", str(exc).split("：", 1)[1]) from None
    crawl = section(at, raw.get("crawl", {}), CrawlSettings(), "crawl")
    web = section(at, raw.get("web", {}), WebSettings(), "web")
    index = index_section(at, raw.get("index", {}))
    check_cron(at, crawl.schedule)
    sources = parse_sources(at, raw.get("sources", []))
    return Settings(
        data_dir=(base / data_dir).resolve(),
        timezone=timezone,
        crawl=crawl,
        web=web,
        index=index,
        sources=sources,
        agencies=parse_agencies(at, raw.get("agencies", {})),
    )
