"""The JSON API: search, stats, and exports that stream every row."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask.testing import FlaskClient

from disclosure_search.web import export

from .conftest import SiteData


def test_api_search_shape(client: FlaskClient) -> None:
    data = client.get("/api/search?q=通知&per_page=5&page=2").get_json()
    assert data["ok"] is True
    assert (data["page"], data["per_page"]) == (2, 5)
    assert data["query"]["q"] == "通知"
    assert isinstance(data["took_ms"], float) and data["total"] >= 10
    assert len(data["hits"]) == 5


def test_api_stats_counts_per_category(client: FlaskClient, site_data: SiteData) -> None:
    everything = client.get("/api/stats").get_json()
    assert everything["total"] == len(site_data.documents)
    assert sum(everything["by_category"].values()) == everything["total"]
    year = client.get("/api/stats?year=2021").get_json()
    expected = [d for d in site_data.documents if d.published_date.year == 2021]
    assert year["year"] == 2021 and year["total"] == len(expected)
    kjj = client.get("/api/stats?year=2021&source=kjj").get_json()
    assert kjj["total"] == len([d for d in expected if d.source == "kjj"])


def test_csv_export_streams_every_row(client: FlaskClient, site_data: SiteData,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "CHUNK", 4)  # several index pages per export
    response = client.get("/api/export.csv?sort=oldest")
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == int(response.headers["X-Total-Count"]) == len(site_data.documents)
    assert len({r["id"] for r in rows}) == len(rows)
    dates = [r["published_date"] for r in rows]
    assert dates == sorted(dates)


def test_csv_export_defuses_spreadsheet_formulas() -> None:
    assert export._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert export._cell("农业") == "农业"


def test_json_export_is_one_document_with_every_hit(client: FlaskClient) -> None:
    total = client.get("/api/search?q=通知").get_json()["total"]
    response = client.get("/api/export.json?q=通知&page=2&per_page=3")
    data = json.loads(response.get_data(as_text=True))
    assert data["total"] == total == len(data["hits"])
    assert data["query"]["q"] == "通知"


def test_export_over_the_limit_is_refused_not_cut(site_data: SiteData) -> None:
    from dataclasses import replace

    from disclosure_search.web.app import create_app

    web = replace(site_data.settings.web, export_max_rows=5)
    app = create_app(replace(site_data.settings, web=web), test_config={"TESTING": True})
    try:
        response = app.test_client().get("/api/export.csv")
        assert response.status_code == 400
        assert "超过导出上限" in response.get_json()["error"]
    finally:
        app.extensions["disclosure_search"].close()
