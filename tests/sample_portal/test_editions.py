"""Editions change exactly the items the editions module documents, and nothing else."""

from __future__ import annotations

from disclosure_search.sample_portal.server import ListedItem, SamplePortal
from sample_portal.helpers import get


def by_path(portal: SamplePortal) -> dict[str, ListedItem]:
    return {d.path: d for d in portal.listed_documents("kjj")}


def test_edition_1_adds_edits_and_removes_as_documented() -> None:
    with SamplePortal() as portal:
        base = portal.base_url("kjj")
        before = by_path(portal)
        first_page = get(base + "/xxgk/zwxx/index.html").body
        bodies = {p: get(base + p).body for p in before}
        city_before = [d.url for d in portal.listed_documents("city")]
        portal.set_edition(1)
        after = by_path(portal)
        added = sorted(set(after) - set(before))
        dropped = sorted(set(before) - set(after))
        assert len(added) == 5 and len(dropped) == 1
        assert all("/xxgk/zwxx/" in p for p in added)
        zwxx = [d.path for d in portal.listed_documents("kjj") if "/zwxx/" in d.path]
        assert set(zwxx[:5]) == set(added)
        assert get(base + "/xxgk/zwxx/index.html").body != first_page
        assert get(base + dropped[0]).status == 404
        changed = [p for p in after if p in bodies and get(base + p).body != bodies[p]]
        assert len(changed) == 2
        titles = {p: (before[p].title, after[p].title) for p in changed}
        visible = [p for p, (old, new) in titles.items() if old != new]
        silent = [p for p, (old, new) in titles.items() if old == new]
        assert len(visible) == 1 and len(silent) == 1
        assert after[visible[0]].title.endswith("（修订）")
        old, new = before[visible[0]], after[visible[0]]
        assert old.doc_number != new.doc_number and old.body != new.body
        s_old, s_new = before[silent[0]], after[silent[0]]
        assert s_old.body != s_new.body
        assert s_old.published_date == s_new.published_date
        assert s_old.doc_number == s_new.doc_number
        assert [d.url for d in portal.listed_documents("city")] == city_before


def test_edition_2_answers_410_for_the_gone_item() -> None:
    with SamplePortal(edition=1) as portal:
        base = portal.base_url("kjj")
        one = by_path(portal)
        portal.set_edition(2)
        two = by_path(portal)
        gone = sorted(set(one) - set(two))
        assert len(gone) == 1 and not set(two) - set(one)
        assert get(base + gone[0]).status == 410
        portal.set_edition(0)
        assert get(base + gone[0]).status == 200


def test_changed_page_gets_a_new_etag_and_last_modified() -> None:
    with SamplePortal() as portal:
        base = portal.base_url("kjj")
        first = get(base + "/xxgk/zwxx/index.html")
        portal.set_edition(1)
        again = get(base + "/xxgk/zwxx/index.html",
                    {"If-None-Match": first.headers["ETag"]})
        assert again.status == 200
        assert again.headers["Last-Modified"] != first.headers["Last-Modified"]
        since = get(base + "/xxgk/zwxx/index.html",
                    {"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status == 200
