"""Set the Zalo Official Account's new refresh token after an OA admin authorized the app again.

The token is read from standard input (never an argument: it would stay in the shell's history and the
process list), stored encrypted in place of the refused one and traded at once for an access token, so the
operator learns now whether Zalo takes it. The Zalo channel's senders then resume by themselves within a
minute (``outreach.services.channel_pause_lifted``), where they stopped; no restart is needed.
"""

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from outreach.messaging import ProviderNotConfigured, RetryableSendError
from outreach.messaging.zalo_tokens import StoredZaloTokens


class Command(BaseCommand):
    help = ("Store the Zalo Official Account's new refresh token (read from standard input) and trade it for "
            "an access token; Zalo sending paused for a new authorization resumes by itself.")
    stealth_options = ("stdin",)

    def handle(self, *args, **options):
        stdin = options.get("stdin") or sys.stdin
        refresh_token = getpass.getpass("Zalo refresh token: ") if stdin.isatty() else stdin.readline()
        if not refresh_token.strip():
            raise CommandError("No refresh token was given (refresh_token_empty): nothing changed.")
        tokens = StoredZaloTokens()
        if not tokens.configured:
            raise CommandError("Zalo token refresh is not configured: set OUTREACH_ZALO_APP_ID, "
                               "OUTREACH_ZALO_APP_SECRET_KEY and OUTREACH_ZALO_ZNS_REFRESH_TOKEN first.")
        try:
            tokens.authorize(refresh_token=refresh_token)
        except RetryableSendError as exc:
            self.stdout.write(f"Stored; Zalo could not be reached now ({exc.code}): the next message trades it.")
            return
        except ProviderNotConfigured as exc:
            raise CommandError(f"Zalo refused this refresh token ({exc.code}): {exc.message}") from exc
        self.stdout.write("Zalo accepted the refresh token: sending on Zalo resumes within a minute.")
