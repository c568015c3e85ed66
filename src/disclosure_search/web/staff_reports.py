"""Staff reports: publication check, annual counts, changes, crawl health, the audit log."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, time, timedelta
from typing import Any

from flask import abort, jsonify, render_template, request
from markupsafe import Markup

from disclosure_search.errors import ChecklistError
from disclosure_search.models import CATEGORIES
from disclosure_search.reports import watchlist
from disclosure_search.reports.annual import year_counts
from disclosure_search.reports.annual_export import draft_csv, draft_docx
from disclosure_search.reports.changes import list_changes
from disclosure_search.reports.check import STATUS_LABELS, CheckReport, report_csv, run_check
from disclosure_search.reports.checklist import COLUMNS
from disclosure_search.reports.disclosure_table import (
    BLANK_ROWS,
    COLUMN_LABELS,
    KIND_LABELS,
    DisclosureTable,
    disclosure_table,
)
from disclosure_search.reports.health import crawl_health
from disclosure_search.reports.svg import bar_chart
from disclosure_search.web import auth
from disclosure_search.web.errors import error_response
from disclosure_search.web.present import field_label
from disclosure_search.web.staff_base import (
    api_bp,
    bp,
    catalog,
    checklist_rows,
    checklist_status,
    checklist_text,
    date_arg,
    download,
    int_arg,
    log_action,
    source_arg,
    today,
)

MAX_CHANGE_DAYS = 366
PER_PAGE = 50
#: Crawl counters as the health page heads its columns.
HEALTH_LABELS = {"fetched": "已抓取", "unchanged": "未变化", "new": "新增", "changed": "有变化",
                 "removed": "已撤下", "failed": "失败", "skipped_robots": "robots.txt 禁止",
                 "bytes": "下载量", "gone": "已消失（404/410）", "skipped_scope": "超出范围",
                 "skipped_known": "已知未重抓", "requests": "请求数"}
CHANGE_LABELS = {"new": "新增", "changed": "修改", "removed": "撤下"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def source_names() -> dict[str, str]:
    """Source id -> configured name."""
    return {s.id: s.name for s in auth.settings().sources}


@bp.route("/check", methods=["GET", "POST"])
@auth.login_required
def check() -> Any:
    """Publication check: upload or paste a checklist; results as a table, CSV or JSON."""
    if request.method == "GET":
        return render_template("staff/check.html", report=None, error="", text="",
                               columns=COLUMNS)
    text = checklist_text()
    fmt = request.form.get("format", "html")
    try:
        rows = checklist_rows(text)
    except ChecklistError as exc:
        return _bad_upload(exc, text)
    report = run_check(catalog(), rows, today())
    log_action("check run" if fmt == "html" else f"check export {fmt}", _counts_text(report))
    if fmt == "csv":
        return download(report_csv(report), "text/csv", "publication-check.csv")
    if fmt == "json":
        response = jsonify(report.as_dict())
        response.headers["Content-Disposition"] = "attachment; filename=publication-check.json"
        return response
    return render_template("staff/check.html", report=report, error="", text=text,
                           columns=COLUMNS)


def _counts_text(report: CheckReport) -> str:
    return f"共 {len(report.results)} 项：" + "，".join(
        f"{STATUS_LABELS[k]} {v}" for k, v in report.counts.items())


@bp.errorhandler(ChecklistError)
def _bad_upload(exc: ChecklistError, text: str = "") -> Any:
    log_action("check refused", str(exc))
    status = checklist_status(exc)
    shown = "" if status == 413 else text  # a list too long is not sent back either
    return render_template("staff/check.html", report=None, error=str(exc), text=shown,
                           columns=COLUMNS), status


@bp.get("/annual")
@auth.login_required
def annual() -> Any:
    """The annual report draft: table 二 with evidence, counts per category, chart, exports.

    Opens on the latest year with documents; ``format`` is html, csv, json or docx.
    """
    source = source_arg()
    fmt = request.args.get("format", "html")
    if fmt not in {"html", "csv", "json", "docx"}:
        abort(400, f"不支持的格式 {fmt!r}：可选 html、csv、json、docx。")
    settings = auth.settings()
    years = year_counts(catalog(), None, source, settings.tz).years
    year = int_arg("year", years[-1] if years else today().year, 1990, 2100)
    if year not in years:
        return _no_data(year, years, source, fmt)
    counts = year_counts(catalog(), year, source, settings.tz)
    table = disclosure_table(catalog(), year, source, settings.tz)
    if fmt != "html":
        log_action(f"annual export {fmt}",
                   f"{year} 年，{source_names().get(source, source) if source else '全部来源'}")
    names = source_names()
    if fmt == "csv":
        return download(draft_csv(table, counts, names), "text/csv", f"annual-{year}.csv")
    if fmt == "docx":
        organisation = names.get(source, "") if source else "、".join(names.values())
        return download(draft_docx(table, counts, organisation, names), DOCX_TYPE,
                        f"annual-report-{year}.docx")
    if fmt == "json":
        return jsonify({**counts.as_dict(), "table_2": _table_json(table)})
    chart = bar_chart(list(counts.by_month.items()), f"{year} 年每月发布的文件数",
                      unit="份")
    return render_template("staff/annual.html", counts=counts, table=table, years=years,
                           categories=CATEGORIES, chart=Markup(chart), source=source or "",
                           sources=settings.sources, blank_rows=BLANK_ROWS,
                           column_labels=COLUMN_LABELS, kind_labels=KIND_LABELS)


def _no_data(year: int, years: tuple[int, ...], source: str | None, fmt: str) -> Any:
    have = "、".join(str(y) for y in years) or "（暂无，请先运行一次抓取）"
    message = f"{year} 年没有已存档的文件。有文件的年度：{have}。"
    if fmt != "html":
        return error_response(404, message)
    return render_template("staff/annual.html", counts=None, table=None, years=years,
                           year=year, message=message, source=source or "",
                           sources=auth.settings().sources), 404


def _table_json(table: DisclosureTable) -> dict[str, Any]:
    return {KIND_LABELS[kind]: {COLUMN_LABELS[col]: len(docs) for col, docs in cells.items()}
            for kind, cells in table.evidence.items()}


@bp.get("/annual/evidence")
@auth.login_required
def annual_evidence() -> Any:
    """The documents behind one figure of table 二."""
    source = source_arg()
    year = int_arg("year", today().year, 1990, 2100)
    kind, column = request.args.get("kind", ""), request.args.get("column", "")
    if kind not in KIND_LABELS or column not in COLUMN_LABELS:
        abort(400, "请从年度报告页面的数字进入：kind 为 regulation 或 normative，column 为 "
                   "issued、repealed 或 in_force。")
    table = disclosure_table(catalog(), year, source, auth.settings().tz)
    return render_template("staff/evidence.html", year=year, source=source or "",
                           kind_label=KIND_LABELS[kind], column_label=COLUMN_LABELS[column],
                           documents=table.evidence[kind][column])


@bp.get("/changes")
@auth.login_required
def changes() -> Any:
    """Documents new, changed or removed between two dates (inclusive), with diffs.

    Filtered by source, category and kind of change; 50 to a page.
    """
    now = today()
    start = date_arg("from", now - timedelta(days=7)) or now
    end = date_arg("to", now) or now
    if end < start or (end - start).days > MAX_CHANGE_DAYS:
        abort(400, f"日期范围无效：开始日期须不晚于结束日期，且跨度不超过 {MAX_CHANGE_DAYS} 天。")
    kind = request.args.get("kind", "")
    if kind and kind not in CHANGE_LABELS:
        abort(400, f"变更类型 {kind!r} 无效，可选：新增、修改、撤下。")
    category = request.args.get("category", "")
    if category and category not in CATEGORIES:
        abort(400, f"分类 {category!r} 无效。")
    tz = auth.settings().tz
    found = list_changes(catalog(), datetime.combine(start, time(), tz),
                         datetime.combine(end + timedelta(days=1), time(), tz), source_arg(),
                         kinds=(kind,) if kind else ("new", "changed", "removed"))  # type: ignore[arg-type]
    if category:
        found = [c for c in found if c.document.category == category]
    page = int_arg("page", 1, 1, 100_000)
    shown = found[(page - 1) * PER_PAGE:page * PER_PAGE]
    return render_template("staff/changes.html", changes=shown, total=len(found), page=page,
                           per_page=PER_PAGE, start=start, end=end, kinds=CHANGE_LABELS,
                           categories=CATEGORIES, sources=auth.settings().sources,
                           field_label=field_label)


@bp.get("/health")
@auth.login_required
def health() -> Any:
    """Every recent run with duration and counts per source, and the warnings."""
    report = crawl_health(catalog(), datetime.now(auth.settings().tz))
    return render_template("staff/health.html", report=report, labels=HEALTH_LABELS)


@bp.get("/audit")
@auth.login_required
def audit_log() -> Any:
    """The audit log, newest first, a page at a time, filtered by person, action and days."""
    page = int_arg("page", 1, 1, 100_000)
    found = auth.audit_entries(auth.settings(), PER_PAGE, offset=(page - 1) * PER_PAGE,
                               user=request.args.get("user", "")[:64],
                               action=request.args.get("action", "")[:64],
                               start=date_arg("from", None), end=date_arg("to", None),
                               tz=auth.settings().tz)
    return render_template("staff/audit.html", entries=found.entries, total=found.total,
                           page=page, per_page=PER_PAGE)


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
        rows = checklist_rows(data)
    except ChecklistError as exc:
        auth.audit(auth.settings(), user, "api check refused", str(exc), auth.client_ip())
        return error_response(checklist_status(exc), str(exc))
    report = run_check(catalog(), rows, today())
    auth.audit(auth.settings(), user, "api check", _counts_text(report), auth.client_ip())
    body = report.as_dict()
    if "save" in request.args:  # keep the list: every later crawl checks it again
        try:
            saved = watchlist.save(auth.settings().catalog_path, request.args["save"],
                                   _text(data), catalog().iter_documents(), saved_by=user,
                                   today=today())
        except ChecklistError as exc:
            return error_response(400, str(exc))
        auth.audit(auth.settings(), user, "watchlist save",
                   f"清单“{saved.name}”，共 {saved.items} 项", auth.client_ip())
        body["saved"] = {"id": saved.id, "name": saved.name, "items": saved.items}
    return jsonify(body)


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")  # parse_checklist has accepted it: it is UTF-8


def _api_user() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        if request.mimetype != "text/csv":
            abort(415, "使用 HTTP Basic 认证时请以 Content-Type: text/csv 发送清单。")
        try:
            name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        result = auth.authenticate(auth.settings(), name, password, auth.client_ip())
        return name if result.outcome == "ok" else None
    user = auth.current_user()
    if user is None:
        return None
    if not auth.csrf_ok():
        auth.audit(auth.settings(), user, "csrf refused", request.path, auth.client_ip())
        abort(400, "CSRF 校验失败：请在 X-CSRF-Token 头或 csrf_token 字段中发送令牌。")
    return user
