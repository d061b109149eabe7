"""System checks: Stripe half-configured is an error (payments would fail at the first webhook)."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from .stripe_client import REQUIRED_SETTINGS, stripe_missing_settings


@register()
def stripe_settings_check(app_configs, **kwargs):
    missing = stripe_missing_settings()
    problems = []
    if missing and len(missing) < len(REQUIRED_SETTINGS):
        problems.append(Error(
            f"Stripe is half-configured: {', '.join(missing)} not set.",
            hint="Set all of STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET, or none.",
            id="billing.E001",
        ))
    if settings.DEFAULT_PLAN not in ("free", "growth", "pro"):
        problems.append(Warning(
            f"DEFAULT_PLAN={settings.DEFAULT_PLAN!r} is not a built-in plan code; it must match a Plan row "
            "or businesses fall back to the Free plan.", id="billing.W001"))
    return problems
