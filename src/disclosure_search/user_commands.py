"""``disclosure-search user ...``: staff accounts from the shell (list, add, disable, reset)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from disclosure_search.config import Settings
from disclosure_search.errors import UsageError

if TYPE_CHECKING:
    from disclosure_search.web.accounts import User


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    """Register ``user`` and its subcommands on the CLI's subparsers."""
    p = sub.add_parser("user", help="staff accounts")
    user_sub = p.add_subparsers(dest="user_command", required=True, parser_class=type(p))
    user_sub.add_parser("list", help="every account with its role and state")
    u = user_sub.add_parser("add", help="create an account (asks for the password)")
    u.add_argument("name")
    u.add_argument("--role", choices=["administrator", "staff"],
                   help="default: administrator for the first account, staff after")
    u.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    for name, text in (("disable", "disable an account (its sessions end now)"),
                       ("enable", "enable a disabled account")):
        user_sub.add_parser(name, help=text).add_argument("name")
    u = user_sub.add_parser("reset", help="set a temporary password; a new one is chosen at "
                            "the next login")
    u.add_argument("name")
    u.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    u = user_sub.add_parser("role", help="change an account's role (its sessions end now)")
    u.add_argument("name")
    u.add_argument("role", choices=["administrator", "staff"])


def user(args: argparse.Namespace, settings: Settings) -> int:
    """Run one ``user`` subcommand; says which catalog it used, and when that one is new."""
    from disclosure_search.web import accounts

    catalog = settings.catalog_path
    existed = catalog.exists()
    print(f"catalog: {catalog}", file=sys.stderr)
    if not existed:
        print(f"note: {catalog} is new (no crawl has used this data directory); if the site "
              "runs with another config file, pass the same --config", file=sys.stderr)
    command = args.user_command
    if command == "list":
        return _list(accounts.list_users(settings) if existed else [])
    if command == "add":
        role = accounts.add_user(settings, args.name, _password(args, args.name),
                                 role=args.role)
        print(f"staff account {args.name!r} created ({role})")
    elif command in {"disable", "enable"}:
        accounts.set_disabled(settings, args.name, command == "disable")
        print(f"{args.name!r} {command}d")
    elif command == "reset":
        accounts.reset_password(settings, args.name, _password(args, args.name))
        print(f"{args.name!r}: temporary password set; a new one must be chosen at the next "
              "login, and every open session has ended")
    else:
        accounts.set_role(settings, args.name, args.role)
        print(f"{args.name!r} is now {args.role}; every open session has ended")
    return 0


def _list(users: list[User]) -> int:
    if not users:
        print("no staff accounts yet; create one with 'disclosure-search user add NAME'")
        return 0
    print(f"{'name':20} {'role':14} {'state':14} {'created (UTC)':26} last login (UTC)")
    for u in users:
        state = "disabled" if u.disabled else ("must change" if u.must_change else "active")
        print(f"{u.name:20} {u.role:14} {state:14} {u.created_at:26} "
              f"{u.last_login or 'never'}")
    return 0


def _password(args: argparse.Namespace, name: str) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"password for {name}: ")
    if getpass.getpass("again: ") != password:
        raise UsageError("the two passwords differ")
    return password
