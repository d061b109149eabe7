"""Automatic milestones: pure reads over a business's data that say whether (and since when) a step is done.

The registry maps each ``Milestone`` key to the dotted path of an evaluator. ``settings.CMS_MILESTONE_EVALUATORS``
may replace or add entries (a later feature plugs its own read in without editing cms). Every evaluator:

- takes ``business_ids`` (keyword-only) and returns ``{business_id: MilestoneStatus}`` for the businesses
  that have any progress; a business missing from the result has reached nothing (count 0);
- costs ONE query whatever the number of businesses (the officers' funnel evaluates thousands at once);
- writes nothing and caches nothing: progress is derived from the data each time, so deleting the only
  product makes "first product" not done again.
"""

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils.module_loading import import_string

from marketplace_connectors.models import Order

from .choices import Milestone


@dataclass(frozen=True)
class MilestoneStatus:
    """How far one business is towards one milestone. ``reached_at`` is None until it is reached."""

    count: int
    target: int
    reached_at: datetime | None

    @property
    def reached(self) -> bool:
        return self.reached_at is not None

    @property
    def remaining(self) -> int:
        return max(self.target - self.count, 0)


Evaluator = Callable[..., dict[int, MilestoneStatus]]

MILESTONE_EVALUATORS: dict[str, str] = {
    Milestone.PROFILE_COMPLETE: "cms.milestones.profile_complete",
    Milestone.FIRST_PRODUCT: "cms.milestones.first_product",
    Milestone.FIRST_PRODUCT_WITH_IMAGE: "cms.milestones.first_product_with_image",
    Milestone.TEN_ACTIVE_PRODUCTS: "cms.milestones.ten_active_products",
    Milestone.FIRST_MARKETPLACE_CONNECTED: "cms.milestones.first_marketplace_connected",
    Milestone.FIRST_LISTING_LIVE: "cms.milestones.first_listing_live",
    Milestone.FIRST_ORDER_RECEIVED: "cms.milestones.first_order_received",
}

ACTIVE_PRODUCTS_TARGET = 10


def milestone_evaluator(key: str) -> Evaluator:
    """The evaluator registered for ``key``; KeyError for an unknown key."""
    registry = {**MILESTONE_EVALUATORS, **getattr(settings, "CMS_MILESTONE_EVALUATORS", {})}
    return import_string(registry[key])


def milestones_evaluate(*, keys: Collection[str], business_ids: Collection[int]) -> dict[str, dict[int, MilestoneStatus]]:
    """Evaluate each milestone in ``keys`` for all ``business_ids``: one query per milestone."""
    ids = list(business_ids)
    if not ids:
        return {key: {} for key in keys}
    return {key: milestone_evaluator(key)(business_ids=ids) for key in keys}


def _first_of(rows, target: int = 1) -> dict[int, MilestoneStatus]:
    """Rows of (business_id, n, first_at) -> statuses reached once n >= target."""
    return {
        business_id: MilestoneStatus(count=n, target=target, reached_at=first_at if n >= target else None)
        for business_id, n, first_at in rows
    }


# --- Evaluators -------------------------------------------------------------------------------------------


# The profile fields an owner must fill in (registration requires fewer); a field the businesses app
# drops is skipped rather than breaking the journey.
PROFILE_REQUIRED_FIELDS = ("legal_name", "identifier", "main_sector", "street", "ward", "phone")


def profile_complete(*, business_ids: Collection[int]) -> dict[int, MilestoneStatus]:
    """Business profile complete: legal name, identifier, main sector, street address, ward or commune and
    phone are all filled in. Reached at: the profile's last update (approximate: later edits move it)."""
    Business = apps.get_model("businesses", "Business")
    condition = Q()
    for name in PROFILE_REQUIRED_FIELDS:
        try:
            field = Business._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_relation:
            condition &= Q(**{f"{name}__isnull": False})
        else:
            condition &= Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""})
    rows = Business.objects.filter(condition, pk__in=business_ids).values_list("pk", "updated_at")
    return {pk: MilestoneStatus(count=1, target=1, reached_at=updated_at) for pk, updated_at in rows}


def first_product(*, business_ids: Collection[int]) -> dict[int, MilestoneStatus]:
    """First product added: at least one product that is not archived (draft or active).
    Reached at: when the oldest such product was created."""
    Product = apps.get_model("catalog", "Product")
    rows = (
        Product.objects.filter(business_id__in=business_ids).exclude(status="archived")
        .order_by().values("business_id").annotate(n=Count("pk"), first_at=Min("created_at"))
        .values_list("business_id", "n", "first_at")
    )
    return _first_of(rows)


def first_product_with_image(*, business_ids: Collection[int]) -> dict[int, MilestoneStatus]:
    """First product with an image: a product that is not archived has at least one photo.
    Reached at: when the first such photo was added."""
    ProductImage = apps.get_model("catalog", "ProductImage")
    rows = (
        ProductImage.objects.filter(product__business_id__in=business_ids).exclude(product__status="archived")
        .order_by().values("product__business_id")
        .annotate(n=Count("product_id", distinct=True), first_at=Min("created_at"))
        .values_list("product__business_id", "n", "first_at")
    )
    return _first_of(rows)


def ten_active_products(*, business_ids: Collection[int]) -> dict[int, MilestoneStatus]:
    """10 active products: at least ten products on sale (status active).
    Reached at: when the tenth of today's active products was created."""
    Product = apps.get_model("catalog", "Product")
    created = defaultdict(list)
    rows = (
        Product.objects.filter(business_id__in=business_ids, status="active")
        .order_by("business_id", "created_at").values_list("business_id", "created_at")
    )
    for business_id, created_at in rows:
        created[business_id].append(created_at)
    target = ACTIVE_PRODUCTS_TARGET
    return {
        business_id: MilestoneStatus(count=len(dates), target=target,
                                     reached_at=dates[target - 1] if len(dates) >= target else None)
        for business_id, dates in created.items()
    }


def first_marketplace_connected(*, business_ids: Collection[int]) -> dict[int, MilestoneStatus]:
    """First marketplace connected: a marketplace shop connected and working (status active; a shop that
    needs reconnecting or was disconnected does not count). Reached at: the earliest connection."""
    MarketplaceAccount = apps.get_model("marketplace_connectors", "MarketplaceAccount")
    rows = (
        MarketplaceAccount.objects.filter(business_id__in=business_ids, status="active")
        .order_by().values("business_id")
        .annotate(n=Count("pk"), first_at=Min(Coalesce("connected_at", "created_at")))
        .values_list("business_id", "n", "first_at")
    )
    return _first_of(rows)


def first_listing_live(*, business_ids: Collection[int]) -> dict[int, MilestoneStatus]:
    """First listing live: a product of the business is live on a marketplace shop of the business.
    Reached at: the earliest publication among today's live listings."""
    ListingBinding = apps.get_model("marketplace_connectors", "ListingBinding")
    rows = (
        ListingBinding.objects.filter(account__business_id__in=business_ids, status="live")
        .order_by().values("account__business_id")
        .annotate(n=Count("product_id", distinct=True), first_at=Min(Coalesce("published_at", "updated_at")))
        .values_list("account__business_id", "n", "first_at")
    )
    return _first_of(rows)


def first_order_received(*, business_ids: Collection[int]) -> dict[int, MilestoneStatus]:
    """First order received: any marketplace order imported for the business (whatever its status now,
    a cancelled one included: the shop was found and bought from). Reached at: when the earliest order
    was placed on the marketplace (``Order.ordered_at``), not when it was imported."""
    rows = (
        Order.objects.filter(business_id__in=business_ids)
        .order_by().values("business_id").annotate(n=Count("pk"), first_at=Min("ordered_at"))
        .values_list("business_id", "n", "first_at")
    )
    return _first_of(rows)
