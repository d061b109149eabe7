"""The WooCommerce connector: an owner's own web shop (WooCommerce REST API v3) behind the Connector interface.

Connecting (Capability.KEYS): the owner types the shop URL and a key pair; ``connect_with_keys`` checks the
URL (HTTPS unless loopback), that WordPress and WooCommerce answer there, that the keys are accepted and that
the shop sells in VND. The "tokens" are the key (``access_token``) and secret (``refresh_token``); they never
expire, so there is no OAuth flow: ``authorization_url`` refuses, ``refresh`` returns the same pair.

The key pair may be WooCommerce REST API keys (``ck_``/``cs_``, Read/Write) or a WordPress user name with
an Application Password. Both authenticate the WooCommerce API; only the second authenticates WordPress's
media library, which is how photos are uploaded (our drafts carry bytes, not public URLs): with plain
WooCommerce keys, publishing a product with photos is refused with an owner message saying so.

Never a second product: before creating, the product SKU is looked up (GET products?sku=); a create refused
as a duplicate SKU (``product_invalid_sku``/``woocommerce_rest_product_not_created``) is resolved the
same way, by finishing the product that holds the SKU.

Push (Capability.PUSH): when ``MARKETPLACE_PUSH_BASE_URL`` is set, connecting registers order webhooks on
the shop whose secret is derived from ``WOOCOMMERCE_WEBHOOK_KEY`` (default SECRET_KEY) and the shop URL
(mappers.webhook_secret), so ``verify_push`` recomputes it from the ``X-WC-Webhook-Source`` header alone.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import mimetypes
import re
from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from marketplace_connectors.errors import AuthError, PermanentError, RetryableError

from . import mappers
from .client import ShopMovedError, WooCommerceClient, WooCommerceError
from .conf import woocommerce_config

logger = logging.getLogger(__name__)

KEYS_LIFETIME = dt.timedelta(days=36_500)  # keys do not expire: "far ahead"
SHIPPING_CHANNEL = "woocommerce"  # the shop's own shipping zones apply: one channel, always enabled
DUPLICATE_SKU_CODES = {"product_invalid_sku", "woocommerce_rest_product_not_created"}
GONE_CODES = {"woocommerce_rest_product_invalid_id", "woocommerce_rest_already_trashed",
              "woocommerce_rest_invalid_product_id"}
ORDER_MISSING_CODES = {"woocommerce_rest_shop_order_invalid_id", "woocommerce_rest_invalid_shop_order_id"}
WEBHOOK_TOPICS = ("order.created", "order.updated", "order.deleted")
WEBHOOK_NAME = "Đồng Tháp SME: %s"
PING_RE = re.compile(rb"^webhook_id=\d+$")


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by name in any case (Django's request.headers is case-insensitive, a plain dict is not)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), "")
    return str(value or "").strip()


def iso_gmt(moment: dt.datetime) -> str:
    """What WooCommerce's ``modified_after`` takes with ``dates_are_gmt=true``."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def push_url() -> str:
    """Where the shop delivers webhooks: <MARKETPLACE_PUSH_BASE_URL>/marketplaces/push/woocommerce/ (empty:
    no public address, so no webhooks; orders are then fetched on schedule only)."""
    base = (settings.MARKETPLACE_PUSH_BASE_URL or "").rstrip("/")
    if not base:
        return ""
    from django.urls import NoReverseMatch, reverse

    try:
        return base + reverse("marketplaces:push_receive", kwargs={"marketplace": WooCommerceConnector.code})
    except NoReverseMatch:
        return f"{base}/marketplaces/push/{WooCommerceConnector.code}/"


class WooCommerceConnector(Connector):
    code = "woocommerce"
    display_name = gettext_lazy("WooCommerce")
    capabilities = frozenset({Capability.LISTINGS, Capability.PRICE_STOCK, Capability.ORDERS, Capability.PUSH,
                              Capability.KEYS})

    def sandbox(self) -> Sandbox:
        """The simulator on a free loopback port. A KEYS connector has no consent page: ``callback_params()``
        returns the sandbox shop's ``shop_url``/``key``/``secret``, the arguments of ``connect_with_keys``
        (``exchange_code`` accepts them too). ``settings`` sets the webhook key the simulator signs with."""
        from .conf import SANDBOX_APP_PASSWORD, SANDBOX_USERNAME
        from .simulator import WooCommerceSimulator

        key = "sandbox-webhook-key-not-a-secret"
        sim = WooCommerceSimulator(
            push_secret=lambda shop_url: mappers.webhook_secret(key=key, shop_url=mappers.normalise_shop_url(shop_url)),
        ).start()
        return Sandbox(
            simulator=sim,
            settings={"WOOCOMMERCE_WEBHOOK_KEY": key},
            callback_params=lambda: {"shop_url": sim.url, "key": SANDBOX_USERNAME, "secret": SANDBOX_APP_PASSWORD},
            category_id=sim.leaf_category_id, attribute_values={}, shipping_channel_id=SHIPPING_CHANNEL,
        )

    def client(self, credentials: Credentials) -> WooCommerceClient:
        return WooCommerceClient(woocommerce_config(), shop_url=credentials.shop_id, key=credentials.access_token,
                                 secret=credentials.refresh_token)

    # --- connecting ----------------------------------------------------------------------------
    def connect_with_keys(self, *, shop_url: str, key: str, secret: str) -> TokenSet:
        """Check the shop and keys the owner typed, then register the order webhooks (when the platform has a
        public push address). Raises PermanentError (owner message) when the address is refused: code
        ``https_required`` (plain HTTP to a host that is not loopback), ``bad_url``, ``redirected``,
        ``not_wordpress``, ``no_woocommerce`` or ``currency_not_vnd``; AuthError when the keys are refused;
        RetryableError when the shop does not answer. Nothing is stored here."""
        try:
            url = mappers.normalise_shop_url(shop_url)
        except ValueError:
            raise PermanentError(_("Enter the address of your web shop, e.g. https://myshop.vn"), code="bad_url") from None
        if mappers.needs_https(url):
            raise PermanentError(_("The shop address must start with https:// — the keys would otherwise travel "
                                   "unencrypted. Turn on HTTPS for your web shop (most hosts offer a free "
                                   "certificate) and enter the https:// address."), code="https_required")
        key, secret = key.strip(), secret.strip()
        if not key or not secret:
            raise AuthError(_("Enter both the consumer key and the consumer secret."), code="missing_keys")
        client = WooCommerceClient(woocommerce_config(), shop_url=url, key=key, secret=secret)
        index = self._site_index(client)
        try:
            currency = str(client.setting("general", "woocommerce_currency").get("value") or "")
        except AuthError as exc:
            raise AuthError(_("The web shop did not accept these keys. Copy the consumer key and secret again "
                              "(WooCommerce → Settings → Advanced → REST API, permission Read/Write)."),
                            code=exc.code) from exc
        except WooCommerceError as exc:
            raise PermanentError(_("The web shop refused the check of its settings (%(code)s).") % {"code": exc.code},
                                 code=exc.code) from exc
        if currency and currency.upper() != "VND":
            raise PermanentError(_("The web shop sells in %(currency)s; the platform sends prices in VND. Set the "
                                   "shop's currency to Vietnamese đồng (WooCommerce → Settings → General), then "
                                   "connect again.") % {"currency": currency}, code="currency_not_vnd")
        callback = push_url()
        if callback:
            self._ensure_webhooks(client, url=url, callback=callback)
        now = timezone.now()
        return TokenSet(shop_id=url, access_token=key, refresh_token=secret, access_expires_at=now + KEYS_LIFETIME,
                        refresh_expires_at=None, shop_name=str(index.get("name") or "")[:255])

    @staticmethod
    def _site_index(client: WooCommerceClient) -> dict:
        try:
            index = client.site_index()
        except ShopMovedError as exc:
            target = exc.location.split("/wp-json", 1)[0] or exc.location
            raise PermanentError(_("The web shop moved to %(url)s; enter that address.") % {"url": target},
                                 code="redirected") from exc
        except (WooCommerceError, ValueError) as exc:
            raise PermanentError(_("No WordPress web shop answers at this address. Check it, and that WordPress's "
                                   "permalinks are not set to “Plain” (Settings → Permalinks)."),
                                 code="not_wordpress") from exc
        except AuthError as exc:
            raise PermanentError(_("The web shop refuses outside requests to its API (a security plugin or "
                                   "firewall?)."), code="not_wordpress") from exc
        if not isinstance(index, dict) or "wc/v3" not in (index.get("namespaces") or []):
            raise PermanentError(_("WooCommerce (3.5 or newer) was not found at this address. Install or "
                                   "update WooCommerce, or check the address."), code="no_woocommerce")
        return index

    def _ensure_webhooks(self, client: WooCommerceClient, *, url: str, callback: str) -> None:
        """One active webhook per order topic to ``callback`` with the shop's derived secret (created, or set
        again when it exists: the key may have changed). Idempotent. Only an AuthError (keys without write
        permission) stops the connection; other trouble is logged, and orders still come on schedule."""
        secret = mappers.webhook_secret(key=woocommerce_config().webhook_key, shop_url=url)
        try:
            existing = {(w.get("topic"), w.get("delivery_url")): str(w.get("id")) for w in client.webhooks()}
            for topic in WEBHOOK_TOPICS:
                body = {"name": WEBHOOK_NAME % topic, "topic": topic, "delivery_url": callback, "secret": secret,
                        "status": "active"}
                webhook_id = existing.get((topic, callback))
                if webhook_id:
                    client.update_webhook(webhook_id, body)
                else:
                    client.create_webhook(body)
        except AuthError as exc:
            raise AuthError(_("These keys can only read. Create keys with Read/Write permission (WooCommerce → "
                              "Settings → Advanced → REST API)."), code=exc.code) from exc
        except (PermanentError, RetryableError) as exc:
            logger.warning("woocommerce webhooks not registered for a shop: %s", exc.code)

    def authorization_url(self, *, redirect_url: str) -> str:
        """WooCommerce shops connect with keys (Capability.KEYS): there is no consent page of ours to send the
        owner to. (WooCommerce's own /wc-auth/v1/authorize key-granting page needs a public callback that
        receives the keys by POST; the owner copies keys instead.) Always raises PermanentError."""
        raise PermanentError(_("WooCommerce web shops connect with API keys, not an authorisation page."),
                             code="keys_only")

    def exchange_code(self, *, params: dict[str, str]) -> TokenSet:
        """There is no authorisation code: given the keys form's ``shop_url``, ``key`` and ``secret`` this is
        ``connect_with_keys``; anything else is refused with AuthError."""
        if params.get("shop_url") and params.get("key") and params.get("secret"):
            return self.connect_with_keys(shop_url=params["shop_url"], key=params["key"], secret=params["secret"])
        raise AuthError("WooCommerce shops connect with keys", code="keys_only")

    def refresh(self, *, credentials: Credentials) -> TokenSet:
        """Keys do not expire: the same pair, with the expiry pushed far ahead again. No call is made; keys the
        owner revoked are found by the next call (AuthError)."""
        return TokenSet(shop_id=credentials.shop_id, access_token=credentials.access_token,
                        refresh_token=credentials.refresh_token, access_expires_at=timezone.now() + KEYS_LIFETIME,
                        refresh_expires_at=None)

    # --- metadata ------------------------------------------------------------------------------
    def categories(self, *, credentials: Credentials) -> list[CategoryNode]:
        """The shop's product categories (flat, with parents); a category without children is a leaf, though
        WooCommerce accepts products in any category."""
        rows = self.client(credentials).paged("/products/categories")
        parents = {str(r.get("parent") or 0) for r in rows}
        return [CategoryNode(external_id=str(r["id"]), parent_id="" if not r.get("parent") else str(r["parent"]),
                             name=str(r.get("name") or ""), is_leaf=str(r["id"]) not in parents)
                for r in rows]

    def category_attributes(self, *, credentials: Credentials, category_id: str) -> list[AttributeSpec]:
        """WooCommerce categories ask for no attributes."""
        return []

    def listing_rules(self, *, credentials: Credentials, category_id: str) -> dict:
        """Our rules (mappers.DEFAULT_RULES) with the shop's currency, which ``validate`` checks is VND."""
        client = self.client(credentials)
        currency = str(client.setting("general", "woocommerce_currency").get("value") or "VND")
        return {**mappers.DEFAULT_RULES, "currency": currency}

    def shipping_channels(self, *, credentials: Credentials) -> list[LogisticsChannel]:
        return [LogisticsChannel(external_id=SHIPPING_CHANNEL, name=_("The web shop's own shipping"), enabled=True)]

    def validate(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = (),
                 rules: dict | None = None) -> list[ValidationProblem]:
        return mappers.validate(draft, rules=rules)

    def fingerprint(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = ()) -> str:
        return mappers.content_hash(draft, attributes=attributes)

    # --- listings ------------------------------------------------------------------------------
    def _images(self, client: WooCommerceClient, draft: ListingDraft, uploaded: dict[str, str]) -> list[dict]:
        """``images`` for the product body: a public ``url`` when the draft's image has one (WooCommerce
        downloads it), otherwise the bytes uploaded to the media library once (key -> attachment id kept in
        ``uploaded``)."""
        out = []
        for image in draft.images:
            if image.key in uploaded:
                out.append({"id": int(uploaded[image.key])})
                continue
            public_url = getattr(image, "url", "")
            if public_url:
                out.append({"src": public_url})
                continue
            content_type = mimetypes.guess_type(image.filename)[0] or "image/jpeg"
            try:
                media = client.upload_media(filename=image.filename, content=image.content, content_type=content_type)
            except AuthError as exc:
                raise PermanentError(_("The web shop refused the photo upload: WooCommerce keys cannot add photos to "
                                       "WordPress's media library. Reconnect the shop with your WordPress user name "
                                       "and an Application Password (Users → Profile → Application Passwords) "
                                       "instead of the consumer key and secret."), code="media_upload_refused") from exc
            except WooCommerceError as exc:
                raise PermanentError(_("The web shop refused the photo %(name)s: %(reason)s")
                                     % {"name": image.filename, "reason": exc.message}, code=exc.code) from exc
            uploaded[image.key] = str(media["id"])
            out.append({"id": int(media["id"])})
        return out

    @staticmethod
    def _remember_images(draft: ListingDraft, product: dict, uploaded: dict[str, str]) -> None:
        """Images sent by URL come back as attachments: keep their ids so updates do not download them again."""
        for image, sent in zip(draft.images, product.get("images") or [], strict=False):
            if image.key not in uploaded and sent.get("id"):
                uploaded[image.key] = str(sent["id"])

    def _existing(self, client: WooCommerceClient, sku: str, *, modified_after: str = "") -> list[RemoteListing]:
        found = []
        for product in client.products_by_sku(sku, modified_after=modified_after):
            if str(product.get("sku") or "") != sku or product.get("status") == "trash":
                continue  # some versions match partially; trashed products do not count
            variations = client.variations(str(product["id"])) if product.get("type") == "variable" else []
            found.append(mappers.remote_listing(product, variations))
        return found

    def _adopt_existing(self, client: WooCommerceClient, credentials: Credentials, draft: ListingDraft,
                        on_created: Callable[[str], None], uploaded: dict[str, str]) -> PublishResult | None:
        """The product that already holds the draft's SKU (an earlier attempt created it): finish it."""
        existing = self._existing(client, mappers.product_sku(draft))
        if not existing:
            return None
        if len(existing) > 1:
            raise PermanentError(_("Several products on the web shop have this product's SKU; choose one under "
                                   "“Existing listings”."), code="ambiguous_sku")
        on_created(existing[0].external_id)
        result = self.update(credentials=credentials, external_id=existing[0].external_id, draft=draft,
                             variant_ids_by_sku=existing[0].variant_ids_by_sku, uploaded_images=uploaded,
                             push_item=False)
        return PublishResult(external_id=result.external_id, variant_ids_by_sku=result.variant_ids_by_sku,
                             image_ids=dict(uploaded), calls=client.calls + result.calls)

    def publish(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                on_created: Callable[[str], None], before_create: Callable[[], None] = lambda: None,
                attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        """Create the product (``simple``, or ``variable`` with its attribute), then its variations in batches.
        Looks the SKU up first and finishes an existing product instead of creating a second one."""
        client = self.client(credentials)
        adopted = self._adopt_existing(client, credentials, draft, on_created, uploaded_images)
        if adopted is not None:
            return adopted
        images = self._images(client, draft, uploaded_images)
        weight_unit, dimension_unit = client.units()
        body = {**mappers.product_body(draft, images=images, weight_unit=weight_unit, dimension_unit=dimension_unit),
                "status": "publish"}
        before_create()
        try:
            created = client.create_product(body)
        except WooCommerceError as exc:
            if exc.code in DUPLICATE_SKU_CODES:
                adopted = self._adopt_existing(client, credentials, draft, on_created, uploaded_images)
                if adopted is not None:
                    return adopted
            raise self._owner_error(exc) from exc
        product_id = str(created["id"])
        on_created(product_id)
        self._remember_images(draft, created, uploaded_images)
        ids = self._ensure_variations(client, draft, product_id, {})
        return PublishResult(external_id=product_id, variant_ids_by_sku=ids, image_ids=dict(uploaded_images),
                             calls=client.calls)

    def _ensure_variations(self, client: WooCommerceClient, draft: ListingDraft, product_id: str,
                           known: dict[str, str]) -> dict[str, str]:
        """Variant ids by SKU, creating the variations still missing (idempotent: existing ones are read)."""
        if not mappers.has_variations(draft):
            return {draft.variants[0].sku: product_id}
        ids = dict(known)
        if any(v.sku not in ids for v in draft.variants):
            ids.update({str(v.get("sku") or ""): str(v["id"]) for v in client.variations(product_id) if v.get("sku")})
        missing = [v for v in draft.variants if v.sku not in ids]
        if missing:
            weight_unit, dimension_unit = client.units()
            failures: list[str] = []
            for chunk in mappers.chunks(missing, client.config.batch_size):
                answer = client.variations_batch(product_id, {"create": [
                    mappers.variation_body(draft, v, weight_unit=weight_unit, dimension_unit=dimension_unit)
                    for v in chunk]})
                for variant, row in zip(chunk, answer.get("create") or [], strict=False):
                    error = row.get("error") if isinstance(row, dict) else None
                    if error or not row.get("id"):
                        failures.append(f"{variant.sku}: {(error or {}).get('message') or 'not created'}")
                    else:
                        ids[variant.sku] = str(row["id"])
            if failures:
                raise PermanentError(_("The web shop refused some variants: %(detail)s") % {"detail": "; ".join(failures)},
                                     code="variations_not_created")
        return {v.sku: ids[v.sku] for v in draft.variants if v.sku in ids}

    def update(self, *, credentials: Credentials, external_id: str, draft: ListingDraft,
               variant_ids_by_sku: dict[str, str], uploaded_images: dict[str, str],
               attributes: Sequence[AttributeSpec] = (), push_item: bool = True) -> PublishResult:
        client = self.client(credentials)
        if push_item:
            images = self._images(client, draft, uploaded_images)
            weight_unit, dimension_unit = client.units()
            body = mappers.product_body(draft, images=images, weight_unit=weight_unit, dimension_unit=dimension_unit,
                                        with_price_stock=False)
            try:
                answer = client.update_product(external_id, body)
            except WooCommerceError as exc:
                raise self._owner_error(exc) from exc
            self._remember_images(draft, answer, uploaded_images)
        ids = self._ensure_variations(client, draft, external_id, variant_ids_by_sku)
        return PublishResult(external_id=external_id, variant_ids_by_sku=ids, image_ids=dict(uploaded_images),
                             calls=client.calls)

    def update_price_stock(self, *, credentials: Credentials, external_id: str,
                           updates: Sequence[PriceStockUpdate]) -> BatchOutcome:
        return self.update_price_stock_many(credentials=credentials, updates=[(external_id, u) for u in updates])

    def update_price_stock_many(self, *, credentials: Credentials,
                                updates: Sequence[tuple[str, PriceStockUpdate]]) -> BatchOutcome:
        """Simple products (variant id = product id) across listings through /products/batch; variations through
        /products/<id>/variations/batch per product; at most WOOCOMMERCE_BATCH_SIZE objects per request.
        Each object's own error (WooCommerce answers per item) fails that variant only."""
        client = self.client(credentials)
        simple: list[dict] = []
        by_parent: dict[str, list[dict]] = {}
        for product_id, u in updates:
            fields = mappers.price_stock_fields(price_vnd=u.price_vnd, stock=u.stock)
            if not fields:
                continue
            entry = {"id": int(u.external_variant_id) if u.external_variant_id.isdigit() else u.external_variant_id,
                     **fields}
            if str(u.external_variant_id) == str(product_id):
                simple.append(entry)
            else:
                by_parent.setdefault(str(product_id), []).append(entry)
        failed: dict[str, str] = {}
        tried: set[str] = set()
        for chunk in mappers.chunks(simple, client.config.batch_size):
            tried.update(str(e["id"]) for e in chunk)
            failed.update(self._batch_failures(client.products_batch({"update": chunk}), chunk))
        for product_id, entries in by_parent.items():
            for chunk in mappers.chunks(entries, client.config.batch_size):
                tried.update(str(e["id"]) for e in chunk)
                try:
                    answer = client.variations_batch(product_id, {"update": chunk})
                except WooCommerceError as exc:  # the product itself is gone or refused
                    failed.update(dict.fromkeys((str(e["id"]) for e in chunk), exc.message or exc.code))
                    continue
                failed.update(self._batch_failures(answer, chunk))
        return BatchOutcome(succeeded=tuple(sorted(tried - failed.keys())), failed=failed)

    @staticmethod
    def _batch_failures(answer: dict, sent: list[dict]) -> dict[str, str]:
        """{id: reason} of a batch ``update`` answer; an object missing from the answer failed too."""
        failed: dict[str, str] = {}
        rows = answer.get("update") or []
        for entry, row in zip(sent, rows, strict=False):
            error = row.get("error") if isinstance(row, dict) else {"message": "bad answer"}
            if error:
                failed[str(entry["id"])] = str(error.get("message") or error.get("code") or "update failed")
        for entry in sent[len(rows):]:
            failed[str(entry["id"])] = "no answer for this item"
        return failed

    def delist(self, *, credentials: Credentials, external_id: str) -> None:
        """To the trash (the owner can restore it for 30 days; its SKUs become free). Idempotent."""
        try:
            self.client(credentials).trash_product(external_id)
        except WooCommerceError as exc:
            if exc.code in GONE_CODES or exc.status in (404, 410):
                return
            raise self._owner_error(exc) from exc

    def pause(self, *, credentials: Credentials, external_id: str, paused: bool) -> None:
        """Paused: status ``draft`` (off the shop, kept in the admin); shown again: ``publish``. Idempotent."""
        try:
            self.client(credentials).update_product(external_id, {"status": "draft" if paused else "publish"})
        except WooCommerceError as exc:
            raise self._owner_error(exc) from exc

    def find_by_sku(self, *, credentials: Credentials, sku: str, since: dt.datetime | None = None) -> list[RemoteListing]:
        """Products whose SKU is ``sku`` (a simple product's SKU is its variant's; a variable product's is the
        product's own: WooCommerce's ``sku`` filter does not search variations)."""
        modified_after = iso_gmt(since - dt.timedelta(seconds=60)) if since else ""
        return self._existing(self.client(credentials), sku, modified_after=modified_after)

    def remote_listings(self, *, credentials: Credentials) -> list[RemoteListing]:
        client = self.client(credentials)
        out = []
        for product in client.paged("/products", status="any"):
            variations = client.variations(str(product["id"])) if product.get("type") == "variable" else []
            out.append(mappers.remote_listing(product, variations))
        return out

    # --- orders and push -----------------------------------------------------------------------
    def orders_updated_since(self, *, credentials: Credentials, since: dt.datetime) -> list[RemoteOrder]:
        """GET /orders?modified_after=&dates_are_gmt=true&orderby=modified&order=asc, every page. WooCommerce's
        ``modified_after`` is strict ("after"), so the watermark is moved back one second."""
        rows = self.client(credentials).orders_modified_after(modified_after=iso_gmt(since - dt.timedelta(seconds=1)))
        orders = [mappers.remote_order(row) for row in rows]
        return sorted(orders, key=lambda o: o.updated_at)

    def order_get(self, *, credentials: Credentials, external_id: str) -> RemoteOrder | None:
        try:
            return mappers.remote_order(self.client(credentials).order(external_id))
        except WooCommerceError as exc:
            if exc.code in ORDER_MISSING_CODES or exc.status == 404:
                return None
            raise

    def verify_push(self, *, body: bytes, headers: Mapping[str, str], url: str) -> list[PushEvent]:
        """A WooCommerce webhook delivery: the shop comes from ``X-WC-Webhook-Source``, its secret is derived
        (mappers.webhook_secret) and ``X-WC-Webhook-Signature`` must equal base64(HMAC-SHA256(secret, raw
        body)). The ping WooCommerce sends when a webhook is saved (``webhook_id=<n>``, unsigned) returns no
        events, so it is answered 200 as WooCommerce requires. Topics: ``order.*`` -> "order",
        ``product.*`` -> "listing", others -> "other". Raises PushRejected. Pure."""
        topic = header(headers, "X-WC-Webhook-Topic")
        signature = header(headers, "X-WC-Webhook-Signature")
        if not topic and not signature and PING_RE.match(body.strip()):
            return []
        source = header(headers, "X-WC-Webhook-Source")
        if not source or not signature or not topic:
            raise PushRejected("missing WooCommerce webhook headers")
        try:
            shop_url = mappers.normalise_shop_url(source)
        except ValueError:
            raise PushRejected("bad X-WC-Webhook-Source") from None
        secret = mappers.webhook_secret(key=woocommerce_config().webhook_key, shop_url=shop_url)
        if not hmac.compare_digest(mappers.webhook_signature(secret=secret, body=body), signature):
            raise PushRejected("bad signature")
        try:
            payload = json.loads(body)
        except ValueError:
            raise PushRejected("body is not JSON") from None
        if not isinstance(payload, dict):
            raise PushRejected("body is not an object")
        return [PushEvent(
            shop_id=shop_url, kind=mappers.push_kind(topic),
            event_id=mappers.push_event_id(shop_url=shop_url, delivery_id=header(headers, "X-WC-Webhook-Delivery-ID"),
                                           body=body),
            external_id=str(payload.get("id") or ""), status=str(payload.get("status") or ""),
        )]

    # --- errors --------------------------------------------------------------------------------
    @staticmethod
    def _owner_error(exc: WooCommerceError) -> PermanentError:
        """WooCommerce's refusal in the owner's language."""
        if exc.code in DUPLICATE_SKU_CODES:
            text = _("Another product on the web shop already uses one of these SKUs: %(detail)s") % {"detail": exc.message}
        elif exc.code in GONE_CODES or exc.status == 404:
            text = _("The product no longer exists on the web shop.")
        else:
            text = _("The web shop refused the product: %(detail)s") % {"detail": exc.message or exc.code}
        return PermanentError(text, code=f"woocommerce_{exc.code}")
