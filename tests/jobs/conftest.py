"""Fixtures for crawl-pass and pipeline tests: a running local site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawl.site import Site


@pytest.fixture
def site() -> Iterator[Site]:
    """A local site on 127.0.0.1, empty until a test fills it."""
    with Site().running() as running:
        yield running
