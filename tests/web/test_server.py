"""The real server (waitress) serves the site and picks up a newer index without a restart."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from disclosure_search.config import Settings
from disclosure_search.index.backend import open_backend
from disclosure_search.web import resources
from disclosure_search.web.server import SiteServer

from .conftest import build_documents


@pytest.fixture()
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SiteServer, Path]]:
    monkeypatch.setattr(resources, "REFRESH_INTERVAL_S", 0.0)
    settings = Settings(data_dir=tmp_path)
    backend = open_backend(settings.index_dir, writable=True)
    backend.upsert(build_documents()[:3])
    backend.close()
    server = SiteServer(settings, "127.0.0.1", 0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server, settings.index_dir
    server.stop()
    thread.join(timeout=5)


def _get(server: SiteServer, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_served_by_waitress_with_headers(live: tuple[SiteServer, Path]) -> None:
    server, _ = live
    assert server.url == f"http://127.0.0.1:{server.port}/"
    status, headers, body = _get(server, "/api/search?q=")
    assert status == 200 and json.loads(body)["total"] == 3
    assert headers["Server"] == "disclosure-search"
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, _, body = _get(server, "/api/search?page=0")
    assert status == 400 and json.loads(body)["status"] == 400


def test_newer_index_is_picked_up_without_restart(live: tuple[SiteServer, Path]) -> None:
    server, index_dir = live
    assert json.loads(_get(server, "/api/search")[2])["total"] == 3
    writer = open_backend(index_dir, writable=True)  # what a crawl does meanwhile
    try:
        writer.upsert(build_documents()[3:8])
    finally:
        writer.close()
    assert json.loads(_get(server, "/api/search")[2])["total"] == 8


def test_worker_processes_share_one_port(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    backend = open_backend(settings.index_dir, writable=True)
    backend.upsert(build_documents()[:3])
    backend.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = ("import sys\nfrom pathlib import Path\nfrom disclosure_search.config import Settings\n"
            "from disclosure_search.web.server import serve\n"
            "if __name__ == '__main__':\n"
            "    serve(Settings(data_dir=Path(sys.argv[1])), '127.0.0.1', int(sys.argv[2]),"
            " workers=2)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(port)])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                # spawned workers import slowly on a busy machine
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", "/api/search")
                response = conn.getresponse()
                assert json.loads(response.read())["total"] == 3
                conn.close()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "workers did not start"
                time.sleep(0.2)
    finally:
        child.terminate()
        assert child.wait(timeout=20) == 0  # SIGTERM is a clean stop


def test_port_in_use_is_a_clear_usage_error(tmp_path: Path) -> None:
    from disclosure_search.errors import UsageError
    from disclosure_search.web.server import serve

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for workers in (1, 2):
            with pytest.raises(UsageError, match=f"127.0.0.1 上的端口 {port} 已被占用"):
                serve(Settings(data_dir=tmp_path), "127.0.0.1", port, workers=workers)


def test_serve_on_a_taken_port_exits_2_with_a_chinese_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from disclosure_search.cli import main

    config = tmp_path / "site.toml"
    config.write_text('data_dir = "data"\n', encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["--config", str(config), "serve", "--host", "127.0.0.1",
                     "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2 and f"错误：127.0.0.1 上的端口 {port} 已被占用" in err
    assert "--port" in err and "Traceback" not in err
