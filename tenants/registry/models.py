"""The tenant registry: every workplace union (基层工会) and the hosts it answers at."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tenants.models import DomainMixin, TenantMixin

from .validators import validate_credit_code, validate_union_slug


def new_invite_code() -> str:
    """An eight-character code a union hands to its workers to join (no ambiguous characters)."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Union(TenantMixin):
    """A workplace union: one tenant, one PostgreSQL schema holding its Workers' Home.

    The public schema is registered as a row too (``schema_name == "public"``): the federation
    portal. Rows are created through ``registry.services.union_provision`` only.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ARCHIVED = "archived", _("Archived")

    class Industry(models.TextChoices):
        MANUFACTURING = "manufacturing", _("Manufacturing")
        IT = "it", _("Information technology")
        CONSTRUCTION = "construction", _("Construction")
        RETAIL = "retail", _("Wholesale and retail")
        LOGISTICS = "logistics", _("Transport and logistics")
        HOSPITALITY = "hospitality", _("Hotels and catering")
        FINANCE = "finance", _("Finance")
        HEALTH = "health", _("Health care")
        EDUCATION = "education", _("Education")
        PUBLIC = "public", _("Public administration")
        SERVICES = "services", _("Other services")

    class Registration(models.TextChoices):
        INVITE_OR_REQUEST = "invite_or_request", _("Invite code, or a request an officer approves")
        OPEN = "open", _("Open: any worker may register")

    auto_create_schema = False  # union_provision creates the schema inside its own transaction

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    slug = models.SlugField(
        pgettext_lazy("web address", "address"), max_length=40, unique=True, validators=[validate_union_slug]
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    district = models.ForeignKey(
        "federation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="unions"
    )
    street = models.ForeignKey(
        "federation.Street", null=True, blank=True, on_delete=models.PROTECT, related_name="unions"
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("reason for status"), max_length=200, blank=True)
    registration = models.CharField(
        _("worker registration"),
        max_length=20,
        choices=Registration.choices,
        default=Registration.INVITE_OR_REQUEST,
    )
    invite_code = models.CharField(_("invite code"), max_length=12, default=new_invite_code)
    # The alias of the database holding the union's schema: ``default`` (the directory) or a
    # shard from ``DATABASE_SHARDS`` (workershome/shards.py). Set when the union is provisioned.
    database = models.CharField(_("database"), max_length=40, default="default", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("union")
        verbose_name_plural = _("unions")
        indexes = [models.Index(fields=["district", "street"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_portal(self) -> bool:
        return self.schema_name == "public"

    @property
    def primary_host(self) -> str:
        domain = self.get_primary_domain()
        return domain.domain if domain else ""


class Domain(DomainMixin):
    """A host a union answers at: ``<slug>.<BASE_DOMAIN>`` and any custom domains it registers."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class TemplateSnapshot(models.Model):
    """The template schema as a replayable SQL script, for one migration state (see snapshot.py)."""

    fingerprint = models.CharField(max_length=64, unique=True)
    # The code's migration-state fingerprint (``state.code_fingerprint``) the template was migrated
    # and seeded to when this script was dumped; empty when it was dumped without migrating the
    # template first (a union made from it is then migrated by the next ``migrate_unions``).
    state = models.CharField(max_length=64, blank=True)
    sql = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("template snapshot")

    def __str__(self) -> str:
        return self.fingerprint[:12]


class SchemaState(models.Model):
    """Which migration state a union's schema is at, recorded when it is made or migrated.

    ``migrate_unions`` compares ``fingerprint`` with the code's and migrates only the unions
    behind, so a deploy with nothing to apply never introspects a union's schema (Django's table
    introspection reads the whole catalog, which grows with every union). A failed attempt keeps
    the old fingerprint and records the error; the next run retries it.
    """

    union = models.OneToOneField(
        Union, primary_key=True, on_delete=models.CASCADE, related_name="schema_state"
    )
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    migrated_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("schema state")

    def __str__(self) -> str:
        return f"{self.union_id}: {self.fingerprint[:12]}"


class SpareSchema(models.Model):
    """A schema made ahead of time from the template snapshot, waiting to become a union's.

    Creating a schema costs one fsync per index on PostgreSQL 15 (about 700 of them), so
    provisioning renames a spare instead (one catalog row) and the pool is refilled after commit.
    A spare is only used while ``snapshot`` is the current snapshot's fingerprint.
    """

    schema_name = models.CharField(max_length=63, primary_key=True)
    snapshot = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spare schema")

    def __str__(self) -> str:
        return self.schema_name
