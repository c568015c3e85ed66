"""WARC files: byte-exact round trips, warcio-valid files, revisits, rotation, crash recovery."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.warctools import warcio_check, warcio_index
from disclosure_search.archive.warc import (
    OPEN_SUFFIX,
    PayloadRef,
    WarcWriter,
    read_exchange,
    recover,
    resolve,
)
from disclosure_search.errors import ArchiveError
from disclosure_search.models import FetchedPage

GBK_BODY = "<html><body><h1>关于印发《科技计划项目管理办法》的通知</h1></body></html>".encode("gbk")


def page(url: str = "http://kjj.example.gov.cn/xxgk/t20200930_1.html", body: bytes = GBK_BODY,
         status: int = 200, headers: tuple[tuple[str, str], ...] | None = None) -> FetchedPage:
    return FetchedPage(
        url=url, final_url=url, status=status,
        request_headers=(("Host", "kjj.example.gov.cn"), ("User-Agent", "ua"),
                         ("If-None-Match", '"v0"')),
        response_headers=headers or (("Content-Type", "text/html"), ("ETag", '"v1"'),
                                     ("X-Raw", "caf\xe9")),
        body=body, fetched_at=datetime(2026, 3, 1, 2, 3, 4, 567890, tzinfo=UTC),
    )


def test_round_trip_is_byte_exact_including_gbk_and_odd_headers(tmp_path: Path) -> None:
    original = page()
    with WarcWriter(tmp_path) as writer:
        loc = writer.write(original)
        assert (tmp_path / (loc.file + OPEN_SUFFIX)).exists()  # still being written
        assert read_exchange(resolve(tmp_path, loc.file), loc.offset) == original
    assert read_exchange(resolve(tmp_path, loc.file), loc.offset) == original
    assert (tmp_path / loc.file).exists() and not (tmp_path / (loc.file + OPEN_SUFFIX)).exists()


def test_chunked_and_error_responses_round_trip(tmp_path: Path) -> None:
    chunked = page(headers=(("Transfer-Encoding", "chunked"), ("Content-Type", "text/html")))
    missing = page(url="http://kjj.example.gov.cn/gone.html", body=b"Not Found", status=404)
    with WarcWriter(tmp_path) as writer:
        locs = [writer.write(p) for p in (chunked, missing)]
    assert [read_exchange(tmp_path / loc.file, loc.offset) for loc in locs] == [chunked, missing]


def test_files_pass_warcio_check_and_index_agrees_with_our_offsets(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        first = writer.write(page())
        ref = PayloadRef(page().url, first.warc_date, first.payload_digest, first.file,
                         first.offset)
        second = writer.write(page(url="http://kjj.example.gov.cn/copy.html"), revisit_of=ref)
    code, report = warcio_check(tmp_path / first.file)
    assert code == 0, report
    assert report.count("digest pass") == 4  # warcinfo, response and both requests
    assert "not checked (revisit)" in report
    rows = warcio_index(tmp_path / first.file)
    assert [r["warc-type"] for r in rows] == ["warcinfo", "response", "request", "revisit",
                                              "request"]
    assert (int(rows[1]["offset"]), int(rows[1]["length"])) == (first.offset, first.length)
    assert int(rows[3]["offset"]) == second.offset


def test_identical_payload_becomes_a_revisit_that_reads_back_whole(tmp_path: Path) -> None:
    big = GBK_BODY + random.Random(1).randbytes(20_000)  # incompressible, like a PDF
    with WarcWriter(tmp_path) as writer:
        first = writer.write(page(body=big))
        ref = PayloadRef(page().url, first.warc_date, first.payload_digest, first.file,
                         first.offset)
        second = writer.write(page(url="http://h/other.html", body=big), revisit_of=ref)
    assert second.revisit and second.payload_digest == first.payload_digest
    assert second.length < first.length / 3
    again = read_exchange(tmp_path / second.file, second.offset)
    assert again.body == big and again.url == "http://h/other.html"


def test_files_rotate_by_size_and_every_record_stays_readable(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, max_bytes=1500, prefix="kjj") as writer:
        pages = [page(url=f"http://h/t{n}.html", body=GBK_BODY + bytes([n]) * 300)
                 for n in range(8)]
        locs = [writer.write(p) for p in pages]
    files = sorted(tmp_path.iterdir())
    assert len(files) >= 3 and all(f.name.startswith("kjj-") for f in files)
    assert all(f.name.endswith(".warc.gz") for f in files)
    assert [read_exchange(tmp_path / loc.file, loc.offset) for loc in locs] == pages
    assert all(warcio_check(f)[0] == 0 for f in files)


def test_a_record_cut_short_by_a_crash_is_cut_off_on_the_next_open(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path)
    good = [writer.write(page(url=f"http://h/{n}.html")) for n in range(3)]
    open_path = tmp_path / (good[0].file + OPEN_SUFFIX)
    whole = open_path.read_bytes()
    assert writer._file is not None
    writer._file.close()  # the process dies: no rename, the lock goes with it
    with open(open_path, "ab") as out:
        out.write(whole[good[1].offset : good[1].offset + good[1].length // 2])
    with pytest.raises(ArchiveError):
        read_exchange(open_path, len(whole))
    assert recover(tmp_path) == [open_path]
    closed = tmp_path / good[0].file
    assert closed.stat().st_size == len(whole)
    assert warcio_check(closed)[0] == 0
    assert read_exchange(closed, good[2].offset).url == "http://h/2.html"


def test_a_file_still_locked_by_a_live_writer_is_left_alone(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        loc = writer.write(page())
        assert WarcWriter(tmp_path) is not None and recover(tmp_path) == []
        assert (tmp_path / (loc.file + OPEN_SUFFIX)).exists()


def test_missing_file_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="restore it from a backup"):
        resolve(tmp_path, "nope.warc.gz")
    with pytest.raises(ArchiveError):
        WarcWriter(tmp_path).write(FetchedPage("u", "u", 0, (), (), b"", datetime.now(UTC),
                                               error="timeout"))
