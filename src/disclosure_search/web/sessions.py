"""Server-side staff sessions: a row per login, checked on every request, revoked at once.

The signed cookie only carries the session's random id. Logout deletes the row; a password
change, a reset, disabling an account and a role change delete all of that person's rows
(``accounts.py``). A session ends after ``web.session_idle_minutes`` without a request and
``web.session_max_hours`` after the login, whatever happens in between.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Literal

from disclosure_search.config import Settings
from disclosure_search.web.staffdb import connect

#: ``last_seen`` is written at most this often, so browsing is not one write per page.
TOUCH_EVERY_S = 30


@dataclass(frozen=True)
class StaffSession:
    """A live session: who, with which role, and whether they must change the password."""

    id: str
    user: str
    role: str
    must_change: bool

    @property
    def is_admin(self) -> bool:
        """True for administrators (they manage accounts)."""
        return self.role == "administrator"


Invalid = Literal["unknown", "idle", "expired"]


def open_session(settings: Settings, user: str, ip: str) -> str:
    """Record a new session for ``user`` and return its id (for the cookie)."""
    sid = secrets.token_urlsafe(32)
    now = time.time()
    with connect(settings) as conn:
        conn.execute("INSERT INTO staff_sessions (id, user, ip, created, last_seen) "
                     "VALUES (?, ?, ?, ?, ?)", (sid, user, ip, now, now))
    return sid


def check_session(settings: Settings, sid: str) -> StaffSession | Invalid:
    """The live session ``sid``, or why it is not one (unknown/revoked, idle, too old).

    An idle or too old session is deleted here; a disabled account has no sessions.
    """
    now = time.time()
    with connect(settings) as conn:
        row = conn.execute(
            "SELECT s.user, s.created, s.last_seen, u.role, u.must_change FROM staff_sessions s "
            "JOIN staff_users u ON u.name = s.user AND u.disabled = 0 WHERE s.id = ?",
            (sid,)).fetchone()
        if row is None:
            return "unknown"
        user, created, last_seen, role, must_change = row
        reason: Invalid | None = None
        if now - created > settings.web.session_max_hours * 3600:
            reason = "expired"
        elif now - last_seen > settings.web.session_idle_minutes * 60:
            reason = "idle"
        if reason is not None:
            conn.execute("DELETE FROM staff_sessions WHERE id = ?", (sid,))
            return reason
        if now - last_seen > TOUCH_EVERY_S:
            conn.execute("UPDATE staff_sessions SET last_seen = ? WHERE id = ?", (now, sid))
    return StaffSession(sid, str(user), str(role), bool(must_change))


def close_session(settings: Settings, sid: str) -> None:
    """Delete one session (logout)."""
    with connect(settings) as conn:
        conn.execute("DELETE FROM staff_sessions WHERE id = ?", (sid,))
