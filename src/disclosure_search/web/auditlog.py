"""The staff audit log: who did what, from which address, when; read back page by page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from disclosure_search.config import Settings
from disclosure_search.web.staffdb import audit_row, connect

#: Every action the log records, as a person reads it.
ACTION_LABELS = {
    "login ok": "登录成功",
    "login failed": "登录失败（密码错误或无此用户）",
    "login throttled": "登录被暂缓（失败次数过多）",
    "login disabled": "登录被拒（账户已停用）",
    "logout": "退出登录",
    "session expired": "会话已超时",
    "session idle": "会话因闲置结束",
    "session revoked": "会话已失效",
    "csrf refused": "表单校验失败（CSRF）",
    "password change": "修改密码",
    "user add": "新增账户",
    "user disable": "停用账户",
    "user enable": "启用账户",
    "user reset": "重置密码",
    "user role": "更改角色",
    "check run": "公开核查",
    "check refused": "核查清单被拒",
    "check export csv": "导出核查结果（CSV）",
    "check export json": "导出核查结果（JSON）",
    "api check": "接口核查",
    "api check refused": "接口核查清单被拒",
    "annual export csv": "导出年度报告（CSV）",
    "annual export json": "导出年度报告（JSON）",
    "annual export docx": "导出年度报告（Word）",
    "watchlist save": "保存每晚复查的清单",
    "watchlist refused": "每晚复查的清单被拒",
    "watchlist delete": "删除每晚复查的清单",
}


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    at: str
    user: str
    action: str
    detail: str
    ip: str

    @property
    def action_label(self) -> str:
        """The action in Chinese."""
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def when(self) -> datetime:
        """The time as an aware datetime (UTC)."""
        return datetime.fromisoformat(self.at)


@dataclass(frozen=True)
class AuditPage:
    """One page of matching entries, newest first, and how many match in all."""

    entries: list[AuditEntry]
    total: int


def audit(settings: Settings, user: str, action: str, detail: str = "", ip: str = "") -> None:
    """Append one staff action to the audit log."""
    with connect(settings) as conn:
        audit_row(conn, user, action, detail, ip)


def audit_entries(settings: Settings, limit: int = 200, *, offset: int = 0, user: str = "",
                  action: str = "", start: date | None = None, end: date | None = None,
                  tz: ZoneInfo | None = None) -> AuditPage:
    """The newest entries matching the filters (``start``/``end`` are local days, inclusive)."""
    where, params = ["1 = 1"], []
    if user:
        where.append("user = ?")
        params.append(user)
    if action:
        where.append("action = ?")
        params.append(action)
    zone = tz or ZoneInfo("UTC")
    if start:
        where.append("at >= ?")
        params.append(_utc(start, zone))
    if end:
        where.append("at < ?")
        params.append(_utc(end + timedelta(days=1), zone))
    sql = " AND ".join(where)
    with connect(settings) as conn:
        total = conn.execute(f"SELECT count(*) FROM audit_log WHERE {sql}", params).fetchone()[0]
        rows = conn.execute(f"SELECT at, user, action, detail, ip FROM audit_log WHERE {sql} "
                            "ORDER BY id DESC LIMIT ? OFFSET ?",
                            [*params, limit, offset]).fetchall()
    return AuditPage([AuditEntry(*row) for row in rows], int(total))


def _utc(day: date, tz: ZoneInfo) -> str:
    return datetime.combine(day, time(), tz).astimezone(UTC).isoformat(timespec="seconds")
