"""Serves the site on waitress, a production WSGI server (never Flask's development server).

One process serves with a pool of threads. Search is CPU-bound Python, so on a machine with
several cores ``workers`` > 1 pre-forks that many processes (spawned, not forked) which all
accept on one listening socket, as gunicorn does; each opens the index and catalog itself.
"""

from __future__ import annotations

import errno
import logging
import multiprocessing
import os
import signal
import socket
import threading
from types import FrameType

from waitress.server import create_server

from disclosure_search.config import Settings
from disclosure_search.errors import DisclosureSearchError, UsageError
from disclosure_search.web.app import create_app

log = logging.getLogger(__name__)

#: waitress threads per process; searches are short, a few threads keep a core busy.
THREADS = 8


class SiteServer:
    """A running site; ``url`` says where, ``run()`` serves until ``stop()`` is called."""

    def __init__(self, settings: Settings, host: str, port: int, *, threads: int = THREADS,
                 sock: socket.socket | None = None) -> None:
        sock = sock or listen(host, port)  # first, so a taken port leaves nothing open
        self.app = create_app(settings)
        self._server = create_server(
            self.app, threads=threads, ident="disclosure-search",
            clear_untrusted_proxy_headers=True, channel_timeout=60, sockets=[sock],
        )
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        """The bound port (useful after asking for port 0)."""
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        """The site's base URL."""
        return site_url(str(self._server.effective_host), self.port)

    def run(self) -> None:
        """Serve until :meth:`stop`."""
        log.info("search site at %s", self.url)
        try:
            self._server.run()
        except OSError:
            if not self._stopped.is_set():
                raise

    def stop(self) -> None:
        """Stop serving and release the index and catalog."""
        self._stopped.set()
        self._server.close()
        self.app.extensions["disclosure_search"].close()


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``; a port that cannot be bound is a UsageError
    (exit status 2) that says what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"{host} 上的端口 {port} 已被占用（那里已有服务在运行）：请停止它，"
                             "或用 --port 或 web.port 换一个端口") from None
        if exc.errno in {errno.EACCES, errno.EADDRNOTAVAIL}:
            raise UsageError(f"无法在 {host}:{port} 上监听（{exc.strerror}）：请换一个 web.host / "
                             "web.port（1024 以下的端口需要管理员权限）") from None
        raise


def site_url(host: str, port: int) -> str:
    """The URL a person opens for a server bound to ``host``:``port``."""
    shown = "127.0.0.1" if host in {"0.0.0.0", "", "::"} else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve(settings: Settings, host: str | None = None, port: int | None = None, *,
          workers: int | None = None) -> None:
    """Serve the site with waitress until interrupted (SIGINT/SIGTERM), logging its URL.

    Args:
        settings: the site's settings; the data directory is read, never written.
        host: interface to bind (default ``settings.web.host``).
        port: port to bind (default ``settings.web.port``; 0 picks a free one).
        workers: processes to serve with (default ``settings.web.workers`` if that setting
            exists, else 1; 0 means one per CPU).
    """
    host = host or settings.web.host
    port = settings.web.port if port is None else port
    if workers is None:
        workers = int(getattr(settings.web, "workers", 1))
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        server = SiteServer(settings, host, port)
        try:
            server.run()
        finally:
            server.stop()
        return
    _serve_workers(settings, host, port, workers)


def _serve_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    listener = listen(host, port)
    context = multiprocessing.get_context("spawn")
    levels = {name: logging.getLogger(name).getEffectiveLevel() for name in ("", "waitress.queue")}
    children = [
        context.Process(target=_worker, args=(settings, listener, levels), name=f"web-{n}",
                        daemon=True)
        for n in range(workers)
    ]
    for child in children:
        child.start()
    log.info("search site at %s (%d worker processes)",
             site_url(host, listener.getsockname()[1]), workers)
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, _on_signal)
    try:
        while not stop.is_set() and all(c.is_alive() for c in children):
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for child in children:
            child.terminate()
        for child in children:
            child.join(timeout=10)
        listener.close()
    failed = [c.name for c in children if c.exitcode not in (0, -signal.SIGTERM)]
    if failed and not stop.is_set():
        raise DisclosureSearchError(f"网站工作进程 {'、'.join(failed)} 已退出：原因见上面的日志")


def _worker(settings: Settings, listener: socket.socket, levels: dict[str, int]) -> None:
    """One worker process: serve on the shared listening socket until terminated.

    A spawned process starts without the parent's logging setup; ``levels`` carries it over.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    logging.basicConfig(level=levels[""], format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(levels["waitress.queue"])
    SiteServer(settings, "", 0, sock=listener).run()
