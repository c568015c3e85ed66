"""Saved expected-items lists on the staff pages and the API: save, show, refuse, delete."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from disclosure_search.config import Settings, SourceSettings, WebSettings
from disclosure_search.reports import watchlist
from disclosure_search.web import accounts, auth
from disclosure_search.web.app import create_app

pytest.importorskip("disclosure_search.archive.catalog",
                    reason="needs disclosure_search.archive.catalog")

from reports.data import build_catalog, sample_documents

PASSWORD = "correct horse battery"



# -- the pages through the Flask test client ---------------------------------------------------


@pytest.fixture
def staff_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(
        data_dir=tmp_path, web=WebSettings(secret_key="test-secret"),
        sources=(SourceSettings(id="kjj", name="南昌市科技局", start_urls=("http://a.example/",)),))
    build_catalog(settings, sample_documents())
    accounts.add_user(settings, "clerk", PASSWORD)
    app = create_app(settings, test_config={"TESTING": True})
    yield app
    app.extensions["disclosure_search"].close()


def _token(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def _login(client: FlaskClient) -> None:
    client.post("/staff/login", data={"name": "clerk", "password": PASSWORD,
                                      "csrf_token": _token(client, "/staff/login")})


def test_a_list_is_saved_on_the_page_shown_with_states_and_deleted(staff_app: Flask) -> None:
    client = staff_app.test_client()
    assert client.get("/staff/watch").status_code == 302  # staff only
    _login(client)
    home = client.get("/staff/").get_data(as_text=True)
    assert "还没有保存清单" in home
    checklist = ("title,due_date\n关于开展2018年度高新技术企业认定工作的通知,2018-05-31\n"
                 "关于征集2019年度市级重点研发项目的通知,2019-03-01\n")
    saved = client.post("/staff/watch", data={"name": "一季度", "text": checklist,
                                              "csrf_token": _token(client, "/staff/watch")})
    assert saved.status_code == 302
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "清单已保存，共 2 项" in page and "已按时公开" in page and "逾期未公开" in page
    home = client.get("/staff/").get_data(as_text=True)
    assert "逾期未公开的事项" in home and "关于征集2019年度市级重点研发项目的通知" in home
    assert "2019-03-02" in home  # overdue since the day after it was due
    audit = client.get("/staff/audit").get_data(as_text=True)
    assert "保存每晚复查的清单" in audit and "清单“一季度”，共 2 项" in audit
    list_id = re.search(r'/staff/watch/(\d+)/delete', page)
    assert list_id
    gone = client.post(f"/staff/watch/{list_id.group(1)}/delete",
                       data={"csrf_token": _token(client, "/staff/watch")})
    assert gone.status_code == 302
    assert "还没有保存的清单" in client.get("/staff/watch").get_data(as_text=True)
    again = client.post(f"/staff/watch/{list_id.group(1)}/delete",
                        data={"csrf_token": _token(client, "/staff/watch")})
    assert again.status_code == 404 and "没有这个清单" in again.get_data(as_text=True)


def test_a_bad_list_is_refused_in_chinese_and_nothing_is_saved(staff_app: Flask) -> None:
    client = staff_app.test_client()
    _login(client)
    bad = client.post("/staff/watch", data={
        "name": "坏清单", "text": "title,due_date\n某事项,31/03/2019\n",
        "csrf_token": _token(client, "/staff/watch")})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "第 2 行 due_date（应公开日期）列" in text
    assert "31/03/2019" in text  # the form keeps what was typed
    unnamed = client.post("/staff/watch", data={
        "name": " ", "text": "title\n某事项\n", "csrf_token": _token(client, "/staff/watch")})
    assert unnamed.status_code == 400 and "请为清单起一个名称" in unnamed.get_data(as_text=True)
    assert "还没有保存的清单" in client.get("/staff/watch").get_data(as_text=True)
    actions = [e.action for e in auth.audit_entries(staff_app.config["SETTINGS"]).entries]
    assert actions.count("watchlist refused") == 2


def test_the_check_page_offers_to_save_the_list_it_checked(staff_app: Flask) -> None:
    client = staff_app.test_client()
    _login(client)
    result = client.post("/staff/check", data={
        "text": "title\n关于开展2018年度高新技术企业认定工作的通知\n",
        "csrf_token": _token(client, "/staff/check")}).get_data(as_text=True)
    assert "保存为每晚复查的清单" in result and 'action="/staff/watch"' in result


def test_the_api_saves_the_list_it_checked_when_asked(staff_app: Flask) -> None:
    client = staff_app.test_client()
    basic = {"Authorization": "Basic " + base64.b64encode(f"clerk:{PASSWORD}".encode()).decode()}
    body = "title\n关于开展2018年度高新技术企业认定工作的通知\n".encode()
    saved = client.post("/api/check?save=接口清单", data=body, content_type="text/csv",
                        headers=basic)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.json["saved"]["name"] == "接口清单" and saved.json["saved"]["items"] == 1
    assert saved.json["counts"]["published"] == 1
    plain = client.post("/api/check", data=body, content_type="text/csv", headers=basic)
    assert "saved" not in plain.json
    unnamed = client.post("/api/check?save=", data=body, content_type="text/csv", headers=basic)
    assert unnamed.status_code == 400 and unnamed.json["ok"] is False
    assert "请为清单起一个名称" in unnamed.json["error"]
    settings = staff_app.config["SETTINGS"]
    assert [w.name for w in watchlist.lists(settings.catalog_path)] == ["接口清单"]
