"""One error handler: the same data rendered as the JSON error shape or as an HTML page."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from disclosure_search.errors import (
    ArchiveError,
    DisclosureSearchError,
    QueryError,
    SearchIndexError,
)

log = logging.getLogger(__name__)

#: Plain Chinese words for the statuses a person may meet, used when a view gave none.
STATUS_TEXT: dict[int, str] = {
    400: "请求有误",
    401: "需要登录",
    403: "没有权限",
    404: "未找到该页面或文档",
    405: "不支持该请求方法",
    413: "请求内容过大",
    415: "请求内容类型不支持",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂时不可用",
}


def init_app(app: Flask) -> None:
    """Register the handlers for HTTP errors, domain errors and unexpected exceptions."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(QueryError, lambda exc: error_response(400, str(exc)))
    app.register_error_handler(SearchIndexError, _unavailable)
    app.register_error_handler(ArchiveError, _unavailable)
    app.register_error_handler(DisclosureSearchError, _unavailable)
    app.register_error_handler(Exception, _unexpected)


def wants_json() -> bool:
    """True for /api/* paths and for clients that prefer JSON over HTML."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    return accept.best_match(["text/html", "application/json"]) == "application/json" and (
        accept["application/json"] > accept["text/html"]
    )


def error_response(status: int, message: str) -> Response:
    """Render ``{"ok": false, "error": message, "status": status}`` or the HTML error page."""
    if wants_json():
        response = jsonify({"ok": False, "error": message, "status": status})
    else:
        title = STATUS_TEXT.get(status, "出错了")
        html = render_template("error.html", status=status, title=title, message=message)
        response = Response(html, mimetype="text/html")
    response.status_code = status
    return response


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = exc.description if exc.description and _own_message(exc) else ""
    response = error_response(status, message or STATUS_TEXT.get(status, exc.name))
    if status == 405 and exc.response is None:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def _own_message(exc: HTTPException) -> bool:
    """True when a view passed its own message to abort() (not werkzeug's English default)."""
    return type(exc).description != exc.description


def _unavailable(exc: DisclosureSearchError) -> Response:
    log.warning("service unavailable: %s", exc)
    return error_response(503, f"服务暂时不可用：{exc}")


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected error while serving %s", request.path)
    return error_response(500, "服务器内部错误，已记录。请稍后再试。")
