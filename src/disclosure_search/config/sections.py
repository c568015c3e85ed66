"""The typed tables ``[crawl]``, ``[web]`` and ``[index]``: each key known, typed and in range."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import Any
from urllib.parse import urlsplit

from disclosure_search.config.checks import KINDS, check_value
from disclosure_search.config.locate import Locator
from disclosure_search.config.settings import BACKENDS, IndexSettings


def section(at: Locator, raw: Any, default: Any, name: str) -> Any:
    """The table ``[name]`` laid over ``default`` (a settings dataclass), every value checked."""
    if not isinstance(raw, dict):
        raise at.fail(name, "应为表（[...] 一节）")
    types = {f.name: str(f.type) for f in fields(default)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in types:
            known = "、".join(sorted(types))
            raise at.fail(f"{name}.{key}", f"未知的设置项（可用：{known}）", name)
        values[key] = typed(at, f"{name}.{key}", value, types[key], name)
    return replace(default, **values)


def typed(at: Locator, key: str, value: Any, kind: str, table: str | None) -> Any:
    """``value`` when it is of ``kind``, not negative and in range (ints widened to float)."""
    ok = {
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "str": isinstance(value, str),
    }.get(kind, True)
    if not ok:
        raise at.fail(key, f"应为{KINDS.get(kind, kind)}，实际为 {value!r}", table)
    if kind in {"int", "float"} and value < 0:
        raise at.fail(key, f"不能为负数，实际为 {value!r}", table)
    problem = check_value(key, value)
    if problem:
        raise at.fail(key, problem, table)
    return float(value) if kind == "float" else value


def check_cron(at: Locator, expr: str) -> None:
    """Raise unless ``crawl.schedule`` is a 5-field cron expression the scheduler accepts."""
    parts = expr.split()
    if len(parts) != 5:
        raise at.fail(
            "crawl.schedule",
            f"cron 表达式 {expr!r} 应有 5 个字段（分 时 日 月 星期）",
            "crawl",
        )
    try:
        from apscheduler.triggers.cron import CronTrigger

        CronTrigger.from_crontab(expr)
    except ValueError as exc:
        raise at.fail(
            "crawl.schedule", f"cron 表达式 {expr!r} 无法解析：{exc}", "crawl"
        ) from None


def index_section(at: Locator, raw: Any) -> IndexSettings:
    """``[index]``: the engine, its node URLs and a name Elasticsearch accepts."""
    hosts = raw.get("hosts") if isinstance(raw, dict) else None
    if hosts is not None:
        if not isinstance(hosts, list) or not hosts or not all(
                isinstance(h, str) and urlsplit(h).scheme in {"http", "https"} for h in hosts):
            raise at.fail("index.hosts", "应为 http(s) 网址的列表", "index")
        raw = {**raw, "hosts": tuple(hosts)}
    index = section(at, raw, IndexSettings(), "index")
    if index.backend not in BACKENDS:
        raise at.fail("index.backend", f"应为以下之一：{'、'.join(BACKENDS)}", "index")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,100}", index.name):
        raise at.fail("index.name", "只能用小写字母、数字、_ 或 -", "index")
    if index.shards < 1:
        raise at.fail("index.shards", "至少为 1", "index")
    return index
