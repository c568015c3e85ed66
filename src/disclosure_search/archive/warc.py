"""WARC files: each exchange written as received (request + response, or a revisit), and read back.

Files are named ``<prefix>-<UTC timestamp>-<serial>.warc.gz``; while a writer appends to one it
is called ``….warc.gz.open`` and holds an exclusive lock. Every record is its own gzip member,
and a pair is flushed and fsynced before its location is returned, so a catalog that stores
only returned locations never points at data that is not on disk. A writer killed mid-record
leaves an ``.open`` file whose last member is incomplete; the next writer on that directory
cuts the file back to its last complete record and closes it (renames it to ``.warc.gz``).
Locations name the closed file; :func:`resolve` finds it under either name.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from disclosure_search.archive.records import (
    RawRecord,
    chunk,
    dechunk,
    read_record,
    split_http,
)
from disclosure_search.errors import ArchiveError
from disclosure_search.models import FetchedPage

log = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
#: Extension fields on revisit records: where the identical payload was stored.
PAYLOAD_FILE = "WARC-Refers-To-Filename"
PAYLOAD_OFFSET = "WARC-Refers-To-Offset"
SOFTWARE = "disclosure-search"


@dataclass(frozen=True)
class WarcLocation:
    """Where a response (or revisit) record was written, and what identifies it."""

    file: str
    offset: int
    length: int
    record_id: str
    warc_date: str
    payload_digest: str
    revisit: bool = False


@dataclass(frozen=True)
class PayloadRef:
    """An earlier record with the same payload, for a revisit record to point at."""

    uri: str
    warc_date: str
    payload_digest: str
    file: str
    offset: int


class _RawHeaders(StatusAndHeaders):
    """HTTP headers serialised byte for byte as received (latin-1), never percent-encoded."""

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        self.headers_buff = self.to_str(None).encode("latin-1", "replace") + b"\r\n"


def payload_digest(payload: bytes) -> str:
    """``sha256:<base32>``, the WARC-Payload-Digest of a stored payload."""
    return "sha256:" + base64.b32encode(hashlib.sha256(payload).digest()).decode("ascii")


def resolve(directory: Path, name: str) -> Path:
    """The path of WARC file ``name`` in ``directory``, closed or still open."""
    closed = directory / name
    if closed.exists():
        return closed
    still_open = directory / (name + OPEN_SUFFIX)
    if still_open.exists():
        return still_open
    raise ArchiveError(f"WARC file {closed} is missing; restore it from a backup of the archive")


class WarcWriter:
    """Appends exchanges to size-rotated WARC/1.1 files in ``directory``."""

    def __init__(self, directory: Path, max_bytes: int = 100_000_000,
                 prefix: str = SOFTWARE) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.prefix = prefix
        self._serial = 0
        self._file: BinaryIO | None = None
        self._name = ""
        recover(self.directory)

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, page: FetchedPage, revisit_of: PayloadRef | None = None) -> WarcLocation:
        """Write ``page`` as a response (or revisit) record and its request record; fsync.

        Args:
            page: an exchange that got a response (``status`` > 0).
            revisit_of: an earlier record with the same payload; the body is then not stored.

        Returns:
            The response record's location, valid once this returns.
        """
        if page.status <= 0:
            raise ArchiveError(f"{page.url}: no response to archive ({page.error})")
        out = self._current()
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        response, digest = _response_record(writer, page, revisit_of)
        request = _request_record(writer, page)
        request.rec_headers.replace_header(
            "WARC-Date", response.rec_headers.get_header("WARC-Date"))
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        offset = out.tell()
        writer.write_record(response)
        response_end = out.tell()
        writer.write_record(request)
        out.flush()
        os.fsync(out.fileno())
        return WarcLocation(
            file=self._name, offset=offset, length=response_end - offset,
            record_id=response.rec_headers.get_header("WARC-Record-ID"),
            warc_date=response.rec_headers.get_header("WARC-Date"),
            payload_digest=digest, revisit=revisit_of is not None,
        )

    def close(self) -> None:
        """Close the current file and give it its final name."""
        if self._file is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        os.replace(self.directory / (self._name + OPEN_SUFFIX), self.directory / self._name)
        self._file.close()  # closing drops the lock, after the rename
        self._file = None

    def _current(self) -> BinaryIO:
        if self._file is not None and self._file.tell() >= self.max_bytes:
            self.close()
        if self._file is None:
            self._file = self._open_new()
        return self._file

    def _open_new(self) -> BinaryIO:
        while True:
            self._serial += 1
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
            name = f"{self.prefix}-{stamp}-{self._serial:05d}.warc.gz"
            path = self.directory / (name + OPEN_SUFFIX)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            out = os.fdopen(fd, "wb")
            fcntl.flock(out.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._name = name
            writer = WARCWriter(out, gzip=True, warc_version="1.1")
            info = {"software": SOFTWARE, "format": "WARC File Format 1.1"}
            writer.write_record(writer.create_warcinfo_record(name, info))
            return out


def _response_record(
    writer: WARCWriter, page: FetchedPage, ref: PayloadRef | None
) -> tuple[ArcWarcRecord, str]:
    headers = list(page.response_headers)
    chunked = any(
        k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers
    )
    payload = chunk(page.body) if chunked else page.body
    reason = _reason(page.status)
    http = _RawHeaders(f"{page.status} {reason}".strip(), headers, protocol=page.http_version)
    fields = {"WARC-Date": _warc_date(page.fetched_at)}
    if page.truncated:
        fields["WARC-Truncated"] = "length" if (page.error or "").startswith("too large") else (
            "disconnect")
    if ref is not None:
        fields[PAYLOAD_FILE] = ref.file
        fields[PAYLOAD_OFFSET] = str(ref.offset)
        record = writer.create_revisit_record(
            page.url, ref.payload_digest, ref.uri, ref.warc_date,
            http_headers=http, warc_headers_dict=fields,
        )
        return record, ref.payload_digest
    digest = payload_digest(payload)
    fields["WARC-Payload-Digest"] = digest
    record = writer.create_warc_record(
        page.url, "response", payload=io.BytesIO(payload), length=len(payload),
        http_headers=http, warc_headers_dict=fields,
    )
    return record, digest


def _request_record(writer: WARCWriter, page: FetchedPage) -> ArcWarcRecord:
    parts = urlsplit(page.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    http = _RawHeaders(f"{target} {page.http_version}", list(page.request_headers),
                       protocol=page.method)
    return writer.create_warc_record(
        page.url, "request", payload=io.BytesIO(b""), length=0, http_headers=http,
    )


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_exchange(path: Path, offset: int) -> FetchedPage:
    """Read the exchange whose response (or revisit) record starts at ``offset`` in ``path``.

    A revisit is resolved to the stored payload it refers to (same directory). The request
    record that follows the response supplies the request headers.

    Raises:
        ArchiveError: the record is missing, damaged, or not a response/revisit.
    """
    with open(path, "rb") as stream:
        record = read_record(stream, offset)
        kind = record.get("WARC-Type")
        if kind not in ("response", "revisit"):
            raise ArchiveError(f"{path}@{offset} is a {kind} record, not a response")
        request_headers: list[tuple[str, str]] = []
        method = "GET"
        try:
            request = read_record(stream, record.end)
            if request.get("WARC-Concurrent-To") == record.get("WARC-Record-ID"):
                first, request_headers, _ = split_http(request.block)
                method = first.split(" ", 1)[0]
        except ArchiveError:
            pass  # a crash between response and request leaves the response alone
    first, headers, body = split_http(record.block)
    if kind == "revisit":
        body = _revisited_body(path.parent, record)
    elif any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers):
        body = dechunk(body)
    version, _, rest = first.partition(" ")
    return FetchedPage(
        url=record.get("WARC-Target-URI") or "", final_url=record.get("WARC-Target-URI") or "",
        status=int(rest.split(" ", 1)[0]), request_headers=tuple(request_headers),
        response_headers=tuple(headers), body=body,
        fetched_at=iso_date_to_datetime(record.get("WARC-Date") or "").replace(tzinfo=UTC),
        http_version=version, method=method, truncated=record.get("WARC-Truncated") is not None,
    )


def _revisited_body(directory: Path, record: RawRecord) -> bytes:
    name, offset = record.get(PAYLOAD_FILE), record.get(PAYLOAD_OFFSET)
    if not name or not offset:
        raise ArchiveError("revisit record without a stored payload location")
    original = read_exchange(resolve(directory, name), int(offset))
    return original.body


def recover(directory: Path) -> list[Path]:
    """Close off ``.open`` files left by a writer that died: cut partial records, rename.

    Files still locked by a live writer are left alone. Returns the files recovered.
    """
    done: list[Path] = []
    for path in sorted(directory.glob("*.warc.gz" + OPEN_SUFFIX)):
        with open(path, "r+b") as stream:
            try:
                fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            good = _last_good_end(stream)
            size = os.fstat(stream.fileno()).st_size
            if good < size:
                log.warning("%s: cutting %d bytes of an unfinished record", path, size - good)
                stream.truncate(good)
            os.fsync(stream.fileno())
            os.replace(path, path.with_name(path.name[: -len(OPEN_SUFFIX)]))
        done.append(path)
    return done


def _last_good_end(stream: BinaryIO) -> int:
    end = 0
    size = os.fstat(stream.fileno()).st_size
    while end < size:
        try:
            end = read_record(stream, end).end
        except ArchiveError:
            break
    return end
