"""Run warcio's own command-line checks in-process, as a user would from the shell."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from warcio.cli import main


def warcio_check(path: Path) -> tuple[int, str]:
    """``warcio check -v PATH``: exit status and report."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main(["check", "-v", str(path)])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue()


def warcio_index(path: Path) -> list[dict[str, str]]:
    """``warcio index PATH``: one dict per record (offset, length, type, target URI)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["index", "-f", "offset,length,warc-type,warc-target-uri", str(path)])
    return [json.loads(line) for line in out.getvalue().splitlines()]
