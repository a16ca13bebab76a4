"""Moving a union's schema to another platform database (``manage.py union_move``).

A union on one database (the directory or a shard, ``Union.database``) is copied whole to another
with ``pg_dump --schema`` piped into ``psql --single-transaction`` (PostgreSQL's own tools: the
schema's tables, sequences, indexes and constraints as they are, whatever the migration state),
its rows counted on both sides, ``Union.database`` set in the directory, and the old schema
dropped. Its registry row, facts, accounts and media do not move: they are the directory's, or
shared storage.

The union must be suspended first (``registry.services.union_set_status``): its site shows the
suspension notice and the periodic tasks skip it, so nothing writes its schema while it is
copied. Every process follows the new database within seconds (``shards.database_of_schema``
reloads its map; a request reads the union's row anyway); reinstate it afterwards.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

from django.db import connections

from workershome.shards import database_forget, database_names

from .models import Union
from .transfer import _pg_args, _pg_tool, _run


class UnionMoveError(Exception):
    """The move was refused or failed; the union stays where it was."""


@dataclass
class Moved:
    union: str
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)


def _settings_of(alias: str) -> dict:
    """The connection settings of ``alias`` as configured (the directory's for ``default``, even
    while the default connection is pointed at a shard)."""
    wrapper = connections["default"]
    if alias == "default":
        return dict(getattr(wrapper, "_workershome_directory_settings", None) or wrapper.settings_dict)
    return dict(connections.settings[alias])


def _pg(tool: str, alias: str) -> tuple[list[str], dict[str, str]]:
    """``tool`` (beside the pg_dump matching the server, as the export uses) with ``alias``'s
    connection arguments."""
    args, env = _pg_args(_settings_of(alias))
    return [_pg_tool(tool), *args], env


def _rows(alias: str, schema: str) -> dict[str, int]:
    """Every table of ``schema`` in ``alias``'s database with its exact row count."""
    db = _settings_of(alias)
    import psycopg

    with psycopg.connect(
        host=db.get("HOST") or None, port=db.get("PORT") or None, user=db.get("USER") or None,
        password=db.get("PASSWORD") or None, dbname=db["NAME"], autocommit=True,
    ) as conn:  # fmt: skip
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
                [schema],
            )
        ]
        counts: dict[str, int] = {}
        for table in tables:
            quoted = '"{}"."{}"'.format(schema.replace('"', '""'), table.replace('"', '""'))
            counts[table] = conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]  # type: ignore[index]
        return counts


def _drop_schema(alias: str, schema: str) -> None:
    args, env = _pg("psql", alias)
    quoted = '"{}"'.format(schema.replace('"', '""'))
    _checked(
        [*args, "-v", "ON_ERROR_STOP=1", "-c", f"DROP SCHEMA {quoted} CASCADE"],
        env,
        "dropping the old schema",
    )


def _checked(command: list[str], env: dict[str, str], what: str, *, stdin=None) -> None:
    try:
        _run(command, env, what, stdin=stdin)
    except RuntimeError as error:
        raise UnionMoveError(str(error)) from error


def union_move(*, union: Union, target: str) -> Moved:
    """Copy ``union``'s schema to the database ``target``, check it, point the registry at it
    and drop the old schema. Refuses a union that is not suspended, the portal, an unknown or
    the same database, or a target that already has the schema; a failed copy leaves the union
    where it was (the half-made schema on the target is removed)."""
    union = Union.objects.get(pk=union.pk)  # the registry's row now
    source, schema = union.database, union.schema_name
    if union.is_portal:
        raise UnionMoveError("the federation portal does not move")
    if target not in database_names():
        raise UnionMoveError(f"unknown database {target!r} (DATABASE_SHARDS)")
    if target == source:
        raise UnionMoveError(f"{schema} is already on {target}")
    if union.status != Union.Status.SUSPENDED:
        raise UnionMoveError(f"suspend {union.slug} first: a union is moved while nothing writes to it")
    before = _rows(source, schema)
    if not before:
        raise UnionMoveError(f"{schema} has no tables on {source}")
    if _rows(target, schema):
        raise UnionMoveError(f"{schema} already exists on {target}")

    dump_args, dump_env = _pg("pg_dump", source)
    load_args, load_env = _pg("psql", target)
    dump = subprocess.Popen(
        [*dump_args, "--schema", schema, "--no-owner", "--no-privileges"],
        env=dump_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _checked([*load_args, "-v", "ON_ERROR_STOP=1", "--single-transaction", "--quiet"], load_env,
                 "loading the schema", stdin=dump.stdout)  # fmt: skip
    finally:
        assert dump.stdout is not None
        dump.stdout.close()
        dump_error = dump.stderr.read().decode(errors="replace") if dump.stderr else ""
        dump.wait()
    if dump.returncode != 0:
        if _rows(target, schema):
            _drop_schema(target, schema)
        raise UnionMoveError(f"pg_dump failed: {dump_error.strip()[-2000:]}")
    after = _rows(target, schema)
    if after != before:
        _drop_schema(target, schema)
        raise UnionMoveError(f"{schema}: the copy on {target} does not match (tables or rows differ)")

    Union.objects.filter(pk=union.pk).update(database=target)
    database_forget()
    _drop_schema(source, schema)
    return Moved(union=union.slug, source=source, target=target, rows=after)
