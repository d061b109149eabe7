"""Background work of the connectors, asked for by the task's name once the current transaction commits.

Synchronizers and services call these instead of importing ``tasks.py`` (a task calls its synchronizer, so a
synchronizer importing the task would make the two need each other). Only Celery imports ``tasks.py``.
Every function here is a one-liner over ``sme.jobs.task_enqueue``, which waits for ``on_commit``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sme.jobs import task_enqueue

from .models import AccountStatus, MarketplaceAccount

TASKS = "marketplace_connectors.tasks."


def listing_publish_enqueue(*, binding_ids: Iterable[int]) -> None:
    """Publish (or bring up to date) each listing, one task per listing."""
    for binding_id in binding_ids:
        task_enqueue(TASKS + "listing_publish_task", binding_id)


def listing_action_enqueue(*, binding_id: int, action: str) -> None:
    """Delist, pause or resume one listing on its marketplace (the owner's button; see ``ListingAction``)."""
    task_enqueue(TASKS + "listing_action_task", binding_id, action)


def listing_metadata_fetch_enqueue(*, account_id: int, product_id: int | None = None, category_id: str = "") -> None:
    """Fetch the category metadata a page found missing (it shows "loading" meanwhile)."""
    task_enqueue(TASKS + "listing_metadata_fetch_task", account_id, product_id, category_id)


def account_after_connect_enqueue(*, account_id: int) -> None:
    """Fetch a newly connected shop's metadata and link its existing listings."""
    task_enqueue(TASKS + "account_after_connect_task", account_id)


def account_refresh_token_enqueue(*, account_ids: Iterable[int]) -> None:
    for account_id in account_ids:
        task_enqueue(TASKS + "account_refresh_token_task", account_id)


def orders_import_enqueue(*, account_ids: Iterable[int]) -> None:
    for account_id in account_ids:
        task_enqueue(TASKS + "orders_import_task", account_id)


def order_import_one_enqueue(*, account_id: int, external_id: str) -> None:
    """Fetch one order a push notification told us about."""
    task_enqueue(TASKS + "order_import_one_task", account_id, external_id)


def listing_review_check_enqueue(*, binding_ids: Iterable[int]) -> None:
    for binding_id in binding_ids:
        task_enqueue(TASKS + "listing_review_check_task", binding_id)


def listings_enforce_plan_enqueue(*, business_ids: Iterable[int]) -> None:
    for business_id in business_ids:
        task_enqueue(TASKS + "listings_enforce_plan_task", business_id)


def stock_push_enqueue(*, account_ids: Iterable[int], manual: bool = False) -> None:
    for account_id in account_ids:
        task_enqueue(TASKS + "stock_push_account_task", account_id, manual)


def stock_push_business_soon(*, business_id: int, manual: bool = False) -> None:
    """Ask every active shop of the business to push its stock, after the current transaction commits
    (automatic pushes only on plans with automatic sync; see ``sync.stock.stock_push_account``)."""
    ids = list(MarketplaceAccount.objects.filter(business_id=business_id, status=AccountStatus.ACTIVE)
               .values_list("pk", flat=True))
    stock_push_enqueue(account_ids=ids, manual=manual)
