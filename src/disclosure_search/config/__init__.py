"""Settings: built once from defaults < TOML file < environment < flags, then passed explicitly.

The package's modules, one job each: ``settings`` (the frozen model and every setting's help),
``load`` (finding the file and the order of the layers), ``parse`` (the file's top level),
``sections`` / ``sources`` / ``agencies`` (the tables), ``overrides`` (environment and flags),
``checks`` (value checks both share) and ``locate`` (errors naming the file's line).
"""

from __future__ import annotations

from disclosure_search.config.load import find_config, load_settings
from disclosure_search.config.settings import (
    CrawlSettings,
    IndexSettings,
    Settings,
    SourceSettings,
    WebSettings,
)

__all__ = [
    "CrawlSettings",
    "IndexSettings",
    "Settings",
    "SourceSettings",
    "WebSettings",
    "find_config",
    "load_settings",
]
