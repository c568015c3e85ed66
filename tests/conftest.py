"""Shared fixtures; no test may reach the internet, so non-loopback connections are refused."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from lxml.html import HtmlElement

from disclosure_search import htmltree
from disclosure_search.config import IndexSettings, Settings
from disclosure_search.index.backend import SearchBackend, open_backend

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

@pytest.fixture
def parse_counts(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each page (by URL) goes through the product's HTML parser from now on:
    a spy around ``htmltree.parse_text``, which still parses."""
    counts: Counter[str] = Counter()
    real = htmltree.parse_text

    def counting(text: str, base_url: str | None = None) -> HtmlElement:
        counts[base_url or ""] += 1
        return real(text, base_url)

    monkeypatch.setattr(htmltree, "parse_text", counting)
    return counts


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


# -- search engines: every backend test runs on the embedded index and on Elasticsearch ----

#: Hosts of a running cluster to test against (comma-separated); `off` skips those tests.
ES_ENV = "DISCLOSURE_SEARCH_TEST_ES"
ENGINES = ("whoosh", "elasticsearch")
_TOOL = Path(__file__).resolve().parent.parent / "tools" / "elasticsearch"


@dataclass
class Engine:
    """One search engine under test: opens backends on a fresh index of its own."""

    name: str
    index_dir: Path
    config: IndexSettings | None = None

    def open(self, writable: bool = False) -> SearchBackend:
        return open_backend(self.index_dir, writable=writable, config=self.config)

    def settings(self, settings: Settings) -> Settings:
        """Return ``settings`` with this engine in ``[index]``."""
        return replace(settings, index=self.config) if self.config else settings


def _running_cluster(state: Path) -> list[str]:
    done = subprocess.run([sys.executable, str(_TOOL), "--dir", str(state), "status"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        return []
    return [line.split("\t")[1] for line in done.stdout.splitlines() if "\tpid " in line]


@pytest.fixture(scope="session")
def es_hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ...]]:
    """A real Elasticsearch cluster: $DISCLOSURE_SEARCH_TEST_ES, the dev cluster, or one started.

    Skipped (never faked) when none runs and Java or Maven is missing to start one.
    """
    given = os.environ.get(ES_ENV, "")
    if given == "off":
        pytest.skip(f"{ES_ENV}=off")
    if given:
        yield tuple(h.strip() for h in given.split(",") if h.strip())
        return
    running = _running_cluster(_TOOL.parent.parent / ".elasticsearch")
    if running:
        yield tuple(running)
        return
    missing = [name for name in ("java", "mvn") if shutil.which(name) is None]
    if missing:
        pytest.skip(f"no Elasticsearch to test against: {' and '.join(missing)} not installed "
                    f"(tools/elasticsearch needs them), and {ES_ENV} is not set")
    state = tmp_path_factory.mktemp("elasticsearch")
    started = subprocess.run([sys.executable, str(_TOOL), "--dir", str(state), "up"],
                             capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(f"tools/elasticsearch up failed: {started.stderr[-2000:]}")
    try:
        yield tuple(started.stdout.strip().splitlines()[-1].split(","))
    finally:
        subprocess.run([sys.executable, str(_TOOL), "--dir", str(state), "down"],
                       capture_output=True)


def _engine(request: pytest.FixtureRequest, index_dir: Path) -> Iterator[Engine]:
    if request.param == "whoosh":
        yield Engine("whoosh", index_dir)
        return
    hosts = request.getfixturevalue("es_hosts")
    replicas = 1 if len(hosts) > 1 else 0
    config = IndexSettings(backend="elasticsearch", hosts=hosts, replicas=replicas,
                           name=f"test-{uuid.uuid4().hex[:12]}")
    yield Engine("elasticsearch", index_dir, config)
    from elasticsearch import Elasticsearch

    with Elasticsearch(list(hosts)) as client:  # by name: clusters may refuse wildcards
        for name in client.indices.get(index=f"{config.name}-*", allow_no_indices=True):
            client.indices.delete(index=name)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Each engine in turn, on an empty index of this test's own."""
    yield from _engine(request, tmp_path / "index")


@pytest.fixture(scope="module", params=ENGINES)
def module_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Each engine in turn, on an index shared by one module's tests."""
    yield from _engine(request, tmp_path_factory.mktemp("engine") / "index")
