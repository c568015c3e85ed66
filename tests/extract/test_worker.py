"""The extraction worker: a call that overruns its time or memory is that call's failure only."""

from __future__ import annotations

import threading
import time

import pytest

from disclosure_search.errors import ExtractError
from disclosure_search.extract.calls import archived_page, attachment_text
from disclosure_search.extract.worker import ExtractWorker, Stopped
from hostile import nested_page, paragraph_bomb


@pytest.fixture
def worker() -> ExtractWorker:
    with ExtractWorker(timeout_s=3, memory_mb=384) as running:
        yield running


def _page(title: str) -> bytes:
    return nested_page(3, title, "为规范科技计划项目管理，现将有关事项通知如下。" * 3).encode()


def test_a_good_page_is_extracted_in_the_worker(worker: ExtractWorker) -> None:
    doc, _ = worker.call(archived_page, _page("关于印发项目管理办法的通知"),
                         "text/html; charset=utf-8", "http://x/a.html", "kjj", ())
    assert doc is not None and doc.title == "关于印发项目管理办法的通知"


def test_a_call_over_its_time_budget_is_stopped_and_the_next_call_works() -> None:
    with ExtractWorker(timeout_s=1, memory_mb=384) as worker:
        started = time.monotonic()
        with pytest.raises(ExtractError, match="gave up after 1 s"):
            worker.call(time.sleep, 60)
        assert time.monotonic() - started < 10
        assert worker.call(len, "正文") == 2


def test_a_file_needing_more_memory_than_its_budget_is_refused() -> None:
    # 40 MB of empty paragraphs, padded under the ratio limit: inside the size limits,
    # but its XML tree needs far more than 384 MB
    bomb = paragraph_bomb(40, 256)
    with ExtractWorker(timeout_s=120, memory_mb=384) as worker:
        with pytest.raises(ExtractError, match="memory budget of 384 MB"):
            worker.call(attachment_text, bomb, "http://x/a.docx")
        assert worker.call(len, "ok") == 2


def test_any_parser_exception_becomes_a_failure_with_its_name(worker: ExtractWorker) -> None:
    with pytest.raises(ExtractError, match="unexpected ValueError"):
        worker.call(int, "不是数字")
    assert worker.call(len, "ok") == 2


def test_stop_interrupts_a_waiting_call_within_a_second() -> None:
    stop = threading.Event()
    with ExtractWorker(timeout_s=60, memory_mb=384, stop=stop) as worker:
        threading.Timer(0.5, stop.set).start()
        started = time.monotonic()
        with pytest.raises(Stopped):
            worker.call(time.sleep, 60)
        assert time.monotonic() - started < 3
