"""A publication check on the site is bounded: a list longer than web.check_max_rows is refused
at once with 413 and told to use the command line, on the API, the check page and the saved
lists alike."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from disclosure_search.config import Settings, SourceSettings, WebSettings
from disclosure_search.reports import watchlist
from disclosure_search.web import accounts
from disclosure_search.web.app import create_app

pytest.importorskip("disclosure_search.archive.catalog",
                    reason="needs disclosure_search.archive.catalog")

from reports.data import build_catalog, sample_documents
from web.test_staff_watch import PASSWORD, _login, _token

LIMIT = 5
TITLES = ("关于开展2018年度高新技术企业认定工作的通知", "2018年南昌市科技计划项目申报指南")


def _checklist(rows: int) -> str:
    return "title\n" + "".join(f"{TITLES[n % 2]}\n" for n in range(rows))


def _app(tmp_path: Path, web: WebSettings) -> Flask:
    settings = Settings(
        data_dir=tmp_path, web=web,
        sources=(SourceSettings(id="kjj", name="南昌市科技局", start_urls=("http://a.example/",)),))
    build_catalog(settings, sample_documents())
    accounts.add_user(settings, "clerk", PASSWORD)
    return create_app(settings, test_config={"TESTING": True})


@pytest.fixture
def staff_app(tmp_path: Path) -> Iterator[Flask]:
    app = _app(tmp_path, WebSettings(secret_key="test-secret", check_max_rows=LIMIT))
    yield app
    app.extensions["disclosure_search"].close()


def _basic() -> dict[str, str]:
    creds = base64.b64encode(f"clerk:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {creds}", "Content-Type": "text/csv"}


def _says_use_the_command_line(message: str) -> None:
    assert f"每次最多检查 {LIMIT:,} 项" in message
    assert "disclosure-search check" in message and "--save" in message


def test_the_api_refuses_a_list_over_the_limit_with_413_and_checks_one_at_it(
        staff_app: Flask) -> None:
    client = staff_app.test_client()
    at_limit = client.post("/api/check", data=_checklist(LIMIT).encode(), headers=_basic())
    assert at_limit.status_code == 200 and at_limit.get_json()["total"] == LIMIT
    over = client.post("/api/check", data=_checklist(LIMIT + 1).encode(), headers=_basic())
    assert over.status_code == 413
    body = over.get_json()
    assert body["ok"] is False and body["status"] == 413
    _says_use_the_command_line(body["error"])
    saved = client.post("/api/check?save=太长的清单", data=_checklist(LIMIT + 1).encode(),
                        headers=_basic())
    assert saved.status_code == 413
    assert watchlist.lists(staff_app.config["SETTINGS"].catalog_path) == []


def test_the_check_page_and_the_saved_lists_page_refuse_it_too(staff_app: Flask) -> None:
    client = staff_app.test_client()
    _login(client)
    token = _token(client, "/staff/check")
    page = client.post("/staff/check", data={"csrf_token": token,
                                             "text": _checklist(LIMIT + 1)})
    assert page.status_code == 413
    _says_use_the_command_line(page.get_data(as_text=True))
    assert client.post("/staff/check", data={"csrf_token": token,
                                             "text": _checklist(LIMIT)}).status_code == 200
    watch = client.post("/staff/watch", data={"csrf_token": token, "name": "太长的清单",
                                              "text": _checklist(LIMIT + 1)})
    assert watch.status_code == 413
    _says_use_the_command_line(watch.get_data(as_text=True))
    assert watchlist.lists(staff_app.config["SETTINGS"].catalog_path) == []


def test_the_default_limit_answers_a_100000_row_list_at_once(tmp_path: Path) -> None:
    app = _app(tmp_path, WebSettings(secret_key="test-secret"))
    try:
        body = ("title\n" + "通知\n" * 100_000).encode()  # fits the 2 MB request cap
        over = app.test_client().post("/api/check", data=body, headers=_basic())
        assert over.status_code == 413  # counted, not checked (bench.check_rows: the time)
        assert "每次最多检查 2,000 项" in over.get_json()["error"]
    finally:
        app.extensions["disclosure_search"].close()
