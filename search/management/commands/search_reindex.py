"""Rebuild the search indices from every registered source, with no downtime."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.indexing import SearchEngineError
from search.reindex import reindex_schemas, search_reindex


class Command(BaseCommand):
    help = (
        "Rebuild the search indices: fill new indices from every source in the public schema and "
        "every active union, then swap the aliases at once and delete the old indices. Search "
        "keeps answering from the old indices until the swap."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-input", "--noinput", action="store_true", help="Never prompt.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        parser.add_argument(
            "--union", action="append", default=[], metavar="SCHEMA",
            help="Only these schemas (repeatable); their documents replace everything else's. For tests and recovery.",
        )  # fmt: skip

    def handle(self, *args, **options):
        schemas = options["union"] or reindex_schemas()
        if not options["no_input"] and options["union"]:
            answer = input(
                f"Rebuild the indices from {len(schemas)} schema(s) only, dropping every other union's documents? [y/N] "
            )
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Cancelled.")
        bar = tqdm(
            total=len(schemas), desc="schemas", disable=options["no_progress"] or options["verbosity"] == 0
        )
        try:
            result = search_reindex(schemas=schemas, progress=lambda _schema: bar.update(1))
        except SearchEngineError as exc:
            raise CommandError(f"The search engine failed: {exc}") from exc
        finally:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {result.documents.get('public', 0)} public and {result.documents.get('staff', 0)} staff "
                f"document(s) from {result.schemas} schema(s)."
            )
        )
