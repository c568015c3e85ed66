"""Tests for the rotating revalidation share of incremental crawls (jobs/crawl_pass.py)."""

from __future__ import annotations

from datetime import date, timedelta

from disclosure_search.jobs.crawl_pass import revalidation_share

URLS = [f"http://127.0.0.1:8701/xxgk/zwxx/201803/t20180305_{n}.html" for n in range(700)]


def test_every_known_document_is_revalidated_every_night_by_default() -> None:
    assert revalidation_share(URLS, 1, date(2026, 11, 29)) == URLS


def test_a_cycle_of_n_nights_checks_each_document_exactly_once() -> None:
    start = date(2026, 11, 29)
    nights = [revalidation_share(URLS, 7, start + timedelta(days=d)) for d in range(7)]
    checked = [url for night in nights for url in night]
    assert sorted(checked) == sorted(URLS)
    assert all(60 <= len(night) <= 140 for night in nights)  # about a seventh each night
