"""Elasticsearch indices behind one alias: create, mark changes, swap on a complete rebuild.

The alias (``[index] name``) is what every search reads. Each build writes a new index
named ``<alias>-<UTC time>``; only when it is complete does one atomic alias update point
searches at it, so a rebuild never empties the site and a failed one leaves the old index
serving (a killed one leaves its unfinished index, which the next rebuild deletes). Every
write bumps ``generation`` in the index's mapping ``_meta``, which is how a reader in
another process learns that the index changed (``refresh``).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from disclosure_search.config import IndexSettings
from disclosure_search.errors import SearchIndexError
from disclosure_search.index.es_schema import mapping
from disclosure_search.index.schema import SCHEMA_VERSION

log = logging.getLogger(__name__)

#: What a reader compares to know the index changed: (index behind the alias, generation).
Marker = tuple[str, int]
#: The time part of a versioned index's name, ``-%Y%m%d-%H%M%S-%f``.
_STAMP = r"-\d{8}-\d{6}-\d{6}"


@contextlib.contextmanager
def reported(config: IndexSettings, doing: str) -> Iterator[None]:
    """Turn the client's errors into SearchIndexError naming the cluster and what failed."""
    try:
        yield
    except TransportError as exc:  # no node answered
        hosts = ", ".join(config.hosts)
        raise SearchIndexError(
            f"cannot reach Elasticsearch at {hosts} while {doing}: {exc}; start the cluster "
            "or correct [index] hosts"
        ) from exc
    except ApiError as exc:
        raise SearchIndexError(f"Elasticsearch refused {doing}: {exc}") from exc


def connect(config: IndexSettings) -> Elasticsearch:
    """Return a client over every configured node (a dead node's requests go to another)."""
    return Elasticsearch(
        list(config.hosts), request_timeout=60, retry_on_timeout=True, max_retries=3
    )


def new_index(client: Elasticsearch, config: IndexSettings, *, building: bool) -> str:
    """Create a new empty index (not yet behind the alias) and return its name.

    Args:
        building: a bulk build follows: no replicas and no periodic refresh until it is done.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")  # matches _STAMP
    name = f"{config.name}-{stamp}"
    settings = {
        "number_of_shards": config.shards,
        "number_of_replicas": 0 if building else config.replicas,
        "refresh_interval": "-1" if building else "1s",
    }
    client.indices.create(index=name, settings=settings, mappings=mapping())
    return name


def finish_build(client: Elasticsearch, config: IndexSettings, name: str) -> None:
    """Give a built index its replicas and refresh, and wait until its primaries are ready."""
    client.indices.put_settings(
        index=name,
        settings={"number_of_replicas": config.replicas, "refresh_interval": "1s"},
    )
    client.indices.refresh(index=name)
    client.cluster.health(index=name, wait_for_status="yellow", timeout="60s")


def current(client: Elasticsearch, alias: str) -> str | None:
    """Return the index behind ``alias``, or None when there is no alias yet."""
    try:
        found = client.indices.get_alias(name=alias)
    except NotFoundError:
        return None
    return sorted(found)[-1] if found else None


def point_alias(client: Elasticsearch, alias: str, name: str) -> list[str]:
    """Point ``alias`` at ``name`` alone in one atomic update; return the indices it left."""
    try:
        old = sorted(client.indices.get_alias(name=alias))
    except NotFoundError:
        old = []
    actions: list[dict[str, Any]] = [{"remove": {"index": i, "alias": alias}} for i in old
                                     if i != name]
    actions.append({"add": {"index": name, "alias": alias}})
    client.indices.update_aliases(actions=actions)
    return [i for i in old if i != name]


def drop(client: Elasticsearch, names: list[str]) -> None:
    """Delete indices (old generations, a failed build); missing ones are ignored."""
    for name in names:
        with contextlib.suppress(NotFoundError):
            client.indices.delete(index=name)


def leftovers(client: Elasticsearch, config: IndexSettings) -> list[str]:
    """Return this alias's versioned indices that are not behind it (a killed rebuild's)."""
    serving = current(client, config.name)
    found = client.indices.get(index=f"{config.name}-*", allow_no_indices=True,
                               expand_wildcards="open")
    return sorted(name for name in found if name != serving
                  and re.fullmatch(re.escape(config.name) + _STAMP, name))


def meta(client: Elasticsearch, name: str) -> dict[str, Any]:
    """Return the ``_meta`` of index ``name``'s mapping."""
    found = client.indices.get_mapping(index=name)
    return dict(found[name]["mappings"].get("_meta", {}))


def marker(client: Elasticsearch, alias: str) -> Marker:
    """Return what identifies the alias's current contents."""
    found = client.indices.get_mapping(index=alias)
    name = sorted(found)[-1]
    return name, int(found[name]["mappings"].get("_meta", {}).get("generation", 0))


def bump(client: Elasticsearch, name: str) -> None:
    """Record a change to index ``name``: next generation, modified now."""
    before = meta(client, name)
    client.indices.put_mapping(index=name, meta={
        "schema_version": SCHEMA_VERSION,
        "generation": int(before.get("generation", 0)) + 1,
        "modified": datetime.now(UTC).isoformat(),
    })


def ready(client: Elasticsearch, config: IndexSettings, writable: bool) -> str:
    """Return the index behind the alias, creating one (writable) when missing or outdated.

    Raises:
        SearchIndexError: read-only and there is no index of this schema version.
    """
    name = current(client, config.name)
    version = meta(client, name).get("schema_version") if name else None
    if name is not None and version == SCHEMA_VERSION:
        return name
    if not writable:
        state = "was built by another version" if name else "does not exist"
        raise SearchIndexError(
            f"the search index {config.name!r} on Elasticsearch {state}; run "
            "`disclosure-search reindex` to build it"
        )
    if name is not None:
        log.warning("replacing %s: it was built for another schema version", name)
    created = new_index(client, config, building=False)
    drop(client, point_alias(client, config.name, created))
    return created
