"""Recount the dashboard's monthly rollup from the facts: after a metric starts reading a fact
name it did not read before (its earlier facts were never counted), or to repair the rollup."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name
from tqdm import tqdm

from federation.rollup import rollup_rebuild
from tenants.registry.models import Union


class Command(BaseCommand):
    help = (
        "Recount the federation dashboard's monthly and yearly rollups (FactMonth, FactYear) from the "
        "facts, union by union."
    )

    def add_arguments(self, parser):
        parser.add_argument("--union", help="Only this union (its schema name).")
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, **options):
        unions = Union.objects.exclude(schema_name=get_public_schema_name()).order_by("schema_name")
        if options["union"]:
            unions = unions.filter(schema_name=options["union"])
        rows = 0
        ids = list(unions.values_list("pk", flat=True))
        for pk in tqdm(ids, desc="unions", disable=options["no_progress"] or options["verbosity"] == 0):
            rows += rollup_rebuild(union_ids=[pk])  # one transaction per union
        self.stdout.write(f"{len(ids)} union(s), {rows} rollup row(s).")
