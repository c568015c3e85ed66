"""The command line speaks Chinese: help, argparse's mistakes, exit statuses."""

from __future__ import annotations

import pytest

from disclosure_search.cli import main


def test_help_is_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：disclosure-search ")
    assert "显示本帮助并退出" in out and "按清单（CSV）核查是否已公开" in out
    assert "show this help" not in out and "usage:" not in out
    assert main(["user", "reset", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.count("用法：") == 1 and "从标准输入读取密码" in out
    assert main(["user", "--help"]) == 0
    assert "设置临时密码；下次登录时须设置新密码" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["bogus"], "参数 command：无效的选项 'bogus'"),
    (["stats", "--year", "x"], "参数 --year：'x' 不是有效的 int 值"),
    (["user", "add"], "缺少必需的参数：name"),
    (["search", "--sort"], "参数 --sort 后面需要一个值"),
    (["stats", "--nope"], "无法识别的参数：--nope"),
])
def test_argparse_mistakes_exit_2_in_chinese(capsys: pytest.CaptureFixture[str],
                                             argv: list[str], message: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "用法见 disclosure-search --help" in err
