"""The Shopee connector: Shopee Open Platform v2 behind the platform's narrow Connector interface."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping, Sequence

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace_connectors.base import (
    AttributeSpec,
    BatchOutcome,
    Capability,
    CategoryNode,
    Connector,
    Credentials,
    ListingDraft,
    LogisticsChannel,
    PriceStockUpdate,
    PublishResult,
    PushEvent,
    PushRejected,
    RemoteListing,
    RemoteOrder,
    Sandbox,
    TokenSet,
    ValidationProblem,
)
from marketplace_connectors.errors import AuthError, PermanentError

from . import mappers
from .client import ShopeeClient, shopee_push_signature
from .conf import SANDBOX_PARTNER_ID, SANDBOX_PARTNER_KEY, shopee_config

INPUT_TYPES = {1: "select", 2: "select", 3: "text", 4: "multi_select", 5: "multi_select"}
REFRESH_TOKEN_LIFETIME = dt.timedelta(days=30)
ORDER_WINDOW_SECONDS = 15 * 24 * 3600  # get_order_list: time_from and time_to at most 15 days apart
ORDER_PAGE_SIZE = 100
ORDER_DETAIL_BATCH = 50


class ShopeeConnector(Connector):
    code = "shopee"
    display_name = _("Shopee")
    capabilities = frozenset({Capability.LISTINGS, Capability.PRICE_STOCK, Capability.ORDERS, Capability.PUSH})

    def sandbox(self) -> Sandbox:
        from .simulator import ShopeeSimulator

        sim = ShopeeSimulator(partner_id=SANDBOX_PARTNER_ID, partner_key=SANDBOX_PARTNER_KEY,
                              reject_repeated_items=False).start()

        def approve() -> dict[str, str]:
            code, shop_id = sim.issue_code()
            return {"code": code, "shop_id": str(shop_id)}

        return Sandbox(
            simulator=sim,
            settings={"SHOPEE_API_HOST": sim.url, "SHOPEE_PARTNER_ID": SANDBOX_PARTNER_ID,
                      "SHOPEE_PARTNER_KEY": SANDBOX_PARTNER_KEY},
            callback_params=approve, category_id="100101",
            attribute_values={"501": ["5011"], "502": ["12 tháng"]}, shipping_channel_id="50011",
        )

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
        code, shop_id = params.get("code", ""), params.get("shop_id", "")
        if not code or not shop_id or not shop_id.isdigit():
            raise AuthError("callback without code and shop_id", code="bad_callback")
        tokens = self._token_set(shop_id, self.client().token_get(code=code, shop_id=shop_id))
        info = ShopeeClient(shopee_config(), shop_id=shop_id, access_token=tokens.access_token).get_shop_info()
        return TokenSet(**{**tokens.__dict__, "shop_name": str(info.get("shop_name") or "")})

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

    def category_attributes(self, *, credentials: Credentials, category_id: str) -> list[AttributeSpec]:
        found = self.client(credentials).get_attribute_tree(category_ids=[int(category_id)], language="vn")
        specs = []
        for entry in found:
            for attr in entry.get("attribute_tree") or []:
                input_type = (attr.get("attribute_info") or {}).get("input_type")
                specs.append(AttributeSpec(
                    external_id=str(attr["attribute_id"]), name=attr.get("name") or str(attr["attribute_id"]),
                    mandatory=bool(attr.get("mandatory")), input_type=INPUT_TYPES.get(input_type, "text"),
                    options=tuple((str(v["value_id"]), v.get("name") or "") for v in attr.get("attribute_value_list") or []),
                ))
        return specs

    def listing_rules(self, *, credentials: Credentials, category_id: str) -> dict:
        return mappers.rules_from_item_limit(self.client(credentials).get_item_limit(category_id=int(category_id)))

    def shipping_channels(self, *, credentials: Credentials) -> list[LogisticsChannel]:
        return [
            LogisticsChannel(external_id=str(c["logistics_channel_id"]), name=c.get("logistics_channel_name") or "",
                             enabled=bool(c.get("enabled")))
            for c in self.client(credentials).get_channel_list()
        ]

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

    def publish(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                on_created: Callable[[str], None], before_create: Callable[[], None] = lambda: None,
                attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        client = self.client(credentials)
        image_ids = self._upload_images(client, draft, uploaded_images)
        before_create()
        created = client.add_item(mappers.item_body(draft, image_ids=image_ids, attributes=attributes))
        item_id = int(created["item_id"])
        on_created(str(item_id))
        variant_ids = self._ensure_models(client, draft, item_id, fresh=True)
        return PublishResult(external_id=str(item_id), variant_ids_by_sku=variant_ids,
                             image_ids=dict(uploaded_images), calls=client.calls)

    def _ensure_models(self, client: ShopeeClient, draft: ListingDraft, item_id: int,
                       known: Mapping[str, str] | None = None, fresh: bool = False) -> dict[str, str]:
        """Variant ids by SKU for every draft variant, creating on Shopee what is missing: the tier variation
        when the item has none yet, otherwise each missing model through add_model (after appending its new
        option values to the tiers). Models are matched by model_sku first, so a retry creates nothing twice;
        ``fresh`` (an item just created) skips that lookup, init_tier_variation refusing a second init."""
        if not mappers.has_variations(draft):
            return {draft.variants[0].sku: "0"}
        ids = dict(known or {})
        if all(v.sku in ids for v in draft.variants):
            return ids
        listed = {} if fresh else client.get_model_list(item_id=item_id)
        if not listed.get("tier_variation"):
            try:
                listed = client.init_tier_variation(mappers.tier_variation_body(draft, item_id=item_id))
            except PermanentError as exc:
                if "tier_variation_exists" not in exc.code:
                    raise
                listed = client.get_model_list(item_id=item_id)
        ids.update({str(m.get("model_sku") or ""): str(m["model_id"]) for m in listed.get("model") or []})
        missing = [v for v in draft.variants if v.sku not in ids]
        if missing:
            existing = listed.get("tier_variation") or []
            if len(existing) > len(mappers.tier_names(draft)):
                raise PermanentError("the item on Shopee has more option tiers than the product has options",
                                     code="tier_mismatch")
            tiers = mappers.tier_variation(draft, existing)
            if tiers != existing:
                client.update_tier_variation(item_id=item_id, tier_variation=tiers)
            for chunk in mappers.chunks([mappers.model_entry(draft, v, tiers) for v in missing]):
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
        if push_item:
            image_ids = self._upload_images(client, draft, uploaded_images)
            body = mappers.item_body(draft, image_ids=image_ids, attributes=attributes)
            for key in ("original_price", "seller_stock", "item_status"):
                body.pop(key, None)  # prices and stock go through update_price/update_stock
            body["item_id"] = item_id
            client.update_item(body)
        ids = self._ensure_models(client, draft, item_id, known=variant_ids_by_sku)
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
        if not given or not hmac.compare_digest(given.lower(), expected):
            raise PushRejected("Shopee push with a wrong or missing signature")
        try:
            payload = json.loads(body)
        except ValueError:
            raise PushRejected("Shopee push body is not JSON") from None
        if not isinstance(payload, dict) or "code" not in payload:
            raise PushRejected("Shopee push without a code")
        return mappers.push_events(payload, event_id=hashlib.sha256(body).hexdigest())
