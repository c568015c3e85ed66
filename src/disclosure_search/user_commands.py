"""``disclosure-search user ...``: staff accounts from the shell (list, add, disable, reset)."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from disclosure_search.config import Settings
from disclosure_search.errors import UsageError

if TYPE_CHECKING:
    from disclosure_search.web.accounts import User


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    """Register ``user`` and its subcommands on the CLI's subparsers."""
    p = sub.add_parser("user", help="工作人员账户")
    user_sub = p.add_subparsers(dest="user_command", required=True, parser_class=type(p))
    user_sub.add_parser("list", help="列出所有账户及其角色和状态")
    u = user_sub.add_parser("add", help="新增账户（会询问密码）")
    u.add_argument("name")
    u.add_argument("--role", choices=["administrator", "staff"],
                   help="默认：第一个账户为管理员，其后为工作人员")
    u.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    for name, text in (("disable", "停用账户（其会话立即结束）"),
                       ("enable", "启用已停用的账户")):
        user_sub.add_parser(name, help=text).add_argument("name")
    u = user_sub.add_parser("reset", help="设置临时密码；下次登录时须设置新密码")
    u.add_argument("name")
    u.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    u = user_sub.add_parser("role", help="更改账户角色（其会话立即结束）")
    u.add_argument("name")
    u.add_argument("role", choices=["administrator", "staff"])


def user(args: argparse.Namespace, settings: Settings) -> int:
    """Run one ``user`` subcommand; says which catalog it used, and when that one is new."""
    from disclosure_search.web import accounts

    catalog = settings.catalog_path
    existed = catalog.exists()
    print(f"使用的目录（catalog）：{catalog}", file=sys.stderr)
    if not existed:
        print(f"注意：{catalog} 是新建的（还没有抓取用过这个数据目录）；如果网站用的是另一个"
              "配置文件，请加上同一个 --config", file=sys.stderr)
    command = args.user_command
    if command == "list":
        return _list(accounts.list_users(settings) if existed else [], settings)
    if command == "add":
        role = accounts.add_user(settings, args.name, _password(args, args.name),
                                 role=args.role)
        print(f"已新增工作人员账户 {args.name}（{accounts.ROLES[role]}，{role}）")
    elif command in {"disable", "enable"}:
        accounts.set_disabled(settings, args.name, command == "disable")
        print(f"已{'停用' if command == 'disable' else '启用'}账户 {args.name}"
              + ("，其现有会话已全部结束" if command == "disable" else ""))
    elif command == "reset":
        accounts.reset_password(settings, args.name, _password(args, args.name))
        print(f"已为 {args.name} 设置临时密码：下次登录时须设置新密码，其现有会话已全部结束")
    else:
        accounts.set_role(settings, args.name, args.role)
        print(f"已将 {args.name} 的角色改为{accounts.ROLES[args.role]}（{args.role}），"
              "其现有会话已全部结束")
    return 0


def _list(users: list[User], settings: Settings) -> int:
    if not users:
        print("还没有工作人员账户；用 disclosure-search user add 用户名 新增一个")
        return 0
    zone = f"（{settings.timezone}）"
    print(f"{'用户名':17} {'角色':12} {'状态':10} {'创建时间' + zone:20} 最近登录{zone}")
    for u in users:
        state = "已停用" if u.disabled else ("须改密码" if u.must_change else "正常")
        print(f"{u.name:20} {u.role_label:12} {state:10} {_local(u.created_at, settings):26} "
              f"{_local(u.last_login, settings) or '从未登录'}")
    return 0


def _local(stored: str, settings: Settings) -> str:
    """A stored UTC time in the configured zone, as the staff pages show it."""
    if not stored:
        return ""
    return datetime.fromisoformat(stored).astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")


def _password(args: argparse.Namespace, name: str) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"{name} 的密码：")
    if getpass.getpass("再输入一次：") != password:
        raise UsageError("两次输入的密码不一致")
    return password
