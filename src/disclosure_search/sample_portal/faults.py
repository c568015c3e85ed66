"""Fault pages the bureau site can serve on demand, so crawler tests meet real-world failures.

Each fault is off unless named in ``SamplePortal(faults=...)``; when on, the disclosure index and
the first 政务信息 list page link to it.

- ``error500``: a detail page that always answers 500.
- ``flaky``: a detail page that answers 503 twice, then 200.
- ``slow``: a detail page that answers after ``slow_seconds``.
- ``reset``: a detail page whose connection closes mid-body.
- ``redirect_loop``: two pages redirecting to each other forever.
- ``offsite_redirect``: a page redirecting to http://example.com/ (outside the portal).
- ``huge``: a 20 MB page.
- ``bad_attachment``: a ``.pdf`` link that returns an HTML error page, not a PDF.
"""

from __future__ import annotations

import threading

from disclosure_search.sample_portal.site import Response

FAULTS: frozenset[str] = frozenset({
    "error500", "flaky", "slow", "reset", "redirect_loop", "offsite_redirect", "huge",
    "bad_attachment",
})

#: The path each fault lives at (on the bureau site).
FAULT_PATHS: dict[str, str] = {
    "error500": "/xxgk/zwxx/202012/t20201231_9000001.html",
    "flaky": "/xxgk/zwxx/202012/t20201231_9000002.html",
    "slow": "/xxgk/zwxx/202012/t20201231_9000003.html",
    "reset": "/xxgk/zwxx/202012/t20201231_9000004.html",
    "redirect_loop": "/xxgk/loop/a.html",
    "offsite_redirect": "/xxgk/zwxx/202012/t20201231_9000005.html",
    "huge": "/xxgk/zwxx/202012/t20201231_9000006.html",
    "bad_attachment": "/xxgk/zwxx/202012/P020201231000000000001.pdf",
}
LOOP_OTHER = "/xxgk/loop/b.html"
OFFSITE_URL = "http://example.com/"
HUGE_BYTES = 20 * 1024 * 1024
FLAKY_FAILURES = 2

_LINK_TEXT: dict[str, str] = {
    "error500": "关于做好年度科技统计工作的通知",
    "flaky": "关于开展科技型中小企业评价工作的通知",
    "slow": "关于组织申报年度科技计划项目的通知",
    "reset": "关于公布年度科技创新券使用情况的公告",
    "redirect_loop": "科技服务事项办事指南",
    "offsite_redirect": "国家科技管理信息系统",
    "huge": "年度科技项目汇总表",
    "bad_attachment": "科技项目申报书模板.pdf",
}


def check_faults(faults: frozenset[str]) -> frozenset[str]:
    """Return ``faults`` if every name is known, else raise ValueError naming the bad ones."""
    unknown = sorted(faults - FAULTS)
    if unknown:
        raise ValueError(f"unknown fault modes {unknown}; known: {sorted(FAULTS)}")
    return faults


def fault_links(faults: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(path, link text) for every fault switched on, in a fixed order."""
    return tuple((FAULT_PATHS[f], _LINK_TEXT[f]) for f in sorted(faults))


class FaultState:
    """Which faults are on, and the counters some of them need (thread-safe)."""

    def __init__(self, faults: frozenset[str], slow_seconds: float) -> None:
        self.faults = check_faults(frozenset(faults))
        self.slow_seconds = slow_seconds
        self._lock = threading.Lock()
        self._flaky_seen = 0
        self._paths = {FAULT_PATHS[f]: f for f in self.faults}
        if "redirect_loop" in self.faults:
            self._paths[LOOP_OTHER] = "redirect_loop"

    def which(self, path: str) -> str | None:
        """The fault served at ``path``, or None."""
        return self._paths.get(path)

    def flaky_should_fail(self) -> bool:
        """True for the first ``FLAKY_FAILURES`` requests of the flaky page."""
        with self._lock:
            self._flaky_seen += 1
            return self._flaky_seen <= FLAKY_FAILURES


def simple_response(fault: str, path: str, state: FaultState, page: Response) -> Response | None:
    """The response of a fault that needs no socket tricks (None for reset and huge).

    ``page`` is an ordinary detail page, served when a fault lets the request succeed.
    """
    if fault == "error500":
        return Response(500, b"<h1>500 Internal Server Error</h1>")
    if fault == "flaky":
        if state.flaky_should_fail():
            return Response(503, b"<h1>503 Service Unavailable</h1>")
        return page
    if fault == "slow":
        return page
    if fault == "redirect_loop":
        target = LOOP_OTHER if path == FAULT_PATHS["redirect_loop"] else FAULT_PATHS[fault]
        return Response(302, b"", location=target)
    if fault == "offsite_redirect":
        return Response(302, b"", location=OFFSITE_URL)
    if fault == "bad_attachment":
        body = "<html><body><h1>页面不存在</h1><p>您访问的文件已删除。</p></body></html>"
        return Response(200, body.encode("utf-8"), "application/pdf", page.last_modified)
    return None


def huge_chunks(passage: str) -> tuple[bytes, bytes, int]:
    """(chunk, head, repeats) for a ~20 MB page: ``head`` then ``chunk`` ``repeats`` times."""
    head = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>huge</title></head><body>"
    chunk = ("<p>" + passage.replace("\n", "") + "</p>\n").encode("utf-8")
    repeats = max(1, (HUGE_BYTES - len(head)) // len(chunk))
    return chunk, head, repeats
