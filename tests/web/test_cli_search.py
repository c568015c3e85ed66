"""The ``search`` command takes every /api/search parameter as an option: the same results,
and for bad input the same Chinese message (exit status 2)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from disclosure_search.cli import build_parser, main
from disclosure_search.commands import SEARCH_OPTIONS
from disclosure_search.web.params import SEARCH_ARGS

from .conftest import SiteData


@pytest.fixture(scope="module")
def config(site_data: SiteData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config file for the web tests' data dir, as a person would write it."""
    path = tmp_path_factory.mktemp("cli") / "disclosure-search.toml"
    sources = "".join(
        f'[[sources]]\nid = "{s.id}"\nname = "{s.name}"\nstart_urls = ["{s.start_urls[0]}"]\n'
        for s in site_data.settings.sources)
    path.write_text(f'data_dir = "{site_data.settings.data_dir.as_posix()}"\n{sources}',
                    encoding="utf-8")
    return path


def _argv(config: Path, params: dict[str, str], underscores: bool = False) -> list[str]:
    argv = ["--config", str(config), "search", params.get("q", "")]
    for name, value in params.items():
        if name != "q":
            argv += [f"--{name if underscores else name.replace('_', '-')}", value]
    return argv


def test_every_api_parameter_is_an_option() -> None:
    assert set(SEARCH_OPTIONS) == set(SEARCH_ARGS)
    usage = build_parser()._subparsers._group_actions[0].choices["search"].format_help()
    for name in SEARCH_ARGS:
        if name != "q":
            assert f"--{name.replace('_', '-')}" in usage, name


@pytest.mark.parametrize("params", [
    {"q": "通知", "in": "title"},
    {"agency": "科学技术局"},
    {"q": "科技", "validity": "有效"},
    {"validity": "现行有效"},
    {"doc_number": "洪科发[2020]1号"},
    {"topic": "科技"},
    {"since": "2024-01-20"},
    {"written_from": "2020-01-01", "written_to": "2020-12-31"},
    {"from": "2020-01-01", "to": "2021-12-31", "sort": "oldest", "per_page": "5", "page": "2"},
])
@pytest.mark.parametrize("underscores", [False, True])
def test_the_command_finds_what_the_api_finds(
    client: FlaskClient, config: Path, capsys: pytest.CaptureFixture[str],
    params: dict[str, str], underscores: bool,
) -> None:
    api = client.get(f"/api/search?{urlencode(params)}").get_json()
    assert main([*_argv(config, params, underscores), "--json"]) == 0
    shell = json.loads(capsys.readouterr().out)
    assert api["total"] > 0, params
    assert shell["query"] == api["query"]
    assert (shell["total"], shell["facets"]) == (api["total"], api["facets"])
    assert [h["id"] for h in shell["hits"]] == [h["id"] for h in api["hits"]]


@pytest.mark.parametrize("params", [
    {"q": "通知", "in": "body"},
    {"validity": "暂停"},
    {"written_from": "2024-05-01", "written_to": "2024-01-01"},
    {"written_from": "2024/01/01"},
    {"since": "2024-02-30"},
    {"agency": "没有这个机构"},
    {"sort": "best"},
    {"per_page": "1000"},
    {"page": "0"},
    {"category": "新闻"},
    {"source": "a b"},
])
def test_bad_input_gets_the_api_message_and_exit_status_2(
    client: FlaskClient, config: Path, capsys: pytest.CaptureFixture[str],
    params: dict[str, str],
) -> None:
    api = client.get(f"/api/search?{urlencode(params)}")
    assert api.status_code == 400
    assert main(_argv(config, params)) == 2
    out, err = capsys.readouterr()
    assert err == f"错误：{api.get_json()['error']}\n" and not out


def test_a_page_past_the_end_says_how_many_pages_there_are(
    client: FlaskClient, config: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    api = client.get("/api/search?q=农业&page=999")
    assert api.status_code == 404
    assert main(_argv(config, {"q": "农业", "page": "999"})) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：第 999 页超出范围：共 ")
    assert api.get_json()["error"].startswith(err.removeprefix("错误：").strip())
