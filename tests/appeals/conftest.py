"""Fixtures for the appeal tests: staff and a worker of union A, a way to close an appeal, and
the scan that looks for a sender in every table, log line and cache entry."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable

import pytest
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.cases.services import case_note, case_transition
from tests.factories import PASSWORD, make_person

SENDER_IP = "203.0.113.77"  # TEST-NET-3: never a real client
SENDER_FORWARDED = "198.51.100.23"  # TEST-NET-2
SIGN_IN_IP = "192.0.2.10"  # TEST-NET-1: where the worker signed in earlier


def signed_in(client, account, **extra):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}, **extra)
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _sequence_past(table: str, value: int) -> None:
    """Make the next id of ``table`` (in the current schema) at least ``value``: ids that occur
    nowhere by chance, so a scan for them finds only real references."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            f"SELECT setval(%s, GREATEST(%s, (SELECT COALESCE(MAX(id), 1) FROM {table})))", [sequence, value]
        )


@pytest.fixture
def staff(union_a):
    _, chairman = make_person(union_a, "chairman", name="张主席")
    _, officer = make_person(union_a, "officer", name="李干事")
    return chairman, officer


@pytest.fixture
def worker(union_a):
    """A member of union A with a distinctive user id, account id, name and mobile number."""
    _sequence_past("accounts_account", 7_340_000)
    with tenant_context(union_a):
        _sequence_past("users_user", 8_260_000)
    account, user = make_person(union_a, "member", name="欧阳明远")
    return account, user


def appeal_close(union, case: Case, officer, *, reply: str = "", outcome: str = "已答复") -> Case:
    """The officer's side, through the services: assess, (reply), close."""
    with tenant_context(union):
        case = case_transition(case=case, to_step="assess", by=officer, note="属于后勤保障问题")
        case = case_transition(case=case, to_step="reply", by=officer)
        if reply:
            case_note(case=case, kind="reply", text=reply, by=officer)
        case = case_transition(case=case, to_step="closed", by=officer, outcome=outcome)
        case.refresh_from_db()
    return case


def jpeg_with_exif(*, artist: str) -> bytes:
    """A small photo whose EXIF names its author and carries a GPS block, as phone photos do."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 40, 40))
    exif = Image.Exif()
    exif[0x013B] = artist  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


# --- Looking for a person everywhere --------------------------------------------------------------

TEXT_TYPES = {"text", "character varying", "character", "json", "jsonb", "inet", "cidr", "USER-DEFINED"}
INTEGER_TYPES = {"integer", "bigint", "smallint"}


def _columns(schemas: Iterable[str]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.table_schema, c.table_name, c.column_name, c.data_type
               FROM information_schema.columns c
               JOIN information_schema.tables t USING (table_schema, table_name)
               WHERE c.table_schema = ANY(%s) AND t.table_type = 'BASE TABLE'
               ORDER BY 1, 2, c.ordinal_position""",
            [list(schemas)],
        )
        tables: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, data_type in cursor.fetchall():
            tables.setdefault((schema, table), []).append((column, data_type))
    return tables


def database_hits(schemas: Iterable[str], *, texts: dict[str, str], numbers: dict[str, int]) -> dict:
    """How often each needle occurs, per (schema, table, column, needle name): every text, JSON
    and byte column of every row for ``texts``, every integer column for ``numbers``."""
    hits: dict[tuple[str, str, str, str], int] = {}
    with connection.cursor() as cursor:
        for (schema, table), columns in _columns(schemas).items():
            parts, params, keys = [], [], []
            for column, data_type in columns:
                quoted = f'"{column}"'
                if data_type in TEXT_TYPES:
                    for name, needle in texts.items():
                        parts.append(f"count(*) FILTER (WHERE strpos({quoted}::text, %s) > 0)")
                        params.append(needle)
                        keys.append((schema, table, column, name))
                elif data_type == "bytea":
                    for name, needle in texts.items():
                        parts.append(f"count(*) FILTER (WHERE position(%s::bytea in {quoted}) > 0)")
                        params.append(needle.encode())
                        keys.append((schema, table, column, name))
                elif data_type in INTEGER_TYPES:
                    for name, number in numbers.items():
                        parts.append(f"count(*) FILTER (WHERE {quoted} = %s)")
                        params.append(number)
                        keys.append((schema, table, column, name))
            if not parts:
                continue
            cursor.execute(f'SELECT {", ".join(parts)} FROM "{schema}"."{table}"', params)
            for key, count in zip(keys, cursor.fetchone(), strict=True):
                if count:
                    hits[key] = count
    return hits


def new_hits(before: dict, after: dict) -> dict:
    return {key: count for key, count in after.items() if count > before.get(key, 0)}


def cache_hits(needles: Iterable[str]) -> list[str]:
    """Cache entries (keys or values) containing any needle: Redis when configured, else locmem."""
    found = []
    backend = cache._cache if hasattr(cache, "_cache") else None  # type: ignore[attr-defined]
    if hasattr(backend, "get_client"):  # Django's Redis backend
        client = backend.get_client(None)
        for key in client.scan_iter("*"):
            raw = key + (client.dump(key) or b"")
            found += [needle for needle in needles if needle.encode() in raw]
    elif isinstance(backend, dict):  # locmem
        for key, value in backend.items():
            raw = str(key).encode() + (value if isinstance(value, bytes) else str(value).encode())
            found += [needle for needle in needles if needle.encode() in raw]
    return found


class LogCapture:
    """Every log record at DEBUG from every logger (propagating or not), SQL with its
    parameters included, while active."""

    def __init__(self, caplog: pytest.LogCaptureFixture):
        self.caplog = caplog
        self._added: list[logging.Logger] = []

    def start(self) -> None:
        self.caplog.clear()
        self.caplog.set_level(logging.DEBUG)
        for name in list(logging.root.manager.loggerDict):
            logger = logging.getLogger(name)
            self.caplog.set_level(logging.DEBUG, logger=name)
            if not logger.propagate:
                logger.addHandler(self.caplog.handler)
                self._added.append(logger)
        connection.force_debug_cursor = True  # Django logs each query and its parameters

    def stop(self) -> None:
        connection.force_debug_cursor = False
        for logger in self._added:
            logger.removeHandler(self.caplog.handler)
        self._added.clear()

    def text(self) -> str:
        return "\n".join(f"{record.getMessage()} {vars(record)!r}" for record in self.caplog.records)


@pytest.fixture
def all_logs(caplog):
    capture = LogCapture(caplog)
    yield capture
    capture.stop()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
