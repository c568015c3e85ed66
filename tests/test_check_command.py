"""``disclosure-search check``: a Chinese report, bad input exits 2, ``--save`` keeps the list."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from disclosure_search.cli import main
from disclosure_search.config import load_settings
from disclosure_search.reports import watchlist
from disclosure_search.web.auditlog import audit_entries
from reports.data import build_catalog, sample_documents

CHECKLIST = ("title,doc_number,due_date\n"
             "关于开展2018年度高新技术企业认定工作的通知,,2018-05-31\n"
             "关于征集2019年度市级重点研发项目的通知,,2019-03-01\n")


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in [k for k in os.environ if k.startswith("DISCLOSURE_SEARCH_")]:
        monkeypatch.delenv(key)
    path = tmp_path / "office.toml"
    path.write_text('data_dir = "office-data"\n', encoding="utf-8")
    build_catalog(load_settings(path, environ={}), sample_documents())
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_report_speaks_chinese_and_save_keeps_the_list(
        config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "清单.csv"
    listing.write_text(CHECKLIST, encoding="utf-8-sig")
    code, out, err = _run(capsys, "--config", str(config), "check", str(listing),
                          "--save", "一季度")
    assert code == 0, err
    assert "已按时公开  第 2 行：关于开展2018年度高新技术企业认定工作的通知 → https://" in out
    assert "未找到  第 3 行：关于征集2019年度市级重点研发项目的通知" in out
    assert "共 2 项：已按时公开 1，逾期公开 0，未找到 1，无法确定 0" in out
    assert "已保存清单“一季度”（2 项）" in err
    settings = load_settings(config, environ={})
    (saved,) = watchlist.lists(settings.catalog_path)
    assert (saved.name, saved.items, saved.saved_by) == ("一季度", 2, "命令行")
    assert [i.state for i in watchlist.items(settings.catalog_path)] == ["published", "overdue"]
    assert audit_entries(settings).entries[0].detail == "清单“一季度”，共 2 项"
    code, out, _ = _run(capsys, "--config", str(config), "check", str(listing), "--json")
    assert code == 0 and json.loads(out)["counts"]["published"] == 1  # JSON keys stay


@pytest.mark.parametrize(("content", "message"), [
    ("title,due_date\n某事项,2019/03/01\n", "第 2 行 due_date（应公开日期）列"),
    ("标题\n某事项\n", "第 1 行第 1 列：未知的列名"),
    (None, "无法读取清单"),
])
def test_bad_input_says_what_to_fix_and_exits_2(
        config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        content: str | None, message: str) -> None:
    listing = tmp_path / "bad.csv"
    if content is not None:
        listing.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "--config", str(config), "check", str(listing),
                          "--save", "坏清单")
    assert code == 2 and out == ""
    assert err.startswith("错误：") and message in err and "Traceback" not in err
    assert watchlist.lists(load_settings(config, environ={}).catalog_path) == []


def test_a_data_directory_without_an_archive_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in [k for k in os.environ if k.startswith("DISCLOSURE_SEARCH_")]:
        monkeypatch.delenv(key)
    empty = tmp_path / "empty.toml"
    empty.write_text('data_dir = "nothing-here"\n', encoding="utf-8")
    listing = tmp_path / "list.csv"
    listing.write_text(CHECKLIST, encoding="utf-8")
    code, _, err = _run(capsys, "--config", str(empty), "check", str(listing))
    assert code == 2 and "nothing-here 中还没有存档" in err and "--config" in err
    assert not (tmp_path / "nothing-here" / "catalog.sqlite3").exists()
