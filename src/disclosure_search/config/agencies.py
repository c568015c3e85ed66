"""The ``[agencies]`` table: the one name of an agency (发布机构) and the spellings that mean it."""

from __future__ import annotations

from typing import Any

from disclosure_search.config.locate import Locator


def parse_agencies(at: Locator, raw: Any) -> tuple[tuple[str, str], ...]:
    """``[agencies]``: ``"name" = ["spelling", ...]`` -> (spelling, name) pairs."""
    if not isinstance(raw, dict):
        raise at.fail("agencies", '应为表："名称" = ["其他写法", ...]')
    pairs: dict[str, str] = {}
    for name, spellings in raw.items():
        if not isinstance(spellings, list) or not all(
            isinstance(s, str) and s.strip() for s in spellings
        ):
            raise at.fail(f"agencies.{name}", "应为写法（字符串）的列表", "agencies", lookup=name)
        for spelling in (name, *spellings):
            key = "".join(spelling.split())
            if pairs.get(key, name) != name:
                raise at.fail(f"agencies.{name}", f"{spelling!r} 已是 {pairs[key]!r} 的"
                              "一种写法", "agencies", lookup=name)
            pairs[key] = name
    return tuple(sorted(pairs.items()))
