"""Store daily snapshots for a range of days from listing, order and declaration history."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from adoption.indicator import snapshot_range


class Command(BaseCommand):
    help = "Recompute and store the indicator for every day from --from to --to (inclusive). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        try:
            start = datetime.date.fromisoformat(options["start"])
            end = datetime.date.fromisoformat(options["end"]) if options["end"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("dates must be YYYY-MM-DD") from exc
        if end < start:
            raise CommandError("--to is before --from")
        days = snapshot_range(start=start, end=end)
        self.stdout.write(f"stored {days} day(s) from {start} to {end}")
