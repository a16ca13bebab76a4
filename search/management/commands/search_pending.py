"""Show the search indexing kept while the engine was down, and apply it now."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Count, Max, Min

from search.models import PendingIndexOp
from search.pending import pending_sweep


class Command(BaseCommand):
    help = (
        "Show the search indexing waiting for the engine (kept after an outage), per schema and "
        "operation. With --apply, apply it now if the engine answers (the periodic sweep does "
        "the same every five minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Apply the pending indexing now.")

    def handle(self, *args, **options):
        if options["apply"]:
            self._apply()
        rows = (
            PendingIndexOp.objects.values("schema_name", "operation")
            .annotate(n=Count("pk"), oldest=Min("recorded_at"), attempts=Max("attempts"))
            .order_by("schema_name", "operation")
        )
        total = 0
        for row in rows:
            total += row["n"]
            self.stdout.write(
                f"{row['schema_name']}\t{row['operation']}\t{row['n']}\t"
                f"oldest {row['oldest']:%Y-%m-%d %H:%M:%S}\tattempts up to {row['attempts']}"
            )
        self.stdout.write(f"{total} pending.")

    def _apply(self) -> None:
        applied = dropped = 0
        while True:
            result = pending_sweep()
            applied += result.applied
            dropped += result.dropped
            if result.locked:
                self.stderr.write("Another sweep is running; try again later.")
                break
            if result.engine_up is False:
                self.stderr.write("The search engine does not answer; nothing more applied.")
                break
            if result.engine_up is None or not (result.applied or result.dropped):
                break  # nothing pending, or only rows that keep failing
        self.stdout.write(self.style.SUCCESS(f"Applied {applied}, dropped {dropped}."))
