"""The search settings, read from Django settings with defaults from the environment.

- ``ELASTICSEARCH_URL``: the cluster (Elasticsearch 8/9). Empty: the embedded engine
  (``osmem-server``), started on demand under ``var/search/`` and shared by every process.
- ``SEARCH_PLAIN_JSON``: send ``application/json`` instead of the client's
  ``compatible-with`` media type (the embedded engine and OpenSearch refuse it). On by default
  for the embedded engine.
- ``SEARCH_INDEX_PREFIX``: the prefix of every index and alias (tests use one per process).
- ``SEARCH_ANALYZER``: the analyzer of the text fields; ``cjk`` (built in) by default,
  ``ik_max_word`` or ``smartcn`` where the cluster has the plugin.
- ``SEARCH_TIMEOUT``: seconds a request to the engine may take before search is unavailable.
- ``SEARCH_ENGINE_DIR``: where the embedded engine keeps its address, pid and log;
  ``<VAR_DIR>/search`` by default (the test settings make it one per checkout and xdist worker).
- ``SEARCH_PENDING_SWEEP_LIMIT``: records one sweep of the pending indexing applies (5000).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def _env_bool(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return value.strip().lower() in {"1", "true", "yes", "on"}


def elasticsearch_url() -> str:
    return getattr(settings, "ELASTICSEARCH_URL", "") or os.environ.get("ELASTICSEARCH_URL", "")


def plain_json() -> bool:
    configured = getattr(settings, "SEARCH_PLAIN_JSON", None)
    if configured is None:
        configured = _env_bool("SEARCH_PLAIN_JSON")
    if configured is None:
        return not elasticsearch_url()
    return bool(configured)


def index_prefix() -> str:
    return (
        getattr(settings, "SEARCH_INDEX_PREFIX", "")
        or os.environ.get("SEARCH_INDEX_PREFIX", "")
        or "workershome"
    )


def analyzer() -> str:
    return getattr(settings, "SEARCH_ANALYZER", "") or os.environ.get("SEARCH_ANALYZER", "") or "cjk"


def timeout() -> float:
    return float(getattr(settings, "SEARCH_TIMEOUT", 0) or os.environ.get("SEARCH_TIMEOUT", "") or 5)


def engine_dir() -> Path:
    """Where the embedded engine keeps its address, pid and log."""
    configured = getattr(settings, "SEARCH_ENGINE_DIR", None)
    if configured:
        return Path(configured)
    return Path(getattr(settings, "VAR_DIR", Path("var"))) / "search"


def pending_sweep_limit() -> int:
    return int(
        getattr(settings, "SEARCH_PENDING_SWEEP_LIMIT", 0)
        or os.environ.get("SEARCH_PENDING_SWEEP_LIMIT", "")
        or 5000
    )
