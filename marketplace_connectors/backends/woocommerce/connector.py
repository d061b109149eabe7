"""The WooCommerce connector: an owner's own web shop (WooCommerce REST API v3) behind the Connector interface.

Connecting (Capability.KEYS): the owner types the shop URL and a key pair; ``connect_with_keys`` checks the
URL (HTTPS unless loopback), that WordPress and WooCommerce answer there, that the keys are accepted and that
the shop sells in VND. The "tokens" are the key (``access_token``) and secret (``refresh_token``); they never
expire, so there is no OAuth flow: ``authorization_url`` refuses, ``refresh`` returns the same pair.

The key pair may be WooCommerce REST API keys (``ck_``/``cs_``, Read/Write) or a WordPress user name with
an Application Password. Both authenticate the WooCommerce API; only the second authenticates WordPress's
media library, which is how photos are uploaded (our drafts carry bytes, not public URLs): with plain
WooCommerce keys, publishing a product with photos is refused with an owner message saying so; an Application
Password WordPress refuses there (revoked or mistyped) asks the owner for a new one (``media_auth_refused``).

Never a second product: before creating, the product SKU is looked up (GET products?sku=); a create refused
as a duplicate SKU (``product_invalid_sku``/``woocommerce_rest_product_not_created``) is resolved the
same way, by finishing the product that holds the SKU.

Push (Capability.PUSH): ``MARKETPLACE_PUSH_BASE_URL`` must be a public HTTPS host on the standard port, since
WordPress delivers webhooks with ``wp_safe_remote_request``, which refuses private and local addresses (S-webhook;
docs/marketplaces/woocommerce.md finding 14); without it orders come by polling only. When it is set, connecting
registers order webhooks on
the shop whose secret is derived from ``WOOCOMMERCE_WEBHOOK_KEY`` (default SECRET_KEY) and the shop URL
(mappers.webhook_secret), so ``verify_push`` recomputes it from the ``X-WC-Webhook-Source`` header alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import mimetypes
import re
from collections.abc import Mapping, Sequence

from django.conf import settings
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
    KeyConnection,
    ListingDraft,
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
from marketplace_connectors.errors import AuthError, PermanentError, RetryableError

from . import mappers
from .client import ShopMovedError, WooCommerceClient, WooCommerceError
from .conf import woocommerce_config

logger = logging.getLogger(__name__)

KEYS_LIFETIME = dt.timedelta(days=36_500)  # keys do not expire: "far ahead"
DUPLICATE_SKU_CODES = {"product_invalid_sku", "woocommerce_rest_product_not_created"}
GONE_CODES = {"woocommerce_rest_product_invalid_id", "woocommerce_rest_already_trashed",
              "woocommerce_rest_invalid_product_id"}
#: S-auth / S-crud permission checks: a read-only key, or a WordPress user whose role may not manage products
WRITE_REFUSED_CODES = {"woocommerce_rest_cannot_create", "woocommerce_rest_cannot_edit"}
#: S-media: WordPress refused the file itself (its type, or its size on this host)
UPLOAD_REFUSED_CODES = {"rest_upload_sideload_error", "rest_upload_file_too_big", "rest_upload_limited_space"}


def write_refused_text() -> str:
    """Translated when it is shown (the owner's language of the moment)."""
    return _("The web shop does not let these credentials change products. In WooCommerce → Settings → Advanced → "
             "REST API give the key Read/Write permission, or reconnect with the Application Password of a user "
             "who may manage products (Shop manager or Administrator).")


def upload_refused_text() -> str:
    return _("The web shop refused the photo file: WordPress accepts JPEG, PNG, GIF or WebP photos within the "
             "site's upload size limit. Use a smaller photo in one of those formats.")


#: WordPress's own refusal of an Application Password (U-apppw wp_authenticate_application_password): the user
#: name exists but no Application Password of that user matches; only a WordPress user name gets it
APP_PASSWORD_REFUSED_CODES = {"incorrect_password"}


def media_auth_refused(exc: AuthError, *, consumer_keys: bool) -> PermanentError:
    """A 401 from WordPress's media library, in the owner's words. WooCommerce's consumer keys never authenticate
    that route (finding 2 / M1): the owner needs an Application Password instead. A WordPress user name with an
    Application Password refused there (``incorrect_password``, or ``invalid_username`` for a user name WordPress
    does not know) means that password was revoked or mistyped: a new one is needed. ``incorrect_password``
    names an existing user, so it is never the consumer-key case whatever the key looks like."""
    if consumer_keys and exc.code not in APP_PASSWORD_REFUSED_CODES:
        return PermanentError(_("The web shop refused the photo upload: WooCommerce keys cannot add photos to "
                                "WordPress's media library. Reconnect the shop with your WordPress user name "
                                "and an Application Password (Users → Profile → Application Passwords) "
                                "instead of the consumer key and secret."), code="media_upload_refused")
    return PermanentError(_("The web shop refused the photo upload: WordPress did not accept your Application "
                            "Password for adding photos (it may have been revoked, or the user name or password "
                            "was mistyped). In WordPress create a new one under Users → Profile → Application "
                            "Passwords, then reconnect the shop with your WordPress user name and the new "
                            "password."), code="media_app_password_refused")


ORDER_MISSING_CODES = {"woocommerce_rest_shop_order_invalid_id", "woocommerce_rest_invalid_shop_order_id"}
TRASH_NOT_SUPPORTED = "woocommerce_rest_trash_not_supported"
WEBHOOK_TOPICS = ("order.created", "order.updated", "order.deleted")
WEBHOOK_NAME = "Đồng Tháp SME: %s"
WEBHOOK_CHECK_SECONDS = 3600  # how often the order import looks for webhooks WooCommerce disabled
PING_RE = re.compile(rb"^webhook_id=\d+$")


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by name in any case (Django's request.headers is case-insensitive, a plain dict is not)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), "")
    return str(value or "").strip()


def refused_update(status: int = 0) -> str:
    """Why a variant's price or stock was not updated, in the owner's words (never the shop's: see client.py)."""
    if status:
        return _("The web shop refused this update (HTTP %(status)s).") % {"status": status}
    return _("The web shop refused this update.")


def iso_gmt(moment: dt.datetime) -> str:
    """What WooCommerce's ``modified_after`` takes with ``dates_are_gmt=true``."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def push_url() -> str:
    """Where the shop delivers webhooks: <MARKETPLACE_PUSH_BASE_URL>/marketplaces/push/woocommerce/ (empty:
    no public address, so no webhooks; orders are then fetched on schedule only). The base must be a public
    HTTPS host on the standard port: WordPress refuses to deliver to private or local addresses."""
    base = (settings.MARKETPLACE_PUSH_BASE_URL or "").rstrip("/")
    if not base:
        return ""
    from django.urls import NoReverseMatch, reverse

    try:
        return base + reverse("marketplaces:push_receive", kwargs={"marketplace": WooCommerceConnector.code})
    except NoReverseMatch:
        return f"{base}/marketplaces/push/{WooCommerceConnector.code}/"


class WooCommerceConnector(Connector, KeyConnection, OrderImport, PushNotifications):
    code = "woocommerce"
    display_name = gettext_lazy("WooCommerce")
    channel_name = gettext_lazy("Own website (WooCommerce)")

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
            # S-auth: over plain HTTP WooCommerce reads keys only through OAuth 1.0a and ignores them in Basic
            raise PermanentError(_("The shop address must start with https:// — over plain HTTP WooCommerce "
                                   "ignores the keys (every request would be refused) and they would travel "
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
            raise PermanentError(_("The web shop refused the check of its settings (HTTP %(status)s).")
                                 % {"status": exc.status}, code=exc.code) from exc
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
            raise PermanentError(_("The web shop answered from another address. Open your shop in a browser and "
                                   "enter the https:// address it shows."), code="redirected") from exc
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

    def _webhooks_reactivate(self, client: WooCommerceClient) -> None:
        """WooCommerce disables a webhook on the seventh failed delivery in a row (S-webhook failed_delivery:
        a failure while the count is above 5), say while our platform was down, and nothing but the API or
        the shop's admin turns it on again: orders would then come by the scheduled import alone. At most
        once an hour per shop, our order webhooks found ``disabled`` are set ``active`` again (logged); one the
        admin ``paused`` is left alone. Trouble here never stops the order import."""
        callback = push_url()
        if not callback:
            return
        shop = hashlib.sha256(client.shop_url.encode()).hexdigest()[:32]
        if not cache.add(f"woocommerce:webhooks-checked:{shop}", 1, timeout=WEBHOOK_CHECK_SECONDS):
            return
        try:
            for hook in client.webhooks():
                if (hook.get("status") == "disabled" and hook.get("delivery_url") == callback
                        and hook.get("topic") in WEBHOOK_TOPICS):
                    client.update_webhook(str(hook["id"]), {"status": "active"})
                    logger.warning("woocommerce webhook %s (%s) was disabled after failed deliveries; set active "
                                   "again", hook.get("id"), hook.get("topic"))
        except (AuthError, PermanentError, RetryableError) as exc:
            logger.warning("woocommerce webhooks of a shop not checked: %s", exc.code)

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
        """The shop's currency, which ``validate`` checks is VND (over the declared ``mappers.RULES``)."""
        client = self.client(credentials)
        currency = str(client.setting("general", "woocommerce_currency").get("value") or "VND")
        return {"currency": currency}

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
                raise media_auth_refused(exc, consumer_keys=client.uses_consumer_keys) from exc
            except WooCommerceError as exc:
                if exc.code in UPLOAD_REFUSED_CODES:  # the file's type or size (S-media; 500 in WordPress)
                    raise PermanentError(upload_refused_text(), code=f"woocommerce_{exc.code}") from exc
                if exc.code == "rest_cannot_create":  # WordPress: the user's role lacks upload_files (HTTP 400)
                    raise PermanentError(_("The web shop refused the photo upload: your WordPress user may not add "
                                           "media. Reconnect the shop with the Application Password of a user whose "
                                           "role can upload files (Author, Editor, Shop manager or Administrator)."),
                                         code="media_upload_refused") from exc
                raise PermanentError(_("The web shop refused the photo %(name)s (HTTP %(status)s).")
                                     % {"name": image.filename, "status": exc.status}, code=exc.code) from exc
            uploaded[image.key] = str(media["id"])
            out.append({"id": int(media["id"])})
        return out

    @staticmethod
    def _remember_images(draft: ListingDraft, product: dict, uploaded: dict[str, str]) -> None:
        """Images sent by URL come back as attachments: keep their ids so updates do not download them again."""
        for image, sent in zip(draft.images, product.get("images") or [], strict=False):
            if image.key not in uploaded and sent.get("id"):
                uploaded[image.key] = str(sent["id"])

    def _existing(self, client: WooCommerceClient, sku: str, *, modified_after: str = "",
                  through_variations: bool = True) -> list[RemoteListing]:
        """The products holding ``sku``. WooCommerce's ``sku`` filter searches variations too (S-products:
        post types product and product_variation) and answers a variation as itself (``type`` "variation",
        its ``parent_id``): the listing is then its parent product, read with its variations, once however
        many of its variations match. ``through_variations`` False leaves such matches out."""
        found: dict[str, RemoteListing] = {}
        for row in client.products_by_sku(sku, modified_after=modified_after):
            if str(row.get("sku") or "") != sku or row.get("status") == "trash":
                continue  # some versions match partially; trashed products do not count
            parent_id = str(row.get("parent_id") or "0")
            product = row
            if row.get("type") == "variation" or parent_id != "0":
                if not through_variations or parent_id in found:
                    continue
                try:
                    product = client.product(parent_id)
                except WooCommerceError as exc:
                    if exc.code in GONE_CODES:
                        continue
                    raise
                if product.get("status") == "trash":
                    continue
            variations = client.variations(str(product["id"])) if product.get("type") == "variable" else []
            found[str(product["id"])] = mappers.remote_listing(product, variations)
        return list(found.values())

    def _adoptable(self, client: WooCommerceClient, draft: ListingDraft) -> CreatedListing | None:
        """The product that already holds the draft's SKU (an earlier attempt created it), to be finished. A
        variation holding it belongs to another product: never adopted (creating then says the SKU is taken)."""
        existing = self._existing(client, mappers.product_sku(draft), through_variations=False)
        if not existing:
            return None
        if len(existing) > 1:
            raise PermanentError(_("Several products on the web shop have this product's SKU; choose one under "
                                   "“Existing listings”."), code="ambiguous_sku")
        return CreatedListing(external_id=existing[0].external_id, existed=True,
                              variant_ids_by_sku=existing[0].variant_ids_by_sku)

    def publish_prepare(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                        attributes: Sequence[AttributeSpec] = ()) -> PublishPlan:
        """Looks the SKU up first (an existing product is finished, not created again), then uploads the
        photos and builds the product (``simple``, or ``variable`` with its attribute)."""
        client = self.client(credentials)
        adoptable = self._adoptable(client, draft)
        if adoptable is not None:
            return PublishPlan(existing=adoptable)
        images = self._images(client, draft, uploaded_images)
        weight_unit, dimension_unit = client.units()
        return PublishPlan(body={**mappers.product_body(draft, images=images, weight_unit=weight_unit,
                                                        dimension_unit=dimension_unit), "status": "publish"})

    def publish_create(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan) -> CreatedListing:
        """Create the product; a SKU the shop says it already has is that product (an earlier attempt's)."""
        client = self.client(credentials)
        try:
            created = client.create_product(plan.body)
        except AuthError as exc:
            raise self._write_refused(exc) from exc
        except WooCommerceError as exc:
            if exc.code in DUPLICATE_SKU_CODES:
                adoptable = self._adoptable(client, draft)
                if adoptable is not None:
                    return adoptable
            raise self._owner_error(exc) from exc
        return CreatedListing(external_id=str(created["id"]), answer=created)

    def publish_complete(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan,
                         created: CreatedListing, uploaded_images: dict[str, str],
                         attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        """The variations, in batches (idempotent: existing ones are read); a product that existed is finished
        with ``update``."""
        if created.existed:
            result = self.update(credentials=credentials, external_id=created.external_id, draft=draft,
                                 variant_ids_by_sku=created.variant_ids_by_sku, uploaded_images=uploaded_images,
                                 push_item=False)
            return PublishResult(external_id=result.external_id, variant_ids_by_sku=result.variant_ids_by_sku,
                                 image_ids=dict(uploaded_images), calls=result.calls)
        client = self.client(credentials)
        self._remember_images(draft, created.answer, uploaded_images)
        ids = self._ensure_variations(client, draft, created.external_id, {})
        return PublishResult(external_id=created.external_id, variant_ids_by_sku=ids, image_ids=dict(uploaded_images),
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
                wrong: list[str] = []
                for variant, row in zip(chunk, answer.get("create") or [], strict=False):
                    error = row.get("error") if isinstance(row, dict) else None
                    if error or not row.get("id"):
                        failures.append(variant.sku)
                    elif not mappers.variation_attributes_kept(draft, variant, row):
                        wrong.append(str(row["id"]))
                        failures.append(_("%(sku)s (the web shop product has no option “%(name)s” for variations; "
                                          "check its attributes)") % {"sku": variant.sku,
                                                                      "name": mappers.variation_name(draft)})
                    else:
                        ids[variant.sku] = str(row["id"])
                # a variation without its option would sell as "any": removed at once. Batch delete is
                # permanent (S-batch forces it): used only for variations we have just created wrongly, never
                # for products, which are delisted through the trash (docs/marketplaces/woocommerce.md finding 15)
                if wrong:
                    client.variations_batch(product_id, {"delete": wrong})
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
            except AuthError as exc:
                raise self._write_refused(exc) from exc
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
                    failed.update(dict.fromkeys((str(e["id"]) for e in chunk), refused_update(exc.status)))
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
                failed[str(entry["id"])] = refused_update()
        for entry in sent[len(rows):]:
            failed[str(entry["id"])] = refused_update()
        return failed

    def delist(self, *, credentials: Credentials, external_id: str) -> None:
        """To the trash (the owner can restore it for 30 days; its SKUs become free). Idempotent. A site
        whose trash is switched off answers 501 ``woocommerce_rest_trash_not_supported`` (S-crud): the
        product is then set to ``draft`` – off the shop, so nothing more is sold – rather than deleted for
        good with the owner's texts and photos, or left on sale."""
        client = self.client(credentials)
        try:
            client.trash_product(external_id)
        except WooCommerceError as exc:
            if exc.code in GONE_CODES or exc.status in (404, 410):
                return
            if exc.code == TRASH_NOT_SUPPORTED:
                logger.info("woocommerce shop without trash: product %s set to draft instead", external_id)
                self.pause(credentials=credentials, external_id=external_id, paused=True)
                return
            raise self._owner_error(exc) from exc

    def pause(self, *, credentials: Credentials, external_id: str, paused: bool) -> None:
        """Paused: status ``draft`` (off the shop, kept in the admin); shown again: ``publish``. Idempotent."""
        try:
            self.client(credentials).update_product(external_id, {"status": "draft" if paused else "publish"})
        except WooCommerceError as exc:
            raise self._owner_error(exc) from exc

    def find_by_sku(self, *, credentials: Credentials, sku: str, since: dt.datetime | None = None) -> list[RemoteListing]:
        """Products holding ``sku``: a simple product's SKU is its variant's, a variable product's its own,
        and a variation's SKU finds its parent product (WooCommerce's ``sku`` filter searches variations)."""
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
        ``modified_after`` is strict ("after"), so the watermark is moved back one second. The scheduled order
        import also switches our webhooks back on when WooCommerce disabled them (``_webhooks_reactivate``)."""
        client = self.client(credentials)
        self._webhooks_reactivate(client)
        rows = client.orders_modified_after(modified_after=iso_gmt(since - dt.timedelta(seconds=1)))
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
        if not secret_equals(signature, mappers.webhook_signature(secret=secret, body=body)):
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
    def _write_refused(exc: AuthError) -> AuthError:
        """A 401/403 on a product write: WooCommerce's permission codes get the owner's guidance, and stay an
        AuthError (the shop waits for the owner; nothing retries)."""
        if exc.code in WRITE_REFUSED_CODES:
            return AuthError(write_refused_text(), code=f"woocommerce_{exc.code}")
        return exc

    @staticmethod
    def _owner_error(exc: WooCommerceError) -> PermanentError:
        """WooCommerce's refusal in the owner's language."""
        if exc.code in DUPLICATE_SKU_CODES:
            text = _("Another product on the web shop already uses one of this product's SKUs.")
        elif exc.code in GONE_CODES or exc.status == 404:
            text = _("The product no longer exists on the web shop.")
        elif exc.code in WRITE_REFUSED_CODES:
            text = write_refused_text()
        elif exc.code == "woocommerce_product_invalid_image_id":
            text = _("A photo of this product is no longer in the web shop's media library (or is not an image). "
                     "Publish again: the photos will be uploaded anew.")
        elif exc.code == "woocommerce_product_image_upload_error":
            text = _("The web shop could not fetch a photo from its address. Check that the photo's link opens "
                     "from the internet, or upload the photo instead of linking it.")
        elif exc.code in UPLOAD_REFUSED_CODES:
            text = upload_refused_text()
        elif exc.code == "woocommerce_rest_request_entity_too_large":
            text = _("The web shop accepts fewer products or variants per request than the platform sends (its "
                     "batch limit was lowered). Ask the platform's support to lower the batch size for your shop.")
        else:
            text = _("The web shop refused the product (HTTP %(status)s).") % {"status": exc.status}
        return PermanentError(text, code=f"woocommerce_{exc.code}")
