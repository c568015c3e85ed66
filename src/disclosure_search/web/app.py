"""The Flask application factory: the one place where settings enter the web site."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask

from disclosure_search import __version__
from disclosure_search.config import Settings
from disclosure_search.models import CATEGORIES
from disclosure_search.vocabulary.validity import VALIDITIES
from disclosure_search.web import api, context, documents, errors, present, search, security, staff
from disclosure_search.web.params import SCOPE_LABELS, SORT_LABELS


def create_app(settings: Settings, *, test_config: dict[str, Any] | None = None) -> Flask:
    """Build the public site for ``settings``.

    Args:
        settings: resolved settings; the index and catalog are read from ``settings.data_dir``.
        test_config: Flask config values that override the defaults (tests pass TESTING).

    Returns:
        The WSGI application, with the public (search, documents, API) and staff blueprints.
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.web.secret_key or None,
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_SECURE=settings.web.secure_cookies,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if test_config:
        app.config.update(test_config)
    context.init_app(app, settings)
    app.register_blueprint(search.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(api.bp)
    staff.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    _register_template_helpers(app, settings)
    return app


def _register_template_helpers(app: Flask, settings: Settings) -> None:
    names = context.source_names(settings)
    tz = settings.tz

    @app.template_filter("localtime")
    def _localtime(value: datetime | None) -> str:
        return present.local_time(value, tz)

    @app.template_filter("size")
    def _size(value: int | None) -> str:
        return present.human_size(value)

    @app.template_filter("source_name")
    def _source_name(value: str) -> str:
        return names.get(value, value)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "CATEGORIES": CATEGORIES,
            "SORT_LABELS": SORT_LABELS,
            "SCOPE_LABELS": SCOPE_LABELS,
            "VALIDITIES": VALIDITIES,
            "SOURCES": names,
            "VERSION": __version__,
        }
