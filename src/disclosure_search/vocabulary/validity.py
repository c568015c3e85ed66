"""有效性 (validity): the three values searches know, and the folding of what pages write."""

from __future__ import annotations

#: 有效性 as filters and facets know it; what pages say is folded to one of these.
VALIDITIES: tuple[str, ...] = ("有效", "失效", "废止")

# The first rule whose word occurs wins, so "部分失效" and "已废止" fold to 失效 and 废止,
# "现行有效" to 有效; a bare 是/否 (是否有效：是) is 有效/失效.
_RULES: tuple[tuple[str, str], ...] = (
    ("废止", "废止"), ("廢止", "废止"), ("撤销", "废止"), ("撤銷", "废止"),
    ("失效", "失效"), ("无效", "失效"), ("無效", "失效"), ("过期", "失效"), ("過期", "失效"),
    ("有效", "有效"), ("现行", "有效"), ("現行", "有效"),
)  # fmt: skip
_WORDS = {"是": "有效", "否": "失效"}


def fold_validity(value: str) -> str:
    """Return 有效, 失效 or 废止 for what a page (or a person) wrote as 有效性; "" if unknown.

    Args:
        value: the published wording, e.g. "现行有效", "已废止", "失 效", "有效" or "是".

    Returns:
        One of :data:`VALIDITIES`, or "" when the wording says none of them.
    """
    text = "".join(value.split())
    if text in _WORDS:
        return _WORDS[text]
    for word, folded in _RULES:
        if word in text:
            return folded
    return ""
