"""The search engine for tests: one per test process, its own index prefix per xdist worker.

Without ``ELASTICSEARCH_URL`` each test process starts its own embedded engine (it exits with
the process); with it, the tests run against that cluster under a prefix of their own, so
parallel processes never share an index.
"""

from __future__ import annotations

import os

import pytest
from django.test import override_settings

from search.client import search_client
from search.documents import VISIBILITIES, alias_indices, alias_name, indices_ensure, next_alias_name


def worker_prefix() -> str:
    return f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}-{os.getpid()}"


@pytest.fixture(scope="session")
def search_engine(tmp_path_factory):
    """The engine's URL, and settings pointing every search call at it for the session."""
    url = os.environ.get("ELASTICSEARCH_URL", "")
    process_pid = None
    if not url:
        from search.engine import engine_start

        state = engine_start(tmp_path_factory.mktemp("search-engine"), parent_pid=os.getpid())
        url, process_pid = state["url"], state["pid"]
    overridden = override_settings(
        ELASTICSEARCH_URL=url,
        SEARCH_PLAIN_JSON=not os.environ.get("ELASTICSEARCH_URL"),
        SEARCH_INDEX_PREFIX=worker_prefix(),
    )
    overridden.enable()
    yield url
    client = search_client().options(request_timeout=120)
    for visibility in VISIBILITIES:
        for alias in (alias_name(visibility), next_alias_name(visibility)):
            for index in alias_indices(client, alias):
                client.options(ignore_status=404).indices.delete(index=index)
    overridden.disable()
    if process_pid:
        os.kill(process_pid, 15)


def indices_reset() -> None:
    """Delete this process's indices and create empty live ones."""
    client = search_client().options(request_timeout=120)
    names = client.options(ignore_status=404).indices.get(
        index=f"{worker_prefix()}-*", expand_wildcards="all"
    )
    existing = list(names.body) if names.meta.status == 200 else []
    if existing:
        client.indices.delete(index=",".join(existing))
    indices_ensure(client)


@pytest.fixture
def search_index(search_engine):
    """Empty indices for one test."""
    indices_reset()
    return search_client()


def refresh() -> None:
    """Make every write visible to search now (instead of sleeping)."""
    search_client().indices.refresh(index=f"{worker_prefix()}-*")
