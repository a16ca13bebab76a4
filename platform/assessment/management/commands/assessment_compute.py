from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessment.services import round_compute, round_open


class Command(BaseCommand):
    help = "Open (if needed) the year's assessment round and (re)compute its scorecards from the facts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int)

    def handle(self, *args, year: int, **options) -> None:
        try:
            assessment_round = round_open(year=year)
            count = round_compute(assessment_round=assessment_round)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{count} scorecards computed for {year}.")
