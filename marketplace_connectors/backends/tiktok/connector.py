"""The TikTok Shop connector: TikTok Shop Partner API (202309 generation) behind the platform's Connector interface.

Never a second listing: Create Product carries an ``idempotency_key`` derived from the shop and the product
(the same for every try), so a retry after a timeout gets the product the first try created. If that
product has been deleted since, the next key is used (TikTok does not say what a key of a deleted product
returns, so the connector checks).

New products wait for TikTok's audit (status PENDING): ``publish`` answers UNDER_REVIEW and
``review_status`` reads the decision, with the audit's reasons asked for in Vietnamese. The type-5 webhook
("product status change") only prompts that check.

The shop is identified by TikTok's shop id (what webhooks carry); shop APIs also need the shop's
``shop_cipher``, which the connector looks up once per process (Get Authorized Shops) and keeps in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

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
    ListingReview,
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
    ReviewState,
    ReviewStatus,
    TokenSet,
    ValidationProblem,
)
from marketplace_connectors.crypto import secret_equals
from marketplace_connectors.errors import AuthError, PermanentError

from .._common import owner_error
from . import mappers
from .client import TikTokClient, TikTokError, tiktok_push_signature
from .conf import tiktok_config

PRODUCT_MISSING = "12052032"
ZERO_REFUSED = "12052055"  # inventory quantity outside [1, 99 999]
PAGE_SIZE = 100
MAX_PUBLISH_KEYS = 3
_shop_ciphers: dict[tuple[str, str, str], str] = {}  # (api host, app key, shop id) -> shop_cipher
_warehouses: dict[tuple[str, str, str], str] = {}  # (api host, app key, shop id) -> default warehouse id
_cache_lock = threading.Lock()
logger = logging.getLogger(__name__)


def _unix(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _from_unix(value, default: dt.datetime | None = None) -> dt.datetime | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return dt.datetime.fromtimestamp(number, tz=dt.UTC) if number > 0 else default


class TikTokShopConnector(Connector, OAuthConnection, OrderImport, PushNotifications, ListingReview):
    code = "tiktok"
    display_name = gettext_lazy("TikTok Shop")

    # --- clients -----------------------------------------------------------------------------------
    def client(self, credentials: Credentials | None = None) -> TikTokClient:
        """A client for the app (no credentials) or for one shop, with its ``shop_cipher`` looked up once."""
        config = tiktok_config()
        if credentials is None:
            return TikTokClient(config)
        key = (config.api_host, config.app_key, credentials.shop_id)
        client = TikTokClient(config, shop_id=credentials.shop_id, shop_cipher=_shop_ciphers.get(key, ""),
                              access_token=credentials.access_token)
        if not client.shop_cipher:
            shop = self._pick_shop(client.authorized_shops(), credentials.shop_id)
            with _cache_lock:
                _shop_ciphers[key] = client.shop_cipher = str(shop.get("cipher") or "")
        return client

    @staticmethod
    def _pick_shop(shops: list[dict], shop_id: str = "") -> dict:
        if shop_id:
            found = next((s for s in shops if str(s.get("id")) == str(shop_id)), None)
        else:  # a Vietnamese seller authorises one shop; prefer the VN one if there are several
            found = next((s for s in shops if str(s.get("region") or "").upper() == "VN"), shops[0] if shops else None)
        if found is None:
            raise AuthError("the shop is no longer authorised for the app", code="shop_not_authorised")
        return found

    def _warehouse(self, client: TikTokClient) -> str:
        key = (client.config.api_host, client.config.app_key, client.shop_id)
        if key not in _warehouses:
            # R-warehouses: only a SALES_WAREHOUSE whose effect_status is ENABLED sells (RETURN_WAREHOUSE receives
            # returns; DISABLED and RESTRICTED mean holiday or order-limit mode); the default one first
            warehouses = [w for w in client.warehouses() if str(w.get("type") or "SALES_WAREHOUSE") == "SALES_WAREHOUSE"]
            enabled = [w for w in warehouses if str(w.get("effect_status") or "ENABLED") == "ENABLED"]
            default = next((w for w in enabled if w.get("is_default")), enabled[0] if enabled else None)
            if default is None and warehouses:
                raise PermanentError(_("The TikTok Shop's warehouses are switched off (holiday or order-limit mode); "
                                       "switch one on in Seller Center."), code="tiktok_12052531")
            if default is None:
                raise PermanentError(_("The TikTok Shop has no sales warehouse; add one in Seller Center."),
                                     code="no_warehouse")
            with _cache_lock:
                _warehouses[key] = str(default["id"])
        return _warehouses[key]

    # --- authorisation -------------------------------------------------------------------------------
    def authorization_url(self, *, redirect_url: str) -> str:
        """Partner Center's authorisation link: ``service_id`` and our ``state``, nothing else (G-auth, G-app).
        TikTok returns the seller to the Redirect URL registered for the app in Partner Center, which must be
        <site>/marketplaces/connect/tiktok/callback/; a ``redirect_uri`` in the link would be ignored, so none
        is sent (docs/marketplaces/tiktok.md finding 5)."""
        config = tiktok_config()
        query = parse_qsl(urlsplit(redirect_url).query, keep_blank_values=True)
        state = next((v for k, v in query if k == "state"), "")
        separator = "&" if "?" in config.authorize_url else "?"
        return f"{config.authorize_url}{separator}{urlencode({'service_id': config.service_id, 'state': state})}"

    def _token_set(self, payload: dict, *, shop_id: str, shop_name: str = "") -> TokenSet:
        access, refresh = payload.get("access_token"), payload.get("refresh_token")
        if not access or not refresh:
            raise AuthError("token response without tokens", code="no_tokens")
        now = dt.datetime.now(tz=dt.UTC)
        return TokenSet(
            shop_id=shop_id, access_token=str(access), refresh_token=str(refresh),
            # both expiries are absolute Unix times (§3.1), not durations
            access_expires_at=_from_unix(payload.get("access_token_expire_in"), now + dt.timedelta(days=7)),
            refresh_expires_at=_from_unix(payload.get("refresh_token_expire_in")),
            shop_name=shop_name or str(payload.get("seller_name") or ""),
        )

    def exchange_code(self, *, params: dict[str, str]) -> TokenSet:
        code = params.get("code", "")
        if not code or code == "null" or params.get("error"):
            raise AuthError("the seller did not authorise the app", code=params.get("error") or "bad_callback")
        payload = self.client().token_get(auth_code=code)
        config = tiktok_config()
        client = TikTokClient(config, access_token=str(payload.get("access_token") or ""))
        shop = self._pick_shop(client.authorized_shops())
        shop_id = str(shop["id"])
        with _cache_lock:
            _shop_ciphers[(config.api_host, config.app_key, shop_id)] = str(shop.get("cipher") or "")
        return self._token_set(payload, shop_id=shop_id, shop_name=str(shop.get("name") or ""))

    def refresh(self, *, credentials: Credentials) -> TokenSet:
        payload = self.client().token_refresh(refresh_token=credentials.refresh_token)
        return self._token_set(payload, shop_id=credentials.shop_id)

    # --- metadata ------------------------------------------------------------------------------------
    def categories(self, *, credentials: Credentials) -> list[CategoryNode]:
        return [CategoryNode(external_id=str(c["id"]), parent_id="" if str(c.get("parent_id") or "0") == "0" else str(c["parent_id"]),
                             name=str(c.get("local_name") or ""), is_leaf=bool(c.get("is_leaf")))
                for c in self.client(credentials).categories()
                if "AVAILABLE" in (c.get("permission_statuses") or ["AVAILABLE"])]

    def category_recommend(self, *, credentials: Credentials, name: str) -> list[str]:
        """Recommend Category for the product's title. A title outside TikTok's 25-255 characters is not sent
        (the owner fixes the name first); "no matching category" (12019064, 12052912) is no suggestion."""
        title = name.strip()
        if not mappers.RULES.name_min <= len(title) <= (mappers.RULES.name_max or len(title)):
            return []
        try:
            leaf = self.client(credentials).category_recommend(product_title=title)
        except PermanentError as exc:
            if exc.code in ("12019064", "12052912"):
                return []
            raise
        return [leaf] if leaf else []

    def category_attributes(self, *, credentials: Credentials, category_id: str) -> list[AttributeSpec]:
        """The category's product attributes (sales attributes become the variants' option names)."""
        specs = []
        for attr in self.client(credentials).category_attributes(category_id=category_id):
            if attr.get("type") == "SALES_PROPERTY":
                continue
            options = tuple((str(v.get("id")), str(v.get("name") or "")) for v in attr.get("values") or [])
            input_type = ("multi_select" if attr.get("is_multiple_selection") else "select") if options else "text"
            specs.append(AttributeSpec(external_id=str(attr["id"]), name=str(attr.get("name") or attr["id"]),
                                       # the API spells it "is_requried"; accept the correct spelling too
                                       mandatory=bool(attr.get("is_requried", attr.get("is_required"))),
                                       input_type=input_type, options=options))
        return specs

    def listing_rules(self, *, credentials: Credentials, category_id: str) -> dict:
        """The documented limits with the category's rules: package dimensions required, cash on delivery
        supported, certifications required (Get Category Rules), and the attributes required only when
        another attribute has a value (Get Attributes' ``requirement_conditions``)."""
        client = self.client(credentials)
        return {**mappers.category_rules(client.category_rules(category_id=category_id)),
                "conditional_attributes": mappers.conditional_attributes(
                    client.category_attributes(category_id=category_id))}

    def _category_rules(self, client: TikTokClient, category_id: str) -> dict:
        """The category's rules, read before every create or edit: ``is_cod_allowed`` true where cash on
        delivery is not supported fails the listing (12052222), and so does a missing certification (12052105)."""
        try:
            return mappers.category_rules(client.category_rules(category_id=category_id))
        except TikTokError as exc:
            raise self._owner_error(exc) from exc

    def _cod_supported(self, client: TikTokClient, category_id: str) -> bool:
        return self._category_rules(client, category_id)["cod_supported"]

    def _certifications(self, client: TikTokClient, draft: ListingDraft, rules: dict,
                        uploaded: dict[str, str]) -> list[dict]:
        """``certifications[]`` for the certificates the category requires (R-rules), each from the owner's
        document of its kind: a PDF through Upload Product File, an image through Upload Product Image with
        ``use_case=CERTIFICATION_IMAGE`` (R-create). Uploads are remembered in ``uploaded`` like photos, so a
        retry sends none twice. A certificate the owner has not given stops the publish here, with what to
        upload (the checklist says the same before), instead of a create TikTok would refuse (12052105)."""
        problems = mappers.certificate_problems(draft, rules)
        if problems:
            raise PermanentError(problems[0].message, code="tiktok_certificate_missing")
        entries = []
        for cert in mappers.required_certifications(draft, rules):
            document = mappers.certificate_document(draft, cert)
            key = f"certificate:{document.key}"
            try:
                if mappers.is_pdf(document):
                    if key not in uploaded:
                        uploaded[key] = client.upload_file(name=mappers.certificate_file_name(document),
                                                           content=document.content)
                    entries.append(mappers.certification_entry(cert, document, file_id=uploaded[key]))
                else:
                    if key not in uploaded:
                        uploaded[key] = client.upload_image(filename=document.filename, content=document.content,
                                                            use_case="CERTIFICATION_IMAGE")
                    entries.append(mappers.certification_entry(cert, document, image_uri=uploaded[key]))
            except TikTokError as exc:
                raise self._owner_error(exc) from exc
        return entries

    def validate(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = (),
                 rules: dict | None = None) -> list[ValidationProblem]:
        return mappers.validate(draft, attributes=attributes, rules=rules)

    def fingerprint(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = ()) -> str:
        return mappers.content_hash(draft, attributes=attributes)

    # --- listings ------------------------------------------------------------------------------------
    def _upload_images(self, client: TikTokClient, draft: ListingDraft, uploaded: dict[str, str]) -> list[str]:
        for image in draft.images:
            if image.key not in uploaded:
                uploaded[image.key] = client.upload_image(filename=image.filename, content=image.content)
        return [uploaded[image.key] for image in draft.images]

    def _product(self, client: TikTokClient, product_id: str) -> dict | None:
        """The product (Vietnamese audit reasons), None when TikTok has no such product (or it was deleted)."""
        try:
            return client.get_product(product_id=product_id)
        except TikTokError as exc:
            if exc.code == PRODUCT_MISSING:
                return None
            raise self._owner_error(exc) from exc

    def publish_prepare(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                        attributes: Sequence[AttributeSpec] = ()) -> PublishPlan:
        client = self.client(credentials)
        rules = self._category_rules(client, draft.category_id)
        certifications = self._certifications(client, draft, rules, uploaded_images)
        uris = self._upload_images(client, draft, uploaded_images)
        return PublishPlan(body=mappers.product_body(draft, image_uris=uris, attributes=attributes,
                                                     warehouse_id=self._warehouse(client),
                                                     cod_allowed=rules["cod_supported"],
                                                     certifications=certifications))

    def publish_create(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan) -> CreatedListing:
        """Create Product under an idempotency key (a repeated key answers the product it made), reading the
        product back: a key whose product was deleted since is replaced by the next one."""
        client = self.client(credentials)
        body = dict(plan.body)
        for attempt in range(MAX_PUBLISH_KEYS):
            body["idempotency_key"] = mappers.idempotency_key(app_key=client.config.app_key,
                                                              shop_id=credentials.shop_id, draft=draft, attempt=attempt)
            try:
                created = client.create_product(body)
            except TikTokError as exc:
                raise self._owner_error(exc) from exc
            _log_warnings("create", created)
            product_id = str(created["product_id"])
            product = self._product(client, product_id)
            if product is not None:
                break  # a new product, or the one an earlier try with this key created
        else:
            raise PermanentError("TikTok Shop keeps answering with deleted products", code="idempotency_deleted")
        return CreatedListing(external_id=product_id, answer={"created": created, "product": product})

    def publish_complete(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan,
                         created: CreatedListing, uploaded_images: dict[str, str],
                         attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        """Nothing left to send (Create Product made every SKU): the SKU ids, the audit's state and the
        warnings of the create answer (a field TikTok cleared), for the owner."""
        product = created.answer["product"]
        ids = mappers.sku_ids(created.answer["created"]) or mappers.sku_ids(product)
        state = mappers.review_state(str(product.get("status") or "PENDING"))
        return PublishResult(external_id=created.external_id,
                             variant_ids_by_sku={v.sku: ids[v.sku] for v in draft.variants if v.sku in ids},
                             image_ids=dict(uploaded_images), review=state,
                             review_reason=mappers.rejection_reason(product) if state == ReviewState.REJECTED else "",
                             warnings=mappers.warning_texts(created.answer.get("created") or {}))

    def update(self, *, credentials: Credentials, external_id: str, draft: ListingDraft,
               variant_ids_by_sku: dict[str, str], uploaded_images: dict[str, str],
               attributes: Sequence[AttributeSpec] = (), push_item: bool = True) -> PublishResult:
        """Read the product first, then write only what is ours (docs/marketplaces/tiktok.md finding 1): a
        content change that adds no SKU goes through Partial Edit with our top-level fields and no ``skus``;
        new variants need Edit Product, a full overwrite, whose body is TikTok's copy with our fields laid over
        it, so what the seller set in Seller Center (brand, certifications, COD, other SKUs) survives. SKUs
        already on TikTok keep their price and inventory (those go through update_price_stock). Editing a
        product that failed the audit submits it again."""
        client = self.client(credentials)
        product = self._product(client, external_id)
        if product is None:
            raise PermanentError(_("The listing no longer exists on TikTok Shop; publish the product again."),
                                 code="tiktok_12052032")
        ids = mappers.sku_ids(product)
        status = str(product.get("status") or "")
        missing = [v.sku for v in draft.variants if v.sku not in ids]
        warnings: tuple[str, ...] = ()
        if push_item or missing:
            uris = self._upload_images(client, draft, uploaded_images)
            warehouse = self._warehouse(client) if missing else ""
            ours = mappers.product_body(draft, image_uris=uris, attributes=attributes, warehouse_id=warehouse,
                                        sku_ids=ids, with_price_stock=False,
                                        cod_allowed=self._cod_supported(client, draft.category_id))
            try:
                if missing:
                    edited = client.edit_product(product_id=external_id, body=mappers.merged_edit_body(product, ours))
                else:
                    edited = client.partial_edit_product(product_id=external_id,
                                                         body=mappers.partial_edit_body(product, ours))
            except TikTokError as exc:
                raise self._owner_error(exc) from exc
            _log_warnings("edit", edited)
            warnings = mappers.warning_texts(edited)  # R-edit answers as R-create, warnings included
            ids = mappers.sku_ids(edited) or ids
            if status in ("FAILED", "DRAFT"):
                status = "PENDING"
        state = mappers.review_state(status)
        return PublishResult(external_id=external_id,
                             variant_ids_by_sku={v.sku: ids[v.sku] for v in draft.variants if v.sku in ids},
                             image_ids=dict(uploaded_images), calls=client.calls, review=state,
                             review_reason=mappers.rejection_reason(product) if state == ReviewState.REJECTED else "",
                             warnings=warnings)

    def update_price_stock(self, *, credentials: Credentials, external_id: str,
                           updates: Sequence[PriceStockUpdate]) -> BatchOutcome:
        """Prices (Update Price) and stock (Update Inventory) of one product's SKUs, one call each. TikTok's
        batches are per product, so ``update_price_stock_many`` keeps the interface's per-listing default.
        Inventory must name every warehouse of a SKU: the stock goes to the first, the others get 0.

        Sold out: TikTok documents stock from 1 (12052055 for 0) and has no call that hides one SKU. A refused
        0 deactivates the whole product (Deactivate Products), so nothing sold out stays buyable; the SKU then
        counts as done. Restocked, it is activated again (Activate Product) before its stock is sent – only
        when the platform says the listing is on sale on our side with no variant sold out
        (``listing_sellable``) and a variant comes back from 0 (``previous_stock``): a listing the owner
        paused looks the same on TikTok and is never switched on here. Activation sends the product to
        TikTok's audit (R-activate): until it passes, price and stock wait (failed, so they are sent again).
        A deactivated product takes no price or stock (R-inventory: ``ACTIVATE`` only): a 0 is already true
        there, anything else waits until it is on sale again."""
        client = self.client(credentials)
        product = self._product(client, external_id)
        if product is None:
            reason = _("The listing no longer exists on TikTok Shop.")
            return BatchOutcome(succeeded=(), failed={u.external_variant_id: reason for u in updates})
        skus = {str(s.get("id")): s for s in product.get("skus") or []}
        failed = {u.external_variant_id: _("TikTok Shop has no such variant on this listing.")
                  for u in updates if u.external_variant_id not in skus}
        known = [u for u in updates if u.external_variant_id in skus]
        status = str(product.get("status") or "")
        restocked = any((u.stock or 0) > 0 and u.previous_stock == 0 for u in known)
        refusal = ""
        if status == "SELLER_DEACTIVATED" and restocked and all(u.listing_sellable for u in known):
            status, refusal = self._reactivate_restocked(client, external_id)
        if status == "SELLER_DEACTIVATED":
            waiting = refusal or _("TikTok Shop takes price and stock only for listings on sale; they are sent "
                                   "once the listing is on sale again.")
            failed.update({u.external_variant_id: waiting for u in known if u.stock != 0 or u.price_vnd is not None})
            known = []  # a 0 is already true: nothing of a deactivated product can be bought
        elif status in ("PENDING", "DRAFT", "FAILED"):  # R-inventory, R-price: ACTIVATE products only
            waiting = _("TikTok Shop is checking the listing again after it was put back on sale; its price and "
                        "stock are sent once TikTok approves it.") if restocked else self._owner_error(
                TikTokError(code="12019113")).message
            failed.update({u.external_variant_id: waiting for u in known})
            known = []
        prices = [{"id": u.external_variant_id, "price": {"amount": str(u.price_vnd), "currency": mappers.CURRENCY}}
                  for u in known if u.price_vnd is not None]
        stocks = []
        for u in known:
            if u.stock is None:
                continue
            warehouses = [str(i.get("warehouse_id")) for i in skus[u.external_variant_id].get("inventory") or []]
            warehouses = warehouses or [self._warehouse(client)]
            stocks.append({"id": u.external_variant_id, "inventory": [
                {"warehouse_id": w, "quantity": max(u.stock, 0) if n == 0 else 0} for n, w in enumerate(warehouses)]})
        # a sold-out SKU (0) goes on its own: the documented range is 1-99 999, and should TikTok refuse the 0,
        # the other SKUs' stock must still go through
        positive = [e for e in stocks if e["inventory"][0]["quantity"] > 0]
        zero = [e for e in stocks if e["inventory"][0]["quantity"] == 0]
        for send, entries in ((client.update_prices, prices), (client.update_inventory, positive),
                              (client.update_inventory, zero)):
            if not entries:
                continue
            try:
                answer = send(product_id=external_id, skus=entries)
            except TikTokError as exc:
                if entries is zero and exc.code == ZERO_REFUSED and self._deactivate_sold_out(client, external_id):
                    continue
                reason = self._owner_error(exc).message
                failed.update({e["id"]: reason for e in entries})
                continue
            for error in answer.get("errors") or []:
                sku_id = str((error.get("detail") or {}).get("sku_id") or "")
                if sku_id:
                    failed[sku_id] = str(error.get("message") or error.get("code") or "")
        tried = {u.external_variant_id for u in updates}
        return BatchOutcome(succeeded=tuple(sorted(tried - failed.keys())), failed=failed)

    def _reactivate_restocked(self, client: TikTokClient, external_id: str) -> tuple[str, str]:
        """Activate the product taken off sale when it sold out. Returns its status afterwards (``ACTIVATE``,
        or ``PENDING`` while TikTok audits it again) and, when TikTok refused, why in the owner's words."""
        try:
            answer = client.activate(product_ids=[external_id])
        except TikTokError as exc:
            return "SELLER_DEACTIVATED", self._owner_error(exc).message
        for error in answer.get("errors") or []:
            refused = TikTokError(str(error.get("message") or ""), code=str(error.get("code") or ""))
            return "SELLER_DEACTIVATED", self._owner_error(refused).message
        product = self._product(client, external_id)
        return str((product or {}).get("status") or "PENDING"), ""

    def _deactivate_sold_out(self, client: TikTokClient, external_id: str) -> bool:
        """Deactivate the product a sold-out SKU belongs to; True when TikTok now sells none of it."""
        try:
            answer = client.deactivate(product_ids=[external_id])
        except TikTokError:
            return False
        return not answer.get("errors")

    def _bulk(self, send: Callable[..., dict], external_id: str, *, missing_ok: bool) -> None:
        try:
            answer = send(product_ids=[external_id])
        except TikTokError as exc:
            raise self._owner_error(exc) from exc
        for error in answer.get("errors") or []:
            if missing_ok and str(error.get("code")) == PRODUCT_MISSING:
                continue
            raise self._owner_error(TikTokError(str(error.get("message") or ""), code=str(error.get("code") or "")))

    def delist(self, *, credentials: Credentials, external_id: str) -> None:
        """Delete Products; a product already gone counts as done."""
        self._bulk(self.client(credentials).delete, external_id, missing_ok=True)

    def pause(self, *, credentials: Credentials, external_id: str, paused: bool) -> None:
        client = self.client(credentials)
        self._bulk(client.deactivate if paused else client.activate, external_id, missing_ok=False)

    def _search(self, client: TikTokClient, body: dict) -> list[RemoteListing]:
        found: dict[str, RemoteListing] = {}
        token = ""
        while True:
            page = client.search_products(page_size=PAGE_SIZE, page_token=token, body=body)
            for product in page.get("products") or []:
                if str(product.get("status") or "") != "DELETED":
                    found[str(product.get("id"))] = mappers.remote_listing(product)
            token = str(page.get("next_page_token") or "")
            if not token or not page.get("products"):
                return list(found.values())

    def find_by_sku(self, *, credentials: Credentials, sku: str, since: dt.datetime | None = None) -> list[RemoteListing]:
        """Products with a SKU whose seller SKU is ``sku`` (TikTok keeps SKUs per variant only)."""
        body: dict = {"seller_skus": [sku]}
        if since is not None:
            body["update_time_ge"] = _unix(since) - 60  # clocks differ a little
        return self._search(self.client(credentials), body)

    def remote_listings(self, *, credentials: Credentials) -> list[RemoteListing]:
        return self._search(self.client(credentials), {})

    # --- review ----------------------------------------------------------------------------------------
    def review_status(self, *, credentials: Credentials, external_id: str) -> ReviewStatus:
        product = self._product(self.client(credentials), external_id)
        if product is None:
            return ReviewStatus(state=ReviewState.REJECTED, reason=_("The listing was deleted on TikTok Shop."))
        state = mappers.review_state(str(product.get("status") or ""))
        reason = mappers.rejection_reason(product) if state == ReviewState.REJECTED else ""
        return ReviewStatus(state=state, reason=reason)

    # --- orders ----------------------------------------------------------------------------------------
    def orders_updated_since(self, *, credentials: Credentials, since: dt.datetime) -> list[RemoteOrder]:
        """Get Order List by update time, oldest change first, 100 per page (line items come with each order)."""
        client = self.client(credentials)
        orders: list[RemoteOrder] = []
        token = ""
        while True:
            page = client.search_orders(update_time_ge=_unix(since), page_size=PAGE_SIZE, page_token=token)
            orders.extend(mappers.remote_order(order) for order in page.get("orders") or [])
            token = str(page.get("next_page_token") or "")
            if not token or not page.get("orders"):
                return sorted(orders, key=lambda o: (o.updated_at, o.external_id))

    def order_get(self, *, credentials: Credentials, external_id: str) -> RemoteOrder | None:
        found = self.client(credentials).get_orders(ids=[external_id])
        return mappers.remote_order(found[0]) if found else None

    # --- push --------------------------------------------------------------------------------------------
    def verify_push(self, *, body: bytes, headers: Mapping[str, str], url: str) -> list[PushEvent]:
        """``Authorization`` must be hex(HMAC-SHA256(app_secret, app_key + raw body)) (§3.4)."""
        config = tiktok_config()
        signature = str(headers.get("Authorization") or headers.get("authorization") or "").strip()
        expected = tiktok_push_signature(app_key=config.app_key, app_secret=config.app_secret, raw_body=body)
        if not signature or not secret_equals(signature.lower(), expected):
            raise PushRejected("bad signature")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise PushRejected("body is not JSON") from exc
        if not isinstance(payload, dict) or "type" not in payload:
            raise PushRejected("not a TikTok Shop webhook")
        return mappers.push_events(payload, raw_body=body)

    # --- errors ------------------------------------------------------------------------------------------
    @staticmethod
    def _owner_error(exc: TikTokError) -> PermanentError:
        """TikTok's refusal in the owner's language, saying what to fix where the code tells us."""
        detail = exc.message or exc.code
        messages = {
            "12052024": _("The TikTok Shop category chosen has sub-categories; choose the most specific one."),
            "12052023": _("TikTok Shop does not know the category chosen; choose the category again."),
            "12052028": _("Add at least one photo of the product."),
            "12052050": _("The product has more than 100 variants; TikTok Shop allows at most 100."),
            "12052055": _("TikTok Shop accepts stock from 1 to 99,999 units per warehouse."),
            "12019028": _("TikTok Shop needs the stock of every warehouse of the variant."),
            "12052038": _("The price is locked by a TikTok Shop promotion; change it after the promotion."),
            "12019113": _("TikTok Shop accepts price and stock changes only for live listings (not under review)."),
            "12052032": _("The listing no longer exists on TikTok Shop."),
            "12052901": _("TikTok Shop does not allow this for the listing in its current status."),
            "12052222": _("This TikTok Shop category does not take cash on delivery; the listing is sent without it."),
            "12052105": _("This TikTok Shop category requires a certificate (for example food safety); add it in "
                          "TikTok Shop's Seller Center, or choose another category."),
            "12052385": _("The certificate's expiry date is missing or invalid; correct it in TikTok Shop's Seller Center."),
            "12052655": _("TikTok Shop does not know the certificate sent; check it in Seller Center."),
            "12052104": _("A product attribute required by the TikTok Shop category is missing; fill it in "
                          "(Sales channels → Categories)."),
            "12052051": _("The product name must have 25 to 255 characters for TikTok Shop."),
            "12052261": _("Enter the product name."),
            "12052054": _("A SKU is longer than 50 characters or has spaces; TikTok Shop refuses it."),
            "12052570": _("The price is above TikTok Shop's limit of 180,000,000 VND."),
            "12052073": _("TikTok Shop refused the price; enter a whole number of VND above 0."),
            "12052181": _("Enter the package weight; TikTok Shop refuses a weight of 0."),
            "12052006": _("Enter the package weight; TikTok Shop refuses a weight of 0."),
            "12052300": _("A photo was not accepted by TikTok Shop; upload it again."),
            "12052306": _("TikTok Shop allows at most 9 photos per product."),
            "12052531": _("The TikTok Shop warehouse is disabled (holiday or order-limit mode); enable it in Seller Center."),
            "12052535": _("Set a return warehouse in TikTok Shop's Seller Center first."),
            "12052093": _("The shop reached TikTok Shop's daily listing limit; try again tomorrow."),
            "12052700": _("The TikTok Shop is inactive; check its status in Seller Center."),
            "12052995": _("Finish the shop's onboarding in TikTok Shop's Seller Center first."),
            "36009014": _("TikTok Shop retired the version of its API the platform uses; the platform's team has "
                          "been alerted and will update it. Nothing was changed; try again later."),
        }
        return owner_error(marketplace="tiktok", code=exc.code, detail=detail, messages=messages,
                           fallback=_("TikTok Shop refused the product: %(detail)s"), request_id=exc.request_id)


def _log_warnings(call: str, answer: dict) -> None:
    """R-create / R-edit ``data.warnings``: logged for the operators too (the owner reads them on the listing)."""
    for warning in (answer or {}).get("warnings") or []:
        message = (warning or {}).get("message") if isinstance(warning, dict) else ""
        logger.warning("tiktok %s product warning: %s", call, str(message or "")[:500])
