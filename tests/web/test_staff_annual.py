"""The annual report page: opens on the latest year, table 二 with evidence, docx/CSV/JSON."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient

from disclosure_search.config import Settings, SourceSettings, WebSettings
from disclosure_search.web import accounts
from disclosure_search.web.app import create_app

pytest.importorskip("disclosure_search.archive.catalog",
                    reason="needs disclosure_search.archive.catalog")

from reports.data import build_catalog, sample_documents, seen

PASSWORD = "correct horse battery"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[FlaskClient]:
    settings = Settings(
        data_dir=tmp_path, web=WebSettings(secret_key="test-secret"),
        sources=(SourceSettings(id="kjj", name="南昌市科技局", start_urls=("http://a.example/",)),
                 SourceSettings(id="portal", name="南昌市人民政府",
                                start_urls=("http://b.example/",))))
    docs = sample_documents()
    build_catalog(settings, docs)
    build_catalog(settings, [replace(docs[0], validity="废止", first_seen=seen("2018-12-01"))])
    accounts.add_user(settings, "clerk", PASSWORD)
    app: Flask = create_app(settings, test_config={"TESTING": True})
    client = app.test_client()
    html = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    client.post("/staff/login", data={"name": "clerk", "password": PASSWORD,
                                      "csrf_token": token})
    yield client
    app.extensions["disclosure_search"].close()


def test_opens_on_the_latest_year_with_documents_and_a_year_picker(client: FlaskClient) -> None:
    page = client.get("/staff/annual").get_data(as_text=True)
    assert '<option value="2018" selected>2018 年</option>' in page
    assert 'name="year" inputmode' not in page  # a picker, not free text
    assert "二、主动公开政府信息情况" in page and "本年制发件数" in page
    assert "南昌市科技局" in page and "<th scope=\"col\" class=\"num\">kjj</th>" not in page
    assert "行政许可" in page and "（请填写）" in page


def test_figures_link_to_their_documents(client: FlaskClient) -> None:
    page = client.get("/staff/annual?year=2018").get_data(as_text=True)
    link = re.search(r'href="(/staff/annual/evidence\?[^"]*kind=normative[^"]*column=issued'
                     r'[^"]*)"[^>]*>(\d+)</a>', page)
    assert link and link.group(2) == "3"
    evidence = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "行政规范性文件：本年制发件数 3 件" in evidence
    assert "南昌市科技局关于印发《南昌市科技创新券管理办法》的通知" in evidence
    assert client.get("/staff/annual/evidence?year=2018&kind=x&column=y").status_code == 400


def test_docx_csv_and_json_exports(client: FlaskClient) -> None:
    response = client.get("/staff/annual?year=2018&format=docx")
    assert response.status_code == 200 and "annual-report-2018.docx" in response.headers[
        "Content-Disposition"]
    word = docx.Document(io.BytesIO(response.data))
    grid = [[c.text for c in row.cells] for row in word.tables[0].rows]
    # 3 规范性文件 issued in 2018, one declared 废止 in December, so 2 in force at the end
    assert ["行政规范性文件", "3", "1", "2"] in grid
    assert "南昌市科技局、南昌市人民政府2018年政府信息公开工作年度报告（草稿）" in [
        p.text for p in word.paragraphs]
    csv_text = client.get("/staff/annual?year=2018&format=csv").get_data(as_text=True)
    assert "行政规范性文件,3,1,2" in csv_text
    assert csv_text.splitlines()[-1] == "合计,7,1,8"
    data = client.get("/staff/annual?year=2018&format=json").get_json()
    assert data["total"] == 8 and data["table_2"]["行政规范性文件"]["本年废止件数"] == 1


def test_a_year_without_documents_says_which_years_have_some(client: FlaskClient) -> None:
    response = client.get("/staff/annual?year=2030")
    assert response.status_code == 404
    assert "2030 年没有已存档的文件。有文件的年度：2018" in response.get_data(as_text=True)
    as_json = client.get("/staff/annual?year=2030&format=docx")
    assert as_json.status_code == 404
    assert client.get("/staff/annual?year=abc").status_code == 400
    assert client.get("/staff/annual?format=pdf").status_code == 400
