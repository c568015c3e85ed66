"""The layers over the file: ``DISCLOSURE_SEARCH_*`` environment variables, then flags."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from disclosure_search.config.checks import KINDS, check_tz, check_value
from disclosure_search.config.settings import Settings
from disclosure_search.errors import ConfigError

CONFIG_ENV = "DISCLOSURE_SEARCH_CONFIG"
ENV_PREFIX = "DISCLOSURE_SEARCH_"
#: Tables whose keys the environment and flags may set (``section.key``).
SECTIONS = {"crawl", "web", "index"}


def env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    """Dotted keys from ``DISCLOSURE_SEARCH_WEB_PORT``-style variables: ``{"web.port": "9000"}``."""
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX) or key == CONFIG_ENV:
            continue
        name = key[len(ENV_PREFIX) :].lower()
        section, _, rest = name.partition("_")
        if section in SECTIONS and rest:
            out[f"{section}.{rest}"] = value
        else:
            out[name] = value
    return out


def apply_overrides(settings: Settings, flat: dict[str, Any], base: Path) -> Settings:
    """``settings`` with each dotted key of ``flat`` set, converted to the setting's type."""
    for dotted, value in flat.items():
        section, _, name = dotted.partition(".")
        if not name:
            if section == "data_dir":
                settings = replace(settings, data_dir=(base / str(value)).resolve())
            elif section == "timezone":
                settings = replace(settings, timezone=check_tz(str(value), dotted))
            continue
        target = getattr(settings, section, None)
        if section not in SECTIONS or target is None:
            continue
        settings = replace(settings, **{section: _coerce_into(target, name, value, dotted)})
    return settings


def _coerce_into(target: Any, name: str, value: Any, where: str) -> Any:
    types = {f.name: f.type for f in fields(target)}
    if name not in types:
        raise ConfigError(f"未知的设置项 {where!r}")
    kind = types[name]
    try:
        if kind == "bool":
            coerced: Any = value if isinstance(value, bool) else str(value).lower() in {
                "1", "true", "yes", "on"}
        elif kind == "int":
            coerced = int(value)
        elif kind == "float":
            coerced = float(value)
        elif kind.startswith("tuple"):
            coerced = tuple(part.strip() for part in str(value).split(",") if part.strip())
        else:
            coerced = str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"设置项 {where!r} 应为{KINDS.get(str(kind), str(kind))}，"
                          f"实际为 {value!r}") from None
    problem = check_value(where, coerced)
    if problem:
        raise ConfigError(f"设置项 {where!r}：{problem}")
    return replace(target, **{name: coerced})
