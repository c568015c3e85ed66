"""Staff area (/staff/...): login, logout, password change and the home page.

``staff_base.py`` holds the blueprint and helpers; the reports (``staff_reports.py``) and
account management (``staff_users.py``) add their routes to the same blueprint.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, redirect, render_template, request, url_for

from disclosure_search.errors import UsageError
from disclosure_search.reports import watchlist
from disclosure_search.reports.reasons import reason_text
from disclosure_search.web import (
    accounts,
    auth,
    present,
    staff_reports,
    staff_users,
    staff_watch,
)
from disclosure_search.web.secret import session_key
from disclosure_search.web.staff_base import api_bp, bp, local_time, log_action

__all__ = ["bp", "init_app", "staff_reports", "staff_users", "staff_watch"]


def init_app(app: Flask) -> None:
    """Register the staff blueprints and make the session cookie fit for a login.

    The one line for ``create_app``: ``staff.init_app(app)``.
    """
    settings = app.config["SETTINGS"]
    if not app.secret_key:
        app.secret_key = session_key(settings)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.web.secure_cookies)
    app.add_template_filter(lambda value: local_time(value, settings), "stafftime")
    app.add_template_filter(present.field_label, "field_label")
    app.add_template_filter(present.change_summary_text, "change_note")
    app.add_template_filter(reason_text, "reason_text")
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the login form; on POST check the password (throttled, audited)."""
    target = _safe_next(request.values.get("next", ""))
    if request.method == "GET":
        ended = auth.ENDED.get(request.args.get("ended", ""), "")
        return render_template("staff/login.html", next=target, error=ended)
    name = request.form.get("name", "").strip()[:64]
    result = auth.authenticate(auth.settings(), name, request.form.get("password", ""),
                               auth.client_ip())
    if result.outcome == "ok":
        auth.start_session(name)
        return redirect(target or url_for("staff.index"))
    messages = {
        "throttled": ("该账户在本机的登录失败次数过多，"
                      f"请 {_wait_text(result.wait_s)}后再试。", 429),
        "disabled": ("该账户已停用，请联系管理员。", 403),
        "bad": ("用户名或密码不正确。", 401),
    }
    message, status = messages[result.outcome]
    return render_template("staff/login.html", next=target, error=message), status


def _wait_text(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 90 else f"{(seconds + 59) // 60} 分钟"


def _safe_next(target: str) -> str:
    """Only same-site staff paths may be returned to after login (no open redirect)."""
    if target.startswith("/staff/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""


@bp.post("/logout")
@auth.login_required
def logout() -> Any:
    """End the session here and on the server (a copied cookie stops working too)."""
    log_action("logout")
    auth.end_session()
    return redirect(url_for("staff.login"))


@bp.route("/password", methods=["GET", "POST"])
@auth.login_required
def password() -> Any:
    """Change one's own password (required after an administrator reset it)."""
    staff = auth.current_session()
    assert staff is not None  # login_required
    if request.method == "GET":
        return render_template("staff/password.html", error="", forced=staff.must_change)
    new = request.form.get("new", "")
    if new != request.form.get("repeat", ""):
        error, status = "两次输入的新密码不一致。", 400
    else:
        try:
            ok = accounts.change_password(auth.settings(), staff.user,
                                          request.form.get("old", ""), new, ip=auth.client_ip())
            error, status = ("", 200) if ok else ("原密码不正确。", 400)
        except UsageError as exc:
            error, status = str(exc).split(" (")[0], 400
    if error:
        return render_template("staff/password.html", error=error,
                               forced=staff.must_change), status
    auth.start_session(staff.user)  # every other session of this person has ended
    return redirect(url_for("staff.index", changed="1"))


@bp.get("/")
@auth.login_required
def index() -> Any:
    """The staff home page: what the saved lists' last re-check found, links to every report."""
    settings = auth.settings()
    board = watchlist.board(settings.catalog_path, datetime.now(settings.tz))
    return render_template("staff/index.html", changed=bool(request.args.get("changed")),
                           board=board, recent_days=watchlist.RECENT_DAYS)


