"""Print the indicator exactly as the dashboard shows it: the same stored snapshot, or, for a day not stored
yet, the day computed now (this is not a web request; nothing is stored)."""

import datetime
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from adoption.indicator import CLI_DIMENSIONS
from adoption.report import report_build, report_csv


class Command(BaseCommand):
    help = "Print the share of SMEs trading online for a day, optionally broken down by one dimension."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today, Asia/Ho_Chi_Minh)")
        parser.add_argument("--by", choices=[*sorted(CLI_DIMENSIONS), "all"],
                            help="breakdown dimension, or all of them")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE, help="language of the labels (numbers are the same)")

    def handle(self, *args, **options):
        try:
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        translation.activate(options["language"])
        by = "all" if options["by"] == "all" else CLI_DIMENSIONS[options["by"]] if options["by"] else None
        report = report_build(day=day, by=by)
        if options["format"] == "csv":
            self.stdout.write(report_csv(report), ending="")
        else:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
