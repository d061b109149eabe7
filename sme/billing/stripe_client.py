"""The only module that talks to Stripe: a ``stripe.StripeClient`` configured from settings.

Stripe is "configured" when STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET are all
set. Calls use explicit connect/read timeouts and the library's own retries (which send idempotency keys).
STRIPE_API_BASE, when set, sends every call to another server (the tests' local fake Stripe).
"""

import json
from functools import lru_cache

import stripe
from django.conf import settings

# Keep telemetry off: it would send host details (platform.platform()) in every request header.
stripe.enable_telemetry = False

REQUIRED_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")


class StripeNotConfigured(RuntimeError):
    """Raised when a Stripe call is attempted while payments are not set up."""


def stripe_configured() -> bool:
    """True when all three Stripe keys are set (payments on)."""
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS)


def stripe_missing_settings() -> list[str]:
    return [name for name in REQUIRED_SETTINGS if not getattr(settings, name, "")]


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str, timeouts: tuple[float, float], retries: int) -> stripe.StripeClient:
    kwargs = {}
    if api_base:
        kwargs["base_addresses"] = {"api": api_base}
    return stripe.StripeClient(
        api_key,
        http_client=stripe.RequestsClient(timeout=timeouts),
        max_network_retries=retries,
        **kwargs,
    )


def get_client() -> stripe.StripeClient:
    """The configured client; raises StripeNotConfigured when payments are not set up."""
    if not stripe_configured():
        raise StripeNotConfigured("Stripe keys are not configured")
    return _client(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        tuple(settings.STRIPE_HTTP_TIMEOUTS),
        settings.STRIPE_MAX_NETWORK_RETRIES,
    )


def construct_event(*, payload: bytes, signature: str) -> stripe.Event:
    """Verify ``signature`` (the Stripe-Signature header) against the endpoint secret and parse the event.

    Raises ``stripe.SignatureVerificationError`` (bad, missing or stale signature; default 300 s tolerance)
    or ``ValueError`` (not UTF-8, not a JSON object). Works only when Stripe is configured (the secret is
    required). The signature is checked first; the library itself fails on a signed body that is JSON but not
    an object, so that is refused here.
    """
    if not stripe_configured():
        raise StripeNotConfigured("Stripe keys are not configured")
    text = payload.decode("utf-8")
    stripe.WebhookSignature.verify_header(text, signature, settings.STRIPE_WEBHOOK_SECRET,
                                          stripe.Webhook.DEFAULT_TOLERANCE)
    if not isinstance(json.loads(text), dict):
        raise ValueError("a Stripe event is a JSON object")
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
