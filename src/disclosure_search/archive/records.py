"""Reading WARC records back: one gzip member at a time, bytes exactly as stored."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import BinaryIO

from disclosure_search.errors import ArchiveError

_READ = 64 * 1024


@dataclass(frozen=True)
class RawRecord:
    """One WARC record: its named fields, its block (HTTP headers and payload), and its extent."""

    headers: tuple[tuple[str, str], ...]
    block: bytes
    offset: int
    end: int

    def get(self, name: str) -> str | None:
        """The first WARC field called ``name`` (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)


def read_record(stream: BinaryIO, offset: int) -> RawRecord:
    """Read the gzip-compressed record starting at ``offset``.

    Raises:
        ArchiveError: when the member is cut short or is not a WARC record (a crash mid-write).
    """
    stream.seek(offset)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    parts: list[bytes] = []
    consumed = 0
    try:
        while not inflater.eof:
            chunk = stream.read(_READ)
            if not chunk:
                raise ArchiveError(f"record at offset {offset} is cut short")
            consumed += len(chunk)
            parts.append(inflater.decompress(chunk))
    except zlib.error as exc:
        raise ArchiveError(f"record at offset {offset} is damaged: {exc}") from None
    end = offset + consumed - len(inflater.unused_data)
    headers, block = _split_record(b"".join(parts), offset)
    return RawRecord(headers, block, offset, end)


def _split_record(data: bytes, offset: int) -> tuple[tuple[tuple[str, str], ...], bytes]:
    head, sep, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("utf-8", errors="replace").split("\r\n")
    if not sep or not lines[0].startswith("WARC/"):
        raise ArchiveError(f"no WARC record at offset {offset}")
    headers = tuple(parse_header_lines(lines[1:]))
    length = next((v for k, v in headers if k.lower() == "content-length"), None)
    if length is None or not length.isdigit() or len(rest) < int(length):
        raise ArchiveError(f"record at offset {offset} has a bad Content-Length")
    return headers, rest[: int(length)]


def parse_header_lines(lines: list[str]) -> list[tuple[str, str]]:
    """``Name: value`` lines to pairs, joining folded continuation lines."""
    out: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (" ", "\t") and out:
            name, value = out[-1]
            out[-1] = (name, value + " " + line.strip())
        elif ":" in line:
            name, value = line.split(":", 1)
            out.append((name.strip(), value.strip()))
    return out


def split_http(block: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    """Split an HTTP message block into its first line, headers (latin-1, as received), body."""
    head, _, body = block.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    return lines[0], parse_header_lines(lines[1:]), body


def dechunk(data: bytes) -> bytes:
    """Undo ``Transfer-Encoding: chunked``; returns the data unchanged when it is not chunked."""
    out: list[bytes] = []
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            return data
        size_text = data[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return data
        if size == 0:
            return b"".join(out)
        out.append(data[eol + 2 : eol + 2 + size])
        pos = eol + 2 + size + 2


def chunk(body: bytes) -> bytes:
    """Encode ``body`` as a single HTTP chunk plus the last-chunk marker."""
    if not body:
        return b"0\r\n\r\n"
    return b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
