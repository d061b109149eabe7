import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_TOTP_SECRET, demo_user_emails


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo officer or editor (demo accounts only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("demo_totp refuses to run with these settings (production).")
        if email.lower() not in demo_user_emails():
            raise CommandError("Only the demo accounts created by seed_demo have a published secret.")
        counter = int(time.time()) // mfa_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
