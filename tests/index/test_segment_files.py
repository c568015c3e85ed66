"""How the Whoosh backend lays out its segments on disk, and that older layouts still read."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from whoosh import index as windex

from disclosure_search.index.backend import open_backend
from disclosure_search.models import Document, SearchQuery

TITLES = [
    "关于印发《高新技术企业认定管理办法》的通知",
    "中国农业发展银行支持科技创新座谈会召开",
    "政府資訊公開年度報告",
]


def _docs(count: int) -> list[Document]:
    return [
        Document(
            id=f"s{n:04d}",
            source="kjj",
            url=f"https://kjj.example.gov.cn/xxgk/{n}.html",
            title=f"{TITLES[n % len(TITLES)]}（{n}）",
            body="推动科技创新与乡村振兴，现将认定办法印发给你们。",
        )
        for n in range(count)
    ]


def _search(index_dir: Path, text: str) -> tuple[int, set[str]]:
    backend = open_backend(index_dir)
    try:
        result = backend.search(SearchQuery(text=text, per_page=100))
        return result.total, {hit.id for hit in result.hits}
    finally:
        backend.close()


def test_segments_are_plain_files_that_readers_do_not_copy(tmp_path: Path) -> None:
    # A compound segment (one .seg file) is copied whole into memory by every reader that
    # opens it; plain segment files are read in place and shared through the page cache.
    backend = open_backend(tmp_path, writable=True)
    backend.upsert(_docs(1_200))  # a bulk build: parallel writers
    changed = replace(_docs(1)[0], title="中国农业发展银行座谈会")
    backend.upsert([changed])  # an incremental update: one writer, merging
    backend.close()
    assert not list(tmp_path.glob("*.seg"))
    assert list(tmp_path.glob("*.pst"))
    assert _search(tmp_path, "农业发展银行")[0] == 401


def test_a_reader_maps_the_segment_files_instead_of_reading_them(tmp_path: Path) -> None:
    # Term lookups and postings blocks are slices of a memory map: no system call per read,
    # and the pages are the page cache's, shared by every process that opens the index.
    backend = open_backend(tmp_path, writable=True)
    backend.upsert(_docs(1_200))
    backend.close()
    reader = open_backend(tmp_path)
    try:
        assert reader.search(SearchQuery(text="农业发展银行")).total == 400
        maps = Path("/proc/self/maps").read_text()
        mapped = {Path(line.split()[-1]).suffix for line in maps.splitlines()
                  if str(tmp_path) in line}
        assert {".trm", ".pst", ".col"} <= mapped
    finally:
        reader.close()


def test_an_index_with_compound_segments_still_opens_and_searches(tmp_path: Path) -> None:
    backend = open_backend(tmp_path, writable=True)
    backend.upsert(_docs(30))
    backend.close()
    windex.open_dir(str(tmp_path)).optimize()  # Whoosh's default: one compound segment
    assert list(tmp_path.glob("*.seg"))
    assert _search(tmp_path, "年度报告")[1] == {f"s{n:04d}" for n in range(2, 30, 3)}


def test_a_reader_keeps_answering_from_its_generation_after_a_writer_deletes_its_files(
    tmp_path: Path,
) -> None:
    # Plain segment files are removed when a commit no longer lists them; a reader still on
    # the old generation (a web worker between two refreshes) must not lose its files.
    writer = open_backend(tmp_path, writable=True)
    writer.upsert(_docs(30))
    reader = open_backend(tmp_path)
    try:
        writer.clear()
        writer.upsert(_docs(3))
        total, ids = _search_open(reader, "年度报告")
        assert total == 10
        assert len(ids) == 10
    finally:
        reader.close()
        writer.close()


def _search_open(backend: object, text: str) -> tuple[int, set[str]]:
    result = backend.search(SearchQuery(text=text, per_page=100))  # type: ignore[attr-defined]
    return result.total, {hit.id for hit in result.hits}
