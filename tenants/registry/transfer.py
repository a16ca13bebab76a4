"""Move one union between databases: export its schema, registry rows, accounts and media to one
archive, and restore the archive into another database (an empty one included).

The archive (a .tar.gz) holds:

- ``manifest.json``: the union's registry row, district and street (by code), domains, the
  migrations applied to its schema, and the columns of its schema that point at public tables;
- ``accounts.json``: the global accounts of its users (mobile, name, email, password hash);
- ``schema.dump``: ``pg_dump --format=custom --schema=<schema>``;
- ``media/``: its files (public and private) under ``MEDIA_ROOT/<schema>/``.

Ids of public rows differ between databases, so a restore matches accounts by mobile number and
districts and streets by code, restores the schema's tables and rows without their constraints
(``pg_restore --section=pre-data,data``), rewrites the columns that point at public rows to the
new ids, and only then adds indexes and constraints (``--section=post-data``), which checks
every rewritten reference. A failure drops what the restore made; nothing else is touched.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

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

from .models import Domain, Union
from .snapshot import pg_dump_binary

logger = logging.getLogger(__name__)

FORMAT = "workershome-union-archive/1"
_ACCOUNT_FIELDS = ("mobile", "email", "name", "real_name_status", "password", "is_active")
_UNION_FIELDS = (
    "name", "short_name", "slug", "schema_name", "credit_code", "employer", "industry", "member_count",
    "status", "status_reason", "registration", "invite_code",
)  # fmt: skip


@dataclass(frozen=True)
class Restored:
    union: Union
    accounts_created: int
    accounts_matched: int
    media_files: int
    migrated: bool


# --- PostgreSQL tools ---------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """pg_restore beside the pg_dump chosen for this server (same major version or newer)."""
    dump = pg_dump_binary()
    return str(Path(dump).with_name(name)) if name != "pg_dump" else dump


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"], "--username", db.get("USER") or "postgres"]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    return args, {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed: {result.stderr.strip()[-2000:]}")


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


def union_export(*, union: Union, path: Path) -> Path:
    """Write ``union``'s archive to ``path`` (a .tar.gz); returns the path."""
    if union.is_portal:
        raise ServiceError(
            "portal", _("The federation portal is not a union: back it up with the full dump.")
        )
    schema = union.schema_name
    references = _public_references()
    referenced: dict[str, set[int]] = {"accounts_account": set(), "registry_union": set()}
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY id')
        migrations = cursor.fetchall()
        # Extensions are database-wide (pg_dump --schema leaves them out); the restore creates them.
        cursor.execute(
            "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1"
        )
        extensions = [{"name": name, "schema": namespace} for name, namespace in cursor.fetchall()]
        for ref in references:
            if ref["references"] not in referenced:
                raise RuntimeError(
                    f"{ref['table']}.{ref['column']}: export cannot carry {ref['references']} rows"
                )
            cursor.execute(
                f'SELECT DISTINCT "{ref["column"]}" FROM "{schema}"."{ref["table"]}" WHERE "{ref["column"]}" IS NOT NULL'
            )
            referenced[ref["references"]].update(row[0] for row in cursor.fetchall())
    account_ids = sorted(referenced["accounts_account"])
    other_unions = dict(
        Union.objects.filter(pk__in=referenced["registry_union"] - {union.pk}).values_list("pk", "slug")
    )
    manifest = {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "union": {field: getattr(union, field) for field in _UNION_FIELDS},
        "union_id": union.pk,
        "created_at": union.created_at.isoformat(),
        "district": {"code": union.district.code, "name": union.district.name} if union.district else None,
        "street": (
            {
                "code": union.street.code,
                "name": union.street.name,
                "district_code": union.street.district.code,
            }
            if union.street
            else None
        ),
        "domains": [{"domain": d.domain, "is_primary": d.is_primary} for d in union.domains.order_by("pk")],
        "migrations": migrations,
        "extensions": extensions,
        "public_references": references,
        "other_unions": other_unions,
    }
    accounts = [
        {"id": a.pk, "home": a.home_union_id == union.pk, **{f: getattr(a, f) for f in _ACCOUNT_FIELDS}}
        for a in Account.objects.filter(pk__in=account_ids).order_by("pk")
    ]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "schema.dump"
        args, env = _pg_args()
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--schema", schema, "--no-owner", "--no-privileges",
             "--file", str(dump), *args],
            env, "pg_dump",
        )  # fmt: skip
        with tarfile.open(path, "w:gz") as archive:
            for name, payload in (("manifest.json", manifest), ("accounts.json", accounts)):
                data = json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode()
                info = tarfile.TarInfo(name)
                info.size, info.mtime = len(data), int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname="schema.dump")
            media = Path(settings.MEDIA_ROOT) / schema
            if media.is_dir():
                archive.add(media, arcname="media")
    return path


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
    if manifest.get("format") != FORMAT or not (work / "schema.dump").is_file():
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


def union_restore(*, path: Path, migrate: bool = True) -> Restored:
    """Restore an archive made by ``union_export`` into this database (see the module docstring)."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        manifest, accounts = _read_archive(Path(path), work)
        _check_restorable(manifest)
        schema = manifest["union"]["schema_name"]
        union, id_maps, created_accounts = _public_rows(manifest, accounts)
        media_target = Path(settings.MEDIA_ROOT) / schema
        media_existed = media_target.exists()
        try:
            with connection.cursor() as cursor:
                for extension in manifest.get("extensions", []):
                    cursor.execute(
                        f'CREATE EXTENSION IF NOT EXISTS "{extension["name"]}" SCHEMA "{extension["schema"]}"'
                    )
            args, env = _pg_args()
            restore = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args]
            _run(
                [*restore, "--section=pre-data", "--section=data", str(work / "schema.dump")],
                env,
                "pg_restore",
            )
            _rewrite_public_references(schema, manifest, id_maps)
            _run(
                [*restore, "--section=post-data", str(work / "schema.dump")], env, "pg_restore (constraints)"
            )
            media_files = 0
            if (work / "media").is_dir():
                shutil.copytree(work / "media", media_target, dirs_exist_ok=True)
                media_files = sum(1 for p in media_target.rglob("*") if p.is_file())
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
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' backend
    return Restored(
        union=union,
        accounts_created=len(created_accounts),
        accounts_matched=len(accounts) - len(created_accounts),
        media_files=media_files,
        migrated=migrated,
    )
