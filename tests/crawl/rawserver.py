"""A raw TCP server on 127.0.0.1 that misbehaves on purpose: dribbles headers or body,
promises more than it sends, breaks chunked streams. A path's last segment names its
behaviour (``/xxgk/a/short-body`` behaves as ``/short-body``)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Behaviour = Callable[[socket.socket], None]


def _send(conn: socket.socket, data: bytes) -> bool:
    try:
        conn.sendall(data)
        return True
    except OSError:
        return False


def dribble_headers(conn: socket.socket) -> None:
    """A status line, then one header line every 0.2 s, never ending."""
    if not _send(conn, b"HTTP/1.1 200 OK\r\n"):
        return
    for n in range(10_000):
        time.sleep(0.2)
        if not _send(conn, f"X-Line-{n}: x\r\n".encode()):
            return


def dribble_body(conn: socket.socket) -> None:
    """A complete head promising 11 days of body at 1 byte every 0.1 s."""
    if not _send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                       b"Content-Length: 1000000\r\n\r\n"):
        return
    for _ in range(10_000):
        time.sleep(0.1)
        if not _send(conn, b"x"):
            return


def short_body(conn: socket.socket) -> None:
    """Content-Length 5000, 100 bytes, then the connection closes."""
    _send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"
                + b"<p>cut</p>" * 10)


def huge_length(conn: socket.socket) -> None:
    """Content-Length 10^15, a few bytes, then the connection closes."""
    _send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                b"Content-Length: 1000000000000000\r\n\r\n<html>")


def broken_chunks(conn: socket.socket) -> None:
    """A chunked body whose stream stops in the middle of its second chunk."""
    _send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
                b"\r\n5\r\nhello\r\n400\r\nonly a few bytes")


def many_headers(conn: socket.socket) -> None:
    """500 header lines."""
    lines = b"".join(f"X-H{n}: v\r\n".encode() for n in range(500))
    _send(conn, b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 2\r\n\r\nok")


BEHAVIOURS: dict[str, Behaviour] = {
    "/dribble-headers": dribble_headers, "/dribble-body": dribble_body,
    "/short-body": short_body, "/huge-length": huge_length, "/broken-chunks": broken_chunks,
    "/many-headers": many_headers,
}


def _handle(conn: socket.socket) -> None:
    with conn:
        conn.settimeout(5)
        try:
            head = conn.recv(65536).decode("latin-1")
        except OSError:
            return
        path = head.split(" ", 2)[1] if head.count(" ") >= 2 else "/"
        behaviour = BEHAVIOURS.get("/" + path.rsplit("/", 1)[-1])  # any folder: last segment
        if behaviour is None:
            _send(conn, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        else:
            behaviour(conn)


@contextmanager
def raw_server() -> Iterator[str]:
    """Serve :data:`BEHAVIOURS`; yields the base URL (http://127.0.0.1:PORT)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=_handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        listener.close()
