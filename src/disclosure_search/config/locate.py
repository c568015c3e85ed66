"""Errors that point into the config file: its name, the line of the key, the key's path."""

from __future__ import annotations

import re
from pathlib import Path

from disclosure_search.errors import ConfigError


def toml_error(path: Path, exc: Exception) -> str:
    """tomllib's message with its place in Chinese: "… 第 3 行第 12 列：TOML 格式错误（…）"."""
    text = str(exc)
    place = re.search(r"\s*\(at line (\d+), column (\d+)\)", text)
    if not place:
        return f"{path}：TOML 格式错误（{text}）"
    reason = text[: place.start()] + text[place.end():]
    return f"{path} 第 {place.group(1)} 行第 {place.group(2)} 列：TOML 格式错误（{reason.strip()}）"


class Locator:
    """Builds the ConfigError of a key, naming the file and the key's line when it is found."""

    def __init__(self, text: str, filename: str) -> None:
        self.lines = text.splitlines()
        self.filename = filename

    def fail(
        self, key: str, message: str, table: str | None = None, nth: int = 0,
        lookup: str | None = None,
    ) -> ConfigError:
        """The error "file 第 N 行：key：message", N the line of ``lookup`` (else of the key)."""
        line = self.line_of(lookup or key.rsplit(".", 1)[-1], table, nth)
        where = f"{self.filename} 第 {line} 行" if line else self.filename
        return ConfigError(f"{where}：{key}：{message}")

    def line_of(self, key: str, table: str | None, nth: int) -> int | None:
        """Line number of ``key`` inside ``[table]`` (of the nth ``[[sources]]``), or None."""
        in_array = table is not None and table.split(".")[0] == "sources"
        current: str | None = None
        index = -1
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number, line in enumerate(self.lines, 1):
            header = re.match(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]", line)
            if header:
                current = header.group(2)
                if header.group(1) == "[[" and current == "sources":
                    index += 1
                continue
            if current == table and (not in_array or index == nth) and pattern.match(line):
                return number
        return None
