"""主题分类 (subject classification) paths split into their levels, 主题词 into its words."""

from __future__ import annotations

import re

#: Separator of the levels when a path is written back as one string.
TOPIC_SEPARATOR = "\\"
_SEPARATORS = re.compile(r"\s*[\\/／＼>＞|｜,，]+\s*")
_WORD_SEPARATORS = re.compile(r"[\s\u3000,，、;；|｜/／]+")


def topic_path(value: str) -> tuple[str, ...]:
    """Split a 主题分类 as published (``综合政务\\其他``, ``科技/综合``) into its levels."""
    return tuple(part for part in _SEPARATORS.split(value.strip()) if part)


def topic_key(value: str) -> str:
    """Return the path of ``value`` written with :data:`TOPIC_SEPARATOR` (spacing normalised)."""
    return TOPIC_SEPARATOR.join(topic_path(value))


def subject_words(value: str) -> tuple[str, ...]:
    """Split a 主题词 as published (``科技 计划 通知``, ``售电公司, 准入``) into its words,
    each once, in order."""
    return tuple(dict.fromkeys(w for w in _WORD_SEPARATORS.split(value) if w))
