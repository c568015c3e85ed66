"""Staff sessions hold under the real server with two worker processes and no configured key."""

from __future__ import annotations

import http.client
import os
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from disclosure_search.config import Settings, SourceSettings
from disclosure_search.web import auth
from disclosure_search.web.secret import KEY_FILE

pytest.importorskip("disclosure_search.archive.catalog",
                    reason="needs disclosure_search.archive.catalog")

from reports.data import build_catalog, sample_documents

PASSWORD = "correct horse battery"
ROUNDS = 20
CONFIG = """data_dir = "data"
[web]
port = 0
workers = 2
[[sources]]
id = "kjj"
name = "南昌市科技局"
start_urls = ["http://kjj.example.gov.cn/"]
"""


class Browser:
    """One person's cookie jar over plain HTTP: keeps the session cookie, follows nothing."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            found = re.match(r"(session=[^;]*)", response.getheader("Set-Cookie") or "")
            if found:
                self.cookie = found.group(1)
            return response.status, dict(response.getheaders()), text
        finally:
            conn.close()

    def token(self, path: str) -> str:
        status, _, html = self.request("GET", path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert status == 200 and found, (status, html[:300])
        return found.group(1)

    def login(self) -> int:
        token = self.token("/staff/login")
        return self.request("POST", "/staff/login", {"name": "clerk", "password": PASSWORD,
                                                     "csrf_token": token})[0]


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """``disclosure-search serve`` as an office runs it: two workers, no web.secret_key."""
    root = tmp_path_factory.mktemp("office")
    (root / "disclosure-search.toml").write_text(CONFIG, encoding="utf-8")
    settings = Settings(data_dir=root / "data", sources=(
        SourceSettings(id="kjj", name="南昌市科技局", start_urls=("http://kjj.example.gov.cn/",)),))
    build_catalog(settings, sample_documents())
    auth.add_user(settings, "clerk", PASSWORD)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_SEARCH_")}
    child = subprocess.Popen(
        [sys.executable, "-m", "disclosure_search", "--config",
         str(root / "disclosure-search.toml"), "-v", "serve"],
        stderr=subprocess.PIPE, text=True, env=env)
    assert child.stderr is not None
    port = 0
    deadline = time.monotonic() + 60
    for line in child.stderr:
        found = re.search(r"search site at http://127\.0\.0\.1:(\d+)/ \(2 worker", line)
        if found:
            port = int(found.group(1))
            break
        assert time.monotonic() < deadline
    assert port, "serve did not start"
    drain = threading.Thread(target=child.stderr.read, daemon=True)  # keep the pipe drained
    drain.start()
    _wait_for(port)
    yield port, root / "data"
    child.terminate()
    assert child.wait(timeout=30) == 0
    drain.join(timeout=10)
    child.stderr.close()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if Browser(port).request("GET", "/staff/login")[0] == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "workers did not answer"
        time.sleep(0.2)


def test_key_is_made_once_owner_only(two_workers: tuple[int, Path]) -> None:
    _, data_dir = two_workers
    key = data_dir / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) == 64


def test_twenty_logins_form_posts_and_page_loads_never_fail(
        two_workers: tuple[int, Path]) -> None:
    port, _ = two_workers
    logins = [Browser(port).login() for _ in range(ROUNDS)]
    assert logins == [302] * ROUNDS
    clerk = Browser(port)
    assert clerk.login() == 302
    pages = [clerk.request("GET", "/staff/")[0] for _ in range(ROUNDS)]
    assert pages == [200] * ROUNDS
    token = clerk.token("/staff/check")
    posts = []
    for _ in range(ROUNDS):
        status, _, html = clerk.request("POST", "/staff/check", {
            "csrf_token": token, "text": "title\n关于开展2018年度高新技术企业认定工作的通知\n"})
        posts.append(status if "已按时公开" in html or "已公开" in html else -status)
    assert posts == [200] * ROUNDS
