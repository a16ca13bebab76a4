"""Writes on the registry: provisioning unions, suspending and reinstating them."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context, schema_exists, tenant_context

from accounts.models import Account
from accounts.services import account_get_or_create, local_user_for_account
from federation.models import District, Street
from workershome.errors import Conflict, ServiceError
from workershome.shards import database_for_new_union, database_names
from workershome.tenancy import on_portal, use_public_schema

from .locks import slug_lock, template_lock_shared
from .models import Domain, SchemaState, Union
from .snapshot import schema_create_from_snapshot, template_snapshot_head
from .spares import spare_schema_take
from .state import code_fingerprint
from .template import template_schema_name
from .validators import normalize_credit_code, validate_credit_code, validate_union_slug

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Provisioned:
    union: Union
    officer: Account
    created: bool
    seconds: float


def schema_name_for(slug: str) -> str:
    return "u_" + slug.replace("-", "_")


def union_host(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def union_url(union: Union) -> str:
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{union.primary_host}{port}/"


def _validate(field: str, validator, value) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        error = exc.error_list[0]
        raise ServiceError(error.code or "invalid", error.message, params=error.params, field=field) from exc


def union_provision(
    *,
    name: str,
    slug: str,
    credit_code: str,
    officer_mobile: str,
    officer_name: str,
    short_name: str = "",
    employer: str = "",
    district: District | None = None,
    street: Street | None = None,
    industry: str = "",
    member_count: int = 0,
    officer_email: str = "",
    officer_password: str | None = None,
    officer_role: str = "chairman",
    migrate: bool = False,
    database: str | None = None,
) -> Provisioned:
    """Create a union: registry row, host, schema cloned from the template, site, first officer.

    The schema is made by replaying the template's SQL snapshot (``snapshot.py``).
    Idempotent: provisioning again with the same slug and credit code completes whatever is
    missing and returns the existing union. Refuses reserved or taken slugs, taken names and
    bad credit codes with a clear message. Everything happens in one transaction (PostgreSQL's
    DDL is transactional), so a failure leaves neither a registry row nor a schema behind.
    ``migrate=True`` runs every migration instead of cloning (kept for the benchmark).

    ``database``: the alias of the database the new union's schema is made in (default
    ``UNION_NEW_DATABASE``; a shard from ``DATABASE_SHARDS``, see ``workershome/shards.py``). On
    a shard the registry row commits in the directory first, then the schema is made and seeded
    in one transaction on the shard; if that fails the registry row is removed again.
    """
    started = time.perf_counter()
    slug = (slug or "").strip().lower()
    credit_code = normalize_credit_code(credit_code)
    name = (name or "").strip()
    if not name:
        raise ServiceError("name_required", _("Please enter the union's name."), field="name")
    _validate("slug", validate_union_slug, slug)
    _validate("credit_code", validate_credit_code, credit_code)
    if street is not None and district is not None and street.district_id != district.pk:
        raise ServiceError(
            "street_not_in_district", _("The street is not in the chosen district."), field="street"
        )
    if street is not None and district is None:
        district = street.district

    if not on_portal():
        raise ServiceError("not_on_portal", _("Unions are created from the federation portal."))
    database = database or database_for_new_union()
    if database not in database_names():
        raise ServiceError("database_unknown", _("Unknown database for the new union."), field="database")
    if migrate and database != DEFAULT_DB_ALIAS:
        raise ServiceError("database_unknown", _("Unknown database for the new union."), field="database")

    migrated_here = migrate and not schema_exists(schema_name_for(slug))
    if migrated_here:
        _schema_migrate(schema_name_for(slug))
    fields = {
        "name": name, "slug": slug, "short_name": short_name or name[:30], "credit_code": credit_code,
        "employer": employer, "district": district, "street": street, "industry": industry,
        "member_count": member_count, "database": database,
    }  # fmt: skip
    officer = {
        "mobile": officer_mobile,
        "name": officer_name,
        "password": officer_password,
        "email": officer_email,
    }
    try:
        return _provision(fields, officer, officer_role=officer_role, started=started)
    except BaseException:
        if migrated_here:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name_for(slug)}" CASCADE')
        raise


def _provision(fields: dict, officer: dict, *, officer_role: str, started: float) -> Provisioned:
    slug, credit_code, name = fields["slug"], fields["credit_code"], fields["name"]
    committed: list[float] = []
    with transaction.atomic():
        # Registered first, so it runs first after the commit: ``seconds`` is the time until the
        # union exists, not counting the after-commit tasks (queued in production, inline in tests).
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        # A second provisioning of this slug waits here until the first commits, then finds its
        # union; and no union is made while the template is being rebuilt (locks.py).
        slug_lock(slug)
        template_lock_shared()
        existing = Union.objects.select_for_update().filter(slug=slug).first()
        if existing is not None and existing.credit_code != credit_code:
            raise Conflict(
                "slug_taken",
                _("The address “%(slug)s” is already taken."),
                params={"slug": slug},
                field="slug",
            )
        if existing is None:
            if Union.objects.filter(credit_code=credit_code).exists():
                raise Conflict(
                    "credit_code_taken",
                    _("A union with this unified social credit code is already registered."),
                    field="credit_code",
                )
            if Union.objects.filter(name=name).exists():
                raise Conflict("name_taken", _("A union with this name is already registered."), field="name")
        union = existing or Union(schema_name=schema_name_for(slug), **fields)
        created = existing is None
        if created:
            try:
                with transaction.atomic():
                    union.save()
            except IntegrityError as exc:  # a different slug with this name or code, just now
                raise Conflict(
                    "union_taken",
                    _("A union with this name or credit code was registered at the same moment."),
                ) from exc
        made_from, spare = None, False
        here = union.database == DEFAULT_DB_ALIAS
        if here and not schema_exists(union.schema_name):
            made_from, spare = _schema_create(union)
            SchemaState.objects.update_or_create(union=union, defaults={"fingerprint": made_from})
        Domain.objects.get_or_create(domain=union_host(slug), defaults={"tenant": union, "is_primary": True})
        account, _new = account_get_or_create(**officer, home_union=union)
        if here:
            with tenant_context(union):
                _refuse_new_officer_on_existing_union(union, account, officer_role, created=created)
                fresh = created and bool(made_from) and made_from == code_fingerprint()
                _union_seed(union, account, officer_role, created=created, fresh=fresh)
    if not here:
        try:
            _provision_on_shard(union, account, officer_role, created=created)
        except BaseException:
            if created:  # nothing of the union is left behind: neither its row nor its host
                with transaction.atomic():
                    Domain.objects.filter(tenant=union).delete()
                    SchemaState.objects.filter(union=union).delete()
                    Union.objects.filter(pk=union.pk).delete()
            raise
    if created:
        from .tasks import union_welcome_send

        transaction.on_commit(lambda: union_welcome_send.delay(union_id=union.pk, account_id=account.pk))
    if spare:
        from .tasks import spare_schemas_refill

        transaction.on_commit(spare_schemas_refill.delay)
    seconds = (committed[0] if committed else time.perf_counter()) - started
    logger.info("provisioned %s in %.3fs (created=%s)", union.schema_name, seconds, created)
    return Provisioned(union=union, officer=account, created=created, seconds=seconds)


def _provision_on_shard(union: Union, account: Account, officer_role: str, *, created: bool) -> None:
    """Make and seed the schema of a union that lives on a shard, in one transaction there
    (the default connection follows the union to its database: ``workershome/shards.py``).

    The snapshot is the directory's (its template is the code's migration state); spare schemas
    are the directory's only, so a shard's union is always made by replaying the script."""
    from .snapshot import PLACEHOLDER, template_snapshot_current

    if not schema_exists(template_schema_name()):
        raise ServiceError(
            "template_missing",
            _("The union template is not ready: run `manage.py migrate_template`."),
            status=503,
        )
    snapshot = template_snapshot_current()
    made_from, made = "", False
    with tenant_context(union), transaction.atomic():
        if not schema_exists(union.schema_name):
            made = True
            with connection.cursor() as cursor:
                cursor.execute(snapshot.sql.replace(PLACEHOLDER, union.schema_name))
                cursor.execute("SELECT public.workershome_audit_protect(%s)", [union.schema_name])
            made_from = snapshot.state
        _refuse_new_officer_on_existing_union(union, account, officer_role, created=created)
        fresh = created and bool(made_from) and made_from == code_fingerprint()
        _union_seed(union, account, officer_role, created=created, fresh=fresh)
    if made:
        SchemaState.objects.update_or_create(union=union, defaults={"fingerprint": made_from})


def _schema_create(union: Union) -> tuple[str, bool]:
    """Make the union's schema from the template: tables, rows and migration records, in the
    caller's transaction (see ``snapshot.py`` for why it replays a script instead of cloning).

    A spare schema made ahead of time from the same snapshot is renamed when there is one
    (``spares.py``). Returns the migration state the schema is at (``SchemaState``; empty when
    unknown) and whether a spare was used.
    """
    if not schema_exists(template_schema_name()):
        raise ServiceError(
            "template_missing",
            _("The union template is not ready: run `manage.py migrate_template`."),
            status=503,
        )
    head = template_snapshot_head()
    spare = spare_schema_take(snapshot=head[0]) if head else None
    if spare is not None:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER SCHEMA "{spare}" RENAME TO "{union.schema_name}"')
        state = head[1] if head else ""
    else:
        state = schema_create_from_snapshot(union.schema_name).state
    # The audit table goes to the owner role where the application runs as its own role
    # (registry migration 0003; a no-op where both are one role).
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.workershome_audit_protect(%s)", [union.schema_name])
    use_public_schema()
    return state, spare is not None


def _schema_migrate(schema_name: str) -> None:
    """The slow way, django-tenants' default: create an empty schema and run every migration.

    Migrations cannot run inside the provisioning transaction (PostgreSQL refuses ALTER TABLE
    with pending deferred triggers), so this commits on its own; kept for the benchmark baseline.
    """
    from django.core.management import call_command

    from .template import template_seed

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    call_command("migrate_schemas", schema_name=schema_name, tenant=True, interactive=False, verbosity=0)
    with schema_context(schema_name):
        template_seed()
    use_public_schema()


def _refuse_new_officer_on_existing_union(
    union: Union, account: Account, role: str, *, created: bool
) -> None:
    """Provisioning again completes a union; it never hands an existing union to someone new.

    Slugs and credit codes are public, so "provision again" with another officer would otherwise
    make anyone who can call it the chairman of a union they do not run.
    """
    from tenants.users.models import User

    if created or User.objects.filter(account_id=account.pk).exists():
        return
    if User.objects.filter(groups__name=role).exists():
        raise Conflict(
            "union_exists",
            _("This union is already registered and has its officers; ask its chairman to add people."),
            field="officer_mobile",
        )


def _union_seed(
    union: Union, officer: Account, officer_role: str, *, created: bool, fresh: bool = False
) -> None:
    """What is the union's own in its schema: its site and its first officer; idempotent.

    ``fresh``: the schema was just made from a snapshot at the code's state (see
    ``_union_seed_fresh``)."""
    if fresh:
        _union_seed_fresh(union, officer, officer_role)
        return
    from wagtail.log_actions import LogContext

    from cms.services import site_root_ensure
    from tenants.users.roles import role_groups_ensure

    # Whoever is signed in on the portal is no user of this schema: log these changes as the system's.
    with LogContext():
        site_root_ensure(title=union.name, hostname=union_host(union.slug), rename=created)
        role_groups_ensure()
        local_user_for_account(account=officer, create=True, roles=(officer_role,))


def _union_seed_fresh(union: Union, officer: Account, officer_role: str) -> None:
    """``_union_seed`` for a schema just made from a snapshot at the code's state: its role
    groups and site sections are the template's already, so only the names and the officer are
    written (the full seed reads every role's permissions again: most of a provisioning's time)."""
    from wagtail.log_actions import LogContext
    from wagtail.models import Site

    from cms.models import HomePage

    with LogContext():
        home = HomePage.objects.get()
        home.title = home.draft_title = union.name
        home.save(update_fields=["title", "draft_title"])
        site = Site.objects.get(is_default_site=True)
        site.hostname, site.port, site.site_name = union_host(union.slug), 80, union.name
        site.save()
        local_user_for_account(account=officer, create=True, roles=(officer_role,))


@transaction.atomic
def union_set_status(*, union: Union, status: str, reason: str = "") -> Union:
    """Suspend, archive or reinstate a union. Its data stays; its site shows a notice."""
    if union.is_portal:
        raise ServiceError("portal_status", _("The federation portal cannot be suspended."))
    if status not in Union.Status.values:
        raise ServiceError("status_invalid", _("Unknown status."), field="status")
    union = Union.objects.select_for_update().get(pk=union.pk)
    union.status = status
    union.status_reason = reason
    union.save(update_fields=["status", "status_reason", "updated_at"])
    return union


def portal_ensure(*, name: str = "北京市总工会") -> Union:
    """The federation portal's registry row and host (the public schema); idempotent."""
    portal, _created = Union.objects.get_or_create(
        schema_name="public", defaults={"name": name, "short_name": name, "slug": "portal"}
    )
    Domain.objects.get_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": portal, "is_primary": True})
    with schema_context("public"):
        from cms.services import site_root_ensure
        from tenants.users.roles import PORTAL_ROLES, role_groups_ensure

        site_root_ensure(title=name, hostname=settings.BASE_DOMAIN)
        role_groups_ensure(roles=PORTAL_ROLES)
    return portal
