"""A tiny disclosure site on 127.0.0.1 for crawler tests: lists, details, files and misbehaviour."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    """What the site answers for one path."""

    body: bytes = b""
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0
    etag: str | None = None


Handler = Callable[["Request"], Response]


@dataclass(frozen=True)
class Request:
    """One request the site received, as logged."""

    path: str
    host: str
    headers: dict[str, str]
    at: float


class Site:
    """Serves registered paths; everything else is 404. Logs every request it receives."""

    def __init__(self) -> None:
        self.routes: dict[str, Response | Handler] = {}
        #: Paths answered without Content-Length (the body runs until the connection closes).
        self.no_length: set[str] = set()
        self.log: list[Request] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, body: bytes | str = b"", **kwargs: object) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = kwargs.pop("headers", None) or [("Content-Type", "text/html; charset=utf-8")]
        self.routes[path] = Response(data, headers=list(headers), **kwargs)  # type: ignore[arg-type]

    def handle(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def requested(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.log]

    def respond(self, request: Request) -> Response:
        with self._lock:
            self.log.append(request)
        route = self.routes.get(request.path)
        if route is None:
            return Response(b"<html><body>Not found</body></html>", status=404,
                            headers=[("Content-Type", "text/html")])
        return route(request) if callable(route) else route

    @contextmanager
    def running(self) -> Iterator[Site]:
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                req = Request(self.path, self.headers.get("Host", ""), dict(self.headers.items()),
                              time.monotonic())
                resp = site.respond(req)
                if resp.delay:
                    time.sleep(resp.delay)
                if resp.etag and self.headers.get("If-None-Match") == resp.etag:
                    self._send(304, [("ETag", resp.etag)], b"")
                    return
                extra = [("ETag", resp.etag)] if resp.etag else []
                self._send(resp.status, resp.headers + extra, resp.body,
                           length=self.path not in site.no_length)

            def _send(self, status: int, headers: list[tuple[str, str]], body: bytes,
                      length: bool = True) -> None:
                try:
                    self.send_response(status)
                    for name, value in headers:
                        self.send_header(name, value)
                    if length:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler gave up (timeout, size cap): nothing to answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        self._server = server
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)


def detail_html(title: str, body: str = "", attachments: tuple[str, ...] = (),
                charset: str = "utf-8", agency: str = "", issuing_agency: str = "") -> str:
    """A detail page as disclosure sites publish them: meta tags and a 索引号/文号 table
    (and 发布机构, 发文机关 when ``agency``, ``issuing_agency`` are given)."""
    files = "".join(f'<a href="{a}">附件{i}</a>' for i, a in enumerate(attachments, 1))
    issuer = f"<tr><td>发布机构：</td><td>{agency}</td></tr>" if agency else ""
    if issuing_agency:
        issuer += f"<tr><td>发文机关：</td><td>{issuing_agency}</td></tr>"
    return (
        f'<html><head><meta charset="{charset}"><meta name="ArticleTitle" content="{title}">'
        f'<meta name="PubDate" content="2020-09-30 10:00"><title>{title}</title></head><body>'
        f"<table><tr><td>索引号：</td><td>11360100/2020-00001</td>"
        f"<td>文号：</td><td>洪科字〔2020〕1号</td></tr>{issuer}</table>"
        f"<h1>{title}</h1><div class=content><p>{body or title}</p>{files}</div></body></html>"
    )


def list_html(links: list[tuple[str, str]], script: str = "", extra: str = "") -> str:
    """A list page: one row per (href, title), an optional paging script, extra HTML."""
    rows = "".join(f'<li><a href="{h}">{t}</a><span>2020-09-30</span></li>' for h, t in links)
    return (
        '<html><head><meta charset="utf-8"><title>通知公告</title></head><body>'
        f'<ul class="list">{rows}</ul>{extra}<script>{script}</script></body></html>'
    )


def trs_site(site: Site, pages: int = 3, per_page: int = 3) -> list[str]:
    """Fill ``site`` with a TRS-style column /xxgk/tzgg/ of ``pages`` list pages.

    Returns the detail paths, newest first (the order the lists show them).
    """
    site.add("/robots.txt", "User-agent: *\nDisallow: /xxgk/private/\n",
             headers=[("Content-Type", "text/plain")])
    details: list[str] = []
    for page in range(pages):
        name = "index.html" if page == 0 else f"index_{page}.html"
        rows = []
        for k in range(per_page):
            n = page * per_page + k + 1
            path = f"/xxgk/tzgg/202009/t202009{30 - n:02d}_{1000 - n}.html"
            details.append(path)
            rows.append((f"./202009/t202009{30 - n:02d}_{1000 - n}.html", f"通知{n}"))
            site.add(path, detail_html(f"关于第{n}项工作的通知"), etag=f'"d{n}"')
        script = f'var countPage = {pages};createPageHTML(countPage, {page}, "index", "html");'
        site.add(f"/xxgk/tzgg/{name}", list_html(rows, script))
    return details
