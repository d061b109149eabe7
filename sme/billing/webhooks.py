"""The Stripe webhook: verify the signature first, store the event id (unique), then dispatch by type.

``webhook_receive`` returns the HTTP status to answer: 400 for a bad or missing signature (nothing stored
or changed), 200 for a handled, ignored or already-seen event, 503 when Stripe could not be reached while
handling (nothing stored, so Stripe delivers again).
"""

import datetime
import logging
from collections.abc import Callable

import stripe
from django.db import IntegrityError, transaction

from .models import WebhookEvent, WebhookOutcome
from .services import checkout_session_mark_complete, subscription_record_for_customer, subscription_refresh
from .stripe_client import construct_event

logger = logging.getLogger(__name__)


def _customer_id(obj: dict) -> str:
    customer = obj.get("customer") or ""
    return customer["id"] if isinstance(customer, dict) else customer


def _id(value) -> str:
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def handle_checkout_session_completed(obj: dict) -> None:
    """The owner paid at Checkout: remember the customer, mark our session complete, read the subscription."""
    metadata = obj.get("metadata") or {}
    checkout = checkout_session_mark_complete(stripe_session_id=obj["id"])
    business_id = str(checkout.business_id) if checkout else (metadata.get("business_id")
                                                              or obj.get("client_reference_id"))
    record = subscription_record_for_customer(customer_id=_customer_id(obj), business_id=business_id)
    if record is None:
        logger.warning("billing: checkout %s for an unknown business", obj["id"])
        return
    subscription_id = _id(obj.get("subscription"))
    if subscription_id:
        subscription_refresh(record=record, stripe_subscription_id=subscription_id)


def handle_subscription_event(obj: dict) -> None:
    """customer.subscription.created/updated/deleted: store the subscription's CURRENT state from Stripe."""
    record = subscription_record_for_customer(
        customer_id=_customer_id(obj), business_id=(obj.get("metadata") or {}).get("business_id"))
    if record is None:
        logger.warning("billing: subscription %s for an unknown customer", obj["id"])
        return
    subscription_refresh(record=record, stripe_subscription_id=obj["id"])


def _invoice_subscription_id(invoice: dict) -> str:
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return _id(details.get("subscription")) or _id(invoice.get("subscription"))


def handle_invoice_event(obj: dict) -> None:
    """invoice.paid / invoice.payment_failed: the subscription's status says whether the grace period
    starts (past due) or ends (active); read it from Stripe rather than trust the event's order."""
    subscription_id = _invoice_subscription_id(obj)
    if not subscription_id:
        logger.info("billing: invoice %s is not for a subscription", obj.get("id"))
        return
    record = subscription_record_for_customer(customer_id=_customer_id(obj))
    if record is None:
        logger.warning("billing: invoice %s for an unknown customer", obj.get("id"))
        return
    subscription_refresh(record=record, stripe_subscription_id=subscription_id)


HANDLERS: dict[str, Callable[[dict], None]] = {
    "checkout.session.completed": handle_checkout_session_completed,
    "customer.subscription.created": handle_subscription_event,
    "customer.subscription.updated": handle_subscription_event,
    "customer.subscription.deleted": handle_subscription_event,
    "invoice.paid": handle_invoice_event,
    "invoice.payment_failed": handle_invoice_event,
}


def webhook_receive(*, payload: bytes, signature: str) -> int:
    """Verify, record and handle one delivery; returns the HTTP status code to answer with."""
    try:
        event = construct_event(payload=payload, signature=signature).to_dict()
    except (stripe.SignatureVerificationError, ValueError) as exc:
        logger.warning("billing: rejected webhook: %s", type(exc).__name__)
        return 400
    obj = (event.get("data") or {}).get("object") or {}
    handler = HANDLERS.get(event["type"])
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    WebhookEvent.objects.create(
                        stripe_event_id=event["id"], type=event["type"], object_id=str(obj.get("id", ""))[:255],
                        stripe_created=datetime.datetime.fromtimestamp(event["created"], tz=datetime.UTC),
                        livemode=bool(event.get("livemode")),
                        outcome=WebhookOutcome.PROCESSED if handler else WebhookOutcome.IGNORED,
                    )
            except IntegrityError:
                logger.info("billing: event %s already received", event["id"])
                return 200
            if handler is None:
                logger.info("billing: event %s of type %s not handled", event["id"], event["type"])
                return 200
            handler(obj)
    except stripe.StripeError as exc:
        logger.warning("billing: Stripe unavailable while handling %s: %s", event["id"], type(exc).__name__)
        return 503
    return 200
