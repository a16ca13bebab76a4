"""The embedded default: PostgreSQL from the ``pgserver`` wheel, started on demand.

Used only when ``DATABASE_URL`` is not set, so that ``make demo`` runs on a machine that has
nothing installed. The server keeps running after this process ends (the data directory holds
its socket and pid file) and is reused by the next process, so web, worker and management
commands share one database.
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "workershome"


def embedded_database_url(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or reuse) the embedded server in ``data_dir`` and return a URL for ``database``."""
    import warnings

    import psycopg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    return f"postgresql://postgres@{quote(str(data_dir), safe='')}/{database}"


def tcp_reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    """Whether a server answers on ``host:port``: used to prefer the machine's own servers."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
