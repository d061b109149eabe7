"""The synchronizers (the Odoo OCA connector's sense): each keeps one concern of a connected shop in step
with our catalog, through a ``ShopSession`` that owns the connector, the shop's credentials and token
refresh.

- ``session``: ``ShopSession`` (every remote call, one token refresh and one retry), token refresh,
  marking a shop for reconnecting.
- ``metadata``: the shop's category tree, attributes, rules and shipping channels, cached per shop.
- ``accounts``: after connecting, existing listings linked by SKU.
- ``listings``: publish runs, one listing's publish, delist, pause, audits, the stalled-run watchdog.
- ``orders``: order import and push notifications; an order moves the catalog's stock once.
- ``stock``: the catalog's stock pushed to every shop (only the differences).
- ``plan``: listings paused and resumed as the business's plan covers them.
- ``owner_text``: what owners read about all this, in their language.

The modules import one way (session <- metadata <- listings <- accounts, plan; session <- orders, stock)
and never ``tasks``: background work is asked for by name through ``marketplace_connectors.jobs``.

Entry points are re-exported here, so ``from marketplace_connectors import sync`` reads as before; code of
this package imports the module it needs instead (a module importing this package would import every
synchronizer, itself included).
"""

from .accounts import account_after_connect, account_link_existing
from .listings import (
    draft_for,
    listing_claim,
    listing_delist,
    listing_link,
    listing_match_choose,
    listing_pause,
    listing_publish,
    listing_relist_prepare,
    listing_review_check,
    listing_validate,
    listings_requeue_stale,
    sync_run_start,
    sync_runs_fail_stalled,
    variant_bindings_store,
)
from .orders import order_apply, order_import_one, orders_import, push_events_accept
from .owner_text import (
    error_for_owner,
    listing_status_record,
    marketplace_name,
    owner_language,
    problems_text,
)
from .plan import listings_enforce_plan
from .session import ShopSession, account_credentials, account_mark_needs_reauth, account_refresh_tokens
from .stock import automatic_sync_allowed, listings_mark_gone, stock_push_account

__all__ = [
    "ShopSession", "account_after_connect", "account_credentials", "account_link_existing",
    "account_mark_needs_reauth", "account_refresh_tokens", "automatic_sync_allowed", "draft_for",
    "error_for_owner", "listing_claim", "listing_delist", "listing_link", "listing_match_choose", "listing_pause",
    "listing_publish", "listing_relist_prepare", "listing_review_check", "listing_status_record",
    "listing_validate", "listings_enforce_plan", "listings_mark_gone", "listings_requeue_stale",
    "marketplace_name", "order_apply", "order_import_one", "orders_import", "owner_language", "problems_text",
    "push_events_accept", "stock_push_account", "sync_run_start",
    "sync_runs_fail_stalled", "variant_bindings_store",
]
