"""What a citizen tries on the portal's documents, on both engines: agency, 成文日期, 有效性."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from conftest import Engine
from disclosure_search.index.analyzer import fold
from disclosure_search.index.backend import SearchBackend, open_backend
from disclosure_search.models import SearchQuery
from disclosure_search.sample_portal.data import PortalDocument, as_document, load_documents

KJJ = "示例市科技局"


@pytest.fixture(scope="module")
def items() -> list[PortalDocument]:
    return [item for item in load_documents() if item.edition == 0]


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest, module_engine: Engine) -> Iterator[SearchBackend]:
    """The portal's documents in each engine (the embedded one: the session's index)."""
    if module_engine.config is None:
        opened = open_backend(request.getfixturevalue("portal_index"))
    else:
        seen = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)  # as in the portal_index fixture
        writer = module_engine.open(writable=True)
        writer.rebuild(replace(as_document(item), first_seen=seen)
                       for item in load_documents() if item.edition == 0)
        writer.close()
        opened = module_engine.open()
    yield opened
    opened.close()


def _search(backend: SearchBackend, **fields: object) -> tuple[int, dict[str, dict[str, int]]]:
    result = backend.search(SearchQuery(per_page=1, snippets=False, **fields))  # type: ignore[arg-type]
    return result.total, result.facets


def test_naming_the_agency_finds_every_one_of_its_documents(
    backend: SearchBackend, items: list[PortalDocument]
) -> None:
    published_by_kjj = sum(item.agency == KJJ for item in items)
    total, facets = _search(backend, text=KJJ)
    assert total >= published_by_kjj  # was 323 of 730: the agency was not searchable as words
    assert facets["agency"][KJJ] == published_by_kjj


def test_a_topic_and_the_agency_together_find_the_document(backend: SearchBackend) -> None:
    alone, _ = _search(backend, text="预算绩效管理")
    with_agency = backend.search(SearchQuery(text=f"预算绩效管理 {KJJ}", facets=False))
    assert alone and with_agency.total
    assert all(hit.agency == KJJ or KJJ in hit.title for hit in with_agency.hits)


def test_part_of_an_agency_name_filters_like_the_whole(
    backend: SearchBackend, items: list[PortalDocument]
) -> None:
    total, facets = _search(backend, agency="科技局")  # was 0: exact matching only
    assert total == sum("科技局" in item.agency for item in items)
    assert set(facets["agency"]) == {a for a in (i.agency for i in items) if "科技局" in a}


def test_every_year_is_counted_and_the_counts_add_up(
    backend: SearchBackend, items: list[PortalDocument]
) -> None:
    _, facets = _search(backend)
    assert facets["year"] == {str(y): n for y, n in Counter(i.year for i in items).items()}
    total, facets = _search(backend, text="科學技術")
    assert sum(facets["year"].values()) == total
    assert min(facets["year"]) < "2015"


def test_written_date_range_and_validity_filter(
    backend: SearchBackend, items: list[PortalDocument]
) -> None:
    total, facets = _search(backend, written_from=date(2018, 1, 1),
                            written_to=date(2018, 12, 31), validity="有效")
    expected = sum(i.validity == "有效" and i.written_date[:4] == "2018" for i in items)
    assert total == expected > 0
    assert facets["validity"] == {"有效": expected}
    hit = backend.search(SearchQuery(validity="有效", per_page=1)).hits[0]
    assert hit.validity == "有效" and hit.written_date is not None


def test_title_only_search_ignores_the_body(backend: SearchBackend) -> None:
    everywhere, _ = _search(backend, text="预算")
    in_titles = backend.search(SearchQuery(text="预算", scope="title", per_page=50))
    assert 0 < in_titles.total < everywhere
    assert all("预算" in fold(hit.title) for hit in in_titles.hits)  # 預算 in Traditional too


def test_doc_number_field_in_any_bracket_spelling(
    backend: SearchBackend, items: list[PortalDocument]
) -> None:
    number = next(i.doc_number for i in items if "〔" in i.doc_number)
    variant = number.replace("〔", "[").replace("〕", "]")
    result = backend.search(SearchQuery(doc_number=variant))
    assert result.total >= 1 and all(hit.doc_number == number for hit in result.hits)


def test_a_snippet_comes_from_the_body_not_the_title_again(backend: SearchBackend) -> None:
    result = backend.search(SearchQuery(text="预算", scope="title", per_page=5))
    for hit in result.hits:
        assert hit.snippet and hit.snippet.replace("<mark>", "").replace("</mark>", "") \
            not in hit.title


def test_a_whole_agency_name_selects_that_agency_only(backend: SearchBackend) -> None:
    _, everything = _search(backend)
    city = "示例市人民政府"  # also the start of 示例市人民政府办公厅
    total, facets = _search(backend, agency=city)
    assert total == everything["agency"][city]
    assert set(facets["agency"]) == {city}
