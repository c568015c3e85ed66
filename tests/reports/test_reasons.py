"""Failure reasons as staff read them: every reason the crawler and extractor record, in Chinese."""

from __future__ import annotations

import pytest

from disclosure_search.reports.reasons import reason_text


@pytest.mark.parametrize(("recorded", "shown"), [
    ("HTTP 404", "HTTP 404（页面不存在）"),
    ("HTTP 500", "HTTP 500（服务器内部错误）"),
    ("HTTP 599", "HTTP 599（服务器错误）"),
    ("timeout after 10 s", "超时（10 秒内没有响应）"),
    ("deadline: no complete answer within 2 s", "超过时限（2 秒内没有收到完整响应）"),
    ("too large: Content-Length 20971257 is more than 10000000 bytes",
     "文件过大（声明 20971257 字节，上限 10000000 字节），未下载"),
    ("too large: more than 100 bytes", "文件过大（超过 100 字节），已截断"),
    ("too slow: 10 bytes in 30 s (less than 1000 bytes/s)",
     "下载过慢（30 秒只收到 10 字节），已放弃"),
    ("incomplete body: the body ended after 5 of 9 bytes",
     "响应不完整（只收到 9 字节中的 5 字节）"),
    ("incomplete body: the connection closed before the body was complete",
     "响应不完整（连接在正文传完前关闭）"),
    ("redirect loop at http://h/b.html", "重定向循环：http://h/b.html"),
    ("too many redirects (more than 5)", "重定向次数过多（超过 5 次）"),
    ("redirect to http://example.com/ leaves the source's hosts",
     "重定向到来源之外的主机：http://example.com/"),
    ("not archived", "未能存档"),
    ("extraction: extraction gave up after 60 s (time budget)", "提取失败：提取超时（超过 60 秒）"),
    ("attachment: unexpected ValueError: bad", "附件：意外错误：ValueError: bad"),
    ("ConnectionResetError: [Errno 104] Connection reset by peer",
     "网络或系统错误（ConnectionResetError）: [Errno 104] Connection reset by peer"),
    ("RemoteDisconnected", "网络或系统错误（RemoteDisconnected）"),
])
def test_recorded_reasons_read_in_chinese(recorded: str, shown: str) -> None:
    assert reason_text(recorded) == shown


def test_a_reason_it_does_not_know_is_shown_as_recorded() -> None:
    assert reason_text("something new") == "something new"
