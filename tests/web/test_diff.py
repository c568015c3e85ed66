"""The version diff marks inserted and deleted text, sentence by sentence."""

from __future__ import annotations

from disclosure_search.web.diff import diff_texts, inline_diff, split_units


def test_split_units_keeps_sentence_marks() -> None:
    assert split_units("第一句。第二句！\n第三句") == ["第一句。", "第二句！", "第三句"]


def test_changed_sentence_shows_inline_change() -> None:
    rows = diff_texts("项目资金按季度拨付。其他不变。", "项目资金按月拨付。其他不变。")
    changed = [r for r in rows if r.kind == "replace"]
    assert len(changed) == 1
    parts = changed[0].parts
    assert ("delete", "季度") in parts and ("insert", "月") in parts


def test_added_and_removed_sentences() -> None:
    rows = diff_texts("甲。乙。丙。", "甲。丙。丁。")
    kinds = [(r.kind, "".join(t for _, t in r.parts)) for r in rows]
    assert ("delete", "乙。") in kinds
    assert ("insert", "丁。") in kinds


def test_long_unchanged_runs_are_elided() -> None:
    old = "".join(f"第{i}句。" for i in range(50))
    new = old.replace("第25句。", "第二十五句。")
    rows = diff_texts(old, new, context=1)
    assert len(rows) <= 3 + 2
    assert all("第3句" not in "".join(t for _, t in r.parts) for r in rows)


def test_identical_texts_have_no_rows() -> None:
    assert diff_texts("一样。", "一样。") == []
    assert inline_diff("a", "a") == (("equal", "a"),)
