"""Account management for administrators (/staff/users): add, disable/enable, reset, roles."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from disclosure_search.errors import UsageError
from disclosure_search.web import accounts, auth
from disclosure_search.web.staff_base import actor, bp


@bp.route("/users", methods=["GET", "POST"])
@auth.admin_required
def users() -> Any:
    """List the accounts; POST one action (add, disable, enable, reset, role) on one of them."""
    message, error, status = request.args.get("done", ""), "", 200
    if request.method == "POST":
        try:
            done = _apply(request.form.get("action", ""), request.form.get("name", "").strip())
            return redirect(url_for("staff.users", done=done))
        except UsageError as exc:
            error, status = str(exc).split(" (")[0], 400
    return render_template("staff/users.html", users=accounts.list_users(auth.settings()),
                           roles=accounts.ROLES, message=message, error=error,
                           min_password=accounts.MIN_PASSWORD), status


def _apply(action: str, name: str) -> str:
    """Run one admin action; returns what to tell the administrator."""
    settings, who, ip = auth.settings(), actor(), auth.client_ip()
    form = request.form
    if action == "add":
        role = accounts.add_user(settings, name, form.get("password", ""),
                                 role=form.get("role", "staff"), actor=who, ip=ip,
                                 must_change=True)
        return f"已新增账户 {name}（{accounts.ROLES[role]}），首次登录时须修改密码。"
    if action in {"disable", "enable"}:
        if action == "disable" and name == who:
            raise UsageError("不能停用自己的账户。")
        accounts.set_disabled(settings, name, action == "disable", actor=who, ip=ip)
        return f"已{'停用' if action == 'disable' else '启用'}账户 {name}。"
    if action == "reset":
        accounts.reset_password(settings, name, form.get("password", ""), actor=who, ip=ip)
        return f"已重置 {name} 的密码，对方下次登录时须设置新密码；其现有会话已全部结束。"
    if action == "role":
        role = form.get("role", "")
        accounts.set_role(settings, name, role, actor=who, ip=ip)
        return f"已将 {name} 的角色改为{accounts.ROLES[role]}；其现有会话已全部结束。"
    raise UsageError("未知操作。")
