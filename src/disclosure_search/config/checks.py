"""Checks of single values shared by the file and the overrides: ranges and time zones."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from disclosure_search.errors import ConfigError

#: Setting types as an error message names them.
KINDS = {"bool": "true 或 false", "int": "整数", "float": "数字", "str": "字符串"}


def check_value(key: str, value: Any) -> str:
    """What is wrong with a setting's value beyond its type ('' when nothing is)."""
    if key == "web.port" and not 0 <= value <= 65535:
        return f"端口 {value} 超出范围，请使用 1-65535（0 表示自动选一个空闲端口）"
    if key in {"web.session_idle_minutes", "web.session_max_hours",
               "web.check_max_rows"} and value < 1:
        return f"至少为 1，实际为 {value!r}"
    return ""


def check_tz(name: str, where: str) -> str:
    """Return ``name`` when it is a known time zone, else raise ConfigError naming ``where``."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}：未知的时区 {name!r}（例如 'Asia/Shanghai'）") from None
    return name
