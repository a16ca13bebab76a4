from django.core.management.base import BaseCommand, CommandError

from tenants.registry.models import Union
from tenants.registry.move import UnionMoveError, union_move


class Command(BaseCommand):
    help = (
        "Move a suspended union's schema to another platform database (DATABASE_SHARDS): copy, "
        "count its rows on both sides, point the registry at it, drop the old schema."
    )

    def add_arguments(self, parser):
        parser.add_argument("union", help="The union's slug or schema name.")
        parser.add_argument("database", help="The database alias to move it to: default or a shard's.")

    def handle(self, *args, **options):
        union = (
            Union.objects.filter(slug=options["union"]).first()
            or Union.objects.filter(schema_name=options["union"]).first()
        )
        if union is None:
            raise CommandError(f"no union with slug or schema {options['union']!r}")
        try:
            moved = union_move(union=union, target=options["database"])
        except UnionMoveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{moved.union}: moved from {moved.source} to {moved.target} "
            f"({len(moved.rows)} tables, {sum(moved.rows.values())} rows). Reinstate it when ready."
        )
