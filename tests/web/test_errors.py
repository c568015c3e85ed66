"""Bad input gets a 400/404 with a plain message, as HTML or the JSON error shape; never a 500."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

BAD_SEARCHES = [
    ("category=不存在的分类", "规范性文件"),
    ("from=2024-02-30", "日期"),
    ("from=20240101", "YYYY-MM-DD"),
    ("from=2024-05-01&to=2024-01-01", "晚于"),
    ("page=0", "页码"),
    ("page=1000000000", "页码"),
    ("per_page=100000", "每页条数"),
    ("q=" + "政" * 10_000, "过长"),
    ("sort=best", "排序"),
    ("validity=unknown", "有效性"),
    ("agency=没有这个机构", "没有发布机构或发文机关的名称包含“没有这个机构”"),
    ("written_from=2020-01-01&written_to=2019-01-01", "成文日期的起始日期 2020-01-01 晚于"),
    ("written_from=2020-13-01", "成文日期"),
    ("in=body", "检索范围"),
    ("since=yesterday", "since"),
]


@pytest.mark.parametrize(("args", "words"), BAD_SEARCHES)
def test_bad_search_is_400_json(client: FlaskClient, args: str, words: str) -> None:
    response = client.get(f"/api/search?{args}")
    assert response.status_code == 400
    data = response.get_json()
    assert set(data) == {"ok", "error", "status"}
    assert data["ok"] is False and data["status"] == 400 and words in data["error"]


@pytest.mark.parametrize(("args", "words"), BAD_SEARCHES)
def test_bad_search_is_400_html(client: FlaskClient, args: str, words: str) -> None:
    response = client.get(f"/search?{args}")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    message = BeautifulSoup(response.get_data(as_text=True), "lxml").select_one(".error-message")
    assert words in message.get_text()
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "q", ['"未闭合的引号', "AND", "OR OR", "NOT", "title:", "(((", "*", "文号:", ")", "a:b:c",
          "\x00", "農業 AND (", "?" * 50],
)
def test_query_syntax_errors_never_500(client: FlaskClient, q: str) -> None:
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.get_json()["error"]
    html = client.get("/search", query_string={"q": q})
    assert html.status_code in (200, 400)


def test_html_page_asking_for_json_gets_json_error(client: FlaskClient) -> None:
    response = client.get("/search?page=0", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["status"] == 400


def test_unknown_page_is_404_both_ways(client: FlaskClient) -> None:
    html = client.get("/no/such/page")
    assert html.status_code == 404 and "未找到" in html.get_data(as_text=True)
    api = client.get("/api/nothing")
    assert api.status_code == 404 and api.get_json() == {
        "ok": False, "error": "未找到该页面或文档", "status": 404}


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json()["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_unexpected_error_is_a_plain_500(client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
                                         caplog: pytest.LogCaptureFixture) -> None:
    from disclosure_search.web import search

    def broken(query: object) -> object:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(search, "run_search", broken)
    response = client.get("/search?q=农业")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "服务器内部错误" in body
    assert "secret internal detail" in caplog.text  # logged for the operator


def test_missing_index_is_503_with_what_to_do(tmp_path: object) -> None:
    from pathlib import Path

    from disclosure_search.config import Settings
    from disclosure_search.web.app import create_app

    app = create_app(Settings(data_dir=Path(str(tmp_path))), test_config={"TESTING": True})
    client = app.test_client()
    home = client.get("/")
    assert home.status_code == 200 and "尚未建立" in home.get_data(as_text=True)
    api = client.get("/api/search?q=x")
    assert api.status_code == 503 and "reindex" in api.get_json()["error"]
    assert "检索索引" in api.get_json()["error"] and "does not exist" not in api.get_json()["error"]
