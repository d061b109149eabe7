"""Celery tasks: thin, take ids, call the synchronizers.

Only RetryableError is retried, with exponential backoff and full jitter; the last try marks the listing
failed instead of raising. (Tests run tasks eagerly; there a retry runs again at once instead of raising
Celery's Retry, see ``_retry``.)
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import order_sync, services, sync
from .errors import AuthError, RetryableError
from .models import AccountStatus, MarketplaceAccount

logger = logging.getLogger(__name__)
MAX_RETRIES = 8
BACKOFF_BASE = 2.0
BACKOFF_MAX = 300.0


def backoff_seconds(retries: int) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(max, base * 2**retries)]."""
    return random.uniform(0, min(BACKOFF_MAX, BACKOFF_BASE * 2**retries))  # noqa: S311 - not security


def _retry(task, exc: RetryableError, *, max_retries: int = MAX_RETRIES):
    return task.retry(exc=exc, countdown=backoff_seconds(task.request.retries), max_retries=max_retries,
                      throw=not task.request.is_eager)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def listing_publish_task(self, binding_id: int) -> str:
    """Publish or update one listing (idempotent: a duplicate delivery finds the listing claimed or live)."""
    try:
        return sync.listing_publish(binding_id=binding_id, final_attempt=self.request.retries >= MAX_RETRIES)
    except RetryableError as exc:
        return _retry(self, exc)


@shared_task(bind=True, acks_late=True, max_retries=5)
def account_after_connect_task(self, account_id: int) -> dict:
    """After connecting: fetch shipping channels and the category tree, link existing listings by SKU."""
    account = MarketplaceAccount.objects.get(pk=account_id)
    if account.status != AccountStatus.ACTIVE:
        return {}
    try:
        services.shipping_channels_refresh(account=account)
        services.category_tree(account=account, refresh=True)
        return sync.account_link_existing(account=account)
    except AuthError:
        services.account_mark_needs_reauth(account_id=account_id)
        return {}
    except RetryableError as exc:
        return _retry(self, exc, max_retries=5)


@shared_task(bind=True, acks_late=True, max_retries=3)
def account_refresh_token_task(self, account_id: int) -> None:
    """Refresh one shop's tokens if they are due (under the per-shop lock)."""
    try:
        services.account_refresh_tokens(account_id=account_id)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=3)


@shared_task
def accounts_refresh_due_tokens_task() -> int:
    """Scheduled: enqueue a refresh for every active shop whose access token expires within the margin."""
    due = timezone.now() + timedelta(seconds=settings.MARKETPLACE_TOKEN_REFRESH_MARGIN)
    ids = list(MarketplaceAccount.objects.filter(status=AccountStatus.ACTIVE, access_expires_at__lte=due)
               .values_list("pk", flat=True))
    for account_id in ids:
        transaction.on_commit(lambda a=account_id: account_refresh_token_task.delay(a))
    return len(ids)


@shared_task
def listings_requeue_stale_task() -> int:
    """Scheduled: recover listings whose worker died mid-publish or whose message was lost."""
    with transaction.atomic():
        return sync.listings_requeue_stale()


# --- orders and stock --------------------------------------------------------------------------
@shared_task(bind=True, acks_late=True, max_retries=5)
def orders_import_task(self, account_id: int) -> dict:
    """Import one shop's orders changed since its watermark."""
    try:
        return order_sync.orders_import(account_id=account_id)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=5)


@shared_task(bind=True, acks_late=True, max_retries=5)
def order_import_one_task(self, account_id: int, external_id: str) -> int | None:
    """Fetch one order a push notification told us about, and apply it."""
    try:
        order = order_sync.order_import_one(account_id=account_id, external_id=external_id)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=5)
    return order.pk if order else None


@shared_task
def orders_import_due_task() -> int:
    """Scheduled: import orders for every active shop whose marketplace has an order API."""
    ids = order_sync.accounts_with_orders()
    for account_id in ids:
        transaction.on_commit(lambda a=account_id: orders_import_task.delay(a))
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def stock_push_account_task(self, account_id: int, manual: bool = False) -> dict:
    """Bring one shop's stock in step with the catalog (only the differences)."""
    try:
        return order_sync.stock_push_account(account_id=account_id, manual=manual)
    except RetryableError as exc:
        return _retry(self, exc)


@shared_task
def stock_push_due_task() -> int:
    """Scheduled: push stock for every shop where a marketplace shows other stock than the catalog (a
    change made by an edit or an import, or a push that failed)."""
    ids = order_sync.accounts_out_of_step()
    for account_id in ids:
        transaction.on_commit(lambda a=account_id: stock_push_account_task.delay(a))
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=5)
def listing_review_check_task(self, binding_id: int) -> str:
    """Ask the marketplace whether a listing under review was approved or rejected."""
    try:
        return sync.listing_review_check(binding_id=binding_id)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=5)


@shared_task
def listings_review_poll_task() -> int:
    """Scheduled: check listings still waiting for a marketplace's audit (pushes may be lost)."""
    ids = sync.listings_under_review()
    for binding_id in ids:
        transaction.on_commit(lambda b=binding_id: listing_review_check_task.delay(b))
    return len(ids)


@shared_task
def listings_enforce_plans_task() -> int:
    """Scheduled: pause listings a lapsed plan no longer covers, resume them once it does (one task per
    business)."""
    ids = sync.businesses_with_listings()
    for business_id in ids:
        transaction.on_commit(lambda b=business_id: listings_enforce_plan_task.delay(b))
    return len(ids)


@shared_task(acks_late=True)
def listings_enforce_plan_task(business_id: int) -> dict:
    return sync.listings_enforce_plan(business_id=business_id)
