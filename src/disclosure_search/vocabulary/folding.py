"""Text folding: Traditional to Simplified script, full-width to ASCII, ASCII case.

The one place that builds OpenCC converters: one per conversion per process (building one
costs about 10 ms and a few MB), shared by extraction, the index, the reports and the
sample portal.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import cache

import opencc

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
_FOLD_TABLE = {**_FULLWIDTH, **{k: _ASCII_LOWER.get(v, v) for k, v in _FULLWIDTH.items()}}
_FOLD_TABLE.update(_ASCII_LOWER)
# Segments for the rare case where OpenCC changes the length of a whole string.
_SEGMENT = re.compile(r"[^\s，。；：、！？,.;:!?]+|[\s，。；：、！？,.;:!?]+")
_lock = threading.Lock()


@cache
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def converter(config: str = "t2s") -> Callable[[str], str]:
    """Return the process's OpenCC conversion function for ``config`` ("t2s", "s2t", "s2tw", ...).

    Args:
        config: an OpenCC configuration name.

    Returns:
        Its ``convert`` function; every caller in the process shares one converter.
    """
    with _lock:  # build each converter once even when threads ask together
        return _opencc(config).convert


def to_simplified(text: str) -> str:
    """Traditional characters (and phrases) to Simplified; other text unchanged."""
    return converter("t2s")(text) if text else text


def fold_width_case(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII, ideographic space to a space,
    ASCII letters to lower case; character for character."""
    return text.translate(_FOLD_TABLE)


def _convert_same_length(text: str) -> str:
    t2s = converter("t2s")
    converted = t2s(text)
    if len(converted) == len(text):
        return converted
    parts = []
    for piece in _SEGMENT.findall(text):
        out = t2s(piece)
        if len(out) != len(piece):  # a phrase rule changed the length: go per character
            out = "".join(c2 if len(c2 := t2s(c)) == 1 else c for c in piece)
        parts.append(out)
    return "".join(parts)


def fold(text: str) -> str:
    """Fold text for matching: Traditional to Simplified, full-width to ASCII, ASCII lowercased.

    The result always has the same length as ``text``, so offsets found in the folded
    string are offsets into the original.

    Args:
        text: any text.

    Returns:
        The folded text, character for character aligned with ``text``.
    """
    if not text:
        return text
    return _convert_same_length(fold_width_case(text))
