"""Move one union between databases: export its tables, registry rows, accounts and media to one
archive, and restore the archive into another database (an empty one included).

The archive (a .tar.gz) holds:

- ``manifest.json``: the union's registry row, district and street (by code), domains, the
  migrations applied to its schema, its tables (columns and row count) and sequences, and the
  columns of its schema that point at public tables;
- ``accounts.json``: the global accounts of its users (mobile, name, email, password hash);
- ``tables/<table>.copy``: each table's rows, written by PostgreSQL's ``COPY ... TO STDOUT``;
- ``media/``: its files (public and private) under ``MEDIA_ROOT/<schema>/``.

Why ``COPY`` and not ``pg_dump --schema``: pg_dump reads the whole catalog and locks every table
it might dump, so one union took 0.16 s with 5 schemas in the database and 3 s with 1,000, and a
full dump failed on the lock limit (issue 10). The union's tables are already known: they are the
template's, written once per migration state as a SQL script (``snapshot.py``). So export needs
the union at the template's migration state (it refuses clearly otherwise) and copies each
table's rows by name in one repeatable-read snapshot; restore makes the schema from its own
template script -- which must be at the same migration state -- deletes the template's seed rows
and copies the union's rows in. Nothing reads the catalog beyond the union's own tables, so both
cost the same at 10 schemas and at 10,000.

Ids of public rows differ between databases, so a restore matches accounts by mobile number and
districts and streets by code, and rewrites the columns that point at public rows to the new ids
on their way in (the rows pass through a temporary table). The registry rows, the schema and its
rows are made in one transaction, with the foreign keys checked at its commit; a failure leaves
nothing behind.

Archives of the first format (``schema.dump``, made by ``pg_dump``) are still restored, and
``union_export(..., schema_by="pg_dump")`` still writes them: the way to move a union that is not
at the template's migration state, at pg_dump's cost.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_exists

from accounts.models import Account
from federation.models import District, Street
from workershome.errors import ServiceError

from .models import Domain, SchemaState, Union
from .snapshot import PLACEHOLDER, pg_dump_binary, schema_create_from_snapshot, template_snapshot_current
from .template import template_schema_name

logger = logging.getLogger(__name__)

FORMAT = "workershome-union-archive/2"
FORMAT_PG_DUMP = "workershome-union-archive/1"
_ACCOUNT_FIELDS = ("mobile", "email", "name", "real_name_status", "password", "is_active")
_UNION_FIELDS = (
    "name", "short_name", "slug", "schema_name", "credit_code", "employer", "industry", "member_count",
    "status", "status_reason", "registration", "invite_code",
)  # fmt: skip
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class Restored:
    union: Union
    accounts_created: int
    accounts_matched: int
    media_files: int
    migrated: bool
    rows: int = 0


# --- PostgreSQL tools ---------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """pg_restore beside the pg_dump chosen for this server (same major version or newer)."""
    dump = pg_dump_binary()
    return str(Path(dump).with_name(name)) if name != "pg_dump" else dump


def _pg_args(db: dict | None = None) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL tools: the default connection's
    database, or the one of the settings ``db``."""
    db = db if db is not None else connection.settings_dict
    args = ["--dbname", db["NAME"], "--username", db.get("USER") or "postgres"]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    return args, {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}


def _run(command: list[str], env: dict[str, str], what: str, *, stdin=None) -> None:
    result = subprocess.run(
        command, env=env, stdin=stdin, capture_output=True, text=True, check=False, timeout=3600
    )
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed: {result.stderr.strip()[-2000:]}")


def _q(*names: str) -> str:
    """A quoted, schema-qualified SQL name (names come from the template's script and Django)."""
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


@contextmanager
def _snapshot_connection() -> Iterator[psycopg.Connection]:
    """A connection of its own, in one read-only repeatable-read transaction: every table is read
    as of the same moment while the site keeps writing, and its catalog cache ends with it.
    Inside a transaction of the caller's, that transaction's own view instead."""
    if connection.in_atomic_block:
        # Inside the caller's transaction: read what it sees (and what it has written).
        connection.ensure_connection()
        yield connection.connection
        return
    db = connection.settings_dict
    # libpq options of the URL (sslmode, connect_timeout, ...), without Django's own.
    django_options = {
        "isolation_level",
        "server_side_binding",
        "assume_role",
        "pool",
        "context",
        "cursor_factory",
    }
    params = {
        **{k: v for k, v in (db.get("OPTIONS") or {}).items() if k not in django_options},
        "dbname": db["NAME"],
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            yield conn


def _template_layout() -> tuple[list[str], list[str], list[str]]:
    """The union tables, their sequences and the tables holding seed rows, as the template's
    cached script creates them (so nothing has to read the database's catalog to know them)."""
    sql = template_snapshot_current().sql
    prefix = re.escape(PLACEHOLDER)
    tables = re.findall(rf"^CREATE TABLE {prefix}\.(\w+) \(", sql, flags=re.M)
    sequences = re.findall(rf"^SELECT pg_catalog\.setval\('{prefix}\.(\w+)'", sql, flags=re.M)
    seeded = list(dict.fromkeys(re.findall(rf"^INSERT INTO {prefix}\.(\w+)", sql, flags=re.M)))
    return tables, sequences, seeded


def _template_migrations() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {_q(template_schema_name(), 'django_migrations')}")
        return {(app, name) for app, name in cursor.fetchall()}


def _migration_difference(migrations: list[list[str]] | list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(migrations the template has and these lack, migrations these have and the template lacks)."""
    have = {(app, name) for app, name in migrations}
    template = _template_migrations()
    return (
        sorted(f"{app}.{name}" for app, name in template - have),
        sorted(f"{app}.{name}" for app, name in have - template),
    )


def _public_references() -> list[dict[str, str]]:
    """Columns of union tables that hold the id of a public row (accounts, the registry).

    They are found in the models, not in the database: these keys have no database constraint
    (a union's schema must not depend on public rows to be dumped or dropped)."""
    from django.apps import apps

    def labels(entries: list[str]) -> set[str]:
        return {
            config.label
            for config in apps.get_app_configs()
            if config.name in entries or f"{type(config).__module__}.{type(config).__name__}" in entries
        }

    tenant_apps = labels(settings.TENANT_APPS)
    shared_only = labels(settings.SHARED_APPS) - tenant_apps
    references: list[dict[str, str]] = []
    for model in apps.get_models():
        if model._meta.app_label not in tenant_apps:
            continue
        for field in model._meta.concrete_fields:
            related = field.related_model if field.is_relation else None
            if related is not None and related._meta.app_label in shared_only:
                references.append(
                    {
                        "table": model._meta.db_table,
                        "column": str(field.column),
                        "references": related._meta.db_table,
                    }
                )
    return sorted(references, key=lambda ref: (ref["table"], ref["column"]))


# --- Export -------------------------------------------------------------------------------------


def union_export(*, union: Union, path: Path, schema_by: Literal["copy", "pg_dump"] = "copy") -> Path:
    """Write ``union``'s archive to ``path`` (a .tar.gz); returns the path.

    ``schema_by="copy"`` (the default) copies each table's rows and needs the union at the
    template's migration state; ``"pg_dump"`` writes the first format with ``pg_dump --schema``,
    whatever the union's state, at a cost that grows with the number of schemas."""
    if union.is_portal:
        raise ServiceError(
            "portal", _("The federation portal is not a union: back it up with the full dump.")
        )
    schema = union.schema_name
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if schema_by == "copy":
            manifest, referenced = _export_tables(union, work)
        else:
            manifest, referenced = _export_pg_dump(union, work)
        accounts = _export_public_rows(union, manifest, referenced)
        with tarfile.open(path, "w:gz") as archive:
            for name, payload in (("manifest.json", manifest), ("accounts.json", accounts)):
                data = json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode()
                info = tarfile.TarInfo(name)
                info.size, info.mtime = len(data), int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
            for entry in sorted(work.iterdir()):
                archive.add(entry, arcname=entry.name)
            media = Path(settings.MEDIA_ROOT) / schema
            if media.is_dir():
                archive.add(media, arcname="media")
    return path


def _referenced_ids(cursor, schema: str, references: list[dict[str, str]]) -> dict[str, set[int]]:
    referenced: dict[str, set[int]] = {"accounts_account": set(), "registry_union": set()}
    for ref in references:
        if ref["references"] not in referenced:
            raise RuntimeError(
                f"{ref['table']}.{ref['column']}: export cannot carry {ref['references']} rows"
            )
        cursor.execute(
            f'SELECT DISTINCT "{ref["column"]}" FROM {_q(schema, ref["table"])} WHERE "{ref["column"]}" IS NOT NULL'
        )
        referenced[ref["references"]].update(row[0] for row in cursor.fetchall())
    return referenced


def _extensions(cursor) -> list[dict[str, str]]:
    """Extensions are database-wide (a union's schema leaves them out); the restore creates them."""
    cursor.execute(
        "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname <> 'plpgsql' ORDER BY 1"
    )
    return [{"name": name, "schema": namespace} for name, namespace in cursor.fetchall()]


def _export_tables(union: Union, work: Path) -> tuple[dict, dict[str, set[int]]]:
    """Each table's rows by ``COPY``, in one snapshot; refuses a union not at the template's state."""
    schema = union.schema_name
    tables, sequences, _seeded = _template_layout()
    references = _public_references()
    folder = work / "tables"
    folder.mkdir()
    manifest_tables: list[dict] = []
    sequence_values: dict[str, list] = {}
    with _snapshot_connection() as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {_q(schema, 'django_migrations')} ORDER BY id")
        migrations = cursor.fetchall()
        missing, extra = _migration_difference(migrations)
        if missing or extra:
            raise ServiceError(
                "migration_state",
                _(
                    "Union %(schema)s is not at the template's migration state (it lacks %(missing)s; "
                    "it has %(extra)s that the template lacks): migrate it, or the template, first, "
                    "or export it with pg_dump (--pg-dump)."
                ),
                params={
                    "schema": schema,
                    "missing": ", ".join(missing[:5]) or "-",
                    "extra": ", ".join(extra[:5]) or "-",
                },
            )
        extensions = _extensions(cursor)
        referenced = _referenced_ids(cursor, schema, references)
        # Three statements for every table at once, then one COPY per table that has rows: the
        # round trips, not the rows, are most of an ordinary union's export.
        cursor.execute(
            "SELECT t.name, a.attname FROM unnest(%s::text[], %s::text[]) AS t(name, qualified) "
            "JOIN pg_attribute a ON a.attrelid = t.qualified::regclass "
            "WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY t.name, a.attnum",
            [tables, [_q(schema, table) for table in tables]],
        )
        columns: dict[str, list[str]] = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, []).append(column)
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s WHERE EXISTS (SELECT FROM {_q(schema, table)})" for table in tables
            ),
            tables,
        )
        filled = {row[0] for row in cursor.fetchall()}
        for table in tables:
            rows = 0
            if table in filled:
                listed = ", ".join(_q(column) for column in columns[table])
                with (
                    (folder / f"{table}.copy").open("wb") as out,
                    cursor.copy(f"COPY {_q(schema, table)} ({listed}) TO STDOUT") as copy,
                ):
                    for chunk in copy:
                        out.write(chunk)
                rows = cursor.rowcount
            manifest_tables.append({"table": table, "columns": columns[table], "rows": rows})
        if sequences:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s, last_value, is_called FROM {_q(schema, sequence)}" for sequence in sequences
                ),
                sequences,
            )
            sequence_values = {name: [value, is_called] for name, value, is_called in cursor.fetchall()}
    manifest = {
        "format": FORMAT,
        "migrations": migrations,
        "extensions": extensions,
        "tables": manifest_tables,
        "sequences": sequence_values,
        "public_references": references,
    }
    return manifest, referenced


def _export_pg_dump(union: Union, work: Path) -> tuple[dict, dict[str, set[int]]]:
    """The first format: ``pg_dump --format=custom --schema`` (any migration state)."""
    schema = union.schema_name
    references = _public_references()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {_q(schema, 'django_migrations')} ORDER BY id")
        migrations = cursor.fetchall()
        extensions = _extensions(cursor)
        referenced = _referenced_ids(cursor, schema, references)
    args, env = _pg_args()
    _run(
        [_pg_tool("pg_dump"), "--format=custom", "--schema", schema, "--no-owner", "--no-privileges",
         "--file", str(work / "schema.dump"), *args],
        env, "pg_dump",
    )  # fmt: skip
    manifest = {
        "format": FORMAT_PG_DUMP,
        "migrations": migrations,
        "extensions": extensions,
        "public_references": references,
    }
    return manifest, referenced


def _export_public_rows(union: Union, manifest: dict, referenced: dict[str, set[int]]) -> list[dict]:
    """Fill in the manifest's registry part; the accounts the union's rows name."""
    other_unions = dict(
        Union.objects.filter(pk__in=referenced["registry_union"] - {union.pk}).values_list("pk", "slug")
    )
    manifest.update(
        {
            "exported_at": timezone.now().isoformat(),
            "union": {field: getattr(union, field) for field in _UNION_FIELDS},
            "union_id": union.pk,
            "created_at": union.created_at.isoformat(),
            "district": (
                {"code": union.district.code, "name": union.district.name} if union.district else None
            ),
            "street": (
                {
                    "code": union.street.code,
                    "name": union.street.name,
                    "district_code": union.street.district.code,
                }
                if union.street
                else None
            ),
            "domains": [
                {"domain": d.domain, "is_primary": d.is_primary} for d in union.domains.order_by("pk")
            ],
            "other_unions": other_unions,
        }
    )
    return [
        {"id": a.pk, "home": a.home_union_id == union.pk, **{f: getattr(a, f) for f in _ACCOUNT_FIELDS}}
        for a in Account.objects.filter(pk__in=sorted(referenced["accounts_account"])).order_by("pk")
    ]


# --- Restore ------------------------------------------------------------------------------------


def _read_archive(path: Path, work: Path) -> tuple[dict, list[dict]]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            # The "data" filter refuses absolute paths, links out of the folder and device files.
            archive.extractall(work, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ServiceError(
            "bad_archive", _("This file is not a union archive: %(error)s"), params={"error": error}
        ) from error
    try:
        manifest = json.loads((work / "manifest.json").read_text())
        accounts = json.loads((work / "accounts.json").read_text())
    except (OSError, ValueError) as error:
        raise ServiceError(
            "bad_archive", _("This file is not a union archive: %(error)s"), params={"error": error}
        ) from error
    complete = {
        FORMAT: lambda: all(
            (work / "tables" / f"{t['table']}.copy").is_file() for t in manifest["tables"] if t["rows"]
        ),
        FORMAT_PG_DUMP: lambda: (work / "schema.dump").is_file(),
    }
    if manifest.get("format") not in complete or not complete[manifest["format"]]():
        raise ServiceError("bad_archive", _("This file is not a union archive of this platform."))
    return manifest, accounts


def _check_restorable(manifest: dict) -> None:
    union = manifest["union"]
    if schema_exists(union["schema_name"]) or Union.objects.filter(schema_name=union["schema_name"]).exists():
        raise ServiceError(
            "exists", _("Schema %(schema)s already exists here: restore into a database without it."),
            params={"schema": union["schema_name"]},
        )  # fmt: skip
    clashes = [
        label
        for label, taken in (
            ("slug", Union.objects.filter(slug=union["slug"]).exists()),
            ("name", Union.objects.filter(name=union["name"]).exists()),
            (
                "credit_code",
                bool(union["credit_code"])
                and Union.objects.filter(credit_code=union["credit_code"]).exists(),
            ),
            ("domain", Domain.objects.filter(domain__in=[d["domain"] for d in manifest["domains"]]).exists()),
        )
        if taken
    ]
    if clashes:
        raise ServiceError(
            "exists",
            _("Another union here already has the same %(fields)s."),
            params={"fields": ", ".join(clashes)},
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise ServiceError(
            "newer_archive",
            _("The archive comes from a newer version of the platform (%(migrations)s): upgrade first."),
            params={"migrations": ", ".join(unknown[:5])},
        )
    if manifest["format"] == FORMAT:
        _check_template_state(manifest)


def _check_template_state(manifest: dict) -> None:
    """The schema is made from this database's template: it must be at the archive's state."""
    from .template import template_migrate

    if not schema_exists(template_schema_name()):
        # A new database has no template yet; every union here will need it anyway.
        template_migrate()
    missing, extra = _migration_difference(manifest["migrations"])
    if missing or extra:
        raise ServiceError(
            "migration_state",
            _(
                "The archive was made at another migration state than this database's union template "
                "(the archive lacks %(missing)s; it has %(extra)s that the template lacks): migrate the "
                "union where it came from and export again, or bring this database to the same version."
            ),
            params={"missing": ", ".join(missing[:5]) or "-", "extra": ", ".join(extra[:5]) or "-"},
        )


@transaction.atomic
def _public_rows(manifest: dict, accounts: list[dict]) -> tuple[Union, dict[str, dict[int, int]], list[int]]:
    """The union's registry rows and its accounts here; the map of old public ids to new ones."""
    district = street = None
    if manifest["district"]:
        district, _created = District.objects.get_or_create(
            code=manifest["district"]["code"], defaults={"name": manifest["district"]["name"]}
        )
    if manifest["street"]:
        street_district = District.objects.get(code=manifest["street"]["district_code"])
        street, _created = Street.objects.get_or_create(
            code=manifest["street"]["code"],
            defaults={"name": manifest["street"]["name"], "district": street_district},
        )
    union = Union(**manifest["union"], district=district, street=street)
    union.save()
    Union.objects.filter(pk=union.pk).update(
        created_at=datetime.datetime.fromisoformat(manifest["created_at"])
    )
    for entry in manifest["domains"]:
        Domain.objects.create(domain=entry["domain"], is_primary=entry["is_primary"], tenant=union)
    account_map: dict[int, int] = {}
    created: list[int] = []
    for entry in accounts:
        account = Account.objects.filter(mobile=entry["mobile"]).first()
        if account is None:
            account = Account(
                **{f: entry[f] for f in _ACCOUNT_FIELDS}, home_union=union if entry["home"] else None
            )
            account.save()
            created.append(account.pk)
        elif entry["home"] and account.home_union_id is None:
            Account.objects.filter(pk=account.pk).update(home_union=union)
        account_map[entry["id"]] = account.pk
    # Other unions a row names (a member transferred to or from them) keep their link where that
    # union exists here too (by slug); elsewhere the id stays as it was, pointing at no union.
    slugs = {int(old): slug for old, slug in manifest.get("other_unions", {}).items()}
    here = dict(Union.objects.filter(slug__in=slugs.values()).values_list("slug", "pk"))
    union_map = {old: here[slug] for old, slug in slugs.items() if slug in here}
    id_maps = {
        "accounts_account": account_map,
        "registry_union": {**union_map, manifest["union_id"]: union.pk},
    }
    return union, id_maps, created


def _create_extensions(manifest: dict) -> None:
    with connection.cursor() as cursor:
        for extension in manifest.get("extensions", []):
            cursor.execute(
                f'CREATE EXTENSION IF NOT EXISTS "{extension["name"]}" SCHEMA "{extension["schema"]}"'
            )


def union_restore(*, path: Path, migrate: bool = True) -> Restored:
    """Restore an archive made by ``union_export`` into this database (see the module docstring).

    ``migrate`` applies this version's newer migrations to a union restored from a first-format
    archive; a union restored by ``COPY`` is at the template's state already."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        manifest, accounts = _read_archive(Path(path), work)
        _check_restorable(manifest)
        if manifest["format"] == FORMAT:
            restored = _restore_tables(manifest, accounts, work)
        else:
            restored = _restore_pg_dump(manifest, accounts, work, migrate=migrate)
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' backend
    return restored


def _restore_tables(manifest: dict, accounts: list[dict], work: Path) -> Restored:
    """Registry rows, schema (from the template's script), rows and media, in one transaction."""
    schema = manifest["union"]["schema_name"]
    media_target = Path(settings.MEDIA_ROOT) / schema
    media_existed = media_target.exists()
    _tables, _sequences, seeded = _template_layout()
    referencing: dict[str, list[dict[str, str]]] = {}
    for ref in manifest["public_references"]:
        referencing.setdefault(ref["table"], []).append(ref)
    try:
        with transaction.atomic():
            _create_extensions(manifest)
            union, id_maps, created_accounts = _public_rows(manifest, accounts)
            made_from = schema_create_from_snapshot(schema)
            # The schema is at the template's state (checked above): migrate_unions skips it.
            SchemaState.objects.update_or_create(union=union, defaults={"fingerprint": made_from.state})
            rows = 0
            with connection.cursor() as cursor:
                # The template's seed rows make way for the union's own (foreign keys are
                # deferred to the commit, when every row is in).
                if seeded:
                    cursor.execute("; ".join(f"DELETE FROM {_q(schema, table)}" for table in seeded))
                _id_map_tables(cursor, id_maps)
                for entry in manifest["tables"]:
                    if entry["rows"]:
                        rows += _copy_in(cursor, schema, entry, work, referencing.get(entry["table"], []))
                sequences = manifest["sequences"]
                if sequences:
                    cursor.execute(
                        "SELECT " + ", ".join("setval(%s, %s, %s)" for _ in sequences),
                        [
                            v
                            for name, (value, called) in sequences.items()
                            for v in (_q(schema, name), value, called)
                        ],
                    )
                cursor.execute("SELECT public.workershome_audit_protect(%s)", [schema])
                # Check the deferred foreign keys now, so a broken archive fails here, undone,
                # even when the caller holds a transaction of its own.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            connection.set_schema_to_public()  # type: ignore[attr-defined]
            media_files = _copy_media(work, media_target)
    except Exception:
        logger.exception("restore of %s failed: nothing of it was kept", schema)
        if not media_existed:
            shutil.rmtree(media_target, ignore_errors=True)
        raise
    return Restored(
        union=union,
        accounts_created=len(created_accounts),
        accounts_matched=len(accounts) - len(created_accounts),
        media_files=media_files,
        migrated=False,
        rows=rows,
    )


def _id_map_tables(cursor, id_maps: dict[str, dict[int, int]]) -> None:
    """One temporary table per public table: old id → id here (dropped at commit)."""
    for referenced, mapping in id_maps.items():
        table = f"restore_ids_{referenced}"
        cursor.execute(f'CREATE TEMP TABLE "{table}" (old bigint PRIMARY KEY, new bigint) ON COMMIT DROP')
        if mapping:
            cursor.executemany(f'INSERT INTO "{table}" VALUES (%s, %s)', list(mapping.items()))


def _copy_in(cursor, schema: str, entry: dict, work: Path, references: list[dict[str, str]]) -> int:
    """Copy one table's rows in; rows naming public ids pass through a temporary table where those
    ids are rewritten (the target's unique keys and triggers only ever see final rows)."""
    table, columns = entry["table"], entry["columns"]
    listed = ", ".join(_q(column) for column in columns)
    target = _q(schema, table)
    if references:
        cursor.execute(f"CREATE TEMP TABLE restore_rows (LIKE {target}) ON COMMIT DROP")
        target = "restore_rows"
    with (
        (work / "tables" / f"{table}.copy").open("rb") as source,
        cursor.copy(f"COPY {target} ({listed}) FROM STDIN") as copy,
    ):
        while chunk := source.read(_COPY_CHUNK):
            copy.write(chunk)
    copied = cursor.rowcount
    if references:
        for ref in references:
            if ref["references"] not in ("accounts_account", "registry_union"):
                raise RuntimeError(
                    f"{ref['table']}.{ref['column']} points at {ref['references']}, which restore cannot map"
                )
            column = _q(ref["column"])
            cursor.execute(
                f'UPDATE restore_rows AS t SET {column} = m.new FROM "restore_ids_{ref["references"]}" m '
                f"WHERE t.{column} = m.old"
            )
        cursor.execute(f"INSERT INTO {_q(schema, table)} ({listed}) SELECT {listed} FROM restore_rows")
        cursor.execute("DROP TABLE restore_rows")
    if copied != entry["rows"]:
        raise RuntimeError(f"{table}: {copied} rows restored, the archive holds {entry['rows']}")
    return copied


def _copy_media(work: Path, media_target: Path) -> int:
    if not (work / "media").is_dir():
        return 0
    shutil.copytree(work / "media", media_target, dirs_exist_ok=True)
    return sum(1 for p in media_target.rglob("*") if p.is_file())


def _rewrite_public_references(schema: str, manifest: dict, id_maps: dict[str, dict[int, int]]) -> None:
    with connection.cursor() as cursor:
        for ref in manifest["public_references"]:
            mapping = id_maps.get(ref["references"])
            if mapping is None:
                raise RuntimeError(
                    f"{ref['table']}.{ref['column']} points at {ref['references']}, which restore cannot map"
                )
            if not mapping:
                continue
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS restore_id_map (old bigint PRIMARY KEY, new bigint)"
            )
            cursor.execute("TRUNCATE restore_id_map")
            cursor.executemany("INSERT INTO restore_id_map VALUES (%s, %s)", list(mapping.items()))
            cursor.execute(
                f'UPDATE "{schema}"."{ref["table"]}" AS t SET "{ref["column"]}" = m.new '
                f'FROM restore_id_map m WHERE t."{ref["column"]}" = m.old'
            )
        cursor.execute("DROP TABLE IF EXISTS restore_id_map")


def _restore_pg_dump(manifest: dict, accounts: list[dict], work: Path, *, migrate: bool) -> Restored:
    """The first format: tables and rows without constraints (``pg_restore --section=pre-data,data``),
    public ids rewritten, then indexes and constraints (``--section=post-data``), which checks
    every rewritten reference; a failure drops what the restore made."""
    schema = manifest["union"]["schema_name"]
    union, id_maps, created_accounts = _public_rows(manifest, accounts)
    media_target = Path(settings.MEDIA_ROOT) / schema
    media_existed = media_target.exists()
    try:
        _create_extensions(manifest)
        args, env = _pg_args()
        restore = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args]
        _run([*restore, "--section=pre-data", "--section=data", str(work / "schema.dump")], env, "pg_restore")
        _rewrite_public_references(schema, manifest, id_maps)
        _run([*restore, "--section=post-data", str(work / "schema.dump")], env, "pg_restore (constraints)")
        media_files = _copy_media(work, media_target)
        migrated = False
        if migrate:
            call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
            migrated = True
    except Exception:
        logger.exception("restore of %s failed: removing what it made", schema)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        Domain.objects.filter(tenant=union).delete()
        Account.objects.filter(pk__in=created_accounts).delete()
        Account.objects.filter(home_union=union).update(home_union=None)
        Union.objects.filter(pk=union.pk).delete()
        if not media_existed:
            shutil.rmtree(media_target, ignore_errors=True)
        raise
    return Restored(
        union=union,
        accounts_created=len(created_accounts),
        accounts_matched=len(accounts) - len(created_accounts),
        media_files=media_files,
        migrated=migrated,
    )
