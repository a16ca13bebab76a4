"""Migrate the unions that are behind the code, in parallel batches, and report."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tenants.registry.migrate import unions_migrate
from tenants.registry.spares import spare_schemas_fill


class Command(BaseCommand):
    help = (
        "Migrate every union whose recorded migration state is not the code's (a current union is "
        "skipped without being introspected); each union in its own transaction. Run it again to "
        "resume after a failure. Exits non-zero if any union failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=None, help="Parallel processes (default 2).")
        parser.add_argument("--batch-size", type=int, default=10, help="Unions per batch.")
        parser.add_argument("--schema", action="append", dest="schemas", help="Only this union schema.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        parser.add_argument("--no-spares", action="store_true", help="Do not refill the spare schemas.")
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )

    def handle(self, *args, **options):
        bar = tqdm(
            total=0, desc="unions", unit="union", disable=options["no_progress"] or options["verbosity"] == 0
        )

        def start(total: int) -> None:
            bar.reset(total=total)

        def progress(done: int) -> None:
            bar.update(done)

        report = unions_migrate(
            processes=options["processes"],
            batch_size=options["batch_size"],
            schemas=options["schemas"],
            progress=progress,
            start=start,
        )
        bar.close()
        for schema, error in sorted(report.failed.items()):
            self.stderr.write(f"{schema}: FAILED {error}")
        if options["verbosity"] >= 2:
            for schema in report.migrated:
                self.stdout.write(f"{schema}: migrated")
        summary = f"{len(report.migrated)} migrated, {report.skipped} skipped (current), {len(report.failed)} failed."
        if not options["no_spares"]:
            spare_schemas_fill()
        if report.failed:
            raise CommandError(summary + " Fix the error and run migrate_unions again to resume.")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(summary))
