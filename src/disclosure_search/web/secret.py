"""The key that signs staff session cookies: configured, or made once and kept in data_dir.

Every worker process of ``serve`` must sign with the same key, or a cookie set by one worker
is refused by the next. Without ``web.secret_key`` the first process to start writes a random
key to ``data_dir/web-secret.key`` (owner-only, 0600) and every process, now and after a
restart, reads that file.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import tempfile
from pathlib import Path

from disclosure_search.config import Settings
from disclosure_search.errors import DisclosureSearchError

log = logging.getLogger(__name__)

KEY_FILE = "web-secret.key"
KEY_BYTES = 32


def session_key(settings: Settings) -> bytes:
    """The session-signing key: ``web.secret_key`` when set, else the data dir's key file.

    Raises:
        DisclosureSearchError: the key file cannot be made or read (say which, and that
            setting ``web.secret_key`` avoids the file).
    """
    if settings.web.secret_key:
        return settings.web.secret_key.encode("utf-8")
    path = Path(settings.data_dir) / KEY_FILE
    try:
        return _read(path) if path.exists() else _create(path)
    except OSError as exc:
        raise DisclosureSearchError(
            f"无法把会话密钥保存到 {path}（{exc.strerror or exc}）：请让数据目录可写，"
            "或设置 web.secret_key") from None


def _create(path: Path) -> bytes:
    """Write a new key atomically; when another process wins the race, use its key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".web-secret-")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)  # fails if the file exists: never overwrites a key in use
            log.info("made the staff session key %s", path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temp)
    return _read(path)


def _read(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by others (mode %o); now 0600", path, mode)
        path.chmod(0o600)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise DisclosureSearchError(f"{path} 中没有可用的密钥：删除它即可生成新的"
                                    "（所有已登录的人需要重新登录）")
    return key.encode("ascii")
