"""Serve the two sample sites over HTTP (stdlib only): conditional GET, HEAD, faults, editions.

``SamplePortal`` runs both sites on 127.0.0.1 port 0 in threads for tests; ``serve_forever``
runs them in the foreground for ``disclosure-search sample-portal``.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Protocol
from urllib.parse import urlsplit

from disclosure_search.sample_portal import editions, faults
from disclosure_search.sample_portal.data import SITE_NAMES, PortalDocument, load_documents
from disclosure_search.sample_portal.hanweb import CitySite
from disclosure_search.sample_portal.layout_pages import LayoutSite
from disclosure_search.sample_portal.layouts import LAYOUTS
from disclosure_search.sample_portal.site import Response, build_view
from disclosure_search.sample_portal.trs import BureauSite

logger = logging.getLogger(__name__)

SITES: tuple[str, ...] = ("kjj", "city")
START_PATHS: dict[str, str] = {"kjj": "/xxgk/", "city": "/"}


class _Site(Protocol):
    def respond(self, path: str, query: str) -> Response | None: ...


@dataclass(frozen=True)
class ListedItem:
    """An item a site lists in the current edition, as a crawler should find it."""

    url: str
    path: str
    key: str
    title: str
    category: str
    doc_number: str
    published_date: str
    written_date: str
    agency: str
    body: str
    attachment_urls: tuple[str, ...]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    portal: SamplePortal
    site_id: str

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-response (the crawler's size cap does) is not an error."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
            logger.debug("%s: client %s hung up", self.site_id, client_address)
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        """Form posts (Hanweb's jpage data proxy): the form joins the query, as a JSP reads it."""
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(min(length, 65536)).decode("utf-8", "replace") if length else ""
        self._serve(head=False, form=form)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s %s", self.server.site_id, format % args)

    def _serve(self, head: bool, form: str = "") -> None:
        portal, site_id = self.server.portal, self.server.site_id
        split = urlsplit(self.path)
        if form:
            split = split._replace(query="&".join(filter(None, (split.query, form))))
        fault = portal.fault_state.which(split.path) if site_id == "kjj" else None
        if fault in ("reset", "huge"):
            self._socket_fault(fault, head)
            return
        if fault == "slow":
            time.sleep(portal.fault_state.slow_seconds)
        resp = portal.respond(site_id, split.path, split.query, fault)
        self._send(resp, head)

    def _send(self, resp: Response, head: bool) -> None:
        etag = '"' + hashlib.sha1(resp.body).hexdigest()[:20] + '"'
        if resp.status == 200 and self._not_modified(etag, resp.last_modified):
            resp = Response(304, b"", resp.content_type, resp.last_modified)
        self.send_response(resp.status)
        if resp.status in (200, 304):
            self.send_header("ETag", etag)
            if resp.last_modified:
                self.send_header("Last-Modified", format_datetime(resp.last_modified, usegmt=True))
        if resp.location:
            self.send_header("Location", resp.location)
        if resp.status != 304:
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        sent = 0 if head or resp.status == 304 else len(resp.body)
        # logged before the body goes out, so a client that has its answer sees the entry
        self.server.portal.log(self.path, self.command, resp.status, sent)
        if sent:
            self.wfile.write(resp.body)

    def _not_modified(self, etag: str, modified: datetime | None) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            return etag in [t.strip() for t in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since and modified:
            try:
                return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _socket_fault(self, fault: str, head: bool) -> None:
        portal = self.server.portal
        chunk, first, repeats = faults.huge_chunks(portal.sample_passage())
        total = len(first) + len(chunk) * repeats
        sent = 0 if head else len(first) + len(chunk) if fault == "reset" else total
        portal.log(self.path, self.command, 200, sent)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        if head:
            return
        self.wfile.write(first)
        if fault == "reset":
            self.wfile.write(chunk)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        for _ in range(repeats):
            self.wfile.write(chunk)


class SamplePortal:
    """Both sample sites on 127.0.0.1, port 0, in background threads (a context manager).

    Args:
        faults: fault modes to switch on (see :mod:`faults`).
        edition: the content edition to serve (see :mod:`editions`).
        scale: N multiplies the bureau's items N times (derived copies) for big crawls.
        slow_seconds: how long the ``slow`` fault page waits.
        host: interface to bind; loopback by default.
        ports: fixed ports per site (``{"kjj": 8001, "city": 8002}``); 0 = any free port.
        data_dir: a data folder written by the build tool (the bundled one by default).
        layouts: also serve the layouts site (``layouts``: jpage data lists, a JSON list, a
            table of files, meta-only pages; see :mod:`layouts`) on a third port.
    """

    def __init__(
        self, faults: frozenset[str] = frozenset(), edition: int = 0, scale: int = 1,
        slow_seconds: float = 3.0, host: str = "127.0.0.1", ports: dict[str, int] | None = None,
        data_dir: Path | None = None, layouts: bool = False,
    ) -> None:
        self.sites = (*SITES, "layouts") if layouts else SITES
        self.fault_state = _fault_state(faults, slow_seconds)
        self.scale = scale
        self.host = host
        self._ports = ports or {}
        self._docs = load_documents(data_dir)
        self._lock = threading.Lock()
        self.request_log: list[tuple[str, str, int, int]] = []
        self._servers: dict[str, _Server] = {}
        self._threads: list[threading.Thread] = []
        self._sites: dict[str, _Site] = {}
        self.edition = -1
        self.set_edition(edition, _at=editions.EDITION_TIMES.get(edition))

    def set_edition(self, n: int, _at: datetime | None = None) -> None:
        """Switch both sites to edition ``n`` now (pages it changes get a fresh Last-Modified)."""
        if not 0 <= n <= editions.MAX_EDITION:
            raise ValueError(f"edition must be 0..{editions.MAX_EDITION}, not {n}")
        at = _at or max(editions.EDITION_TIMES[n], datetime.now(UTC).replace(microsecond=0))
        views = {
            s: build_view(self._docs, s, n, self.scale if s == "kjj" else 1, at) for s in SITES
        }
        sites: dict[str, _Site] = {
            "kjj": BureauSite(views["kjj"], faults.fault_links(self.fault_state.faults)),
            "city": CitySite(views["city"]),
        }
        if "layouts" in self.sites:
            sites["layouts"] = LayoutSite()
        with self._lock:
            self._views, self._sites, self.edition = views, sites, n

    def respond(self, site: str, path: str, query: str, fault: str | None = None) -> Response:
        """The response ``site`` gives for ``path`` (used by the HTTP handler)."""
        with self._lock:
            renderer, view = self._sites[site], self._views.get(site)
        if fault:
            page = renderer.respond(self._fault_page_path(), "") or Response(404)
            resp = faults.simple_response(fault, path, self.fault_state, page)
            if resp is not None:
                return resp
        resp = renderer.respond(path, query)
        if resp is not None:
            return resp
        if view is not None and view.dead.get(path) == 410:
            return Response(410, "<h1>410 Gone</h1><p>该信息已撤销。</p>".encode())
        return Response(404, "<h1>404 Not Found</h1><p>您访问的页面不存在。</p>".encode())

    def _fault_page_path(self) -> str:
        """A real detail page whose content the flaky and slow fault pages serve."""
        return self._views["kjj"].columns["zwxx"][-1].path

    def sample_passage(self) -> str:
        """Real text to fill the huge and reset fault pages."""
        return self._views["kjj"].columns["zwxx"][-1].body

    def log(self, path: str, method: str, status: int, size: int) -> None:
        """Record one answered request in :attr:`request_log`."""
        with self._lock:
            self.request_log.append((path, method, status, size))

    def __enter__(self) -> SamplePortal:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        """Bind both sites and serve them in daemon threads."""
        for site in self.sites:
            server = _Server((self.host, self._ports.get(site, 0)), _Handler)
            server.portal, server.site_id = self, site
            thread = threading.Thread(target=server.serve_forever, name=f"sample-{site}",
                                      kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self._servers[site], self._threads = server, [*self._threads, thread]

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()

    def base_url(self, site: str) -> str:
        """``http://127.0.0.1:PORT`` of a running site (``kjj`` or ``city``)."""
        host, port = self._servers[site].server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"

    def start_url(self, site: str, layout: str | None = None) -> str:
        """Where a crawl of ``site`` starts (of the ``layouts`` site: a layout's landing page)."""
        if site == "layouts":
            return self.base_url(site) + LAYOUTS[layout or "jpage"]
        return self.base_url(site) + START_PATHS[site]

    def listed_documents(self, site: str) -> list[ListedItem]:
        """The items ``site`` lists in the current edition, newest first."""
        with self._lock:
            view = self._views[site]
        base = self.base_url(site)
        return [_listed(base, d) for d in view.items]

    def config_toml(self, data_dir: str | Path) -> str:
        """A disclosure-search.toml that crawls both running sites quickly (for tests)."""
        lines = [f"data_dir = {_toml_str(str(data_dir))}", 'timezone = "Asia/Shanghai"', "",
                 "[crawl]", 'user_agent = "disclosure-search-test (+http://127.0.0.1/)"',
                 "requests_per_second = 200.0", "timeout_s = 10"]
        for site in SITES:
            lines += ["", "[[sources]]", f'id = "{site}"', f'name = "{SITE_NAMES[site]}"',
                      f"start_urls = [{_toml_str(self.start_url(site))}]"]
        # the city portal spells its general office both ways (some pages are Traditional)
        lines += ["", "[agencies]", '"示例市人民政府办公厅" = ["示例市人民政府辦公廳"]']
        return "\n".join(lines) + "\n"


def _toml_str(text: str) -> str:
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _listed(base: str, doc: PortalDocument) -> ListedItem:
    """A ListedItem for ``doc`` on the site at ``base``."""
    return ListedItem(
        url=base + doc.path, path=doc.path, key=doc.key, title=doc.title, category=doc.category,
        doc_number=doc.doc_number, published_date=doc.published_date,
        written_date=doc.written_date, agency=doc.agency, body=doc.body,
        attachment_urls=tuple(base + a.path for a in doc.attachments),
    )


def _fault_state(names: frozenset[str], slow_seconds: float) -> faults.FaultState:
    """Validate fault names and make the shared fault state."""
    return faults.FaultState(frozenset(names), slow_seconds)


def serve_forever(host: str = "127.0.0.1", bureau_port: int = 8001, city_port: int = 8002,
                  edition: int = 0) -> None:
    """Serve the bureau on ``bureau_port``, the city portal on ``city_port`` and the layouts
    site on the port after it, until Ctrl-C."""
    portal = SamplePortal(edition=edition, host=host, layouts=True,
                          ports={"kjj": bureau_port, "city": city_port, "layouts": city_port + 1})
    portal.start()
    logger.info("sample bureau at %s, city portal at %s, more layouts at %s",
                portal.start_url("kjj"), portal.start_url("city"), portal.base_url("layouts"))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        portal.stop()
