"""The current app's settings and shared handles, for the blueprints.

As flaskr's blueprints get ``get_db`` from ``db.py``, ours get :func:`settings` and
:func:`resources` from here: the factory (``app.py``) imports the blueprints, and nothing
imports the factory back.
"""

from __future__ import annotations

from flask import Flask, current_app

from disclosure_search.config import Settings
from disclosure_search.web.resources import Resources

EXTENSION_KEY = "disclosure_search"


def init_app(app: Flask, settings: Settings) -> None:
    """Attach ``settings`` and the index/catalog handles built from them to ``app``."""
    app.extensions[EXTENSION_KEY] = Resources(settings)
    app.config["SETTINGS"] = settings


def resources() -> Resources:
    """The current app's index and catalog handles."""
    found: Resources = current_app.extensions[EXTENSION_KEY]
    return found


def settings() -> Settings:
    """The current app's settings."""
    found: Settings = current_app.config["SETTINGS"]
    return found


def source_names(settings: Settings) -> dict[str, str]:
    """Map source id to its configured display name."""
    return {src.id: src.name for src in settings.sources}
