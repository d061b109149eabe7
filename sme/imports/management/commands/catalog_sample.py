from django.core.management.base import BaseCommand

from sme.imports.sample import sample_write


class Command(BaseCommand):
    help = "Rebuild sme/imports/samples/catalog-sample.xlsx (the sample import sheet)."

    def handle(self, *args, **options):
        path = sample_write()
        self.stdout.write(f"Wrote {path}")
