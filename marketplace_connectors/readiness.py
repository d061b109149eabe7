"""The "ready to publish" checklist of a product for one shop (issue 18): what the owner still needs to add,
each item linking to the box that fixes it, computed by the same validation the publish task runs
(``sync.listing_validate`` over the marketplace's ``ListingRules``). Reads only, and only the shop's cached
metadata (category tree, attributes, rules): when it is missing the checklist is ``loading``, and the page
asks a task to fetch it (``product_readiness_fetch_missing``) instead of calling the marketplace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from sme.catalog.models import Product, ProductStatus
from sme.catalog.selectors import variant_list_for_product

from .base import ValidationProblem
from .errors import AuthError, RetryableError
from .models import AccountStatus, ListingBinding, ListingStatus, MarketplaceAccount
from .sync.listings import listing_metadata_has_failed, listing_metadata_request, listing_validate
from .sync.metadata import MetadataNotCached
from .sync.owner_text import marketplace_name

#: the product form's box for a per-variant problem (the formset's prefix is "variants")
VARIANT_BOXES = {"variants": "option1_value", "sku": "sku", "barcode": "barcode", "price": "price", "stock": "stock",
                 "weight": "weight_g", "dimension": "length_cm"}
PRODUCT_BOXES = {"name": "id_name", "description": "id_description", "status": "id_status", "documents": "documents"}


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to add before publishing: what to do, which part of the product it concerns, where to do it."""

    field: str
    message: str
    url: str


@dataclass(frozen=True)
class Readiness:
    """A product's checklist for one shop. ``checked`` is False when the marketplace's category data is not
    at hand (the items then may be incomplete): ``loading`` while a task fetches it, else the marketplace
    could not be asked."""

    account: MarketplaceAccount
    product: Product
    marketplace: str
    items: list[ChecklistItem] = field(default_factory=list)
    binding: ListingBinding | None = None
    checked: bool = True
    loading: bool = False

    @property
    def ready(self) -> bool:
        return self.checked and not self.items

    @property
    def live(self) -> bool:
        return self.binding is not None and self.binding.status in (ListingStatus.LIVE, ListingStatus.PUBLISHING,
                                                                     ListingStatus.PAUSED, ListingStatus.UNDER_REVIEW)

    @property
    def prepare_url(self) -> str:
        return reverse("marketplaces:listing_prepare", args=[self.account.pk, self.product.pk])

    @property
    def loading_url(self) -> str:
        return reverse("marketplaces:listing_prepare_loading", args=[self.account.pk, self.product.pk])


def _fix_url(problem: ValidationProblem, *, account: MarketplaceAccount, product: Product,
             variant_rows: dict[int, int]) -> str:
    edit = reverse("catalog:product_edit", args=[product.pk])
    if problem.field == "category" and not product.category_id:
        return f"{edit}#id_category"
    if problem.field in ("category", "attributes"):
        return reverse("marketplaces:listing_prepare", args=[account.pk, product.pk]) + "#category"
    if problem.field == "shipping":
        return reverse("marketplaces:account_settings", args=[account.pk])
    if problem.field == "images":
        return reverse("catalog:product_images", args=[product.pk])
    if problem.field in VARIANT_BOXES:
        row = variant_rows.get(problem.variant_id or 0, 0)
        return f"{edit}#id_variants-{row}-{VARIANT_BOXES[problem.field]}"
    return f"{edit}#{PRODUCT_BOXES.get(problem.field, 'id_name')}"


def product_readiness(*, account: MarketplaceAccount, product: Product) -> Readiness:
    """What ``product`` still needs before it can be published on ``account``: the marketplace's rules, the
    catalog status and its category on the marketplace, each with the link that fixes it."""
    marketplace = marketplace_name(account)
    binding = ListingBinding.objects.filter(account=account, product=product).first()
    items: list[ChecklistItem] = []
    if product.status != ProductStatus.ACTIVE:
        items.append(ChecklistItem("status", _("Only products active in your catalog can be published: change its "
                                               "status to active."),
                                   reverse("catalog:product_edit", args=[product.pk]) + "#id_status"))
    try:
        problems = listing_validate(account=account, product=product, cached_only=True)
    except MetadataNotCached:
        loading = not listing_metadata_has_failed(account=account)
        return Readiness(account=account, product=product, marketplace=marketplace, items=items, binding=binding,
                         checked=False, loading=loading)
    except (RetryableError, AuthError):
        return Readiness(account=account, product=product, marketplace=marketplace, items=items, binding=binding,
                         checked=False)
    rows = {v.pk: i for i, v in enumerate(variant_list_for_product(product=product))}
    items += [ChecklistItem(p.field, p.message, _fix_url(p, account=account, product=product, variant_rows=rows))
              for p in problems]
    return Readiness(account=account, product=product, marketplace=marketplace, items=items, binding=binding)


def product_readiness_list(*, product: Product) -> list[Readiness]:
    """The checklist of ``product`` for every active shop of its business, in the order they were connected."""
    accounts = MarketplaceAccount.objects.filter(business_id=product.business_id, status=AccountStatus.ACTIVE)
    return [product_readiness(account=a, product=product) for a in accounts.order_by("pk")]


def product_readiness_fetch_missing(*, checks: list[Readiness]) -> None:
    """Ask, once the request commits, for the metadata of each checklist still ``loading`` (no marketplace
    call here)."""
    for check in checks:
        if check.loading:
            listing_metadata_request(account=check.account, product_id=check.product.pk)
