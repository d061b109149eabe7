"""Push the plans to Stripe as Products and Prices (VND) and keep their ids locally. Idempotent."""

import stripe
from django.core.management.base import BaseCommand, CommandError

from sme.billing.errors import PaymentsNotSetUp
from sme.billing.services import plans_sync_to_stripe


class Command(BaseCommand):
    help = "Create or update each paid plan in Stripe (Product + monthly and yearly Price in VND)."

    def handle(self, *args, **options):
        try:
            report = plans_sync_to_stripe()
        except PaymentsNotSetUp as exc:
            raise CommandError("Stripe keys are not configured (STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, "
                               "STRIPE_WEBHOOK_SECRET); nothing to sync.") from exc
        except stripe.StripeError as exc:
            raise CommandError(f"Stripe refused: {exc.user_message or type(exc).__name__}") from exc
        for line in report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Plans are in step with Stripe." if report else "Nothing to change."))
