"""The Shopee connector: Shopee Open Platform v2 behind the platform's narrow Connector interface."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Mapping, Sequence

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace_connectors.base import (
    AttributeSpec,
    BatchOutcome,
    CategoryNode,
    Connector,
    CreatedListing,
    Credentials,
    ListingDraft,
    LogisticsChannel,
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
    ShippingChannels,
    TokenSet,
    ValidationProblem,
)
from marketplace_connectors.crypto import secret_equals
from marketplace_connectors.errors import AuthError, ListingGone, PermanentError

from . import mappers
from .client import ShopeeClient, error_kind, shopee_push_signature
from .conf import shopee_config

INPUT_TYPES = {1: "select", 2: "select", 3: "text", 4: "multi_select", 5: "multi_select"}
QUANTITATIVE = 2  # attribute_info.format_type: a value with a unit from attribute_unit_list
CACHE_SECONDS = 3600  # a category's item limits and the shop's channels, as read at publishing
REFRESH_TOKEN_LIFETIME = dt.timedelta(days=30)
ORDER_WINDOW_SECONDS = 15 * 24 * 3600  # get_order_list: time_from and time_to at most 15 days apart
ORDER_PAGE_SIZE = 100
ORDER_DETAIL_BATCH = 50


# Shopee's documented refusals of a product (docs/marketplaces/shopee.md, add_item errors) -> what the owner
# should do; every other code is shown as Shopee's code and message.
OWNER_MESSAGES = {
    "error_less_required_attribute": _("Shopee needs more category attributes (%(code)s: %(detail)s). Fill them in "
                                       "under Sales channels → Categories."),
    "error_invalid_attribute_value": _("Shopee refused a category attribute's value (%(code)s: %(detail)s). Check "
                                       "them under Sales channels → Categories."),
    "error_value_name_required": _("Shopee refused a category attribute's value (%(code)s: %(detail)s). Check "
                                   "them under Sales channels → Categories."),
    "error_busi": _("Shopee needs the barcode (GTIN) of every variant in this category (%(code)s: %(detail)s)."),
    "error_param_validate": _("Shopee says a barcode is not a valid GTIN (%(code)s: %(detail)s). Check the "
                              "variants' barcodes."),
    "error_invalid_logistic_info": _("Shopee refused the shipping channel (%(code)s: %(detail)s). Choose another "
                                     "one in the shop's settings."),
    "error_item_name_is_too_short": _("Shopee finds the name too short (%(code)s: %(detail)s)."),
    "error_title_exceeds_max_length": _("Shopee finds the name too long (%(code)s: %(detail)s)."),
    "error_desc_length_min_limit": _("Shopee finds the description too short (%(code)s: %(detail)s). Describe the "
                                     "product in more detail."),
    "error_price_exceed_min_limitt": _("Shopee refused the price (%(code)s: %(detail)s)."),
    "error_price_exceed_max_limitt": _("Shopee refused the price (%(code)s: %(detail)s)."),
}


def owner_error(exc: PermanentError) -> PermanentError:
    """A refusal of a product in the owner's language, always with Shopee's code and message; the code keeps
    Shopee's spelling after ``shopee_`` (so ``…repeated_mtsku`` and ``…item_not_found`` are still told apart)."""
    if exc.code.startswith("shopee_"):
        return exc
    template = OWNER_MESSAGES.get(error_kind(exc.code)) or _("Shopee refused the product (%(code)s: %(detail)s).")
    return PermanentError(str(template) % {"code": exc.code, "detail": exc.message or exc.code},
                          code=f"shopee_{exc.code}", request_id=exc.request_id)


class ShopeeConnector(Connector, OAuthConnection, ShippingChannels, OrderImport, PushNotifications):
    code = "shopee"
    display_name = _("Shopee")

    def client(self, credentials: Credentials | None = None) -> ShopeeClient:
        if credentials is None:
            return ShopeeClient(shopee_config())
        return ShopeeClient(shopee_config(), shop_id=credentials.shop_id, access_token=credentials.access_token)

    # --- authorisation -------------------------------------------------------------------------
    def authorization_url(self, *, redirect_url: str) -> str:
        return self.client().auth_partner_url(redirect_url=redirect_url)

    def _token_set(self, shop_id: str, payload: dict, *, shop_name: str = "") -> TokenSet:
        now = timezone.now()
        if not payload.get("access_token") or not payload.get("refresh_token"):
            raise AuthError("token response without tokens", code="no_tokens")
        return TokenSet(
            shop_id=str(shop_id),
            access_token=payload["access_token"],
            refresh_token=payload["refresh_token"],
            access_expires_at=now + dt.timedelta(seconds=int(payload.get("expire_in") or 0)),
            refresh_expires_at=now + REFRESH_TOKEN_LIFETIME,
            shop_name=shop_name,
        )

    def exchange_code(self, *, params: dict[str, str]) -> TokenSet:
        """A shop's callback (``code`` + ``shop_id``) or a main account's (``code`` + ``main_account_id``): the
        main account's pair is shared by the shops in ``shop_id_list``, so each is refreshed once to get its
        own pair (docs/marketplaces/shopee.md, authorisation); the first shop comes back with the others in
        ``other_shops``."""
        code, shop_id = params.get("code", ""), params.get("shop_id", "")
        main_account_id = params.get("main_account_id", "")
        if code and not shop_id and main_account_id.isdigit():
            return self._exchange_main_account_code(code=code, main_account_id=main_account_id)
        if not code or not shop_id or not shop_id.isdigit():
            raise AuthError("callback without code and shop_id", code="bad_callback")
        tokens = self._token_set(shop_id, self.client().token_get(code=code, shop_id=shop_id))
        info = ShopeeClient(shopee_config(), shop_id=shop_id, access_token=tokens.access_token).get_shop_info()
        return TokenSet(**{**tokens.__dict__, "shop_name": str(info.get("shop_name") or "")})

    def _exchange_main_account_code(self, *, code: str, main_account_id: str) -> TokenSet:
        shared = self.client().token_get(code=code, main_account_id=main_account_id)
        shop_ids = [str(s) for s in shared.get("shop_id_list") or []]
        if not shop_ids:
            raise AuthError("the main account authorised no shop", code="no_shops")
        shops = []
        for shop_id in shop_ids:
            own = self._token_set(shop_id, self.client().access_token_get(
                refresh_token=str(shared.get("refresh_token") or ""), shop_id=shop_id))
            info = ShopeeClient(shopee_config(), shop_id=shop_id, access_token=own.access_token).get_shop_info()
            shops.append(TokenSet(**{**own.__dict__, "shop_name": str(info.get("shop_name") or "")}))
        return TokenSet(**{**shops[0].__dict__, "other_shops": tuple(shops[1:])})

    def refresh(self, *, credentials: Credentials) -> TokenSet:
        payload = self.client().access_token_get(refresh_token=credentials.refresh_token, shop_id=credentials.shop_id)
        return self._token_set(credentials.shop_id, payload)

    # --- metadata ------------------------------------------------------------------------------
    def categories(self, *, credentials: Credentials) -> list[CategoryNode]:
        return [
            CategoryNode(
                external_id=str(c["category_id"]), parent_id=str(c.get("parent_category_id") or ""),
                name=c.get("display_category_name") or c.get("original_category_name") or "",
                is_leaf=not c.get("has_children"),
            )
            for c in self.client(credentials).get_category(language="vi")
        ]

    def category_recommend(self, *, credentials: Credentials, name: str) -> list[str]:
        return [str(c) for c in self.client(credentials).category_recommend(item_name=name.strip())]

    def category_attributes(self, *, credentials: Credentials, category_id: str) -> list[AttributeSpec]:
        found = self.client(credentials).get_attribute_tree(category_ids=[int(category_id)], language="vn")
        specs = []
        for entry in found:
            for attr in entry.get("attribute_tree") or []:
                info = attr.get("attribute_info") or {}
                units = tuple(str(u) for u in info.get("attribute_unit_list") or []) \
                    if info.get("format_type") == QUANTITATIVE else ()
                name = attr.get("name") or str(attr["attribute_id"])
                specs.append(AttributeSpec(
                    external_id=str(attr["attribute_id"]), name=f"{name} ({', '.join(units)})" if units else name,
                    mandatory=bool(attr.get("mandatory")),
                    # a quantity is typed with its unit ("500 g"); listed values still match by their label
                    input_type="text" if units and info.get("input_type") in (2, 3) else INPUT_TYPES.get(
                        info.get("input_type"), "text"),
                    options=tuple((str(v["value_id"]), v.get("name") or "") for v in attr.get("attribute_value_list") or []),
                    units=units,
                ))
        return specs

    def listing_rules(self, *, credentials: Credentials, category_id: str) -> dict:
        return mappers.rules_from_item_limit(self.client(credentials).get_item_limit(category_id=int(category_id)))

    def shipping_channels(self, *, credentials: Credentials) -> list[LogisticsChannel]:
        """The channels a product may use: enabled checkout channels (``mask_channel_id`` 0; G-prep §7). A
        SIZE_SELECTION channel is one choice per size (``<channel>:<size_id>``), since add_item needs the
        size; CUSTOM_PRICE channels (a fee per product, which we do not ask) are left out."""
        found = []
        for c in self.client(credentials).get_channel_list():
            fee_type = str(c.get("fee_type") or "")
            if not c.get("enabled") or c.get("mask_channel_id") or fee_type == "CUSTOM_PRICE":
                continue
            name, channel_id = c.get("logistics_channel_name") or "", str(c["logistics_channel_id"])
            if fee_type == "SIZE_SELECTION":
                found.extend(LogisticsChannel(external_id=f"{channel_id}:{size['size_id']}", name=f"{name} — {size.get('name')}",
                                              enabled=True, fee_type=fee_type) for size in c.get("size_list") or [])
            else:
                found.append(LogisticsChannel(external_id=channel_id, name=name, enabled=True, fee_type=fee_type))
        return found

    @staticmethod
    def _item_limit(client: ShopeeClient, category_id: str) -> dict:
        key = f"shopee:item-limit:{client.config.host}:{client.shop_id}:{category_id}"
        if (found := cache.get(key)) is None:
            found = client.get_item_limit(category_id=int(category_id))
            cache.set(key, found, CACHE_SECONDS)
        return found

    @staticmethod
    def _check_channel(client: ShopeeClient, draft: ListingDraft) -> None:
        """A SIZE_INPUT channel needs the package size (G-create §6): say so before Shopee refuses."""
        if mappers.dimension(draft) is not None:
            return
        key = f"shopee:channels:{client.config.host}:{client.shop_id}"
        if (channels := cache.get(key)) is None:
            channels = client.get_channel_list()
            cache.set(key, channels, CACHE_SECONDS)
        channel_id = str(draft.shipping_channel_id).partition(":")[0]
        channel = next((c for c in channels if str(c.get("logistics_channel_id")) == channel_id), None)
        if channel is not None and channel.get("fee_type") == "SIZE_INPUT" and mappers.dimension(draft) is None:
            raise PermanentError(_("The shipping channel “%(name)s” prices by package size: enter the length, width "
                                   "and height of every variant.") % {"name": channel.get("logistics_channel_name")},
                                 code="dimension_required")

    def validate(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = (),
                 rules: dict | None = None) -> list[ValidationProblem]:
        return mappers.validate(draft, attributes=attributes, rules=rules)

    def fingerprint(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = ()) -> str:
        return mappers.content_hash(draft, attributes=attributes)

    # --- listings ------------------------------------------------------------------------------
    def _upload_images(self, client: ShopeeClient, draft: ListingDraft, uploaded: dict[str, str]) -> list[str]:
        for image in draft.images:
            if image.key not in uploaded:
                uploaded[image.key] = client.upload_image(filename=image.filename, content=image.content)
        return [uploaded[image.key] for image in draft.images]

    def publish_prepare(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                        attributes: Sequence[AttributeSpec] = ()) -> PublishPlan:
        client = self.client(credentials)
        rule = mappers.gtin_rule(self._item_limit(client, draft.category_id))
        self._check_channel(client, draft)
        image_ids = self._upload_images(client, draft, uploaded_images)
        return PublishPlan(body=mappers.item_body(draft, image_ids=image_ids, attributes=attributes, gtin_rule=rule),
                           context={"gtin_rule": rule})

    def publish_create(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan) -> CreatedListing:
        try:
            created = self.client(credentials).add_item(plan.body)
        except PermanentError as exc:
            raise owner_error(exc) from exc
        return CreatedListing(external_id=str(int(created["item_id"])))

    def publish_complete(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan,
                         created: CreatedListing, uploaded_images: dict[str, str],
                         attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        """The new item's models (its tier variation, made whole: ``fresh``)."""
        client = self.client(credentials)
        try:
            variant_ids = self._ensure_models(client, draft, int(created.external_id), fresh=True,
                                              gtin_rule=plan.context["gtin_rule"])
        except PermanentError as exc:
            raise owner_error(exc) from exc
        return PublishResult(external_id=created.external_id, variant_ids_by_sku=variant_ids,
                             image_ids=dict(uploaded_images), calls=client.calls)

    def _ensure_models(self, client: ShopeeClient, draft: ListingDraft, item_id: int,
                       known: Mapping[str, str] | None = None, fresh: bool = False,
                       gtin_rule: str = mappers.GTIN_OPTIONAL) -> dict[str, str]:
        """Variant ids by SKU for every draft variant, creating on Shopee what is missing: the tier variation
        when the item has none yet, otherwise each missing model through add_model (after appending its new
        option values to the tiers). Models are matched by model_sku first, so a retry creates nothing twice;
        ``fresh`` (an item just created) skips that lookup: a second init_tier_variation would replace the
        structure and its models."""
        if not mappers.has_variations(draft):
            return {draft.variants[0].sku: "0"}
        ids = dict(known or {})
        if all(v.sku in ids for v in draft.variants):
            return ids
        listed = {} if fresh else client.get_model_list(item_id=item_id)
        if not listed.get("tier_variation"):
            listed = client.init_tier_variation(mappers.tier_variation_body(draft, item_id=item_id, gtin_rule=gtin_rule))
        ids.update({str(m.get("model_sku") or ""): str(m["model_id"]) for m in listed.get("model") or []})
        missing = [v for v in draft.variants if v.sku not in ids]
        if missing:
            existing = listed.get("tier_variation") or []
            if len(existing) > len(mappers.tier_names(draft)):
                raise PermanentError("the item on Shopee has more option tiers than the product has options",
                                     code="tier_mismatch")
            tiers = mappers.tier_variation(draft, existing)
            if tiers != existing:
                client.update_tier_variation(item_id=item_id, standardise_tier_variation=mappers.standardise_tiers(tiers))
            for chunk in mappers.chunks([mappers.model_entry(draft, v, tiers, gtin_rule=gtin_rule) for v in missing]):
                added = client.add_model(item_id=item_id, model_list=chunk).get("model") or []
                ids.update({str(m.get("model_sku") or ""): str(m["model_id"]) for m in added})
        still = [v.sku for v in draft.variants if v.sku not in ids]
        if still:
            raise PermanentError(f"variants missing on Shopee: {', '.join(still)}", code="missing_models")
        return ids

    def update(self, *, credentials: Credentials, external_id: str, draft: ListingDraft,
               variant_ids_by_sku: dict[str, str], uploaded_images: dict[str, str],
               attributes: Sequence[AttributeSpec] = (), push_item: bool = True) -> PublishResult:
        client = self.client(credentials)
        item_id = int(external_id)
        rule = mappers.gtin_rule(self._item_limit(client, draft.category_id))
        if push_item:
            self._check_channel(client, draft)
            image_ids = self._upload_images(client, draft, uploaded_images)
            body = mappers.item_body(draft, image_ids=image_ids, attributes=attributes, gtin_rule=rule)
            for key in ("original_price", "seller_stock", "item_status"):
                body.pop(key, None)  # prices and stock go through update_price/update_stock
            body["item_id"] = item_id
            try:
                client.update_item(body)
            except ListingGone:
                raise
            except PermanentError as exc:
                raise owner_error(exc) from exc
        try:
            ids = self._ensure_models(client, draft, item_id, known=variant_ids_by_sku, gtin_rule=rule)
            if push_item and mappers.has_variations(draft):  # a model's GTIN goes through update_model
                models = [{"model_id": int(ids[v.sku]), "model_sku": v.sku, "gtin_code": code} for v in draft.variants
                          if v.sku in ids and (code := mappers.gtin_code(v, rule)) is not None]
                for chunk in mappers.chunks(models):
                    client.update_model(item_id=item_id, models=chunk)
        except PermanentError as exc:
            raise owner_error(exc) from exc
        return PublishResult(external_id=external_id, variant_ids_by_sku=ids, image_ids=dict(uploaded_images),
                             calls=client.calls)

    def update_price_stock(self, *, credentials: Credentials, external_id: str,
                           updates: Sequence[PriceStockUpdate]) -> BatchOutcome:
        client = self.client(credentials)
        item_id = int(external_id)
        failed: dict[str, str] = {}
        tried: set[str] = set()
        prices = [{"model_id": int(u.external_variant_id), "original_price": u.price_vnd}
                  for u in updates if u.price_vnd is not None]
        stocks = [{"model_id": int(u.external_variant_id), "seller_stock": [{"stock": u.stock}]}
                  for u in updates if u.stock is not None]
        try:
            for chunk in mappers.chunks(prices):
                tried.update(str(e["model_id"]) for e in chunk)
                response = client.update_price(item_id=item_id, price_list=chunk)
                for failure in response.get("failure_list") or []:
                    failed[str(failure.get("model_id"))] = str(failure.get("failed_reason") or "")
            for chunk in mappers.chunks(stocks):
                tried.update(str(e["model_id"]) for e in chunk)
                response = client.update_stock(item_id=item_id, stock_list=chunk)
                for failure in response.get("failure_list") or []:
                    failed[str(failure.get("model_id"))] = str(failure.get("failed_reason") or "")
        except PermanentError as exc:
            if mappers.item_is_gone(exc):
                raise ListingGone(exc.message, code=exc.code, request_id=exc.request_id) from exc
            raise
        return BatchOutcome(succeeded=tuple(sorted(tried - failed.keys())), failed=failed)

    def delist(self, *, credentials: Credentials, external_id: str) -> None:
        try:
            self.client(credentials).delete_item(item_id=int(external_id))
        except PermanentError as exc:
            if "not found" not in exc.message.lower():
                raise

    def pause(self, *, credentials: Credentials, external_id: str, paused: bool) -> None:
        response = self.client(credentials).unlist_item(item_id=int(external_id), unlist=paused)
        for failure in response.get("failure_list") or []:
            raise PermanentError(str(failure.get("failed_reason") or "unlist failed"), code="unlist_failed")

    def _base_infos(self, client: ShopeeClient, *, since: int | None = None) -> list[dict]:
        ids: list[int] = []
        offset = 0
        while True:
            page = client.get_item_list(offset=offset, page_size=100, update_time_from=since)
            ids.extend(int(i["item_id"]) for i in page.get("item") or [])
            if not page.get("has_next_page"):
                break
            offset = int(page.get("next_offset") or offset + 100)
        infos: list[dict] = []
        for chunk in mappers.chunks(ids):
            infos.extend(client.get_item_base_info(item_ids=chunk))
        return infos

    def _with_models(self, client: ShopeeClient, infos: list[dict]) -> list[RemoteListing]:
        listings = []
        for info in infos:
            models = client.get_model_list(item_id=int(info["item_id"])).get("model") if info.get("has_model") else []
            listings.append(mappers.remote_listing(info, models))
        return listings

    def find_by_sku(self, *, credentials: Credentials, sku: str, since: dt.datetime | None = None) -> list[RemoteListing]:
        client = self.client(credentials)
        since_ts = int(since.timestamp()) - 60 if since else None
        infos = [i for i in self._base_infos(client, since=since_ts) if str(i.get("item_sku") or "") == sku]
        return self._with_models(client, infos)

    def remote_listings(self, *, credentials: Credentials) -> list[RemoteListing]:
        client = self.client(credentials)
        return self._with_models(client, self._base_infos(client))

    # --- orders --------------------------------------------------------------------------------
    def _order_sns_updated(self, client: ShopeeClient, *, since: int, until: int) -> list[str]:
        """Order numbers changed in [since, until], window by window (at most 15 days each), page by page."""
        found: dict[str, None] = {}  # ordered and without repeats: windows share their boundary second
        start = min(since, until)
        while True:
            end = min(start + ORDER_WINDOW_SECONDS, until)
            cursor = ""
            while True:
                page = client.get_order_list(time_from=start, time_to=end, cursor=cursor, page_size=ORDER_PAGE_SIZE)
                found.update(dict.fromkeys(str(o["order_sn"]) for o in page.get("order_list") or [] if o.get("order_sn")))
                cursor = str(page.get("next_cursor") or "")
                if not page.get("more") or not cursor:
                    break
            if end >= until:
                return list(found)
            start = end

    def orders_updated_since(self, *, credentials: Credentials, since: dt.datetime) -> list[RemoteOrder]:
        """Orders whose update_time is at or after ``since``: get_order_list over 15-day windows up to now
        (100 per page, cursor pagination), then get_order_detail 50 at a time. Oldest change first."""
        client = self.client(credentials)
        sns = self._order_sns_updated(client, since=int(since.timestamp()), until=int(time.time()))
        orders: list[RemoteOrder] = []
        for chunk in mappers.chunks(sns, ORDER_DETAIL_BATCH):
            orders.extend(mappers.remote_order(detail) for detail in client.get_order_detail(order_sns=chunk))
        return sorted(orders, key=lambda o: (o.updated_at, o.external_id))

    def order_get(self, *, credentials: Credentials, external_id: str) -> RemoteOrder | None:
        try:
            details = self.client(credentials).get_order_detail(order_sns=[external_id])
        except PermanentError as exc:
            if exc.code.endswith("error_not_found"):
                return None
            raise
        found = [d for d in details if str(d.get("order_sn")) == external_id]
        return mappers.remote_order(found[0]) if found else None

    # --- push notifications ----------------------------------------------------------------------
    def verify_push(self, *, body: bytes, headers: Mapping[str, str], url: str) -> list[PushEvent]:
        """Shopee signs ``url|raw body`` with the partner key (hex HMAC-SHA256 in ``Authorization``). Shopee
        gives a push no id, so the event id is the body's hash: a redelivery has the same body."""
        given = next((str(v) for k, v in headers.items() if k.lower() == "authorization"), "").strip()
        expected = shopee_push_signature(partner_key=shopee_config().partner_key, url=url, raw_body=body)
        if not given or not secret_equals(given.lower(), expected):
            raise PushRejected("Shopee push with a wrong or missing signature")
        try:
            payload = json.loads(body)
        except ValueError:
            raise PushRejected("Shopee push body is not JSON") from None
        if not isinstance(payload, dict) or "code" not in payload:
            raise PushRejected("Shopee push without a code")
        return mappers.push_events(payload, event_id=hashlib.sha256(body).hexdigest())
