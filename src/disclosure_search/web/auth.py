"""Staff login in the Flask request: the session cookie, CSRF tokens, who may see what.

Accounts live in ``accounts.py``, server-side sessions in ``sessions.py`` and the audit log
in ``auditlog.py``; this module ties them to the request. The signed cookie holds only the
session id and the CSRF token; every request looks the session up, so logging out, a
password change or disabling an account take effect on the next request.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, g, redirect, request, session, url_for

from disclosure_search.web import sessions
from disclosure_search.web.accounts import (
    LoginResult,
    add_user,
    authenticate,
)
from disclosure_search.web.auditlog import audit, audit_entries
from disclosure_search.web.context import settings
from disclosure_search.web.sessions import StaffSession

__all__ = ["LoginResult", "add_user", "audit", "audit_entries", "authenticate"]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_FIELD = "staff_session"
#: What a person is told when their session is gone, by why it went.
ENDED = {
    "idle": "您已较长时间未操作，会话已结束，请重新登录。",
    "expired": "会话已到最长时限，请重新登录。",
    "unknown": "会话已失效（已退出、密码或权限已变更，或账户已停用），请重新登录。",
}

F = TypeVar("F", bound=Callable[..., Any])


def client_ip() -> str:
    """The address the request came from (no proxy headers are trusted)."""
    return request.remote_addr or ""


def start_session(name: str) -> None:
    """Log ``name`` in: a fresh cookie (no fixation), a server-side session, a new CSRF token."""
    session.clear()
    session[SESSION_FIELD] = sessions.open_session(settings(), name, client_ip())
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def end_session() -> None:
    """Log out: the server-side session is deleted, so a copied cookie opens nothing."""
    sid = session.get(SESSION_FIELD)
    if sid:
        sessions.close_session(settings(), str(sid))
    session.clear()


def current_session() -> StaffSession | None:
    """This request's live staff session, or None (a session that just ended is audited)."""
    if "staff" in g:
        found: StaffSession | None = g.staff
        return found
    g.staff = None
    g.staff_ended = ""
    sid = session.get(SESSION_FIELD)
    if sid:
        checked = sessions.check_session(settings(), str(sid))
        if isinstance(checked, StaffSession):
            g.staff = checked
        else:
            session.pop(SESSION_FIELD, None)
            g.staff_ended = checked
            action = {"idle": "session idle", "expired": "session expired"}.get(
                checked, "session revoked")
            audit(settings(), "-", action, request.path, client_ip())
    result: StaffSession | None = g.staff
    return result


def current_user() -> str | None:
    """The logged-in staff name, or None."""
    found = current_session()
    return found.user if found else None


def ended_reason() -> str:
    """Why this request's session ended: a key of :data:`ENDED`, or '' when it did not."""
    current_session()
    return str(g.get("staff_ended", ""))


def csrf_token() -> str:
    """This session's CSRF token (made on first use), for every form's hidden field."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return str(token)


def csrf_ok() -> bool:
    """True when the POST carries this session's token (form field or X-CSRF-Token header)."""
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    return bool(expected) and hmac.compare_digest(str(expected), sent)


def require_csrf() -> None:
    """Abort with 400 (and audit it) when a POST's CSRF token is missing or wrong."""
    if request.method == "POST" and not csrf_ok():
        audit(settings(), current_user() or "-", "csrf refused", request.path, client_ip())
        abort(400, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")


def login_required(view: F) -> F:
    """Send visitors without a live staff session to the login page (JSON 401 for APIs).

    A person whose password was reset is sent to the password page first.
    """

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        staff = current_session()
        if staff is None:
            if request.path.startswith("/api/"):
                abort(401, ENDED.get(ended_reason(), "需要工作人员登录。"))
            return redirect(url_for("staff.login", next=request.path,
                                    ended=ended_reason() or None))
        if staff.must_change and request.endpoint not in {"staff.password", "staff.logout"}:
            return redirect(url_for("staff.password"))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Like :func:`login_required`, and 403 for anyone who is not an administrator."""

    @login_required
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        staff = current_session()
        if staff is None or not staff.is_admin:
            abort(403, "只有管理员可以管理账户。")
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
