"""The connector interface: what the platform asks of every marketplace, and the plain data it exchanges.

A connector is narrow on purpose (the Odoo OCA pattern, not a plugin system with hundreds of hooks). It
declares its ``capabilities``; callers check them before asking for something optional. Connectors never
touch the database: they take plain data in (``ListingDraft``, ``Credentials``) and give plain data back,
so the synchronizers in ``marketplace_connectors.sync`` own every write.

Adding a marketplace = one folder ``backends/<name>/`` (client, mappers, connector, simulator) plus one
line in ``settings.MARKETPLACE_CONNECTORS``.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class Capability(enum.StrEnum):
    LISTINGS = "listings"  # publish, update, delist, pause, link existing listings by SKU
    PRICE_STOCK = "price_stock"  # batched price and stock updates
    ORDERS = "orders"  # order import: orders_updated_since, order_get
    PUSH = "push"  # signed push notifications: verify_push
    REVIEW = "review"  # new listings wait for the marketplace's audit: review_status
    KEYS = "keys"  # the owner connects by entering the shop URL and API keys: connect_with_keys (no OAuth)


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


@dataclass(frozen=True)
class LogisticsChannel:
    external_id: str
    name: str
    enabled: bool


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


@dataclass(frozen=True)
class DocumentDraft:
    """A document the owner uploaded for a product (a food-safety or quality certificate, say), for
    marketplaces that ask for it in some categories. ``kind`` is one of sme.catalog's document kinds."""

    key: str
    kind: str
    filename: str
    size_bytes: int
    content: bytes = field(repr=False, default=b"")


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
    """One thing the owner must fix before a product can be published, in the owner's language."""

    field: str
    message: str


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
    ``review_status`` until it is decided. ``external_id`` may be a request id until then (Tiki)."""

    external_id: str
    variant_ids_by_sku: dict[str, str]
    image_ids: dict[str, str]
    calls: int = 0
    review: ReviewState = ReviewState.LIVE
    review_reason: str = ""


@dataclass(frozen=True)
class PriceStockUpdate:
    external_variant_id: str
    price_vnd: int | None = None
    stock: int | None = None


@dataclass(frozen=True)
class BatchOutcome:
    """Per-variant result of a batched update: ids that succeeded and {id: reason} that failed."""

    succeeded: tuple[str, ...]
    failed: dict[str, str]


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
    "listing", "auth" or "other"; ``external_id`` is the order or listing it is about."""

    shop_id: str
    kind: str
    event_id: str
    external_id: str = ""
    status: str = ""
    reason: str = ""


class PushRejected(Exception):
    """The push's signature (or shape) is wrong: answer 401 and do nothing."""


class SandboxSimulator(Protocol):
    """What every marketplace simulator offers tests, the contract suite and the ``make run`` sandbox, on top
    of its marketplace's own HTTP API. Shop ids and SKUs are the marketplace's; statuses are ours."""

    url: str
    #: when set, the simulator POSTs signed push notifications here (order created or changed, listing
    #: audit decided), as the marketplace would; a delivery not answered 2xx is retried a few times.
    push_url: str | None

    def stop(self) -> None: ...

    def create_order(self, *, shop_id: str, items: Sequence[tuple[str, int]]) -> str:
        """A buyer orders ``(seller SKU, quantity)`` pairs: the simulator's stock goes down; returns the order id."""

    def set_order_status(self, *, order_id: str, status: OrderStatus) -> None:
        """Move an order on (cancelling or returning it puts the simulator's stock back)."""

    def stock_of(self, *, shop_id: str, sku: str) -> int | None:
        """The stock the marketplace shows for the variant with seller SKU ``sku`` (None: no such SKU)."""


@dataclass
class Sandbox:
    """A connector's local simulator, for the contract suite and ``make run``: ``settings`` point the
    connector at it, ``callback_params()`` approves a shop like the consent page does, and
    ``category_id``/``attribute_values`` are a leaf category the simulator accepts."""

    simulator: SandboxSimulator  # started
    settings: dict
    #: OAuth connectors: the callback's query parameters (for ``exchange_code``); KEYS connectors: the
    #: keyword arguments of ``connect_with_keys`` (shop_url, key, secret).
    callback_params: Callable[[], dict[str, str]]
    category_id: str
    attribute_values: dict[str, list[str]]
    shipping_channel_id: str
    #: REVIEW connectors: decide the audit of a listing as the marketplace's reviewers would:
    #: ``decide_review(external_id, approve, reason)``.
    decide_review: Callable[[str, bool, str], None] | None = None


class Connector(abc.ABC):
    """One marketplace. Subclasses live in ``backends/<name>/connector.py``.

    Every method may raise ``RetryableError``, ``PermanentError`` or ``AuthError`` (see errors.py);
    ``AccessTokenExpired`` is raised when the access token alone was refused, so the caller may refresh
    and repeat. Methods taking ``credentials`` act for one shop; none of them writes to our database.
    """

    #: short code stored on accounts, e.g. "shopee"
    code: str = ""
    #: name shown to owners
    display_name: str = ""
    capabilities: frozenset[Capability] = frozenset()
    #: What the owner must know this marketplace's API does not let us do for them (lazy translated strings),
    #: shown on the shop's listings page so the platform never seems to sync what it cannot.
    owner_notes: tuple = ()

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def sandbox(self) -> Sandbox:
        """Start this marketplace's simulator on a free loopback port (tests and the contract suite)."""
        raise NotImplementedError

    # --- authorisation -----------------------------------------------------------------------
    @abc.abstractmethod
    def authorization_url(self, *, redirect_url: str) -> str:
        """The page where the seller grants us access; the marketplace returns to ``redirect_url``."""

    @abc.abstractmethod
    def exchange_code(self, *, params: dict[str, str]) -> TokenSet:
        """Turn the callback's query parameters into tokens. Not idempotent: a code works once."""

    @abc.abstractmethod
    def refresh(self, *, credentials: Credentials) -> TokenSet:
        """A new token pair. The old refresh token may be spent afterwards: store the new pair at once."""

    # --- catalog metadata --------------------------------------------------------------------
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
    def shipping_channels(self, *, credentials: Credentials) -> list[LogisticsChannel]:
        """The shop's shipping channels."""

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
    def publish(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                on_created: Callable[[str], None], before_create: Callable[[], None] = lambda: None,
                attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        """Create the listing with its variants and images. NOT idempotent: call ``find_by_sku`` first
        whenever an earlier attempt may have reached the marketplace.

        ``uploaded_images`` maps image keys already uploaded to marketplace ids; the connector adds the
        images it uploads to it (so the caller can keep them even when a later step fails).
        ``before_create()`` is called right before the create request leaves (images are uploaded by
        then), so the caller can mark that the marketplace may act from now on.
        ``on_created(external_id)`` is called as soon as the listing exists, before its variants are
        added, so the caller can record the id and never create it twice; finishing a half-created
        listing is then ``update``'s job."""

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

    # --- optional capabilities: implement those declared in ``capabilities`` --------------------
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
        for external_id, listing_updates in by_listing.items():
            outcome = self.update_price_stock(credentials=credentials, external_id=external_id, updates=listing_updates)
            succeeded.extend(outcome.succeeded)
            failed.update(outcome.failed)
        return BatchOutcome(succeeded=tuple(succeeded), failed=failed)

    def orders_updated_since(self, *, credentials: Credentials, since: datetime) -> list[RemoteOrder]:
        """Every order created or changed at or after ``since``, oldest change first, with its lines
        (ORDERS). Pages through the API itself. The caller keeps the watermark and may overlap it."""
        raise NotImplementedError

    def order_get(self, *, credentials: Credentials, external_id: str) -> RemoteOrder | None:
        """One order by id (ORDERS), None when the shop has no such order; used on push notifications."""
        raise NotImplementedError

    def verify_push(self, *, body: bytes, headers: Mapping[str, str], url: str) -> list[PushEvent]:
        """Check a push notification's signature over the *raw* body (PUSH) and return its events.
        ``url`` is the callback URL as registered (Shopee signs it). Raises PushRejected when the signature
        or shape is wrong. Pure: no call to the marketplace."""
        raise NotImplementedError

    def review_status(self, *, credentials: Credentials, external_id: str) -> ReviewStatus:
        """Where a listing published UNDER_REVIEW stands now (REVIEW)."""
        raise NotImplementedError

    def connect_with_keys(self, *, shop_url: str, key: str, secret: str) -> TokenSet:
        """Check keys the owner typed (KEYS): one authenticated call proves them, and the URL must be HTTPS
        unless it is a loopback address. Returns a TokenSet whose ``shop_id`` is the normalised shop URL,
        ``access_token`` the key and ``refresh_token`` the secret (both stored encrypted), with
        ``access_expires_at`` far ahead: keys do not expire. Raises AuthError when refused."""
        raise NotImplementedError
