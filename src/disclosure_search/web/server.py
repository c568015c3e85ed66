"""Serves the site on waitress, a production WSGI server (never Flask's development server)."""

from __future__ import annotations

import logging
import threading

from waitress.server import create_server

from disclosure_search.config import Settings
from disclosure_search.web.app import create_app

log = logging.getLogger(__name__)

#: waitress worker threads; searches are short, so a few threads keep 2 cores busy.
THREADS = 8


class SiteServer:
    """A running site; ``url`` says where, ``run()`` serves until ``stop()`` is called."""

    def __init__(self, settings: Settings, host: str, port: int, *, threads: int = THREADS):
        self.app = create_app(settings)
        self._server = create_server(
            self.app, host=host, port=port, threads=threads, ident="disclosure-search",
            clear_untrusted_proxy_headers=True, channel_timeout=60,
        )
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        """The bound port (useful after asking for port 0)."""
        return int(self._server.effective_port)  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        """The site's base URL."""
        host = str(self._server.effective_host)  # type: ignore[union-attr]
        shown = "127.0.0.1" if host in {"0.0.0.0", ""} else host
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}/"

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


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Serve the site with waitress until interrupted, logging its URL.

    Args:
        settings: the site's settings; the data directory is read, never written.
        host: interface to bind (default ``settings.web.host``).
        port: port to bind (default ``settings.web.port``; 0 picks a free one).
    """
    server = SiteServer(settings, host or settings.web.host,
                        settings.web.port if port is None else port)
    try:
        server.run()
    finally:
        server.stop()
