"""The administrators' account page: add, reset (new password at next login), disable, roles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from disclosure_search.config import Settings, WebSettings
from disclosure_search.web import accounts, auth
from disclosure_search.web.app import create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(data_dir=tmp_path, web=WebSettings(secret_key="test-secret"))
    accounts.add_user(settings, "boss", PASSWORD)  # the first account administers
    accounts.add_user(settings, "clerk", PASSWORD)
    app = create_app(settings, test_config={"TESTING": True})
    yield app
    app.extensions["disclosure_search"].close()


def _token(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(True))
    assert found
    return found.group(1)


def _login(client: FlaskClient, name: str, password: str = PASSWORD) -> int:
    return client.post("/staff/login", data={"name": name, "password": password,
                                             "csrf_token": _token(client, "/staff/login")}
                       ).status_code


def _act(client: FlaskClient, **form: str) -> tuple[int, str]:
    form["csrf_token"] = _token(client, "/staff/users")
    response = client.post("/staff/users", data=form, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def test_administrator_runs_the_accounts(office: Flask) -> None:
    admin = office.test_client()
    assert _login(admin, "boss") == 302
    page = admin.get("/staff/users").get_data(as_text=True)
    assert "账户管理" in page and "clerk" in page and "管理员" in page and "工作人员" in page
    status, page = _act(admin, action="add", name="newcomer", password="first password",
                        role="staff")
    assert status == 200 and "已新增账户 newcomer" in page
    status, page = _act(admin, action="add", name="newcomer", password="first password")
    assert status == 400 and "已存在" in page
    status, page = _act(admin, action="reset", name="clerk", password="temporary pass")
    assert "下次登录时须设置新密码" in page
    clerk = office.test_client()
    assert _login(clerk, "clerk", "temporary pass") == 302
    forced = clerk.get("/staff/check")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/staff/password")
    assert "管理员已重置您的密码" in clerk.get("/staff/password").get_data(as_text=True)
    token = _token(clerk, "/staff/password")
    assert clerk.post("/staff/password", data={"csrf_token": token, "old": "temporary pass",
                                               "new": "clerk's own pass", "repeat":
                                               "clerk's own pass"}).status_code == 302
    assert clerk.get("/staff/check").status_code == 200
    _act(admin, action="disable", name="clerk")
    assert clerk.get("/staff/check").status_code == 302  # thrown out at once
    refused = office.test_client()
    assert _login(refused, "clerk", "clerk's own pass") == 403
    status, page = _act(admin, action="disable", name="boss")
    assert status == 400 and "不能停用自己的账户" in page
    actions = [e.action for e in auth.audit_entries(office.config["SETTINGS"]).entries]
    assert {"user add", "user reset", "password change", "user disable",
            "login disabled"} <= set(actions)
    audit_page = admin.get("/staff/audit?action=user+disable").get_data(as_text=True)
    assert "停用账户" in audit_page and "共 1 条记录" in audit_page


def test_staff_cannot_manage_accounts(office: Flask) -> None:
    clerk = office.test_client()
    assert _login(clerk, "clerk") == 302
    assert clerk.get("/staff/users").status_code == 403
    assert "账户管理" not in clerk.get("/staff/").get_data(as_text=True)
    token = _token(clerk, "/staff/")
    response = clerk.post("/staff/users", data={"csrf_token": token, "action": "role",
                                                "name": "clerk", "role": "administrator"})
    assert response.status_code == 403
    assert accounts.get_user(office.config["SETTINGS"], "clerk").role == "staff"
