"""The index follows the [agencies] table: a change of it is caught up like a changed page."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawl.site import Site, detail_html, list_html
from disclosure_search.cli import main
from disclosure_search.config import Settings, load_settings
from disclosure_search.index.backend import open_backend
from disclosure_search.jobs.index_sync import catch_up_settings
from disclosure_search.jobs.pipeline import run_crawl
from disclosure_search.models import SearchQuery
from disclosure_search.sample_portal.data import load_documents

BUREAU, OFFICE = "示例市科技局", "示例市人民政府办公厅"
RENAMED = "示例市科学技术局"
#: the 发文机关 of what the office publishes, as its pages spell it, and its full name
ISSUER, ISSUER_NAMED = "示例市政府", "示例市人民政府"


def _fill(site: Site, issuer: str = "") -> None:
    """Three documents of the bureau, two of the office (issued by ``issuer`` if given)."""
    docs = [d for d in load_documents() if d.agency == BUREAU][:3]
    docs += [d for d in load_documents() if d.agency == OFFICE][:2]
    links = [(f"/xxgk/t2020010{n}_{n}.html", d.title) for n, d in enumerate(docs)]
    site.add("/xxgk/index.html", list_html(links))
    for (path, _), doc in zip(links, docs, strict=True):
        site.add(path, detail_html(doc.title, doc.body, agency=doc.agency,
                                   issuing_agency=issuer if doc.agency == OFFICE else ""))


def _settings(site: Site, root: Path, agencies: str = "") -> Settings:
    config = root / "disclosure-search.toml"
    config.write_text(
        f'data_dir = "data"\n[crawl]\nrequests_per_second = 1000.0\n'
        f'[[sources]]\nid = "kjj"\nname = "{BUREAU}"\n'
        f'start_urls = ["{site.url("/xxgk/index.html")}"]\n{agencies}', encoding="utf-8")
    return load_settings(config, environ={})


def _agencies(settings: Settings, agency: str | None = None) -> tuple[dict[str, int], int]:
    """The agency facet of everything, and how many documents the filter ``agency`` keeps."""
    backend = open_backend(settings.index_dir, config=settings.index)
    try:
        facet = backend.search(SearchQuery(per_page=50)).facets["agency"]
        kept = backend.search(SearchQuery(agency=agency)).total if agency else 0
    finally:
        backend.close()
    return dict(facet), kept


def test_a_changed_agencies_table_reaches_the_index_at_the_next_catch_up(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(site)
    settings = _settings(site, tmp_path)
    assert run_crawl(settings).indexed == 5
    assert _agencies(settings) == ({BUREAU: 3, OFFICE: 2}, 0)

    # the table now gives the bureau its full name: serve's start catches the index up
    renamed = _settings(site, tmp_path, f'[agencies]\n"{RENAMED}" = ["{BUREAU}"]\n')
    assert main(["--config", str(renamed.config_path), "verify"]) == 1
    assert "索引中已过时" in capsys.readouterr().out
    caught = catch_up_settings(renamed)
    assert caught is not None and caught.indexed == 3  # only the renamed agency's documents
    assert _agencies(renamed, RENAMED) == ({RENAMED: 3, OFFICE: 2}, 3)
    assert main(["--config", str(renamed.config_path), "verify"]) == 0
    capsys.readouterr()

    # the entry taken out again: the next crawl (nothing changed on the site) catches up
    report = run_crawl(settings)
    assert report.indexed == 3 and report.failed == 0
    assert _agencies(settings, BUREAU) == ({BUREAU: 3, OFFICE: 2}, 3)
    again = catch_up_settings(settings)
    assert again is not None and (again.indexed, again.removed) == (0, 0)


def test_the_agencies_table_names_the_issuing_agency_too(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The office publishes what the city government issued, under a short spelling: the
    table's full name reaches the facet, the filter and the hits once the table says so."""
    _fill(site, issuer=ISSUER)
    settings = _settings(site, tmp_path)
    assert run_crawl(settings).indexed == 5
    assert _agencies(settings, ISSUER) == ({BUREAU: 3, OFFICE: 2, ISSUER: 2}, 2)

    renamed = _settings(site, tmp_path, f'[agencies]\n"{ISSUER_NAMED}" = ["{ISSUER}"]\n')
    assert main(["--config", str(renamed.config_path), "verify"]) == 1
    assert "索引中已过时" in capsys.readouterr().out
    caught = catch_up_settings(renamed)
    assert caught is not None and caught.indexed == 2  # only the documents it issued
    assert _agencies(renamed, ISSUER_NAMED) == ({BUREAU: 3, OFFICE: 2, ISSUER_NAMED: 2}, 2)
    backend = open_backend(renamed.index_dir, config=renamed.index)
    try:
        hits = backend.search(SearchQuery(agency=ISSUER_NAMED)).hits
    finally:
        backend.close()
    assert {(h.agency, h.issuing_agency) for h in hits} == {(OFFICE, ISSUER_NAMED)}
    assert main(["--config", str(renamed.config_path), "verify"]) == 0
    capsys.readouterr()

    # the issuer named as the publisher: one name, counted once per document
    same = _settings(site, tmp_path, f'[agencies]\n"{OFFICE}" = ["{ISSUER}"]\n')
    assert catch_up_settings(same) is not None
    assert _agencies(same, OFFICE) == ({BUREAU: 3, OFFICE: 2}, 2)
