"""Staff accounts: add, list, disable/enable, reset a password, roles, and the login check.

Every change is audited and revokes the person's sessions at once (see ``sessions.py``).
No Flask here: the command line and the admin page call the same functions.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from disclosure_search.config import Settings
from disclosure_search.errors import UsageError
from disclosure_search.web.staffdb import audit_row, connect, now_iso

NAME_RE = re.compile(r"[A-Za-z0-9_.@-]{2,64}")
MIN_PASSWORD = 10
ROLES = {"administrator": "管理员", "staff": "工作人员"}
#: Wrong passwords for one account from one address before each further try must wait.
FREE_FAILURES = 5
#: The first wait; it doubles with every further failure, up to :data:`MAX_WAIT_S`.
FIRST_WAIT_S = 30
MAX_WAIT_S = 15 * 60
#: Failed logins one address may make (over all accounts) in :data:`WINDOW_S`.
MAX_FAILURES_PER_IP = 50
WINDOW_S = 60 * 60

Outcome = Literal["ok", "bad", "throttled", "disabled"]

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


@dataclass(frozen=True)
class User:
    """One staff account as the admin page and ``user list`` show it."""

    name: str
    role: str
    disabled: bool
    must_change: bool
    created_at: str
    last_login: str

    @property
    def role_label(self) -> str:
        """The role in Chinese."""
        return ROLES.get(self.role, self.role)


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to; ``wait_s`` says how long a throttled caller must wait."""

    outcome: Outcome
    wait_s: int = 0


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"密码至少 {MIN_PASSWORD} 个字符，请换一个更长的密码。")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UsageError(f"角色 {role!r} 无效，可选：administrator（管理员）、staff（工作人员）")


def add_user(settings: Settings, name: str, password: str, *, role: str | None = None,
             actor: str = "cli", ip: str = "", must_change: bool = False) -> str:
    """Create an account with an Argon2id password hash; returns its role.

    The first account of a catalog is an administrator unless ``role`` says otherwise;
    later ones are staff.

    Raises:
        UsageError: a bad name, a password shorter than 10 characters, an unknown role, or
            the account exists already.
    """
    if not NAME_RE.fullmatch(name):
        raise UsageError(f"用户名 {name!r} 无效：请用 2-64 个字母、数字或 _ . @ - 组成。")
    _check_password(password)
    with connect(settings) as conn:
        if role is None:
            first = conn.execute("SELECT count(*) FROM staff_users").fetchone()[0] == 0
            role = "administrator" if first else "staff"
        _check_role(role)
        try:
            conn.execute("INSERT INTO staff_users (name, password_hash, created_at, role, "
                         "must_change) VALUES (?, ?, ?, ?, ?)",
                         (name, _hasher.hash(password), now_iso(), role, int(must_change)))
        except sqlite3.IntegrityError:
            raise UsageError(f"用户 {name!r} 已存在；要重设其密码请用 disclosure-search user reset "
                             f"{name}") from None
        audit_row(conn, actor, "user add", f"{name}（{ROLES[role]}）", ip)
    return role


def list_users(settings: Settings) -> list[User]:
    """Every account, by name."""
    with connect(settings) as conn:
        rows = conn.execute("SELECT name, role, disabled, must_change, created_at, last_login "
                            "FROM staff_users ORDER BY name").fetchall()
    return [User(r[0], r[1], bool(r[2]), bool(r[3]), r[4], r[5]) for r in rows]


def get_user(settings: Settings, name: str) -> User | None:
    """The account called ``name``, or None."""
    return next((u for u in list_users(settings) if u.name == name), None)


def _update(settings: Settings, name: str, sql: str, params: tuple[object, ...], *,
            actor: str, ip: str, action: str, detail: str = "") -> None:
    """Change one account, revoke its sessions and audit it, in one transaction."""
    with connect(settings) as conn:
        changed = conn.execute(f"UPDATE staff_users SET {sql} WHERE name = ?",
                               (*params, name)).rowcount
        if not changed:
            raise UsageError(f"没有用户 {name!r}；disclosure-search user list 列出所有账户")
        conn.execute("DELETE FROM staff_sessions WHERE user = ?", (name,))
        audit_row(conn, actor, action, f"{name}{detail}", ip)


def set_disabled(settings: Settings, name: str, disabled: bool, *, actor: str = "cli",
                 ip: str = "") -> None:
    """Disable (ends every session now) or enable an account."""
    if disabled:
        _keep_an_administrator(settings, name)
    _update(settings, name, "disabled = ?", (int(disabled),), actor=actor, ip=ip,
            action="user disable" if disabled else "user enable")


def set_role(settings: Settings, name: str, role: str, *, actor: str = "cli",
             ip: str = "") -> None:
    """Give an account another role; its sessions end so the new rights apply at once."""
    _check_role(role)
    if role != "administrator":
        _keep_an_administrator(settings, name)
    _update(settings, name, "role = ?", (role,), actor=actor, ip=ip, action="user role",
            detail=f"：改为{ROLES[role]}")


def reset_password(settings: Settings, name: str, temporary: str, *, actor: str = "cli",
                   ip: str = "") -> None:
    """Set a temporary password; the person must choose a new one at the next login."""
    _check_password(temporary)
    _update(settings, name, "password_hash = ?, must_change = 1", (_hasher.hash(temporary),),
            actor=actor, ip=ip, action="user reset")


def change_password(settings: Settings, name: str, old: str, new: str, *, ip: str = "") -> bool:
    """The person's own change; False when ``old`` is wrong. Ends all their sessions."""
    _check_password(new)
    if old == new:
        raise UsageError("新密码不能与原密码相同。")
    with connect(settings) as conn:
        row = conn.execute("SELECT password_hash FROM staff_users WHERE name = ?",
                           (name,)).fetchone()
    if row is None or not _password_ok(row[0], old):
        return False
    _update(settings, name, "password_hash = ?, must_change = 0", (_hasher.hash(new),),
            actor=name, ip=ip, action="password change")
    return True


def _keep_an_administrator(settings: Settings, name: str) -> None:
    admins = [u.name for u in list_users(settings)
              if u.role == "administrator" and not u.disabled]
    if admins == [name]:
        raise UsageError(f"{name!r} 是唯一可用的管理员，不能停用或降级；请先指定另一位管理员。")


def authenticate(settings: Settings, name: str, password: str, ip: str) -> LoginResult:
    """Check a login from ``ip``; audits the attempt with the address.

    Failures are counted per account *and* address: after :data:`FREE_FAILURES` wrong
    passwords that pair waits :data:`FIRST_WAIT_S`, doubling each time, while the same
    account from any other address is not slowed (a stranger cannot lock a colleague out).
    A throttled attempt is refused before the password is looked at.
    """
    with connect(settings) as conn:
        wait = _wait_s(conn, name, ip)
        if wait:
            audit_row(conn, name, "login throttled", f"须等待 {wait} 秒", ip)
            return LoginResult("throttled", wait)
        row = conn.execute("SELECT password_hash, disabled FROM staff_users WHERE name = ?",
                           (name,)).fetchone()
        if _password_ok(row[0] if row else _DUMMY_HASH, password) and row:
            if row[1]:
                audit_row(conn, name, "login disabled", "", ip)
                return LoginResult("disabled")
            conn.execute("DELETE FROM login_failures WHERE name = ? AND ip = ?", (name, ip))
            conn.execute("UPDATE staff_users SET last_login = ? WHERE name = ?",
                         (now_iso(), name))
            audit_row(conn, name, "login ok", "", ip)
            return LoginResult("ok")
        conn.execute("INSERT INTO login_failures (name, ip, at) VALUES (?, ?, ?)",
                     (name, ip, _clock()))
        audit_row(conn, name, "login failed", "无此用户" if row is None else "密码错误", ip)
        return LoginResult("bad")


def _clock() -> float:
    """Seconds since the epoch (one place, so tests can move time on)."""
    return time.time()


def _password_ok(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _wait_s(conn: sqlite3.Connection, name: str, ip: str) -> int:
    """Seconds this account+address (or this address overall) must still wait, or 0."""
    now = _clock()
    conn.execute("DELETE FROM login_failures WHERE at < ?", (now - WINDOW_S,))
    count, last = conn.execute("SELECT count(*), max(at) FROM login_failures "
                               "WHERE name = ? AND ip = ?", (name, ip)).fetchone()
    by_ip, last_ip = conn.execute("SELECT count(*), max(at) FROM login_failures WHERE ip = ?",
                                  (ip,)).fetchone()
    waits = [0.0]
    if count >= FREE_FAILURES:
        backoff = min(FIRST_WAIT_S * 2 ** (count - FREE_FAILURES), MAX_WAIT_S)
        waits.append(last + backoff - now)
    if by_ip >= MAX_FAILURES_PER_IP:
        waits.append(last_ip + MAX_WAIT_S - now)
    return max(0, int(max(waits) + 0.999))
