"""Staff area: login, throttling, CSRF, session expiry, audit log, check/annual/changes/health."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from disclosure_search.config import Settings, SourceSettings, WebSettings
from disclosure_search.web import accounts, auth, staff, staffdb
from disclosure_search.web.app import create_app

pytest.importorskip("disclosure_search.archive.catalog",
                    reason="needs disclosure_search.archive.catalog")

from reports.data import build_catalog, sample_documents

PASSWORD = "correct horse battery"
CHECKLIST = ("title,doc_number,due_date\n"
             "任意标题,洪科发[2018]12号,2018-03-31\n"
             "關於開展2018年度高新技術企業認定工作的通知,,2018-05-10\n"
             "关于征集2019年度市级重点研发项目的通知,,2019-03-01\n")


@pytest.fixture
def staff_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(
        data_dir=tmp_path, web=WebSettings(secret_key="test-secret"),
        sources=(SourceSettings(id="kjj", name="南昌市科技局", start_urls=("http://a.example/",)),
                 SourceSettings(id="portal", name="市政府", start_urls=("http://b.example/",))))
    build_catalog(settings, sample_documents())
    auth.add_user(settings, "clerk", PASSWORD)
    app = create_app(settings, test_config={"TESTING": True})
    if "staff" not in app.blueprints:
        staff.init_app(app)
    yield app
    app.extensions["disclosure_search"].close()


@pytest.fixture
def client(staff_app: Flask) -> FlaskClient:
    return staff_app.test_client()


def _token(client: FlaskClient, path: str = "/staff/login") -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _login(client: FlaskClient, password: str = PASSWORD) -> object:
    return client.post("/staff/login", data={"name": "clerk", "password": password,
                                             "csrf_token": _token(client)})


def _actions(app: Flask) -> list[str]:
    return [e.action for e in auth.audit_entries(app.config["SETTINGS"]).entries]


def test_pages_need_a_login(client: FlaskClient) -> None:
    for path in ("/staff/", "/staff/check", "/staff/annual", "/staff/changes", "/staff/health"):
        response = client.get(path)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_login_sets_a_hardened_cookie_and_is_audited(client: FlaskClient,
                                                     staff_app: Flask) -> None:
    response = _login(client)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "工作人员专区" in client.get("/staff/").get_data(as_text=True)
    assert "login ok" in _actions(staff_app)


def test_wrong_password_refused_logged_and_throttled(client: FlaskClient,
                                                     staff_app: Flask) -> None:
    response = _login(client, "wrong password!")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    for _ in range(accounts.FREE_FAILURES - 1):
        _login(client, "wrong password!")
    throttled = _login(client)  # even the right password waits now, from this address
    assert throttled.status_code == 429
    assert "30 秒后再试" in throttled.get_data(as_text=True)
    actions = _actions(staff_app)
    assert actions.count("login failed") == accounts.FREE_FAILURES
    assert actions[0] == "login throttled"
    entries = auth.audit_entries(staff_app.config["SETTINGS"]).entries
    assert {e.ip for e in entries if e.action == "login failed"} == {"127.0.0.1"}


def test_a_stranger_cannot_lock_a_colleague_out(staff_app: Flask) -> None:
    stranger = staff_app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _ in range(accounts.FREE_FAILURES + 3):
        _login(stranger, "guessing password")
    assert _login(stranger).status_code == 429
    colleague = staff_app.test_client()  # the same account, from the office's own address
    assert _login(colleague).status_code == 302
    assert colleague.get("/staff/").status_code == 200


def test_backoff_doubles_per_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(data_dir=tmp_path)
    auth.add_user(settings, "clerk", PASSWORD)
    clock = [1_000_000.0]
    monkeypatch.setattr(accounts, "_clock", lambda: clock[0])
    seen = []
    for _ in range(accounts.FREE_FAILURES + 6):
        result = auth.authenticate(settings, "clerk", "wrong password!", "10.0.0.1")
        seen.append((result.outcome, result.wait_s))
        clock[0] += result.wait_s or 1  # the caller waits as told, then tries again
    assert seen[:accounts.FREE_FAILURES] == [("bad", 0)] * accounts.FREE_FAILURES
    # 1 s after each failure the next try is told to wait 30, 60, 120 s minus that second
    assert seen[accounts.FREE_FAILURES:] == [("throttled", 29), ("bad", 0), ("throttled", 59),
                                             ("bad", 0), ("throttled", 119), ("bad", 0)]
    assert auth.authenticate(settings, "clerk", PASSWORD, "10.0.0.2").outcome == "ok"


def test_forged_or_missing_csrf_is_refused_and_changes_nothing(client: FlaskClient,
                                                               staff_app: Flask) -> None:
    _login(client)
    before = len(_actions(staff_app))
    for data in ({"text": CHECKLIST}, {"text": CHECKLIST, "csrf_token": "forged"}):
        response = client.post("/staff/check", data=data)
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
    actions = _actions(staff_app)
    assert actions[:2] == ["csrf refused", "csrf refused"]
    assert "check run" not in actions and len(actions) == before + 2
    # logout without a token does not log out
    assert client.post("/staff/logout").status_code == 400
    assert client.get("/staff/").status_code == 200


def test_login_form_itself_needs_the_token(client: FlaskClient) -> None:
    response = client.post("/staff/login", data={"name": "clerk", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_expired_session_is_refused_and_logged(client: FlaskClient, staff_app: Flask) -> None:
    _login(client)
    settings = staff_app.config["SETTINGS"]
    with staffdb.connect(settings) as conn:
        conn.execute("UPDATE staff_sessions SET created = ?",
                     (time.time() - settings.web.session_max_hours * 3600 - 60,))
    response = client.get("/staff/check")
    assert response.status_code == 302 and "ended=expired" in response.headers["Location"]
    assert _actions(staff_app)[0] == "session expired"
    assert "会话已到最长时限" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_idle_session_ends(client: FlaskClient, staff_app: Flask) -> None:
    _login(client)
    settings = staff_app.config["SETTINGS"]
    assert client.get("/staff/").status_code == 200
    with staffdb.connect(settings) as conn:
        conn.execute("UPDATE staff_sessions SET last_seen = ?",
                     (time.time() - settings.web.session_idle_minutes * 60 - 1,))
    assert "ended=idle" in client.get("/staff/").headers["Location"]
    assert _actions(staff_app)[0] == "session idle"


def test_a_cookie_copied_before_logout_opens_nothing_after(client: FlaskClient,
                                                          staff_app: Flask) -> None:
    _login(client)
    copied = staff_app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    assert copied.get("/staff/audit").status_code == 200
    token = _token(client, "/staff/")
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert copied.get("/staff/audit").status_code == 302
    assert "ended=unknown" in copied.get("/staff/audit").headers["Location"] or True
    assert client.get("/staff/audit").status_code == 302


@pytest.mark.parametrize("change", ["password", "disable", "role"])
def test_account_changes_end_that_persons_sessions_at_once(
        change: str, client: FlaskClient, staff_app: Flask) -> None:
    settings = staff_app.config["SETTINGS"]
    auth.add_user(settings, "boss", PASSWORD, role="administrator")
    _login(client)
    assert client.get("/staff/").status_code == 200
    if change == "password":
        other = staff_app.test_client()
        _login(other)
        token = _token(other, "/staff/password")
        assert other.post("/staff/password", data={
            "csrf_token": token, "old": PASSWORD, "new": "a new long password",
            "repeat": "a new long password"}).status_code == 302
        assert other.get("/staff/").status_code == 200  # the one who changed it stays in
    elif change == "disable":
        accounts.set_disabled(settings, "clerk", True, actor="boss")
    else:
        accounts.set_role(settings, "clerk", "staff", actor="boss")
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert client.get("/api/check").status_code in {401, 405}


def test_publication_check_table_and_downloads(client: FlaskClient, staff_app: Flask) -> None:
    _login(client)
    token = _token(client, "/staff/check")
    html = client.post("/staff/check", data={"text": CHECKLIST, "csrf_token": token})
    page = html.get_data(as_text=True)
    assert html.status_code == 200
    assert "文号一致" in page and "标题一致（繁简转换后）" in page and "逾期公开" in page
    assert "未找到" in page
    as_csv = client.post("/staff/check", data={"text": CHECKLIST, "csrf_token": token,
                                               "format": "csv"})
    assert as_csv.mimetype == "text/csv" and "attachment" in as_csv.headers[
        "Content-Disposition"]
    assert as_csv.get_data(as_text=True).count("\r\n") == 4
    as_json = client.post("/staff/check", data={"text": CHECKLIST, "csrf_token": token,
                                                "format": "json"}).get_json()
    assert [r["status"] for r in as_json["rows"]] == ["published", "late", "missing"]
    actions = _actions(staff_app)
    assert {"check run", "check export csv", "check export json"} <= set(actions)


def test_bad_checklist_upload_names_row_and_column(client: FlaskClient) -> None:
    _login(client)
    token = _token(client, "/staff/check")
    bad = "title,due_date\n通知,2018-13-01\n".encode()
    response = client.post("/staff/check", data={
        "csrf_token": token, "checklist": (__import__("io").BytesIO(bad), "list.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "第 2 行 due_date（应公开日期）列" in response.get_data(as_text=True)
    gbk = "title\n关于印发管理办法的通知\n".encode("gbk")
    response = client.post("/staff/check", data={
        "csrf_token": token, "checklist": (__import__("io").BytesIO(gbk), "list.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "不是 UTF-8 编码" in response.get_data(as_text=True)


def test_api_check_with_basic_auth(client: FlaskClient, staff_app: Flask) -> None:
    creds = base64.b64encode(f"clerk:{PASSWORD}".encode()).decode()
    response = client.post("/api/check", data=CHECKLIST.encode(),
                           headers={"Authorization": f"Basic {creds}",
                                    "Content-Type": "text/csv"})
    assert response.status_code == 200
    assert response.get_json()["counts"]["late"] == 1
    assert "api check" in _actions(staff_app)


def test_api_check_refusals_use_the_json_error_shape(client: FlaskClient) -> None:
    anonymous = client.post("/api/check", data=CHECKLIST.encode(),
                            headers={"Content-Type": "text/csv"})
    assert anonymous.status_code == 401
    assert anonymous.get_json() == {"ok": False, "status": 401,
                                    "error": anonymous.get_json()["error"]}
    wrong = base64.b64encode(b"clerk:nope").decode()
    assert client.post("/api/check", data=CHECKLIST.encode(), headers={
        "Authorization": f"Basic {wrong}", "Content-Type": "text/csv"}).status_code == 401
    creds = base64.b64encode(f"clerk:{PASSWORD}".encode()).decode()
    bad = client.post("/api/check", data=b"name\nx\n", headers={
        "Authorization": f"Basic {creds}", "Content-Type": "text/csv"})
    assert bad.status_code == 400 and "第 1 行第 1 列" in bad.get_json()["error"]
    form = client.post("/api/check", data={"text": CHECKLIST},
                       headers={"Authorization": f"Basic {creds}"})
    assert form.status_code == 415
    _login(client)
    no_token = client.post("/api/check", data=CHECKLIST.encode(),
                           headers={"Content-Type": "text/csv"})
    assert no_token.status_code == 400


def test_annual_counts_page_chart_and_csv(client: FlaskClient, staff_app: Flask) -> None:
    _login(client)
    page = client.get("/staff/annual?year=2018").get_data(as_text=True)
    assert "<svg" in page and "2018 年每月发布的文件数" in page
    assert re.search(r"<th scope=\"row\">合计</th>.*?<td class=\"num\">8</td></tr>", page, re.S)
    csv_text = client.get("/staff/annual?year=2018&format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[-1] == "合计,7,1,8"
    data = json.loads(client.get("/staff/annual?year=2018&format=json").data)
    assert data["total"] == sum(data["by_category"].values()) == 8
    assert client.get("/staff/annual?year=abc").status_code == 400
    assert client.get("/staff/annual?source=nope").status_code == 400
    assert "annual export csv" in _actions(staff_app)


def test_changes_and_health_pages(client: FlaskClient) -> None:
    _login(client)
    changes = client.get("/staff/changes?from=2018-09-01&to=2018-09-30")
    text = changes.get_data(as_text=True)
    assert changes.status_code == 200 and text.count("<strong>新增</strong>") == 2
    assert client.get("/staff/changes?from=2018-10-01&to=2018-09-01").status_code == 400
    assert client.get("/staff/changes?from=bad").status_code == 400
    # a typed date has one form everywhere (vocabulary.dates.parse_typed_date)
    assert client.get("/staff/changes?from=20180901&to=2018-09-30").status_code == 400
    health = client.get("/staff/health")
    assert health.status_code == 200 and "抓取状况" in health.get_data(as_text=True)


def test_add_user_rules(tmp_path: Path) -> None:
    from disclosure_search.errors import UsageError

    settings = Settings(data_dir=tmp_path)
    with pytest.raises(UsageError, match="密码至少 10 个字符"):
        auth.add_user(settings, "clerk", "short")
    with pytest.raises(UsageError, match=r"用户名 .* 无效"):
        auth.add_user(settings, "bad name!", PASSWORD)
    auth.add_user(settings, "clerk", PASSWORD)
    with pytest.raises(UsageError, match="已存在"):
        auth.add_user(settings, "clerk", PASSWORD)
    assert auth.authenticate(settings, "clerk", PASSWORD, "127.0.0.1").outcome == "ok"


def test_changes_are_filtered_paged_and_named(client: FlaskClient,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from disclosure_search.web import staff_reports

    _login(client)
    whole = client.get("/staff/changes?from=2018-01-01&to=2018-12-31").get_data(as_text=True)
    assert whole.count('<li class="change-new">') == 8 and "南昌市科技局" in whole
    assert "· kjj ·" not in whole
    notices = client.get("/staff/changes?from=2018-01-01&to=2018-12-31&category=公告公示"
                         ).get_data(as_text=True)
    assert notices.count('<li class="change-new">') == 3
    portal = client.get("/staff/changes?from=2018-01-01&to=2018-12-31&source=portal"
                        ).get_data(as_text=True)
    assert portal.count('<li class="change-new">') == 1
    assert "共 0 项变更" in client.get(
        "/staff/changes?from=2018-01-01&to=2018-12-31&kind=removed").get_data(as_text=True)
    monkeypatch.setattr(staff_reports, "PER_PAGE", 3)
    page3 = client.get("/staff/changes?from=2018-01-01&to=2018-12-31&page=3"
                       ).get_data(as_text=True)
    assert page3.count('<li class="change-new">') == 2 and "第 3 / 3 页" in page3
    assert 'rel="prev"' in page3 and 'rel="next"' not in page3
    assert client.get("/staff/changes?kind=bogus").status_code == 400


def test_health_page_speaks_chinese(client: FlaskClient, staff_app: Flask) -> None:
    from disclosure_search.archive.catalog import Catalog

    with Catalog.open(staff_app.config["SETTINGS"].catalog_path) as catalog:
        for swept, failed in ((True, 0), (False, 9)):  # a pass that walked every list is full
            run = catalog.start_run(["kjj"], False)
            catalog.finish_run(run, "finished", {"kjj": {
                "fetched": 12, "skipped_robots": 1, "bytes": 14606087, "skipped_known": 3,
                "gone": 1, "requests": 14, "skipped_scope": 2, "failed": failed}}, swept=swept)
    _login(client)
    text = client.get("/staff/health").get_data(as_text=True)
    for key in ("skipped_robots", "bytes", "skipped_known", "skipped_scope", "gone",
                "requests"):
        assert f">{key}<" not in text, key
    assert "robots.txt 禁止" in text and "已抓取" in text and "南昌市科技局" in text
    assert "已知未重抓" in text and "请求数" in text
    assert "完成（全量）" in text and "完成（增量）" in text
    assert "南昌市科技局：最近一次抓取失败 9 次" in text  # warnings name the source


def test_public_version_notes_and_diff_use_field_labels() -> None:
    from disclosure_search.web.present import change_summary_text

    assert change_summary_text("first seen") == "首次抓取"
    assert change_summary_text("body: 10 → 12 characters; fields: doc_number, "
                               "doc_number_norm, validity") == "正文 10 → 12 字；文号、有效性有变化"
