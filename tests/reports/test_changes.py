"""The change list: new, changed (with the diff) and removed documents inside a period."""

from __future__ import annotations

from datetime import UTC, datetime

from disclosure_search.models import Version
from disclosure_search.reports.changes import list_changes, version_diff

from .data import ListCatalog, make_doc, seen


def _version(number: int, day: str, body: str, **meta: str) -> Version:
    return Version(document_id="x", number=number, capture_id=number, seen_at=seen(day),
                   title="关于开展高新技术企业认定工作的通知", body=body, metadata=meta)


def test_new_changed_removed_in_the_period_newest_first() -> None:
    edited = make_doc("https://a.example/1", "关于开展高新技术企业认定工作的通知",
                      first_seen=seen("2024-01-02"), last_changed=seen("2024-03-05"))
    fresh = make_doc("https://a.example/2", "新通知", first_seen=seen("2024-03-01"),
                     last_changed=seen("2024-03-01"))
    gone = make_doc("https://a.example/3", "旧公告", first_seen=seen("2023-05-01"),
                    last_changed=seen("2023-05-01"), removed_at=seen("2024-03-10"))
    versions = {edited.id: [
        _version(1, "2024-01-02", "第一段。\n申报截止日期为3月1日。", 发布日期="2024-01-02"),
        _version(2, "2024-03-05", "第一段。\n申报截止日期为3月15日。", 发布日期="2024-01-03"),
    ]}
    catalog = ListCatalog([edited, fresh, gone], versions)
    changes = list_changes(catalog, datetime(2024, 3, 1, tzinfo=UTC),
                           datetime(2024, 4, 1, tzinfo=UTC))
    assert [(c.kind, c.document.title) for c in changes] == [
        ("removed", "旧公告"), ("changed", edited.title), ("new", "新通知")]
    diff = changes[1].diff
    assert diff is not None and (diff.old, diff.new) == (1, 2)
    assert ("-", "申报截止日期为3月1日。") in diff.body
    assert ("+", "申报截止日期为3月15日。") in diff.body
    assert diff.metadata == (("发布日期", "2024-01-02", "2024-01-03"),)
    only_new = list_changes(catalog, datetime(2024, 1, 1), datetime(2024, 2, 1))
    assert [c.kind for c in only_new] == ["new"]


def test_title_change_is_reported() -> None:
    old = _version(1, "2024-01-02", "正文")
    new = Version(document_id="x", number=2, capture_id=2, seen_at=seen("2024-01-03"),
                  title="关于开展高新技术企业认定工作的补充通知", body="正文")
    diff = version_diff(old, new)
    assert diff.title == (old.title, new.title) and diff.body == ()
