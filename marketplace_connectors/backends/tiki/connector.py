"""The Tiki connector: Tiki Open API (v2/v2.1, OAuth 2.0) behind the platform's Connector interface.

**Review.** Tiki creates nothing at once: ``publish`` sends a *product request* and returns
``PublishResult(external_id="request:<track_id>", review=UNDER_REVIEW)``; ``review_status`` follows the
request (queuing ... awaiting_approve -> approved | rejected | deleted) and, once approved, answers LIVE
with the listing's final id and the product id of every variant (Tiki makes one product per variant;
the listing id is their configurable parent when Tiki reports one, else the single product's id). An
approved product starts inactive (§4): ``review_status`` activates it, since publishing means selling.

**Never a second request.** Tiki has no idempotency key, so before every create the connector looks the
draft's SKUs up among the shop's products (``findBy?original_sku``) and among its latest pending requests
(tracking records whose variants carry those SKUs) and takes over what it finds. A create that timed out
is found this way on the next attempt.

**Media.** Tiki downloads images and certificate files from URLs (it has no upload API in the material
found): the connector "uploads" them to the platform's public media storage under a name made of the
file's SHA-256 (so a repeat upload is free and the URL unguessable) and references that URL; the storage
URL is made absolute with TIKI_MEDIA_BASE_URL.

**Orders** are read by polling (``GET /integration/v2/orders``). Tiki has no webhooks for sellers, only a
pull event queue (open.tiki.vn "Event queue system is an alternate of a Webhook"), so PUSH is not offered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from types import MappingProxyType
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
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
    ListingReview,
    OAuthConnection,
    OrderImport,
    PriceStockUpdate,
    PublishPlan,
    PublishResult,
    RemoteListing,
    RemoteOrder,
    ReviewState,
    ReviewStatus,
    TokenSet,
    ValidationProblem,
)
from marketplace_connectors.errors import AuthError, PermanentError, RetryableError

from . import mappers
from .client import TikiClient, TikiError, data_list
from .conf import tiki_config

PAGE_SIZE = 50


def api_updates_off_message() -> str:
    """Said when Tiki Seller Center does not allow product updates through the API (translated when said)."""
    return _("Tiki Seller Center does not allow this shop's products to be updated through the API "
             "(can_update_product). Allow it in Tiki Seller Center, then reconnect the shop.")
MAX_PAGES = 200  # Tiki lists at most 10,000 results (tikivn/open-api-docs#243)
TRACKING_PAGES = 3  # pending requests are looked for among the latest 150 (a track id lives 30 days)
FINAL_STATES = {"approved", "rejected", "deleted"}
MEDIA_FOLDER = "marketplace/tiki"


class TikiConnector(Connector, OAuthConnection, OrderImport, ListingReview):
    code = "tiki"
    display_name = gettext_lazy("Tiki")
    delist_hides = True  # Tiki's API cannot delete a product (see delist)
    #: G-listorders: only orders that reach ``queueing`` are "Tiki Accepted"; ``waiting_payment`` and
    #: ``processing`` (and ``payment_review``, which comes before ``queueing`` too: G-status) are not yet.
    #: They hold stock all the same (an order may still go ahead); the owner sees they are not confirmed.
    order_status_notes = MappingProxyType(dict.fromkeys(mappers.NOT_CONFIRMED_STATUSES, mappers.NOT_CONFIRMED_BY_TIKI))
    owner_notes = (
        gettext_lazy("Once Tiki has approved a product, changes to its name, description or photos are not sent "
                     "to Tiki: Tiki reviews those again, so make them in Tiki Seller Center. Price and stock are "
                     "always kept in step."),
        gettext_lazy("A variant added after Tiki approved the product is not sent: Tiki needs a new product "
                     "request for it."),
        gettext_lazy("Tiki does not let sellers delete a product: delisting hides it and sets its stock to 0."),
    )

    def client(self, credentials: Credentials | None = None) -> TikiClient:
        if credentials is None:
            return TikiClient(tiki_config())
        return TikiClient(tiki_config(), seller_id=credentials.shop_id, access_token=credentials.access_token)

    # --- authorisation -------------------------------------------------------------------------
    def authorization_url(self, *, redirect_url: str) -> str:
        """Tiki wants ``redirect_uri`` to equal a registered callback, and the code exchange to send the same
        value: both come from TIKI_REDIRECT_URI. Our ``state`` travels in Tiki's own ``state`` parameter
        (returned unchanged); the rest of ``redirect_url`` is ours and not sent."""
        query = parse_qsl(urlsplit(redirect_url).query, keep_blank_values=True)
        state = next((v for k, v in query if k == "state"), "")
        client = self.client()
        return client.authorization_url(redirect_url=client.config.redirect_uri, state=state)

    def _token_set(self, payload: dict, *, seller_id: str = "", shop_name: str = "") -> TokenSet:
        access, refresh = payload.get("access_token"), payload.get("refresh_token")
        if not access or not refresh:
            raise AuthError("token response without an access and a refresh token (is 'offline' granted?)",
                            code="no_tokens")
        # Tiki's pages state no lifetimes: read expires_in; the refresh token's life is unknown.
        expires_in = mappers.to_int(payload.get("expires_in"), 3600)
        return TokenSet(shop_id=seller_id, access_token=str(access), refresh_token=str(refresh),
                        access_expires_at=timezone.now() + dt.timedelta(seconds=expires_in), refresh_expires_at=None,
                        shop_name=shop_name)

    def exchange_code(self, *, params: dict[str, str]) -> TokenSet:
        code = params.get("code", "")
        if not code:
            raise AuthError(params.get("error_description") or "callback without code", code=params.get("error") or "bad_callback")
        client = self.client()
        payload = client.token_create(code=code, redirect_url=client.config.redirect_uri)
        seller = TikiClient(client.config, access_token=str(payload.get("access_token") or "")).get_seller()
        seller_id = str(seller.get("id") or "")
        if not seller_id:
            raise AuthError("the token is not linked to a seller", code="no_seller")
        if mappers.to_int(seller.get("can_update_product"), 1) == 0:  # R-seller: nothing could be published
            raise AuthError(api_updates_off_message(), code="api_updates_off")
        return self._token_set(payload, seller_id=seller_id, shop_name=str(seller.get("name") or ""))

    def refresh(self, *, credentials: Credentials) -> TokenSet:
        """A new pair; Tiki rotates the refresh token, so the old one is spent: store the new pair at once."""
        return self._token_set(self.client().token_refresh(refresh_token=credentials.refresh_token),
                               seller_id=credentials.shop_id)

    # --- metadata ------------------------------------------------------------------------------
    def categories(self, *, credentials: Credentials) -> list[CategoryNode]:
        rows = mappers.category_rows(self.client(credentials).get_categories())
        return [CategoryNode(external_id=i, parent_id=p, name=n, is_leaf=leaf) for i, p, n, leaf in rows]

    def category_attributes(self, *, credentials: Credentials, category_id: str) -> list[AttributeSpec]:
        attrs = self.client(credentials).get_category_attributes(category_id=category_id)
        return [spec for spec in map(mappers.attribute_spec, attrs) if spec is not None]

    def listing_rules(self, *, credentials: Credentials, category_id: str) -> dict:
        """The legal documents Tiki requires in the category, over the declared ``mappers.RULES``:
        ``required_documents`` [{"kind", "document_id", "name"}]."""
        documents = self.client(credentials).get_required_documents(category_id=category_id)
        return {"required_documents": mappers.required_documents(documents)}

    def validate(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = (),
                 rules: dict | None = None) -> list[ValidationProblem]:
        return mappers.validate(draft, attributes=attributes, rules=rules)

    def fingerprint(self, *, draft: ListingDraft, attributes: Sequence[AttributeSpec] = ()) -> str:
        return mappers.content_hash(draft, attributes=attributes)

    # --- media ---------------------------------------------------------------------------------
    @staticmethod
    def publish_media(*, filename: str, content: bytes) -> str:
        """Store a file Tiki must download in the public media storage; its absolute URL. Idempotent."""
        digest = hashlib.sha256(content).hexdigest()
        extension = os.path.splitext(filename)[1].lower() or ".bin"
        name = f"{MEDIA_FOLDER}/{digest[:2]}/{digest}{extension}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(content))
        url = default_storage.url(name)
        if not urlsplit(url).scheme:
            base = tiki_config().media_base_url
            if not base:
                raise ImproperlyConfigured("Set TIKI_MEDIA_BASE_URL: Tiki downloads photos and certificates from "
                                           "absolute URLs.")
            url = urljoin(base.rstrip("/") + "/", url.lstrip("/"))
        return url

    def _image_urls(self, draft: ListingDraft, uploaded: dict[str, str]) -> list[str]:
        for image in draft.images:
            if image.key not in uploaded:
                content, changed = mappers.fit_image(image.content)
                name = os.path.splitext(image.filename)[0] + ".jpg" if changed else image.filename
                uploaded[image.key] = self.publish_media(filename=name, content=content)
        return [uploaded[image.key] for image in draft.images]

    def _certificates(self, client: TikiClient, draft: ListingDraft) -> list[tuple[str, str]]:
        """(Tiki document id, URL) for every draft document of a kind the category asks for."""
        if not draft.documents:
            return []
        required = mappers.required_documents(client.get_required_documents(category_id=draft.category_id))
        ids_by_kind: dict[str, list[str]] = {}
        for entry in required:
            ids_by_kind.setdefault(entry["kind"], []).append(entry["document_id"])
        pairs = []
        for document in draft.documents:
            for doc_id in ids_by_kind.get(document.kind, []):
                pairs.append((doc_id, self.publish_media(filename=document.filename, content=document.content)))
        return pairs

    def _warehouse_ids(self, client: TikiClient) -> list[str]:
        """The seller's active selling warehouses, the one stock goes to first: Tiki's ``type`` ``withdrawal``
        receives returns and never sells (docs/marketplaces/tiki.md finding 2), so it is left out; the primary
        warehouse comes first, then the ``requisition`` ones. Empty for sellers without any."""
        return self._selling_warehouses(client)[0]

    @staticmethod
    def _selling_warehouses(client: TikiClient) -> tuple[list[str], bool]:
        """(the selling warehouses as ``_warehouse_ids`` orders them, whether Tiki lists any warehouse at all)."""
        listed = [w for w in client.get_seller_warehouses() if w.get("id")]
        selling = [w for w in listed if mappers.to_int(w.get("status", 1), 1) == 1
                   and str(w.get("type") or "").lower() != "withdrawal"]
        selling.sort(key=lambda w: (not w.get("is_primary"), str(w.get("type") or "").lower() != "requisition"))
        return [str(w["id"]) for w in selling], bool(listed)

    # --- listings ------------------------------------------------------------------------------
    def _pending_request(self, client: TikiClient, skus: set[str]) -> dict | None:
        """The latest request still under review that carries one of ``skus``."""
        for page in range(1, TRACKING_PAGES + 1):
            answer = client.latest_trackings(page=page, limit=PAGE_SIZE)
            records = data_list(answer)
            for record in records:
                if str(record.get("state") or "") in FINAL_STATES or not record.get("track_id"):
                    continue
                carried = mappers.request_skus(record)
                if not carried:
                    carried = mappers.request_skus(client.get_tracking(track_id=str(record["track_id"])) or {})
                if carried & skus:
                    return record
            if len(records) < PAGE_SIZE:
                return None
        return None

    def _products_with_skus(self, client: TikiClient, skus: Sequence[str]) -> list[dict]:
        found = {}
        for sku in dict.fromkeys(skus):
            product = client.product_by_sku(original_sku=sku)
            if product:
                found[str(product.get("product_id") or product.get("id"))] = product
        return list(found.values())

    def _all_products(self, client: TikiClient, *, updated_from: str = "") -> list[dict]:
        products: list[dict] = []
        for page in range(1, MAX_PAGES + 1):
            answer = client.get_products(page=page, limit=PAGE_SIZE, updated_from_date=updated_from)
            batch = data_list(answer)
            products.extend(batch)
            last = mappers.to_int((answer.get("paging") or {}).get("last_page"), page)
            if len(batch) < PAGE_SIZE or page >= last:
                break
        return products

    def _listing(self, client: TikiClient, external_id: str, *, known: Sequence[dict] = ()) -> RemoteListing | None:
        """The listing with every variant: a single product is read directly; a configurable parent's
        variants are found among the shop's products (Tiki offers no filter by parent)."""
        product = next((p for p in known if str(p.get("product_id") or p.get("id")) == external_id), None) \
            or client.get_product(product_id=external_id)
        if product and not mappers.to_int(product.get("super_id")) and product.get("type") != "configurable":
            return mappers.remote_listings([product])[0]
        members = [p for p in self._all_products(client) if mappers.listing_id(p) == external_id]
        return mappers.remote_listings(members)[0] if members else None

    def _listings_for_skus(self, client: TikiClient, skus: Sequence[str]) -> list[RemoteListing]:
        products = self._products_with_skus(client, skus)
        listing_ids = dict.fromkeys(mappers.listing_id(p) for p in products)
        return [listing for lid in listing_ids if (listing := self._listing(client, lid, known=products))]

    def publish_prepare(self, *, credentials: Credentials, draft: ListingDraft, uploaded_images: dict[str, str],
                        attributes: Sequence[AttributeSpec] = ()) -> PublishPlan:
        """Look for an earlier product or request first (see the module docstring): either is ``existing``
        (a request as "request:<track_id>", under review). Otherwise the request body, with the certificates."""
        client = self.client(credentials)
        skus = [v.sku for v in draft.variants]
        existing = self._listings_for_skus(client, skus)
        if len(existing) > 1:
            raise PermanentError(_("Several listings on the shop have this product's SKUs; choose one under "
                                   "“Existing listings”."), code="ambiguous_sku")
        if existing:
            return PublishPlan(existing=CreatedListing(external_id=existing[0].external_id, existed=True,
                                                       variant_ids_by_sku=existing[0].variant_ids_by_sku))
        pending = self._pending_request(client, set(skus))
        if pending is not None:
            return PublishPlan(existing=CreatedListing(
                external_id=mappers.REQUEST_PREFIX + str(pending["track_id"]), existed=True,
                review=ReviewState.UNDER_REVIEW))
        image_urls = self._image_urls(draft, uploaded_images)
        certificates = self._certificates(client, draft)
        return PublishPlan(body=mappers.request_body(draft, image_urls=image_urls, attributes=attributes,
                                                     certificates=certificates,
                                                     inventory_type=client.config.inventory_type,
                                                     warehouse_ids=self._warehouse_ids(client)))

    def publish_create(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan) -> CreatedListing:
        """Send the product request: the listing is "request:<track_id>", under review."""
        client = self.client(credentials)
        try:
            answer = client.create_request(plan.body)
        except TikiError as exc:
            raise PermanentError(_("Tiki refused the product: %(detail)s") % {"detail": exc.message},
                                 code=exc.code) from exc
        except AuthError as exc:
            raise self._updates_refused(client, exc) from exc
        track_id = str(answer.get("track_id") or "")
        if not track_id:
            raise PermanentError(_("Tiki refused the product: %(detail)s") % {"detail": "no track_id"}, code="no_track_id")
        return CreatedListing(external_id=mappers.REQUEST_PREFIX + track_id, review=ReviewState.UNDER_REVIEW)

    def publish_complete(self, *, credentials: Credentials, draft: ListingDraft, plan: PublishPlan,
                         created: CreatedListing, uploaded_images: dict[str, str],
                         attributes: Sequence[AttributeSpec] = ()) -> PublishResult:
        """Nothing to send: a request's products get their ids when Tiki approves it (``review_status``)."""
        return PublishResult(external_id=created.external_id, variant_ids_by_sku=dict(created.variant_ids_by_sku),
                             image_ids=dict(uploaded_images), review=created.review)

    def review_status(self, *, credentials: Credentials, external_id: str) -> ReviewStatus:
        """UNDER_REVIEW while Tiki reviews, REJECTED with Tiki's reason, LIVE with the final ids (the
        approved products are activated). An id that is not a request is LIVE. Raises PermanentError when
        Tiki no longer knows the track id (it expires after 30 days)."""
        if not external_id.startswith(mappers.REQUEST_PREFIX):
            return ReviewStatus(state=ReviewState.LIVE)
        client = self.client(credentials)
        track_id = external_id.removeprefix(mappers.REQUEST_PREFIX)
        tracking = client.get_tracking(track_id=track_id)
        if tracking is None:
            raise PermanentError(_("Tiki no longer knows this product request; publish the product again."),
                                 code="track_id_unknown")
        state_word = str(tracking.get("state") or "")
        state = mappers.REVIEW_STATES.get(state_word, ReviewState.UNDER_REVIEW)
        if state is ReviewState.REJECTED:
            return ReviewStatus(state=state, reason=mappers.request_reasons(tracking) or state_word)
        if state is ReviewState.UNDER_REVIEW:
            return ReviewStatus(state=state)
        products = tracking.get("products") or []
        if not products and tracking.get("request_id"):
            products = (client.get_request(request_id=str(tracking["request_id"])) or {}).get("products") or []
        if not products:
            return ReviewStatus(state=ReviewState.UNDER_REVIEW)  # approved, products not visible yet
        listing_id, ids = mappers.approved_ids(products)
        inactive = [str(p.get("product_id") or p.get("id")) for p in products if mappers.to_int(p.get("active")) != 1]
        for chunk in mappers.chunks(inactive, client.config.update_skus_batch):
            client.update_skus([mappers.update_entry(product_id=pid, active=True) for pid in chunk])
        return ReviewStatus(state=ReviewState.LIVE, external_id=listing_id, variant_ids_by_sku=ids)

    def update(self, *, credentials: Credentials, external_id: str, draft: ListingDraft,
               variant_ids_by_sku: dict[str, str], uploaded_images: dict[str, str],
               attributes: Sequence[AttributeSpec] = (), push_item: bool = True) -> PublishResult:
        """Every variant id by SKU. A listing still under review reports its review state (a request
        cannot be changed). Item fields are not pushed: Tiki changes them through another reviewed
        request ("Update product info"), and variants added later need a new product request."""
        if external_id.startswith(mappers.REQUEST_PREFIX):
            status = self.review_status(credentials=credentials, external_id=external_id)
            return PublishResult(external_id=status.external_id or external_id, variant_ids_by_sku=status.variant_ids_by_sku,
                                 image_ids=dict(uploaded_images), review=status.state, review_reason=status.reason)
        client = self.client(credentials)
        ids = dict(variant_ids_by_sku)
        missing = [v.sku for v in draft.variants if v.sku not in ids]
        if missing:
            for product in self._products_with_skus(client, missing):
                ids[str(product.get("original_sku") or "")] = str(product.get("product_id") or product.get("id"))
        return PublishResult(external_id=external_id,
                             variant_ids_by_sku={v.sku: ids[v.sku] for v in draft.variants if v.sku in ids},
                             image_ids=dict(uploaded_images), calls=client.calls)

    def update_price_stock(self, *, credentials: Credentials, external_id: str,
                           updates: Sequence[PriceStockUpdate]) -> BatchOutcome:
        return self.update_price_stock_many(credentials=credentials, updates=[(external_id, u) for u in updates])

    def update_price_stock_many(self, *, credentials: Credentials,
                                updates: Sequence[tuple[str, PriceStockUpdate]]) -> BatchOutcome:
        """Price and stock by product id (a variant), any listings of the shop, in updateSkus batches of
        TIKI_UPDATE_SKUS_BATCH. A batch Tiki refuses whole fails each of its products with the reason."""
        client = self.client(credentials)
        wanted = [u for _listing, u in updates if u.price_vnd is not None or u.stock is not None]
        failed: dict[str, str] = {}
        warehouses: list[str] = []
        if any(u.stock is not None for u in wanted):
            warehouses, listed = self._selling_warehouses(client)
            if listed and not warehouses:
                # only a returns warehouse, or every one switched off: a bare quantity would go nowhere Tiki
                # sells from (tiki.md findings 2, 15), so the stock waits and the owner is told
                reason = _("Tiki has no active supply warehouse for this shop (only a returns warehouse, or all "
                           "switched off). Register or switch one on in Tiki Seller Center; the stock is sent then.")
                failed.update({u.external_variant_id: reason for u in wanted if u.stock is not None})
                wanted = [dataclasses.replace(u, stock=None) for u in wanted if u.price_vnd is not None]
        entries = [mappers.update_entry(product_id=u.external_variant_id, price_vnd=u.price_vnd, stock=u.stock,
                                        warehouse_ids=warehouses) for u in wanted]
        for chunk in mappers.chunks(entries, client.config.update_skus_batch):
            try:
                answer = client.update_skus(chunk)
            except TikiError as exc:
                failed.update(dict.fromkeys((str(e["product_id"]) for e in chunk), exc.message))
                continue
            except AuthError as exc:
                raise self._updates_refused(client, exc) from exc
            failed.update(mappers.failed_updates(answer, chunk))
        tried = [str(e["product_id"]) for e in entries]
        return BatchOutcome(succeeded=tuple(t for t in dict.fromkeys(tried) if t not in failed), failed=failed)

    @staticmethod
    def _updates_refused(client: TikiClient, exc: AuthError) -> AuthError:
        """A 403 on a product update: when Seller Center does not allow product updates through the API
        (R-seller ``can_update_product`` 0) the owner must switch that on, not reconnect with more permissions,
        so the seller's flags are read to tell the two apart."""
        if exc.code == "http_403" and mappers.to_int(client.get_seller().get("can_update_product"), 1) == 0:
            return AuthError(api_updates_off_message(), code="api_updates_off")
        return exc

    def _set_active(self, client: TikiClient, external_id: str, *, active: bool, zero_stock: bool = False) -> None:
        listing = self._listing(client, external_id)
        if listing is None:
            return  # nothing left to hide
        warehouses = self._warehouse_ids(client) if zero_stock else []
        entries = [mappers.update_entry(product_id=pid, active=active, stock=0 if zero_stock else None,
                                        warehouse_ids=warehouses) for pid in listing.variant_ids_by_sku.values()]
        for chunk in mappers.chunks(entries, client.config.update_skus_batch):
            client.update_skus(chunk)

    def _request_delete(self, client: TikiClient, external_id: str) -> str:
        """Delete a request still under review; returns the listing id when it was approved meanwhile."""
        tracking = client.get_tracking(track_id=external_id.removeprefix(mappers.REQUEST_PREFIX)) or {}
        state = str(tracking.get("state") or "")
        if state == "approved":
            products = tracking.get("products") or []
            if not products and tracking.get("request_id"):
                products = (client.get_request(request_id=str(tracking["request_id"])) or {}).get("products") or []
            return mappers.approved_ids(products)[0] if products else ""
        if state not in FINAL_STATES and tracking.get("request_id"):
            client.delete_request(request_id=str(tracking["request_id"]))
        return ""

    def delist(self, *, credentials: Credentials, external_id: str) -> None:
        """Tiki's API cannot delete a product: delisting hides every variant (status inactive, stock 0).
        A request still under review is deleted. Idempotent."""
        client = self.client(credentials)
        if external_id.startswith(mappers.REQUEST_PREFIX):
            external_id = self._request_delete(client, external_id)
            if not external_id:
                return
        self._set_active(client, external_id, active=False, zero_stock=True)

    def pause(self, *, credentials: Credentials, external_id: str, paused: bool) -> None:
        """Hide or show every variant (updateSkus ``status`` 2 / 1). Idempotent."""
        if external_id.startswith(mappers.REQUEST_PREFIX):
            raise PermanentError(_("The product is still being reviewed by Tiki; it can be paused once approved."),
                                 code="under_review")
        self._set_active(self.client(credentials), external_id, active=not paused)

    def find_by_sku(self, *, credentials: Credentials, sku: str, since: dt.datetime | None = None) -> list[RemoteListing]:
        """Listings holding the SKU (a variant's original SKU), including a request still under review
        ("request:<track_id>", status "under_review"). Delisted products are still found (status
        "inactive"): Tiki cannot delete them, and a listing missed here would be created twice.
        ``since`` is not needed: the lookup by SKU is direct."""
        client = self.client(credentials)
        listings = self._listings_for_skus(client, [sku])
        if listings:
            return listings
        pending = self._pending_request(client, {sku})
        if pending is None:
            return []
        return [RemoteListing(external_id=mappers.REQUEST_PREFIX + str(pending["track_id"]), sku=sku,
                              status="under_review")]

    def remote_listings(self, *, credentials: Credentials) -> list[RemoteListing]:
        return mappers.remote_listings(self._all_products(self.client(credentials)))

    # --- orders --------------------------------------------------------------------------------
    def orders_updated_since(self, *, credentials: Credentials, since: dt.datetime) -> list[RemoteOrder]:
        """Orders changed at or after ``since`` (``updated_from_date``, whole seconds, Vietnamese time),
        oldest change first; an order listed without items is read again by code."""
        client = self.client(credentials)
        orders: dict[str, RemoteOrder] = {}
        for page in range(1, MAX_PAGES + 1):
            answer = client.get_orders(page=page, limit=PAGE_SIZE, updated_from_date=mappers.tiki_time(since))
            batch = data_list(answer)
            paging = answer.get("paging") if isinstance(answer.get("paging"), dict) else {}
            total = mappers.to_int(paging.get("total"), -1)
            last = mappers.to_int(paging.get("last_page"), 0)
            if not batch and (total > (page - 1) * PAGE_SIZE or page < last):
                # Tiki has answered an empty list on occasion (U-131) while its paging says orders are there:
                # read as "nothing changed", the orders on it would never be imported (oversold), so the
                # import is tried again later with its watermark unmoved (docs/marketplaces/tiki.md finding 12)
                raise RetryableError("Tiki answered an empty page of orders its paging says exist",
                                     code="tiki_empty_order_page")
            for raw in batch:
                if not raw.get("items"):
                    raw = client.get_order(code=str(raw.get("code"))) or raw
                order = mappers.remote_order(raw)
                orders[order.external_id] = order
            if (page >= last) if last else len(batch) < PAGE_SIZE:
                break
        return sorted(orders.values(), key=lambda o: (o.updated_at, o.external_id))

    def order_get(self, *, credentials: Credentials, external_id: str) -> RemoteOrder | None:
        raw = self.client(credentials).get_order(code=external_id)
        return mappers.remote_order(raw) if raw else None
