"""Shared fixtures; no test may reach the internet, so non-loopback connections are refused."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: the same examples on every run (a fixed seed, no example database) and a
# bounded budget, so CI is reproducible; HYPOTHESIS_PROFILE=deep explores much further.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("deep", settings.get_profile("ci"), derandomize=False, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
    else:
        return True  # AF_UNIX paths and the like never leave the machine
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_loopback(address):
        raise ConnectionRefusedError(f"tests may only connect to loopback, not {address!r}")
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse any connection that would leave this machine."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    yield


@pytest.fixture(scope="session")
def portal_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A search index of the sample portal's real documents (base edition), built once.

    Every document counts as first seen on 2024-06-01 at 08:00 UTC.
    """
    from disclosure_search.index.backend import open_backend
    from disclosure_search.sample_portal.data import as_document, load_documents

    index_dir = tmp_path_factory.mktemp("portal") / "index"
    backend = open_backend(index_dir, writable=True)
    seen = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
    try:
        backend.upsert(replace(as_document(item), first_seen=seen)
                       for item in load_documents() if item.edition == 0)
    finally:
        backend.close()
    return index_dir
