"""The Lazada connector: Lazada Open Platform (Vietnamese gateway) behind the platform's Connector interface.

Never a second listing: Lazada has no idempotency key, but a SellerSku is unique in a shop, so before
every create the connector looks the draft's SKUs up (GetProducts ``sku_seller_list``) and finishes the
listing it finds instead of creating one; a create refused as a duplicate SellerSku is resolved the same
way. Images are uploaded as files (UploadImage): our drafts carry bytes, not public URLs, which
MigrateImage(s) would need (the client implements those too).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace_connectors.base import (
    AttributeSpec,
    BatchOutcome,
    CategoryNode,
    Connector,
    CreatedListing,
    Credentials,
    ListingDraft,
    OAuthConnection,
    OrderImport,
    PriceStockUpdate,
    PublishPlan,
    PublishResult,
    PushEvent,
    PushNotifications,
    PushRejected,
    RemoteListing,
    RemoteOrder,
    TokenSet,
    ValidationProblem,
)
from marketplace_connectors.crypto import secret_equals
from marketplace_connectors.errors import AuthError, PermanentError

from .._common import owner_error
from . import mappers
from .client import SELLER_SKU_DUPLICATE_CODES, LazadaClient, LazadaError, lazada_push_signature
from .conf import lazada_config

VN = ZoneInfo("Asia/Ho_Chi_Minh")
INPUT_TYPES = {"singleSelect": "select", "enumInput": "select", "multiSelect": "multi_select",
               "multiEnumInput": "multi_select"}
ITEM_MISSING_CODES = {"208", "207", "4137", "EDIT_ITEM_NOT_BELONG_SELLER"}
PAGE_SIZE = 50  # GetProducts: "The maximum is 50"
MAX_OFFSET = 10_000
ORDER_PAGE_SIZE = 100  # GetOrders: at most 100
ORDER_MISSING_CODES = {"16", "E016"}  # "Invalid Order ID"
# SKU-level fields the connector fills itself (CreateProduct Skus.Sku); other SKU-level attributes are asked
SKU_SYSTEM_ATTRIBUTES = {"SellerSku", "price", "quantity", "special_price", "special_from_date", "special_to_date",
                         "package_weight", "package_length", "package_width", "package_height", "package_content",
                         "Images", "color_thumbnail", "tax_class"}
BRAND_PAGE_SIZE = 200  # GetBrandByPages: at most 200
BRAND_CACHE_SECONDS = 24 * 3600
CATEGORY_CACHE_SECONDS = 3600


def iso(moment: dt.datetime) -> str:
    """Lazada's ISO 8601 with offset, in Vietnamese time."""
    return moment.astimezone(VN).isoformat(timespec="seconds")


class LazadaConnector(Connector, OAuthConnection, OrderImport, PushNotifications):
    code = "lazada"
    display_name = gettext_lazy("Lazada")

    def client(self, credentials: Credentials | None = None) -> LazadaClient:
        if credentials is None:
            return LazadaClient(lazada_config())
        return LazadaClient(lazada_config(), seller_id=credentials.shop_id, access_token=credentials.access_token)

    # --- authorisation -------------------------------------------------------------------------
    def authorization_url(self, *, redirect_url: str) -> str:
        """Lazada wants ``redirect_uri`` to equal the app's registered callback, so a ``state`` in our
        callback URL travels in Lazada's own ``state`` parameter instead (it comes back unchanged)."""
        from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

        parts = urlsplit(redirect_url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        state = next((v for k, v in query if k == "state"), "")
        rest = [(k, v) for k, v in query if k != "state"]
        callback = urlunsplit(parts._replace(query=urlencode(rest)))
        return self.client().authorization_url(redirect_url=callback, state=state)

    def _token_set(self, payload: dict, *, seller_id: str = "", shop_name: str = "") -> TokenSet:
        access, refresh = payload.get("access_token"), payload.get("refresh_token")
        seller = mappers.seller_id_from_tokens(payload) or seller_id
        if not access or not refresh or not seller:
            raise AuthError("token response without tokens or seller", code="no_tokens")
        expires_in, refresh_expires_in = mappers.token_lifetimes(payload)
        now = timezone.now()
        return TokenSet(
            shop_id=seller, access_token=str(access), refresh_token=str(refresh),
            access_expires_at=now + dt.timedelta(seconds=expires_in),
            # refresh_expires_in = 0: the token cannot be refreshed (service-market apps)
            refresh_expires_at=now + dt.timedelta(seconds=refresh_expires_in) if refresh_expires_in > 0 else None,
            shop_name=shop_name,
        )

    def exchange_code(self, *, params: dict[str, str]) -> TokenSet:
        code = params.get("code", "")
        if not code:
            raise AuthError("callback without code", code="bad_callback")
        tokens = self._token_set(self.client().token_create(code=code))
        seller = LazadaClient(lazada_config(), seller_id=tokens.shop_id, access_token=tokens.access_token).get_seller()
        return TokenSet(**{**tokens.__dict__, "shop_name": str(seller.get("name") or "")})

    def refresh(self, *, credentials: Credentials) -> TokenSet:
        payload = self.client().token_refresh(refresh_token=credentials.refresh_token)
        return self._token_set(payload, seller_id=credentials.shop_id)

    # --- metadata ------------------------------------------------------------------------------
    def categories(self, *, credentials: Credentials) -> list[CategoryNode]:
        rows = mappers.flatten_tree(self.client(credentials).get_category_tree())
        return [CategoryNode(external_id=i, parent_id=p, name=n, is_leaf=leaf) for i, p, n, leaf in rows]

    def category_recommend(self, *, credentials: Credentials, name: str) -> list[str]:
        """GetCategorySuggestion; its 701 "Empty category suggestion." (nothing fits the name) is no suggestion."""
        try:
            found = self.client(credentials).category_suggestions(product_name=name.strip())
        except PermanentError as exc:
            if exc.code.endswith("701"):
                return []
            raise
        return [str(s.get("categoryId")) for s in found if s.get("categoryId")]

    def category_attributes(self, *, credentials: Credentials, category_id: str) -> list[AttributeSpec]:
        """The category's attributes the owner fills in: product-level ones and SKU-level ones (``sku:`` before
        the name; sent in every SKU), without the sale properties (matched from the variants' option values at
        publishing) and the fields the connector fills itself."""
        specs = []
        for attr in self.client(credentials).get_category_attributes(category_id=category_id):
            name = str(attr.get("name") or "")
            sku_level = attr.get("attribute_type") == "sku"
            if not name or name in mappers.SYSTEM_ATTRIBUTES or (sku_level and name in SKU_SYSTEM_ATTRIBUTES) \
                    or str(attr.get("is_sale_prop")) == "1":
                continue
            # the value sent is the option's en_name, the label its (Vietnamese) name (G-attrs; lazada.md finding 6)
            options = tuple((str(o.get("en_name") or o.get("name")), str(o.get("name") or o.get("en_name")))
                            for o in attr.get("options") or [] if o.get("name") or o.get("en_name"))
            specs.append(AttributeSpec(external_id=mappers.SKU_ATTRIBUTE_PREFIX + name if sku_level else name,
                                       name=str(attr.get("label") or name),
                                       mandatory=str(attr.get("is_mandatory")) == "1",
                                       input_type=INPUT_TYPES.get(str(attr.get("input_type")), "text"), options=options))
        return specs

    def listing_rules(self, *, credentials: Credentials, category_id: str) -> dict:
        """Lazada has no API for these limits: the declared ``mappers.RULES`` apply as they are."""
        return {}

    def validate(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = (),
                 rules: dict | None = None) -> list[ValidationProblem]:
        return mappers.validate(draft, attributes=attributes, rules=rules)

    def fingerprint(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = ()) -> str:
        return mappers.content_hash(draft, attributes=attributes)

    # --- listings ------------------------------------------------------------------------------
    def _upload_images(self, client: LazadaClient, draft: ListingDraft, uploaded: dict[str, str]) -> list[str]:
        for image in draft.images:
            if image.key not in uploaded:
                content, changed = mappers.fit_image(image.content, max_bytes=client.config.image_max_bytes)
                name = image.filename.rsplit(".", 1)[0] + ".jpg" if changed else image.filename
                uploaded[image.key] = client.upload_image(filename=name, content=content)
        return [uploaded[image.key] for image in draft.images]

    def _listings_with_skus(self, client: LazadaClient, skus: list[str], *, since: dt.datetime | None = None) -> list[RemoteListing]:
        found: dict[str, RemoteListing] = {}
        for chunk in mappers.chunks(sorted(set(skus)), 100):
            offset = 0
            while True:
                page = client.get_products(filter="all", limit=PAGE_SIZE, offset=offset, sku_seller_list=chunk,
                                           update_after=iso(since) if since else "")
                products = page.get("products") or []
                for product in products:
                    if str(product.get("status") or "").lower() != "deleted":
                        found[str(product.get("item_id"))] = mappers.remote_listing(product)
                offset += len(products)
                if len(products) < PAGE_SIZE or offset >= int(page.get("total_products") or 0):
                    break
        return list(found.values())

    def _existing(self, client: LazadaClient, draft: ListingDraft) -> CreatedListing | None:
        """The listing that already holds the draft's SKUs (an earlier attempt created it), to be finished."""
        existing = self._listings_with_skus(client, [v.sku for v in draft.variants])
        if not existing:
            return None
        if len(existing) > 1:
            raise PermanentError(_("Several listings on the shop have this product's SKUs; choose one under "
                                   "“Existing listings”."), code="ambiguous_sku")
        return CreatedListing(external_id=existing[0].external_id, existed=True,
                              variant_ids_by_sku=existing[0].variant_ids_by_sku)

    def publish_prepare(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                        attributes: Sequence[AttributeSpec] = ()) -> PublishPlan:
        client = self.client(credentials)
        existing = self._existing(client, draft)
        if existing is not None:
            return PublishPlan(existing=existing)
        image_urls = self._upload_images(client, draft, uploaded_images)
        return PublishPlan(body=mappers.product_body(draft, image_urls=image_urls, attributes=attributes,
                                                     brand_id=self._no_brand_id(client),
                                                     sale_props=self._sale_properties(client, draft)))

    def publish_create(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan) -> CreatedListing:
        """CreateProduct; a SKU Lazada says the shop already has (an earlier attempt's) is that listing."""
        client = self.client(credentials)
        try:
            created = client.create_product(plan.body)
        except LazadaError as exc:
            if exc.code in SELLER_SKU_DUPLICATE_CODES:
                existing = self._existing(client, draft)
                if existing is not None:
                    return existing
            raise self._owner_error(exc) from exc
        ids = {str(s.get("seller_sku")): str(s.get("sku_id")) for s in created.get("sku_list") or []}
        return CreatedListing(external_id=str(created["item_id"]), variant_ids_by_sku=ids)

    def publish_complete(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan,
                         created: CreatedListing, uploaded_images: dict[str, str],
                         attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        """A listing that existed is finished with ``update``; a new one's SKU ids are read when CreateProduct
        did not give them all."""
        if created.existed:
            result = self.update(credentials=credentials, external_id=created.external_id, draft=draft,
                                 variant_ids_by_sku=created.variant_ids_by_sku, uploaded_images=uploaded_images,
                                 attributes=attributes, push_item=False)
            return PublishResult(external_id=result.external_id, variant_ids_by_sku=result.variant_ids_by_sku,
                                 image_ids=dict(uploaded_images), calls=result.calls)
        client = self.client(credentials)
        ids = dict(created.variant_ids_by_sku)
        if any(v.sku not in ids for v in draft.variants):
            ids.update(self._sku_ids(client, created.external_id))
        return PublishResult(external_id=created.external_id,
                             variant_ids_by_sku={v.sku: ids[v.sku] for v in draft.variants if v.sku in ids},
                             image_ids=dict(uploaded_images), calls=client.calls)

    @staticmethod
    def _sale_properties(client: LazadaClient, draft: ListingDraft) -> list[dict]:
        """The category's standard sale properties (``is_sale_prop``: colour family, size…) with their options,
        which a product with several SKUs must use (docs/marketplaces/lazada.md, finding 2). Asked only for a
        product with options; GetCategoryAttributes needs no token."""
        if not mappers.has_variations(draft) or not draft.category_id:
            return []
        key = f"lazada:sale-properties:{client.config.api_host}:{draft.category_id}"
        if (cached := cache.get(key)) is not None:
            return cached
        try:
            found = client.get_category_attributes(category_id=str(draft.category_id), language_code="vi_VN")
        except LazadaError as exc:
            raise LazadaConnector._owner_error(exc) from exc
        props = [{"name": str(a["name"]), "label": str(a.get("label") or a["name"]), "options": a.get("options") or []}
                 for a in found if str(a.get("is_sale_prop")) == "1" and a.get("name")]
        cache.set(key, props, CATEGORY_CACHE_SECONDS)
        return props

    @staticmethod
    def _no_brand_id(client: LazadaClient) -> str:
        """Lazada's id of "No Brand" in this country (GetBrandByPages; ids differ per country, and ``brand`` is
        deprecated for ``brand_id``: docs/marketplaces/lazada.md, finding 4), looked up once a day."""
        key = f"lazada:no-brand-id:{client.config.api_host}:{client.config.app_key}"
        if found := cache.get(key):
            return found
        start = 0
        while True:
            page = client.get_brands(start_row=start, page_size=BRAND_PAGE_SIZE)
            brands = page.get("module") or []
            for brand in brands:
                if mappers.NO_BRAND.lower() in {str(brand.get("name") or "").lower(), str(brand.get("name_en") or "").lower()}:
                    cache.set(key, str(brand["brand_id"]), BRAND_CACHE_SECONDS)
                    return str(brand["brand_id"])
            start += len(brands)
            if not brands or start >= int(page.get("total_record") or 0):
                raise PermanentError(_("Lazada's brand list has no “No Brand” entry for this shop's country."),
                                     code="no_brand_missing")

    def _sku_ids(self, client: LazadaClient, item_id: str) -> dict[str, str]:
        item = client.get_product_item(item_id=item_id)
        return {str(s.get("SellerSku") or ""): str(s.get("SkuId")) for s in item.get("skus") or []}

    def update(self, *, credentials: Credentials, external_id: str, draft: ListingDraft,
               variant_ids_by_sku: dict[str, str], uploaded_images: dict[str, str],
               attributes: Sequence[AttributeSpec] = (), push_item: bool = True) -> PublishResult:
        client = self.client(credentials)
        ids = dict(variant_ids_by_sku)
        if any(v.sku not in ids for v in draft.variants):
            try:
                ids.update(self._sku_ids(client, external_id))
            except LazadaError as exc:
                raise self._owner_error(exc) from exc
        missing = [v.sku for v in draft.variants if v.sku not in ids]
        if push_item or missing:
            image_urls = self._upload_images(client, draft, uploaded_images)
            body = mappers.product_body(draft, image_urls=image_urls, attributes=attributes, with_price_stock=False,
                                        sku_ids=ids, brand_id=self._no_brand_id(client),
                                        sale_props=self._sale_properties(client, draft))
            body["ItemId"] = external_id
            try:
                client.update_product(body)
            except LazadaError as exc:
                raise self._owner_error(exc) from exc
            if missing:
                ids.update(self._sku_ids(client, external_id))
        return PublishResult(external_id=external_id,
                             variant_ids_by_sku={v.sku: ids[v.sku] for v in draft.variants if v.sku in ids},
                             image_ids=dict(uploaded_images), calls=client.calls)

    def update_price_stock(self, *, credentials: Credentials, external_id: str,
                           updates: Sequence[PriceStockUpdate]) -> BatchOutcome:
        return self.update_price_stock_many(credentials=credentials, updates=[(external_id, u) for u in updates])

    def update_price_stock_many(self, *, credentials: Credentials,
                                updates: Sequence[tuple[str, PriceStockUpdate]]) -> BatchOutcome:
        """Price and stock for SKUs of any listings of the shop, ``(listing id, update)`` pairs, in calls of
        up to LAZADA_PRICE_QUANTITY_BATCH SKUs (UpdatePriceQuantity takes SKUs of several items at once).
        Returns per SkuId which succeeded and which failed with Lazada's reason."""
        client = self.client(credentials)
        # prices through UpdatePriceQuantity; stock through UpdateSellableQuantity, since UpdatePriceQuantity's
        # Quantity is the total that must also cover units of unpaid and paid orders (lazada.md, finding 1)
        prices = [mappers.price_quantity_entry(item_id=item_id, sku_id=u.external_variant_id, price_vnd=u.price_vnd)
                  for item_id, u in updates if u.price_vnd is not None]
        stocks = [mappers.sellable_entry(item_id=item_id, sku_id=u.external_variant_id, stock=u.stock)
                  for item_id, u in updates if u.stock is not None]
        failed: dict[str, str] = {}
        for send, entries in ((client.update_price_quantity, prices), (client.update_sellable_quantity, stocks)):
            for chunk in mappers.chunks(entries, client.config.price_quantity_batch):
                answer = send(chunk)
                if answer.get("code") == "501":
                    failed.update(mappers.failed_skus(answer.get("detail") or [], chunk))
        tried = {e["SkuId"] for e in prices + stocks}
        return BatchOutcome(succeeded=tuple(sorted(tried - failed.keys())), failed=failed)

    def delist(self, *, credentials: Credentials, external_id: str) -> None:
        client = self.client(credentials)
        try:
            ids = self._sku_ids(client, external_id)
        except LazadaError as exc:
            if exc.code in ITEM_MISSING_CODES:
                return  # already removed
            raise
        for chunk in mappers.chunks([f"SkuId_{external_id}_{sku_id}" for sku_id in ids.values()], 50):
            client.remove_product(sku_ids=chunk)

    def pause(self, *, credentials: Credentials, external_id: str, paused: bool) -> None:
        client = self.client(credentials)
        if paused:
            client.deactivate_product(item_id=external_id)
            return
        ids = self._sku_ids(client, external_id)
        # "Attributes must be preserved but can be left out of any field" (G-update; lazada.md finding 8)
        client.update_product({"ItemId": external_id, "Attributes": {}, "Skus": {"Sku": [
            {"SkuId": sku_id, "SellerSku": sku, "Status": "active"} for sku, sku_id in ids.items()]}})

    def find_by_sku(self, *, credentials: Credentials, sku: str, since: dt.datetime | None = None) -> list[RemoteListing]:
        since = since - dt.timedelta(seconds=60) if since else None
        return self._listings_with_skus(self.client(credentials), [sku], since=since)

    def remote_listings(self, *, credentials: Credentials) -> list[RemoteListing]:
        client = self.client(credentials)
        found: dict[str, RemoteListing] = {}
        offset = 0
        while offset < MAX_OFFSET:
            page = client.get_products(filter="all", limit=PAGE_SIZE, offset=offset)
            products = page.get("products") or []
            for product in products:
                if str(product.get("status") or "").lower() != "deleted":
                    found[str(product.get("item_id"))] = mappers.remote_listing(product)
            offset += len(products)
            if len(products) < PAGE_SIZE or offset >= int(page.get("total_products") or 0):
                break
        return list(found.values())

    # --- orders --------------------------------------------------------------------------------
    def orders_updated_since(self, *, credentials: Credentials, since: dt.datetime) -> list[RemoteOrder]:
        """Orders changed at or after ``since`` (GetOrders ``update_after``, oldest change first, 100 per
        page), each with its items (GetOrderItems): one line per SKU, status and price."""
        client = self.client(credentials)
        orders: dict[str, RemoteOrder] = {}
        offset = 0
        while True:
            page = client.get_orders(update_after=iso(since), offset=offset, limit=ORDER_PAGE_SIZE)
            batch = page.get("orders") or []
            for order in batch:
                items = client.get_order_items(order_id=str(order.get("order_id")))
                remote = mappers.remote_order(order, items)
                orders[remote.external_id] = remote  # an order changed while paging may come twice
            offset += len(batch)
            if len(batch) < ORDER_PAGE_SIZE or offset >= int(page.get("countTotal") or page.get("count") or 0):
                break
        return sorted(orders.values(), key=lambda o: (o.updated_at, o.external_id))

    def order_get(self, *, credentials: Credentials, external_id: str) -> RemoteOrder | None:
        """GetOrder and GetOrderItems for one order; None when Lazada does not know it on this shop."""
        client = self.client(credentials)
        try:
            order = client.get_order(order_id=external_id)
            items = client.get_order_items(order_id=external_id)
        except LazadaError as exc:
            if exc.code in ORDER_MISSING_CODES:
                return None
            raise
        return mappers.remote_order(order, items) if order else None

    # --- push notifications ----------------------------------------------------------------------
    def verify_push(self, *, body: bytes, headers: Mapping[str, str], url: str) -> list[PushEvent]:
        """Lazada signs ``app_key + raw body`` with the app secret (hex HMAC-SHA256 in ``Authorization``);
        the URL is not signed. Lazada gives a push no id: the event id is the body's hash."""
        config = lazada_config()
        given = next((str(v) for k, v in headers.items() if k.lower() == "authorization"), "").strip()
        expected = lazada_push_signature(app_key=config.app_key, app_secret=config.app_secret, raw_body=body)
        if not given or not secret_equals(given.lower(), expected):
            raise PushRejected("Lazada push with a wrong or missing signature")
        try:
            payload = json.loads(body)
        except ValueError:
            raise PushRejected("Lazada push body is not JSON") from None
        if not isinstance(payload, dict) or "message_type" not in payload:
            raise PushRejected("Lazada push without a message_type")
        return mappers.push_events(payload, event_id=hashlib.sha256(body).hexdigest())

    # --- errors --------------------------------------------------------------------------------
    @staticmethod
    def _owner_error(exc: LazadaError) -> PermanentError:
        """Lazada's refusal in the owner's language, saying what to fix where the code tells us."""
        detail = "; ".join(str(d.get("message") or d.get("field") or "") for d in exc.detail if isinstance(d, dict))
        detail = detail or exc.message or exc.code
        messages = {
            "4110": _("Lazada needs more category attributes: %(detail)s"),
            "4125": _("Lazada needs more category attributes: %(detail)s"),
            "4129": _("Lazada does not accept the characters \" ^ ~ < > | in the name or SKU: %(detail)s"),
            "4134": _("The Lazada category chosen has sub-categories; choose the most specific one."),
            "201": _("Lazada does not know the category chosen; choose the category again."),
            "4105": _("Another listing on the shop already uses one of these SKUs: %(detail)s"),
            "4126": _("Another listing on the shop already uses one of these SKUs: %(detail)s"),
            "4141": _("Another listing on the shop already uses one of these SKUs: %(detail)s"),
            "4138": _("Lazada refused a photo of the product; upload the photos again."),
            "4139": _("Add at least one photo of the product."),
            "4104": _("Lazada refused the price: %(detail)s"),
            "4118": _("Lazada refused the price: %(detail)s"),
        }
        return owner_error(marketplace="lazada", code=exc.code, detail=detail, messages=messages,
                           fallback=_("Lazada refused the product: %(detail)s"), request_id=exc.request_id)
