"""``disclosure-search user ...``: accounts from the shell, audited, on the catalog it names."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from disclosure_search.cli import main
from disclosure_search.config import load_settings
from disclosure_search.web import accounts
from disclosure_search.web.auditlog import audit_entries

PASSWORD = "correct horse battery"


def _run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, config: Path,
         *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--config", str(config), "user", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in [k for k in __import__("os").environ if k.startswith("DISCLOSURE_SEARCH_")]:
        monkeypatch.delenv(key)
    path = tmp_path / "office.toml"
    path.write_text('data_dir = "office-data"\n', encoding="utf-8")
    return path


def test_every_account_action_from_the_shell(config: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _run(capsys, monkeypatch, config, "add", "boss", "--password-stdin",
                          stdin=PASSWORD + "\n")
    catalog = config.parent / "office-data" / "catalog.sqlite3"
    assert code == 0 and "（管理员，administrator）" in out  # the first account administers
    assert f"使用的目录（catalog）：{catalog}" in err and "是新建的" in err
    code, out, err = _run(capsys, monkeypatch, config, "add", "clerk", "--password-stdin",
                          stdin=PASSWORD + "\n")
    assert code == 0 and "（工作人员，staff）" in out and "是新建的" not in err
    assert _run(capsys, monkeypatch, config, "disable", "clerk")[0] == 0
    assert _run(capsys, monkeypatch, config, "enable", "clerk")[0] == 0
    assert _run(capsys, monkeypatch, config, "reset", "clerk", "--password-stdin",
                stdin="temporary password 1\n")[0] == 0
    assert _run(capsys, monkeypatch, config, "role", "clerk", "administrator")[0] == 0
    code, out, _ = _run(capsys, monkeypatch, config, "list")
    lines = out.splitlines()
    assert code == 0 and lines[1].split()[:3] == ["boss", "管理员", "正常"]
    assert lines[2].split()[:3] == ["clerk", "管理员", "须改密码"]
    assert "创建时间（Asia/Shanghai）" in lines[0]  # local times, as on the staff pages
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", " ".join(lines[1].split()[3:5]))
    settings = load_settings(config)
    actions = [e.action for e in audit_entries(settings).entries]
    assert actions[:6] == ["user role", "user reset", "user enable", "user disable",
                           "user add", "user add"]
    clerk = accounts.get_user(settings, "clerk")
    assert clerk is not None and clerk.must_change


def test_mistakes_are_exit_2_with_a_message(config: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _run(capsys, monkeypatch, config, "add", "boss", "--password-stdin", stdin=PASSWORD + "\n")
    code, _, err = _run(capsys, monkeypatch, config, "disable", "nobody")
    assert code == 2 and "没有用户 'nobody'" in err and "user list" in err
    code, _, err = _run(capsys, monkeypatch, config, "disable", "boss")
    assert code == 2 and "唯一可用的管理员" in err  # the office keeps one administrator
    code, _, err = _run(capsys, monkeypatch, config, "add", "boss", "--password-stdin",
                        stdin=PASSWORD + "\n")
    assert code == 2 and "已存在" in err and "user reset boss" in err
    code, _, err = _run(capsys, monkeypatch, config, "role", "boss", "king")
    assert code == 2 and "无效的选项 'king'" in err and "administrator" in err


def test_list_on_a_wrong_data_dir_says_so_and_creates_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('data_dir = "nothing-here"\n', encoding="utf-8")
    code, out, err = _run(capsys, monkeypatch, config, "list")
    assert code == 0 and "还没有工作人员账户" in out
    assert str(tmp_path / "nothing-here" / "catalog.sqlite3") in err and "是新建的" in err
    assert not (tmp_path / "nothing-here").exists()


def test_port_out_of_range_fails_validation(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "site.toml"
    config.write_text("[web]\nport = 99999\n", encoding="utf-8")
    assert main(["--config", str(config), "serve"]) == 2
    err = capsys.readouterr().err
    assert "第 2 行" in err and "web.port" in err and "1-65535" in err and "端口" in err
    config.write_text("", encoding="utf-8")
    assert main(["--config", str(config), "serve", "--port", "70000"]) == 2
    assert "1-65535" in capsys.readouterr().err
