"""The connector interface: what the platform asks of every marketplace, and the plain data it exchanges.

A connector is narrow on purpose (the Odoo OCA pattern, not a plugin system with hundreds of hooks). It
is made of ``Connector`` and capability mixins; callers check ``supports()`` before asking for something
optional. Connectors never touch the database: they take plain data in (``ListingDraft``, ``Credentials``)
and give plain data back, so the synchronizers in ``marketplace_connectors.sync`` own every write.

Adding a marketplace = one folder ``backends/<name>/`` (conf, client, mappers, connector) plus one line in
``settings.MARKETPLACE_CONNECTORS``; its local stand-in for tests lives in ``marketplace_sandbox/<name>/``.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

from .errors import ListingGone


class Capability(enum.StrEnum):
    LISTINGS = "listings"  # publish, update, delist, pause, link existing listings by SKU
    PRICE_STOCK = "price_stock"  # batched price and stock updates
    ORDERS = "orders"  # order import: orders_updated_since, order_get
    PUSH = "push"  # signed push notifications: verify_push
    REVIEW = "review"  # new listings wait for the marketplace's audit: review_status
    KEYS = "keys"  # the owner connects by entering the shop URL and API keys: connect_with_keys (no OAuth)
    SHIPPING_CHANNELS = "shipping_channels"  # the shop chooses among shipping channels: shipping_channels


@dataclass(frozen=True)
class Credentials:
    """What a connector needs to act for one shop. Tokens are plaintext only in memory."""

    shop_id: str
    access_token: str = ""
    refresh_token: str = ""
    access_expires_at: datetime | None = None


@dataclass(frozen=True)
class TokenSet:
    """A token pair as returned by the marketplace, with absolute expiry times."""

    shop_id: str
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime | None
    shop_name: str = ""
    #: the other shops one authorisation gave (a Shopee main account): each with its own pair
    other_shops: tuple[TokenSet, ...] = ()


@dataclass(frozen=True)
class CategoryNode:
    external_id: str
    parent_id: str
    name: str
    is_leaf: bool


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute a category asks for. ``options`` are (value_id, label) for drop-downs."""

    external_id: str
    name: str
    mandatory: bool
    input_type: str  # "select", "multi_select", "text"
    options: tuple[tuple[str, str], ...] = ()
    units: tuple[str, ...] = ()  # a quantity with a unit (Shopee format_type 2): the value ends with one of them


@dataclass(frozen=True)
class LogisticsChannel:
    external_id: str
    name: str
    enabled: bool
    fee_type: str = ""  # the marketplace's word for how the fee is set (Shopee: SIZE_SELECTION, SIZE_INPUT, ...)


@dataclass(frozen=True)
class VariantDraft:
    """One sellable variant as the marketplace should see it. Money in integer VND, weight in grams."""

    variant_id: int
    sku: str
    option_name: str  # e.g. "500 g"; empty for a product without variants
    price_vnd: int
    stock: int
    weight_grams: int | None
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None
    gtin: str = ""  # the variant's barcode as the owner entered it (GTIN/EAN/UPC when it is one)


@dataclass(frozen=True)
class DocumentDraft:
    """A document the owner uploaded for a product (a food-safety or quality certificate, say), for
    marketplaces that ask for it in some categories. ``kind`` is one of sme.catalog's document kinds."""

    key: str
    kind: str
    filename: str
    size_bytes: int
    content: bytes = field(repr=False, default=b"")
    expires_on: date | None = None  # None: the document does not expire (or the owner gave no date)


@dataclass(frozen=True)
class ImageDraft:
    """An image file to upload: its name, bytes and size; ``key`` identifies it across runs."""

    key: str
    filename: str
    size_bytes: int
    content: bytes = field(repr=False, default=b"")


@dataclass(frozen=True)
class ListingDraft:
    """Everything about one product a connector needs to publish it, independent of our catalog models."""

    product_id: int
    sku: str
    name: str
    description: str
    variants: tuple[VariantDraft, ...]
    images: tuple[ImageDraft, ...]
    category_id: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)  # attribute id -> value ids or texts
    variation_name: str = ""  # the tier name for variants, e.g. "Khối lượng"
    shipping_channel_id: str = ""
    category_is_leaf: bool = True
    documents: tuple[DocumentDraft, ...] = ()  # only filled when the caller asks for them (with_images)


@dataclass(frozen=True)
class ValidationProblem:
    """One thing the owner must fix before a product can be published, in the owner's language. ``field`` says
    what fixes it (one of ``rules.FIELDS``); ``variant_id`` names the variant when the rule is per variant."""

    field: str
    message: str
    variant_id: int | None = None


@dataclass(frozen=True)
class RemoteListing:
    """A listing that exists on the shop: its id, SKU, status and its variants' ids by SKU."""

    external_id: str
    sku: str
    status: str
    name: str = ""
    variant_ids_by_sku: dict[str, str] = field(default_factory=dict)


class ReviewState(enum.StrEnum):
    """Where a listing stands in the marketplace's audit (TikTok Shop, Tiki review new listings)."""

    LIVE = "live"  # approved, or never reviewed
    UNDER_REVIEW = "under_review"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ReviewStatus:
    """The audit's answer. ``external_id``/``variant_ids_by_sku`` are set when the decision gives the listing
    its final ids (Tiki: a creation request id becomes a product id); empty means "unchanged"."""

    state: ReviewState
    reason: str = ""
    external_id: str = ""
    variant_ids_by_sku: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishResult:
    """``review`` is UNDER_REVIEW when the marketplace audits the listing first: the caller then polls
    ``review_status`` until it is decided. ``external_id`` may be a request id until then (Tiki).
    ``warnings``: what the marketplace said it saved differently from what was sent (TikTok Shop's
    ``data.warnings``, e.g. a brand it cleared), in the owner's language; empty when it said nothing."""

    external_id: str
    variant_ids_by_sku: dict[str, str]
    image_ids: dict[str, str]
    calls: int = 0
    review: ReviewState = ReviewState.LIVE
    review_reason: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreatedListing:
    """A listing on the shop once ``publish_create`` made it (or ``publish_prepare`` found it): its id, and
    what ``publish_complete`` needs to finish it. ``existed``: it was there before (an earlier attempt's),
    so it is finished as an update. ``answer`` is the marketplace's reply to the create request, read only
    by the connector that made it."""

    external_id: str
    existed: bool = False
    variant_ids_by_sku: dict[str, str] = field(default_factory=dict)
    review: ReviewState = ReviewState.LIVE
    answer: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PublishPlan:
    """What ``publish_prepare`` made ready: the create request's ``body`` (the connector's own shape, images
    already uploaded), or ``existing`` when the shop already holds the listing. ``context`` carries the
    connector's own findings to the later steps (Shopee's barcode rule for the category)."""

    body: dict = field(default_factory=dict)
    existing: CreatedListing | None = None
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PriceStockUpdate:
    """One variant's new price and/or stock (None: unchanged).

    ``previous_stock`` is what the marketplace was last told for the variant (None: not known), and
    ``listing_sellable`` says that the listing is on sale on our side (neither paused by the owner nor for
    the plan) and that, after this update, none of its variants is sold out. A marketplace that refuses a
    stock of 0 makes its connector take the listing off sale instead (TikTok Shop); with these two a
    connector knows a restock (``previous_stock`` 0, ``stock`` above 0) of a listing it may put back on
    sale, and never switches on a listing the owner paused. Callers that do not know leave the defaults:
    nothing is switched on."""

    external_variant_id: str
    price_vnd: int | None = None
    stock: int | None = None
    previous_stock: int | None = None
    listing_sellable: bool = False


@dataclass(frozen=True)
class BatchOutcome:
    """Per-variant result of a batched update: ids that succeeded and {id: reason} that failed."""

    succeeded: tuple[str, ...]
    failed: dict[str, str]
    #: listings (external ids) the marketplace no longer has: every update to them failed with ListingGone
    gone: tuple[str, ...] = ()


class OrderStatus(enum.StrEnum):
    """Our order status; each connector maps its marketplace's statuses to one of these. An order holds
    stock in every status but CANCELLED and RETURNED (unpaid orders hold it too: the marketplace reserves
    it, and selling it again elsewhere would oversell)."""

    UNPAID = "unpaid"
    PENDING = "pending"
    READY_TO_SHIP = "ready_to_ship"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"

    @property
    def holds_stock(self) -> bool:
        return self not in (OrderStatus.CANCELLED, OrderStatus.RETURNED)


@dataclass(frozen=True)
class RemoteOrderLine:
    """One SKU of an order. ``status`` is the line's own status where the marketplace has one per item
    (Lazada cancels single items); otherwise the order's. Several lines may share a SKU."""

    sku: str
    quantity: int
    unit_price_vnd: int
    status: OrderStatus
    external_variant_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class RemoteOrder:
    """One order as plain data. ``marketplace_status`` is the marketplace's own word, shown to owners."""

    external_id: str
    status: OrderStatus
    marketplace_status: str
    created_at: datetime
    updated_at: datetime
    lines: tuple[RemoteOrderLine, ...]
    total_vnd: int = 0


@dataclass(frozen=True)
class PushEvent:
    """One verified push notification. ``event_id`` is unique per notification (the marketplace's id, or a
    hash of the raw body when it has none) so a repeated delivery is recognised; ``kind`` is "order",
    "listing", "auth", "auth_expiring" or "other"; ``external_id`` is the order or listing it is about.
    "auth_expiring": the shop's authorisation ends at ``expires_at`` unless the owner reconnects before (the
    shop keeps working until then)."""

    shop_id: str
    kind: str
    event_id: str
    external_id: str = ""
    status: str = ""
    reason: str = ""
    expires_at: datetime | None = None


class PushRejected(Exception):
    """The push's signature (or shape) is wrong: answer 401 and do nothing."""


class Connector(abc.ABC):
    """One marketplace. Subclasses live in ``backends/<name>/connector.py``: ``Connector`` plus one way of
    connecting (``OAuthConnection`` or ``KeyConnection``) and the capability mixins of what the marketplace
    can do (``ShippingChannels``, ``OrderImport``, ``PushNotifications``, ``ListingReview``), so a connector
    carries no method it cannot do. ``capabilities`` is derived from the mixins.

    Every method may raise ``RetryableError``, ``PermanentError`` or ``AuthError`` (see errors.py);
    ``AccessTokenExpired`` is raised when the access token alone was refused, so the caller may refresh
    and repeat. Methods taking ``credentials`` act for one shop; none of them writes to our database.
    """

    #: short code stored on accounts, e.g. "shopee"
    code: str = ""
    #: name shown to owners
    display_name: str = ""
    #: how the platform names this sales channel where owners choose where to sell (the journey's
    #: "marketplaces I aim for"); the display name unless the name alone would not tell an owner what it is
    channel_name: str = ""
    #: derived from the mixins when the class is made (see ``__init_subclass__``); read, never declared
    capabilities: frozenset[Capability] = frozenset()
    #: What the owner must know this marketplace's API does not let us do for them (lazy translated strings),
    #: shown on the shop's listings page so the platform never seems to sync what it cannot.
    owner_notes: tuple = ()
    #: The marketplace's own order status words (``RemoteOrder.marketplace_status``) that tell the owner more
    #: than our status does, with the note shown next to such an order on the orders pages (lazy translated;
    #: Tiki: an order it has not confirmed yet). Empty: our status says it all.
    order_status_notes: Mapping[str, object] = MappingProxyType({})
    #: True when ``delist`` can only hide the listing (the marketplace's API cannot delete it): publishing a
    #: delisted product again then shows the same listing instead of creating a second one.
    delist_hides: bool = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        provided = {klass.__dict__["provides"] for klass in cls.__mro__ if klass.__dict__.get("provides")}
        cls.capabilities = frozenset({Capability.LISTINGS, Capability.PRICE_STOCK, *provided})

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def owner_error(self, *, code: str, message: str) -> str:
        """What an owner reads about a refusal this marketplace explains only by an error code (in the active
        language), or "" when the platform's general wording fits. Connectors whose errors already carry
        the owner's text (raised as ``PermanentError`` with it) need not override this. Pure."""
        return ""

    # --- authorisation -----------------------------------------------------------------------
    @abc.abstractmethod
    def refresh(self, *, credentials: Credentials) -> TokenSet:
        """A new token pair. The old refresh token may be spent afterwards: store the new pair at once."""

    # --- catalog metadata --------------------------------------------------------------------
    def category_recommend(self, *, credentials: Credentials, name: str) -> list[str]:
        """The marketplace's own category suggestions for a product called ``name``, best first (category
        ids). Empty where the marketplace's API has none (the default). Read-only and idempotent; a
        marketplace that finds no match answers an empty list, not an error."""
        return []

    @abc.abstractmethod
    def categories(self, *, credentials: Credentials) -> list[CategoryNode]:
        """The marketplace's category tree (flat list with parent ids)."""

    @abc.abstractmethod
    def category_attributes(self, *, credentials: Credentials, category_id: str) -> list[AttributeSpec]:
        """The attributes a category asks for; ``mandatory`` ones must be filled before publishing."""

    @abc.abstractmethod
    def listing_rules(self, *, credentials: Credentials, category_id: str) -> dict:
        """The marketplace's limits for a category (name length, price range...), JSON-serialisable so the
        caller can cache it; ``validate`` reads it."""

    @abc.abstractmethod
    def validate(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = (),
                 rules: dict | None = None) -> list[ValidationProblem]:
        """The marketplace's documented rules, checked locally before any call. Pure."""

    @abc.abstractmethod
    def fingerprint(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = ()) -> str:
        """A hash of what ``update`` pushes for the listing itself (not price and stock), so an unchanged
        listing is not pushed again. Pure."""

    # --- listings ----------------------------------------------------------------------------
    @abc.abstractmethod
    def publish_prepare(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                        attributes: Sequence[AttributeSpec] = ()) -> PublishPlan:
        """The first step of creating a listing: everything before the create request. Uploads the images
        (adding each to ``uploaded_images``, so the caller keeps them even when a later step fails) and
        builds the request; or finds that the shop already holds the product's listing (an earlier attempt
        created it), given as ``PublishPlan.existing`` to be finished without creating. Creates nothing."""

    @abc.abstractmethod
    def publish_create(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan) -> CreatedListing:
        """The create request alone: the listing exists when this returns (its variants may not yet).
        NOT idempotent: the caller marks that the marketplace may act before calling it, and looks the SKU
        up first whenever an earlier attempt may have reached the marketplace."""

    @abc.abstractmethod
    def publish_complete(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan,
                         created: CreatedListing, uploaded_images: dict[str, str],
                         attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        """Finish a listing ``publish_create`` created (or ``publish_prepare`` found): its variants, and
        every variant id by SKU. Idempotent: repeating it after a refused call creates nothing twice."""

    def publish(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        """Prepare, create and complete in one go, for tests and one-off scripts. NOT idempotent. The
        listings synchronizer drives the three steps itself, so it can record between them that a create
        request is leaving and the id it gave (nothing calls back from a connector into the synchronizer)."""
        plan = self.publish_prepare(credentials=credentials, draft=draft, uploaded_images=uploaded_images,
                                    attributes=attributes)
        created = plan.existing or self.publish_create(credentials=credentials, draft=draft, plan=plan)
        return self.publish_complete(credentials=credentials, draft=draft, plan=plan, created=created,
                                     uploaded_images=uploaded_images, attributes=attributes)

    @abc.abstractmethod
    def update(self, *, credentials: Credentials, external_id: str, draft: ListingDraft,
               variant_ids_by_sku: dict[str, str], uploaded_images: dict[str, str],
               attributes: Sequence[AttributeSpec] = (), push_item: bool = True) -> PublishResult:
        """Make an existing listing match the draft: item fields (unless ``push_item`` is False, when
        they are unchanged) and any variants still missing. Returns every variant id by SKU. Idempotent."""

    @abc.abstractmethod
    def update_price_stock(self, *, credentials: Credentials, external_id: str,
                           updates: Sequence[PriceStockUpdate]) -> BatchOutcome:
        """Price and stock per variant, batched as the API allows; partial failures per variant."""

    @abc.abstractmethod
    def delist(self, *, credentials: Credentials, external_id: str) -> None:
        """Remove the listing from sale for good. Idempotent."""

    @abc.abstractmethod
    def pause(self, *, credentials: Credentials, external_id: str, paused: bool) -> None:
        """Hide (``paused=True``) or show again a listing. Idempotent."""

    @abc.abstractmethod
    def find_by_sku(self, *, credentials: Credentials, sku: str, since: datetime | None = None) -> list[RemoteListing]:
        """Listings on the shop whose SKU is ``sku`` (only those changed since ``since`` when given)."""

    @abc.abstractmethod
    def remote_listings(self, *, credentials: Credentials) -> list[RemoteListing]:
        """Every listing on the shop, for linking existing listings by SKU."""

    # --- prices and stock across listings ------------------------------------------------------------
    def update_price_stock_many(self, *, credentials: Credentials,
                                updates: Sequence[tuple[str, PriceStockUpdate]]) -> BatchOutcome:
        """Price and stock for variants of *any* listings of the shop, as ``(listing external id, update)``
        pairs, in as few calls as the API allows. This default calls ``update_price_stock`` once per
        listing; connectors whose API batches across listings (Lazada) override it."""
        by_listing: dict[str, list[PriceStockUpdate]] = {}
        for external_id, update in updates:
            by_listing.setdefault(external_id, []).append(update)
        succeeded: list[str] = []
        failed: dict[str, str] = {}
        gone: list[str] = []
        for external_id, listing_updates in by_listing.items():
            try:
                outcome = self.update_price_stock(credentials=credentials, external_id=external_id,
                                                  updates=listing_updates)
            except ListingGone as exc:
                gone.append(external_id)
                failed.update({u.external_variant_id: exc.message or exc.code for u in listing_updates})
                continue
            succeeded.extend(outcome.succeeded)
            failed.update(outcome.failed)
        return BatchOutcome(succeeded=tuple(succeeded), failed=failed, gone=tuple(gone))


class OAuthConnection(abc.ABC):
    """The owner connects the shop on the marketplace's consent page, which sends them back with a code."""

    @abc.abstractmethod
    def authorization_url(self, *, redirect_url: str) -> str:
        """The page where the seller grants us access; the marketplace returns to ``redirect_url``."""

    @abc.abstractmethod
    def exchange_code(self, *, params: dict[str, str]) -> TokenSet:
        """Turn the callback's query parameters into tokens. Not idempotent: a code works once."""


class KeyConnection(abc.ABC):
    """The owner connects the shop by typing its URL and API keys (no consent page)."""

    provides = Capability.KEYS

    @abc.abstractmethod
    def connect_with_keys(self, *, shop_url: str, key: str, secret: str) -> TokenSet:
        """Check keys the owner typed (KEYS): one authenticated call proves them, and the URL must be HTTPS
        unless it is a loopback address. Returns a TokenSet whose ``shop_id`` is the normalised shop URL,
        ``access_token`` the key and ``refresh_token`` the secret (both stored encrypted), with
        ``access_expires_at`` far ahead: keys do not expire. Raises AuthError when refused."""


class ShippingChannels(abc.ABC):
    """The shop chooses among its shipping channels (new listings are offered with the one the owner picks).
    Marketplaces that choose the carrier themselves leave this out."""

    provides = Capability.SHIPPING_CHANNELS

    @abc.abstractmethod
    def shipping_channels(self, *, credentials: Credentials) -> list[LogisticsChannel]:
        """The shop's shipping channels."""


class OrderImport(abc.ABC):
    """The marketplace's orders can be read: imported on a schedule and on push notifications."""

    provides = Capability.ORDERS

    @abc.abstractmethod
    def orders_updated_since(self, *, credentials: Credentials, since: datetime) -> list[RemoteOrder]:
        """Every order created or changed at or after ``since``, oldest change first, with its lines
        (ORDERS). Pages through the API itself. The caller keeps the watermark and may overlap it."""

    @abc.abstractmethod
    def order_get(self, *, credentials: Credentials, external_id: str) -> RemoteOrder | None:
        """One order by id (ORDERS), None when the shop has no such order; used on push notifications."""


class PushNotifications(abc.ABC):
    """The marketplace pushes signed notifications to us (orders, audits, revoked authorisations)."""

    provides = Capability.PUSH

    @abc.abstractmethod
    def verify_push(self, *, body: bytes, headers: Mapping[str, str], url: str) -> list[PushEvent]:
        """Check a push notification's signature over the *raw* body (PUSH) and return its events.
        ``url`` is the callback URL as registered (Shopee signs it). Raises PushRejected when the signature
        or shape is wrong. Pure: no call to the marketplace."""


class ListingReview(abc.ABC):
    """New listings wait for the marketplace's audit: ``publish`` may answer UNDER_REVIEW."""

    provides = Capability.REVIEW

    @abc.abstractmethod
    def review_status(self, *, credentials: Credentials, external_id: str) -> ReviewStatus:
        """Where a listing published UNDER_REVIEW stands now (REVIEW)."""
