"""Staff pages (/staff/...): login, publication check, annual counts, changes, crawl health."""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup

from disclosure_search.errors import ChecklistError
from disclosure_search.models import CATEGORIES
from disclosure_search.reports.annual import counts_csv, year_counts
from disclosure_search.reports.changes import list_changes
from disclosure_search.reports.check import STATUS_LABELS, CheckReport, report_csv, run_check
from disclosure_search.reports.checklist import COLUMNS, parse_checklist
from disclosure_search.reports.health import crawl_health
from disclosure_search.reports.svg import bar_chart
from disclosure_search.web import auth
from disclosure_search.web.errors import error_response

log = logging.getLogger(__name__)

bp = Blueprint("staff", __name__, url_prefix="/staff")
api_bp = Blueprint("staff_api", __name__)

MAX_CHANGE_DAYS = 366


def init_app(app: Flask) -> None:
    """Register the staff blueprints and make the session cookie fit for a login.

    The one line for ``create_app``: ``staff.init_app(app)``.
    """
    if not app.secret_key:
        log.warning("web.secret_key is not set: staff sessions end when the server restarts")
        app.secret_key = secrets.token_bytes(32)
    settings = app.config["SETTINGS"]
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.web.secure_cookies,
                      PERMANENT_SESSION_LIFETIME=auth.SESSION_MAX_AGE)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    return {"csrf_token": auth.csrf_token, "staff_user": auth.current_user,
            "STATUS_LABELS": STATUS_LABELS}


@bp.before_request
def _check_csrf() -> None:
    auth.require_csrf()


def _catalog() -> Any:
    from disclosure_search.web.app import resources

    return resources().catalog()


def _today() -> date:
    return datetime.now(auth.settings().tz).date()


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the login form; on POST check the password (throttled, audited)."""
    target = _safe_next(request.values.get("next", ""))
    if request.method == "GET":
        return render_template("staff/login.html", next=target, error="")
    name = request.form.get("name", "").strip()[:64]
    outcome = auth.authenticate(auth.settings(), name, request.form.get("password", ""),
                                auth.client_ip())
    if outcome == "ok":
        auth.start_session(name)
        return redirect(target or url_for("staff.index"))
    message = ("登录失败次数过多，请 15 分钟后再试。" if outcome == "throttled"
               else "用户名或密码不正确。")
    status = 429 if outcome == "throttled" else 401
    return render_template("staff/login.html", next=target, error=message), status


def _safe_next(target: str) -> str:
    """Only same-site staff paths may be returned to after login (no open redirect)."""
    if target.startswith("/staff/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""


@bp.post("/logout")
@auth.login_required
def logout() -> Any:
    """End the session."""
    auth.audit(auth.settings(), auth.current_user() or "-", "logout", "", auth.client_ip())
    session.clear()
    return redirect(url_for("staff.login"))


@bp.get("/")
@auth.login_required
def index() -> Any:
    """The staff home page: links to every report."""
    return render_template("staff/index.html")


@bp.route("/check", methods=["GET", "POST"])
@auth.login_required
def check() -> Any:
    """Publication check: upload or paste a checklist; results as a table, CSV or JSON."""
    if request.method == "GET":
        return render_template("staff/check.html", report=None, error="", text="",
                               columns=COLUMNS)
    text = _checklist_text()
    fmt = request.form.get("format", "html")
    try:
        rows = parse_checklist(text)
    except ChecklistError as exc:
        auth.audit(auth.settings(), auth.current_user() or "-", "check refused", str(exc),
                   auth.client_ip())
        return render_template("staff/check.html", report=None, error=str(exc), text=text,
                               columns=COLUMNS), 400
    report = run_check(_catalog(), rows, _today())
    auth.audit(auth.settings(), auth.current_user() or "-",
               "check run" if fmt == "html" else f"check export {fmt}",
               _counts_text(report), auth.client_ip())
    if fmt == "csv":
        return _download(report_csv(report), "text/csv", "publication-check.csv")
    if fmt == "json":
        response = jsonify(report.as_dict())
        response.headers["Content-Disposition"] = "attachment; filename=publication-check.json"
        return response
    return render_template("staff/check.html", report=report, error="", text=text,
                           columns=COLUMNS)


def _checklist_text() -> str:
    upload = request.files.get("checklist")
    if upload is not None and upload.filename:
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            parse_checklist(raw)  # raises the row-naming ChecklistError below
    return request.form.get("text", "")


def _counts_text(report: CheckReport) -> str:
    return f"{len(report.results)} rows: " + ", ".join(
        f"{k} {v}" for k, v in report.counts.items())


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@bp.errorhandler(ChecklistError)
def _bad_upload(exc: ChecklistError) -> Any:
    auth.audit(auth.settings(), auth.current_user() or "-", "check refused", str(exc),
               auth.client_ip())
    return render_template("staff/check.html", report=None, error=str(exc), text="",
                           columns=COLUMNS), 400


def _year_arg() -> int | None:
    raw = request.args.get("year", "")
    if not raw:
        return None
    if not raw.isdigit() or not 1990 <= int(raw) <= 2100:
        abort(400, f"年份 {raw!r} 无效，请填写如 2018 的四位年份。")
    return int(raw)


def _source_arg() -> str | None:
    source = request.args.get("source", "") or None
    known = {s.id for s in auth.settings().sources}
    if source is not None and known and source not in known:
        abort(400, f"未知来源 {source!r}，可选：{'、'.join(sorted(known))}")
    return source


@bp.get("/annual")
@auth.login_required
def annual() -> Any:
    """Counts per category for a year (the annual report's table), chart, CSV/JSON export."""
    source = _source_arg()
    year = _year_arg() or _today().year
    counts = year_counts(_catalog(), year, source, auth.settings().tz)
    fmt = request.args.get("format", "html")
    if fmt in {"csv", "json"}:
        auth.audit(auth.settings(), auth.current_user() or "-", f"annual export {fmt}",
                   f"{year} {source or 'all'}", auth.client_ip())
    if fmt == "csv":
        return _download(counts_csv(counts), "text/csv", f"annual-{year}.csv")
    if fmt == "json":
        return jsonify(counts.as_dict())
    chart = bar_chart(list(counts.by_month.items()), f"{year} 年每月发布的文件数",
                      unit="份")
    return render_template("staff/annual.html", counts=counts, categories=CATEGORIES,
                           chart=Markup(chart), source=source or "",
                           sources=auth.settings().sources)


@bp.get("/changes")
@auth.login_required
def changes() -> Any:
    """Documents new, changed or removed between two dates (inclusive), with diffs."""
    today = _today()
    start = _date_arg("from", today - timedelta(days=7))
    end = _date_arg("to", today)
    if end < start or (end - start).days > MAX_CHANGE_DAYS:
        abort(400, f"日期范围无效：开始日期须不晚于结束日期，且跨度不超过 {MAX_CHANGE_DAYS} 天。")
    tz = auth.settings().tz
    found = list_changes(_catalog(), datetime.combine(start, time(), tz),
                         datetime.combine(end + timedelta(days=1), time(), tz), _source_arg())
    return render_template("staff/changes.html", changes=found, start=start, end=end)


def _date_arg(name: str, default: date) -> date:
    raw = request.args.get(name, "")
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, f"日期 {raw!r} 格式错误，应为 YYYY-MM-DD。")


@bp.get("/health")
@auth.login_required
def health() -> Any:
    """Every recent run with duration and counts per source, and the warnings."""
    report = crawl_health(_catalog(), datetime.now(auth.settings().tz))
    return render_template("staff/health.html", report=report)


@bp.get("/audit")
@auth.login_required
def audit_log() -> Any:
    """The newest audit entries."""
    return render_template("staff/audit.html", entries=auth.audit_entries(auth.settings()))


@api_bp.post("/api/check")
def api_check() -> Any:
    """The check report as JSON for a CSV body (staff only: session + CSRF, or HTTP Basic).

    HTTP Basic requests must send the CSV as ``Content-Type: text/csv``: a content type a
    cross-site form cannot send, so cached Basic credentials cannot be abused (CSRF).
    """
    user = _api_user()
    if user is None:
        response = error_response(401, "需要工作人员身份：登录会话或 HTTP Basic 认证")
        response.headers["WWW-Authenticate"] = 'Basic realm="staff", charset="UTF-8"'
        return response
    upload = request.files.get("checklist")
    data = upload.read() if upload is not None else request.get_data()
    try:
        rows = parse_checklist(data)
    except ChecklistError as exc:
        auth.audit(auth.settings(), user, "api check refused", str(exc), auth.client_ip())
        return error_response(400, str(exc))
    report = run_check(_catalog(), rows, _today())
    auth.audit(auth.settings(), user, "api check", _counts_text(report), auth.client_ip())
    return jsonify(report.as_dict())


def _api_user() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        if request.mimetype != "text/csv":
            abort(415, "使用 HTTP Basic 认证时请以 Content-Type: text/csv 发送清单。")
        try:
            name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        ok = auth.authenticate(auth.settings(), name, password, auth.client_ip()) == "ok"
        return name if ok else None
    user = auth.current_user()
    if user is None:
        return None
    if not auth.csrf_ok():
        auth.audit(auth.settings(), user, "csrf refused", request.path, auth.client_ip())
        abort(400, "CSRF 校验失败：请在 X-CSRF-Token 头或 csrf_token 字段中发送令牌。")
    return user
