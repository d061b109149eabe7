from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load demo data (idempotent): runs every seeder in settings.DEMO_SEEDERS and prints the logins."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("seed_demo refuses to run with these settings (production): it creates users with "
                               "published passwords and two-factor secrets.")
        logins = []
        for dotted in settings.DEMO_SEEDERS:
            seeder = import_string(dotted)
            with transaction.atomic():
                logins.extend(seeder() or [])
            self.stdout.write(f"  seeded: {dotted}")
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        for login in logins:
            line = f"  {login.role:<18} {login.email:<34} password: {login.password}"
            if login.note:
                line += f"   ({login.note})"
            self.stdout.write(line)
