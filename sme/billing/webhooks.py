"""The Stripe webhook: verify the signature first, store the event id (unique), then dispatch by type.

``webhook_receive`` returns the HTTP status to answer: 401 for a bad, missing or stale signature and 400 for
a body that is not a Stripe event (nothing stored or changed either way), 200 for a handled, ignored or
already-seen event, 503 when Stripe could not be reached while handling (nothing stored, so Stripe delivers
again). Stripe retries any answer that is not 2xx, whatever its code.
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
    return (customer.get("id") or "") if isinstance(customer, dict) else customer


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


def _is_event(event) -> bool:
    """What every Stripe event has, in the types the handlers read (signed garbage stays out)."""
    data = event.get("data") if isinstance(event, dict) else None
    return (isinstance(event, dict) and isinstance(event.get("id"), str) and 0 < len(event["id"]) <= 255
            and isinstance(event.get("type"), str) and len(event["type"]) <= 100
            and isinstance(event.get("created"), int) and not isinstance(event.get("created"), bool)
            and 0 <= event["created"] < 2**33
            and (data is None or (isinstance(data, dict) and isinstance(data.get("object") or {}, dict)))
            and "\x00" not in event["id"] + event["type"])


def _text_ok(value, *, limit: int = 255) -> bool:
    return isinstance(value, str) and len(value) <= limit and "\x00" not in value


def _reference_ok(value) -> bool:
    """A Stripe reference as the handlers read it: absent, an id, or an expanded object with its id."""
    if value is None or value == "":
        return True
    if isinstance(value, dict):
        return _text_ok(value.get("id") or "")
    return _text_ok(value)


def _object_ok(obj: dict) -> bool:
    """The fields of a handled event's object that the handlers read, in the types they read them."""
    metadata = obj.get("metadata") or {}
    parent = obj.get("parent") or {}
    details = parent.get("subscription_details") if isinstance(parent, dict) else None
    business_id = metadata.get("business_id") if isinstance(metadata, dict) else None
    return (_text_ok(obj.get("id")) and bool(obj["id"]) and isinstance(metadata, dict)
            and (business_id is None or _text_ok(business_id))
            and all(_reference_ok(obj.get(key)) for key in ("customer", "subscription", "client_reference_id"))
            and isinstance(parent, dict) and (details is None or (isinstance(details, dict)
                                                                 and _reference_ok(details.get("subscription")))))


def webhook_receive(*, payload: bytes, signature: str) -> int:
    """Verify, record and handle one delivery; returns the HTTP status code to answer with."""
    try:
        event = construct_event(payload=payload, signature=signature).to_dict()
    except stripe.SignatureVerificationError as exc:
        logger.warning("billing: rejected webhook: %s", type(exc).__name__)
        return 401
    except ValueError as exc:  # not UTF-8, not JSON
        logger.warning("billing: rejected webhook: %s", type(exc).__name__)
        return 400
    if not _is_event(event):
        logger.warning("billing: rejected webhook: signed, but not an event")
        return 400
    obj = (event.get("data") or {}).get("object") or {}
    handler = HANDLERS.get(event["type"])
    if handler is not None and not _object_ok(obj):
        logger.warning("billing: rejected webhook: a %s event whose object we cannot read", event["type"])
        return 400
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
