"""Billing tasks: thin wrappers around services."""

from celery import shared_task

from .models import BusinessSubscription
from .services import grace_expired_notify, payment_failed_email_send


@shared_task(acks_late=True)
def billing_payment_failed_email_task(subscription_id: int) -> int:
    record = BusinessSubscription.objects.select_related("business", "plan").filter(pk=subscription_id).first()
    if record is None:
        return 0
    return payment_failed_email_send(record=record)


@shared_task(acks_late=True)
def billing_grace_expired_task() -> int:
    """Hourly: tell owners whose grace period ended that Free limits now apply."""
    return grace_expired_notify()
