"""Settings built in one place: defaults < TOML file < environment < command-line flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from disclosure_search.config.locate import Locator, toml_error
from disclosure_search.config.overrides import CONFIG_ENV, apply_overrides, env_overrides
from disclosure_search.config.parse import parse_settings
from disclosure_search.config.settings import Settings
from disclosure_search.errors import ConfigError

DEFAULT_CONFIG_NAME = "disclosure-search.toml"


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """Find the config file: ``--config``, then ``$DISCLOSURE_SEARCH_CONFIG``, then ``./``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    return local if local.exists() else None


def load_settings(
    path: str | os.PathLike[str] | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build Settings from defaults < TOML file < environment < ``overrides`` (flags).

    Args:
        path: the config file; found with :func:`find_config` when None.
        overrides: dotted keys from command-line flags, e.g. ``{"web.port": 9000}``.
        environ: environment to read ``DISCLOSURE_SEARCH_*`` from (default ``os.environ``).

    Raises:
        ConfigError: naming the key, and the line when it comes from the file.
    """
    config_path = find_config(path)
    raw: dict[str, Any] = {}
    text = ""
    if config_path is not None:
        text = _read(config_path)
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(toml_error(config_path, exc)) from None
    base = config_path.parent.resolve() if config_path else Path.cwd()
    settings = parse_settings(Locator(text, str(config_path or "<defaults>")), raw, base)
    flat = env_overrides(environ if environ is not None else dict(os.environ))
    flat.update(overrides or {})
    settings = apply_overrides(settings, flat, base)
    return replace(settings, config_path=config_path.resolve() if config_path else None)


def _read(config_path: Path) -> str:
    try:
        return config_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件 {config_path}：请创建它，或用 --config 指定") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{config_path}：不是 UTF-8 编码的文本") from None
