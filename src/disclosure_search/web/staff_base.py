"""What every staff page shares: the blueprints, CSRF on every POST, argument helpers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, abort, request

from disclosure_search.errors import ChecklistError, ChecklistTooLong
from disclosure_search.reports.checklist import ChecklistRow, parse_checklist
from disclosure_search.vocabulary.dates import TYPED_DATE_FORM, TypedDateError, parse_typed_date
from disclosure_search.web import auth, present
from disclosure_search.web.auditlog import ACTION_LABELS
from disclosure_search.web.context import resources

bp = Blueprint("staff", __name__, url_prefix="/staff")
api_bp = Blueprint("staff_api", __name__)


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    from disclosure_search.reports.check import STATUS_LABELS

    return {"csrf_token": auth.csrf_token, "staff_user": auth.current_user,
            "staff_session": auth.current_session, "STATUS_LABELS": STATUS_LABELS,
            "ACTION_LABELS": ACTION_LABELS,
            "TIMEZONE_LABEL": f"当地时间（{auth.settings().timezone}）"}


@bp.before_request
def _check_csrf() -> None:
    auth.require_csrf()


def local_time(value: str | datetime | None, settings: Any) -> str:
    """A stored time (ISO text or datetime) in the configured zone, ``YYYY-MM-DD HH:MM``."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return present.local_time(moment, settings.tz)


def catalog() -> Any:
    """The app's catalog (read-only)."""
    return resources().catalog()


def today() -> date:
    """Today in the configured time zone."""
    return datetime.now(auth.settings().tz).date()


def actor() -> str:
    """The logged-in name for the audit log ('-' when nobody is)."""
    return auth.current_user() or "-"


def log_action(action: str, detail: str = "") -> None:
    """Audit ``action`` by the logged-in person from this request's address."""
    auth.audit(auth.settings(), actor(), action, detail, auth.client_ip())


def download(body: str | bytes, mimetype: str, filename: str) -> Response:
    """A response the browser saves as ``filename``."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query argument within [low, high], or a Chinese 400."""
    raw = request.args.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        abort(400, f"参数 {name} 的值 {raw!r} 无效，应为 {low} 到 {high} 之间的整数。")
    return int(raw)


def date_arg(name: str, default: date | None) -> date | None:
    """A ``YYYY-MM-DD`` query argument, or a Chinese 400."""
    raw = request.args.get(name, "")
    try:
        typed = parse_typed_date(raw)
    except TypedDateError:
        abort(400, f"日期 {raw!r} 格式错误，应为 {TYPED_DATE_FORM}（例如 2018-03-05）。")
    return typed or default


def source_arg() -> str | None:
    """The ``source`` argument, checked against the configured sources."""
    source = request.args.get("source", "") or None
    known = {s.id: s.name for s in auth.settings().sources}
    if source is not None and known and source not in known:
        abort(400, f"未知来源 {source!r}，可选：{'、'.join(known.values())}")
    return source


def checklist_rows(data: bytes | str) -> list[ChecklistRow]:
    """Parse a checklist sent to the site, at most ``web.check_max_rows`` rows of it.

    A check holds its request (and a worker process) for a quarter to one millisecond of CPU
    per row; a longer list is refused as soon as its next row is read, never checked.

    Raises:
        ChecklistTooLong: the list is longer (HTTP 413); the message says where longer
            lists are checked.
        ChecklistError: anything else wrong with it (HTTP 400).
    """
    limit = auth.settings().web.check_max_rows
    try:
        return parse_checklist(data, max_rows=limit)
    except ChecklistTooLong:
        raise ChecklistTooLong(
            f"清单超过 {limit:,} 项：网页和接口每次最多检查 {limit:,} 项，以免一次检查长时间占用"
            "服务。请拆成较小的清单，或在服务器上用命令行检查整份清单："
            "disclosure-search check 清单.csv；加 --save 名称 即保存为每次抓取后自动复查的清单"
        ) from None


def checklist_status(exc: ChecklistError) -> int:
    """The HTTP status a refused checklist gets: 413 when too long, else 400."""
    return 413 if isinstance(exc, ChecklistTooLong) else 400


def checklist_text() -> str:
    """The checklist of a staff form: the uploaded file, else the pasted text.

    Raises:
        ChecklistError: the upload is not UTF-8 (the message names the line).
    """
    upload = request.files.get("checklist")
    if upload is not None and upload.filename:
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            parse_checklist(raw)  # raises the row-naming ChecklistError
    return request.form.get("text", "")
