"""Saved expected-items lists: saved once, re-checked, transitions kept with since when."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from disclosure_search.errors import ChecklistError
from disclosure_search.reports import watchlist

from .data import sample_documents

LIST = ("title,doc_number,due_date\n"
        "关于开展2018年度高新技术企业认定工作的通知,,2018-05-31\n"   # online, on time
        "2018年南昌市科技计划项目申报指南,,2018-05-01\n"                  # online, late
        "关于征集2019年度市级重点研发项目的通知,,2019-03-01\n"        # not online yet
        "2019年度科技工作要点,,2030-01-01\n")                         # not due yet
NOON = datetime(2019, 3, 10, 4, 0, tzinfo=UTC)


def _states(path: Path) -> dict[int, tuple[str, str]]:
    return {i.line: (i.state, i.previous_state) for i in watchlist.items(path)}


def test_a_saved_list_keeps_each_items_state_and_since_when(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    saved = watchlist.save(path, "  2019 年 一季度 ", LIST, sample_documents(), saved_by="clerk",
                           today=date(2019, 3, 10), now=NOON)
    assert (saved.name, saved.items, saved.saved_by) == ("2019 年 一季度", 4, "clerk")
    assert _states(path) == {2: ("published", ""), 3: ("late", ""), 4: ("overdue", ""),
                             5: ("missing", "")}
    by_line = {i.line: i for i in watchlist.items(path)}
    assert by_line[2].since == datetime(2018, 5, 21, 2, tzinfo=UTC)  # first seen online
    assert by_line[3].days_late == 31
    assert by_line[3].document_title == "2018年南昌市科技计划项目申报指南"
    assert by_line[4].since == date(2019, 3, 2)  # overdue from the day after it was due
    assert by_line[4].state_label == "逾期未公开"


def test_a_recheck_records_what_turned_published_and_what_became_overdue(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    docs = sample_documents()
    watchlist.save(path, "一季度", LIST, docs, saved_by="clerk", today=date(2019, 2, 20),
                   now=NOON - timedelta(days=18))
    assert _states(path)[4] == ("missing", "")
    quiet = watchlist.recheck(path, docs, date(2019, 2, 21), now=NOON - timedelta(days=17))
    assert quiet == watchlist.Recheck(lists=1, items=4, newly_online=0, newly_overdue=0)
    due = watchlist.recheck(path, docs, date(2019, 3, 2), now=NOON - timedelta(days=8))
    assert due.newly_overdue == 1 and _states(path)[4] == ("overdue", "missing")

    arrived = sample_documents()[0].__class__(
        id="new-1", source="kjj", url="https://kjj.example.gov.cn/xxgk/tzgg/t20190308_9.html",
        title="关于征集2019年度市级重点研发项目的通知", published_date=date(2019, 3, 8),
        first_seen=datetime(2019, 3, 9, 1, 30, tzinfo=UTC))
    found = watchlist.recheck(path, [*docs, arrived], date(2019, 3, 10), now=NOON)
    assert found.newly_online == 1
    assert _states(path)[4] == ("late", "overdue")
    board = watchlist.board(path, NOON + timedelta(hours=1))
    (item,) = board.newly_online
    assert (item.title, item.previous_label, item.state_label) == (
        "关于征集2019年度市级重点研发项目的通知", "逾期未公开", "逾期公开")
    assert item.since == datetime(2019, 3, 9, 1, 30, tzinfo=UTC) and item.noticed_at == NOON
    assert item.days_late == 7 and board.overdue == ()
    assert watchlist.board(path, NOON + timedelta(days=31)).newly_online == ()  # not news now
    unchanged = watchlist.recheck(path, [*docs, arrived], date(2019, 3, 11),
                                  now=NOON + timedelta(days=1))
    assert unchanged.newly_online == 0
    assert watchlist.board(path, NOON + timedelta(days=1)).newly_online[0].noticed_at == NOON


def test_saving_again_by_name_replaces_and_delete_removes(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    first = watchlist.save(path, "甲", LIST, [], saved_by="a", today=date(2019, 1, 1))
    again = watchlist.save(path, "甲", "title\n只有一项\n", [], saved_by="b",
                           today=date(2019, 1, 1))
    assert [w.name for w in watchlist.lists(path)] == ["甲"] and again.items == 1
    assert first.items == 4 and again.saved_by == "b"
    assert watchlist.delete(path, again.id) == "甲"
    assert watchlist.lists(path) == [] and watchlist.items(path) == []
    assert watchlist.delete(path, again.id) is None


def test_nothing_saved_costs_nothing_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    assert watchlist.recheck(path, sample_documents(), date(2019, 1, 1)) == watchlist.Recheck()
    assert not path.exists()
    assert watchlist.board(path, NOON) == watchlist.Board((), (), ())


@pytest.mark.parametrize(("name", "text", "message"), [
    ("", LIST, "清单起一个名称"),
    ("x" * 61, LIST, "清单起一个名称"),
    ("乙", "title,due_date\n某事项,2019/03/01\n", "第 2 行 due_date"),
    ("乙", "", "清单是空的"),
])
def test_a_bad_name_or_list_is_refused_in_chinese_and_nothing_is_saved(
        tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / "catalog.sqlite3"
    with pytest.raises(ChecklistError, match=message):
        watchlist.save(path, name, text, [], saved_by="a", today=date(2019, 1, 1))
    assert watchlist.lists(path) == []
