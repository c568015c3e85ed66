"""A date a person types is accepted or refused alike by the CLI, the web API and a checklist."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from disclosure_search.cli import main
from disclosure_search.errors import ChecklistError
from disclosure_search.reports.checklist import parse_checklist


@pytest.mark.parametrize("typed", ["20240131", "2024/01/31", "2024-02-30"])
def test_every_surface_refuses_the_same_typed_dates(
    typed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], client: FlaskClient,
) -> None:
    config = tmp_path / "disclosure-search.toml"
    config.write_text(f'data_dir = "{tmp_path.as_posix()}/data"\n', encoding="utf-8")
    response = client.get(f"/api/search?q=x&from={typed}")
    assert response.status_code == 400 and response.get_json()["ok"] is False

    assert main(["--config", str(config), "search", "x", "--from", typed]) == 2
    assert capsys.readouterr().err == f"错误：{response.get_json()['error']}\n"

    with pytest.raises(ChecklistError, match="due_date"):
        parse_checklist(f"title,due_date\n关于印发办法的通知,{typed}\n")


def test_every_surface_accepts_the_one_form(
    tmp_path: Path, client: FlaskClient,
) -> None:
    assert client.get("/api/search?q=x&from=2024-01-31").status_code == 200
    (row,) = parse_checklist("title,due_date\n关于印发办法的通知,2024-01-31\n")
    assert row.due_date is not None and row.due_date.isoformat() == "2024-01-31"
