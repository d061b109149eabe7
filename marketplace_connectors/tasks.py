"""Celery tasks: thin, take ids, call the synchronizers. Nothing imports this module but Celery (its
autodiscovery): the synchronizers ask for a task by name through ``marketplace_connectors.jobs``.

Only RetryableError is retried, with exponential backoff and full jitter; the last try marks the listing
failed instead of raising. (Tests run tasks eagerly; there a retry runs again at once instead of raising
Celery's Retry, see ``_retry``.)
"""

from __future__ import annotations

import logging
import random

from celery import shared_task

from . import jobs, selectors
from .errors import AuthError, PermanentError, RetryableError
from .sync import listings, orders, plan, stock
from .sync.accounts import account_after_connect
from .sync.session import account_refresh_tokens

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
        return listings.listing_publish(binding_id=binding_id, final_attempt=self.request.retries >= MAX_RETRIES)
    except RetryableError as exc:
        return _retry(self, exc)


@shared_task(bind=True, acks_late=True, max_retries=5)
def listing_action_task(self, binding_id: int, action: str) -> str:
    """The owner's delist, pause or resume of one listing (idempotent: skipped once no longer under way)."""
    try:
        return listings.listing_action_run(binding_id=binding_id, action=action, final_attempt=self.request.retries >= 5)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=5)


@shared_task(bind=True, acks_late=True, max_retries=5)
def listing_metadata_fetch_task(self, account_id: int, product_id: int | None = None, category_id: str = "") -> None:
    """Fetch the category metadata a page is waiting for (the publish step, the category page, the checklist)."""
    try:
        listings.listing_metadata_fetch(account_id=account_id, product_id=product_id, category_id=category_id)
    except RetryableError as exc:
        if self.request.retries >= 5:
            listings.listing_metadata_failed(account_id=account_id)
            return None
        return _retry(self, exc, max_retries=5)
    except (AuthError, PermanentError) as exc:  # reconnect the shop / the marketplace refused: the page says so
        logger.warning("metadata for account %s not fetched: %s", account_id, exc.code or exc)
        listings.listing_metadata_failed(account_id=account_id)
    return None


@shared_task(bind=True, acks_late=True, max_retries=5)
def account_after_connect_task(self, account_id: int) -> dict:
    """After connecting: fetch shipping channels and the category tree, link existing listings by SKU."""
    try:
        return account_after_connect(account_id=account_id)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=5)


@shared_task(bind=True, acks_late=True, max_retries=3)
def account_refresh_token_task(self, account_id: int) -> None:
    """Refresh one shop's tokens if they are due (under the per-shop lock)."""
    try:
        account_refresh_tokens(account_id=account_id)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=3)


@shared_task
def accounts_refresh_due_tokens_task() -> int:
    """Scheduled: enqueue a refresh for every active shop whose access token expires within the margin."""
    ids = selectors.accounts_with_tokens_due()
    jobs.account_refresh_token_enqueue(account_ids=ids)
    return len(ids)


@shared_task
def listings_requeue_stale_task() -> int:
    """Scheduled: recover listings whose worker died mid-publish or whose message was lost."""
    return listings.listings_requeue_stale()


# --- orders and stock --------------------------------------------------------------------------
@shared_task(bind=True, acks_late=True, max_retries=5)
def orders_import_task(self, account_id: int) -> dict:
    """Import one shop's orders changed since its watermark."""
    try:
        return orders.orders_import(account_id=account_id)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=5)


@shared_task(bind=True, acks_late=True, max_retries=5)
def order_import_one_task(self, account_id: int, external_id: str) -> int | None:
    """Fetch one order a push notification told us about, and apply it."""
    try:
        order = orders.order_import_one(account_id=account_id, external_id=external_id)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=5)
    return order.pk if order else None


@shared_task
def orders_import_due_task() -> int:
    """Scheduled: import orders for every active shop whose marketplace has an order API."""
    ids = selectors.accounts_with_orders()
    jobs.orders_import_enqueue(account_ids=ids)
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def stock_push_account_task(self, account_id: int, manual: bool = False) -> dict:
    """Bring one shop's stock in step with the catalog (only the differences)."""
    try:
        return stock.stock_push_account(account_id=account_id, manual=manual)
    except RetryableError as exc:
        return _retry(self, exc)


@shared_task
def stock_push_due_task() -> int:
    """Scheduled: push stock for every shop where a marketplace shows other stock than the catalog (a
    change made by an edit or an import, or a push that failed)."""
    ids = selectors.accounts_out_of_step()
    jobs.stock_push_enqueue(account_ids=ids)
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=5)
def listing_review_check_task(self, binding_id: int) -> str:
    """Ask the marketplace whether a listing under review was approved or rejected."""
    try:
        return listings.listing_review_check(binding_id=binding_id)
    except RetryableError as exc:
        return _retry(self, exc, max_retries=5)


@shared_task
def listings_review_poll_task() -> int:
    """Scheduled: check listings still waiting for a marketplace's audit (pushes may be lost)."""
    ids = selectors.listings_under_review()
    jobs.listing_review_check_enqueue(binding_ids=ids)
    return len(ids)


@shared_task
def listings_enforce_plans_task() -> int:
    """Scheduled: pause listings a lapsed plan no longer covers, resume them once it does (one task per
    business)."""
    ids = selectors.businesses_with_listings()
    jobs.listings_enforce_plan_enqueue(business_ids=ids)
    return len(ids)


@shared_task(acks_late=True)
def listings_enforce_plan_task(business_id: int) -> dict:
    return plan.listings_enforce_plan(business_id=business_id)
