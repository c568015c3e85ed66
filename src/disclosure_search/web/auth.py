"""Staff accounts, login throttling, CSRF tokens and the audit log (tables in catalog.sqlite3)."""

from __future__ import annotations

import contextlib
import functools
import hmac
import logging
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import abort, current_app, redirect, request, session, url_for

from disclosure_search.config import Settings
from disclosure_search.errors import UsageError

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
CREATE TABLE IF NOT EXISTS login_failures (
    name TEXT NOT NULL,
    ip TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_at ON login_failures (at);
"""

NAME_RE = re.compile(r"[A-Za-z0-9_.@-]{2,64}")
MIN_PASSWORD = 10
#: Failed logins allowed in :data:`THROTTLE_WINDOW_S` per account and per address.
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_IP = 20
THROTTLE_WINDOW_S = 15 * 60
#: A staff session ends this long after login.
SESSION_MAX_AGE = timedelta(hours=8)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    at: str
    user: str
    action: str
    detail: str
    ip: str


@contextlib.contextmanager
def connect(settings: Settings) -> Iterator[sqlite3.Connection]:
    """Open catalog.sqlite3 for the staff tables (created if missing), commit, close."""
    path = Path(settings.catalog_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        with conn:
            yield conn
    finally:
        conn.close()


def add_user(settings: Settings, name: str, password: str) -> None:
    """Create a staff account with an Argon2id password hash.

    Raises:
        UsageError: the name is not 2-64 letters/digits/``_.@-``, the password is shorter
            than 10 characters, or the account exists already.
    """
    if not NAME_RE.fullmatch(name):
        raise UsageError(f"user name {name!r}: use 2-64 letters, digits, '_', '.', '@' or '-'")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password must have at least {MIN_PASSWORD} characters")
    with connect(settings) as conn:
        try:
            conn.execute("INSERT INTO staff_users (name, password_hash, created_at) "
                         "VALUES (?, ?, ?)", (name, _hasher.hash(password), _now()))
        except sqlite3.IntegrityError:
            raise UsageError(f"user {name!r} exists already") from None
        _audit(conn, "cli", "user add", name, "")


def authenticate(settings: Settings, name: str, password: str, ip: str) -> str:
    """Check a login; returns ``"ok"``, ``"bad"`` or ``"throttled"`` and audits the attempt.

    Throttled attempts are refused before the password is looked at, so guessing does not
    go on while locked out; a wrong password for an unknown name costs the same time.
    """
    with connect(settings) as conn:
        if _throttled(conn, name, ip):
            _audit(conn, name, "login throttled", "", ip)
            return "throttled"
        row = conn.execute("SELECT password_hash FROM staff_users WHERE name = ? AND "
                           "disabled = 0", (name,)).fetchone()
        if _password_ok(row[0] if row else _DUMMY_HASH, password) and row:
            conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))
            _audit(conn, name, "login ok", "", ip)
            return "ok"
        conn.execute("INSERT INTO login_failures (name, ip, at) VALUES (?, ?, ?)",
                     (name, ip, time.time()))
        _audit(conn, name, "login failed", "unknown user" if row is None else "", ip)
        return "bad"


def _password_ok(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _throttled(conn: sqlite3.Connection, name: str, ip: str) -> bool:
    since = time.time() - THROTTLE_WINDOW_S
    conn.execute("DELETE FROM login_failures WHERE at < ?", (since,))
    by_user = conn.execute("SELECT count(*) FROM login_failures WHERE name = ? AND at >= ?",
                           (name, since)).fetchone()[0]
    by_ip = conn.execute("SELECT count(*) FROM login_failures WHERE ip = ? AND at >= ?",
                         (ip, since)).fetchone()[0]
    return by_user >= MAX_FAILURES_PER_USER or by_ip >= MAX_FAILURES_PER_IP


def audit(settings: Settings, user: str, action: str, detail: str = "", ip: str = "") -> None:
    """Append one staff action to the audit log."""
    with connect(settings) as conn:
        _audit(conn, user, action, detail, ip)


def _audit(conn: sqlite3.Connection, user: str, action: str, detail: str, ip: str) -> None:
    conn.execute("INSERT INTO audit_log (at, user, action, detail, ip) VALUES (?, ?, ?, ?, ?)",
                 (_now(), user, action, detail[:500], ip))
    log.info("audit: %s %s %s", user, action, detail[:100])


def audit_entries(settings: Settings, limit: int = 200) -> list[AuditEntry]:
    """Return the newest audit entries first."""
    with connect(settings) as conn:
        rows = conn.execute("SELECT at, user, action, detail, ip FROM audit_log "
                            "ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [AuditEntry(*row) for row in rows]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- sessions and CSRF (Flask request context) -------------------------------------------


def client_ip() -> str:
    """The address the request came from (no proxy headers are trusted)."""
    return request.remote_addr or ""


def settings() -> Settings:
    """The current app's settings."""
    found: Settings = current_app.config["SETTINGS"]
    return found


def start_session(name: str) -> None:
    """Log ``name`` in: a fresh session (no fixation) with a new CSRF token."""
    session.clear()
    session["staff_user"] = name
    session["staff_login_at"] = time.time()
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def current_user() -> str | None:
    """The logged-in staff name, or None (an expired session is cleared and audited)."""
    name = session.get("staff_user")
    if not name:
        return None
    started = float(session.get("staff_login_at", 0))
    if time.time() - started > SESSION_MAX_AGE.total_seconds():
        session.clear()
        audit(settings(), str(name), "session expired", request.path, client_ip())
        return None
    return str(name)


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
        audit(settings(), str(session.get("staff_user") or "-"), "csrf refused",
              request.path, client_ip())
        abort(400, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")


def login_required(view: F) -> F:
    """Send visitors without a valid staff session to the login page (JSON 401 for APIs)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            if request.path.startswith("/api/"):
                abort(401, "需要工作人员登录")
            return redirect(url_for("staff.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
