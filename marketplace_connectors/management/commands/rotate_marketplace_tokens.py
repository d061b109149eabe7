"""Re-encrypt every stored marketplace token with the newest key in MARKETPLACE_TOKEN_KEYS."""

from django.core.management.base import BaseCommand
from django.db import transaction

from marketplace_connectors.services import account_tokens_rotate


class Command(BaseCommand):
    help = "Re-encrypt stored marketplace tokens with the first key of MARKETPLACE_TOKEN_KEYS."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = account_tokens_rotate()
        self.stdout.write(f"Re-encrypted the tokens of {count} shop(s).")
