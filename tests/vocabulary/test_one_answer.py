"""Each shared question has one answer in the source: no second converter, normaliser or list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import disclosure_search

SRC = Path(disclosure_search.__file__).parent


def _occurrences(pattern: str) -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(SRC)}:{m.start()}" for m in re.finditer(pattern, text)]
    return found


@pytest.mark.parametrize(("pattern", "home"), [
    (r"OpenCC\(", "vocabulary/folding.py"),  # one converter per conversion per process
    (r"def normalize_doc_number\(", "vocabulary/doc_numbers.py"),
    (r"def looks_like_doc_number\(", "vocabulary/doc_numbers.py"),
    (r"def canonicalize\(", "vocabulary/urls.py"),
    (r"def attachment_type\(", "vocabulary/attachments.py"),
    (r"def parse_typed_date\(", "vocabulary/dates.py"),
    (r"FIELD_LABELS: dict", "vocabulary/labels.py"),
    (r"date\.fromisoformat\((?:raw|value|typed)", "vocabulary/dates.py"),  # typed dates
])
def test_one_home(pattern: str, home: str) -> None:
    found = _occurrences(pattern)
    assert len(found) == 1 and found[0].startswith(home + ":"), found
