"""Reading the shard settings (``DATABASE_SHARDS``) for settings.py; no Django imports here."""

from __future__ import annotations

from typing import Any

DEFAULT_DB_ALIAS = "default"
DIRECTORY_ALIAS = "directory"


def parse_shards(value: str) -> dict[str, str]:
    """``"shard1=postgres://…,shard2=postgres://…"`` → ``{"shard1": "postgres://…", …}``."""
    result: dict[str, str] = {}
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        alias, sep, url = part.partition("=")
        alias = alias.strip()
        if not sep or not alias.isidentifier() or alias in (DEFAULT_DB_ALIAS, DIRECTORY_ALIAS):
            raise ValueError(f"DATABASE_SHARDS: bad entry {part!r} (alias=url; not default/directory)")
        result[alias] = url.strip()
    return result


def databases_for_shards(default: Any, urls: dict[str, str]) -> Any:
    """The ``DATABASES`` entries for the shards and the directory's second connection."""
    import dj_database_url

    entries: dict[str, Any] = {}
    for alias, url in urls.items():
        entry: Any = dj_database_url.parse(
            url, conn_max_age=default.get("CONN_MAX_AGE", 0), conn_health_checks=True
        )
        entry["ENGINE"] = default["ENGINE"]
        entries[alias] = entry
    if urls:
        entries[DIRECTORY_ALIAS] = {**default, "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}
    return entries
