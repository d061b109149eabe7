"""The sandbox Tiki's seller, catalog and product APIs, and product requests under review."""

from __future__ import annotations

import copy
import uuid

from .state import PENDING_STATES, ApiError, Product, ProductRequest, _int


class TikiProducts:
    """The seller, catalog and product APIs, the product requests Tiki's reviewers decide, and the helpers
    tests use to decide them."""

    def _find_request(self, request_or_track_id: str) -> ProductRequest:
        key = str(request_or_track_id)
        found = self.requests.get(key) or next((r for r in self.requests.values() if r.request_id == key), None)
        if found is None:
            raise KeyError(key)
        return found

    def decide_request(self, request_id: str, approve: bool, reason: str = "") -> list[int]:
        """Tiki's reviewers decide a pending request (by request id or track id); returns the product ids
        made. A decided request cannot be decided again (a rejected one is never approved)."""
        with self._lock:
            request = self._find_request(request_id)
            if request.state not in PENDING_STATES:
                raise ValueError(f"request {request_id} is already {request.state}")
            if approve:
                self._approve(request)
            else:
                request.state, request.reason, request.updated = "rejected", reason or "rejected", self.now()
            return list(request.product_ids)

    def pending_requests(self) -> list[ProductRequest]:
        with self._lock:
            return [r for r in self.requests.values() if r.state in PENDING_STATES]

    def product_by_sku(self, sku: str, seller_id: str | None = None) -> Product | None:
        seller_id = seller_id or next(iter(self.sellers))
        with self._lock:
            return next((p for p in self.products.values() if p.seller_id == seller_id and p.original_sku == sku), None)

    def _seller(self, seller_id, query, body):
        return {"id": int(seller_id) if seller_id.isdigit() else seller_id, "name": self.sellers[seller_id],
                "active": 0 if seller_id in self.inactive_sellers else 1, "operation_models": ["dropship"],
                "can_update_product": 0 if seller_id in self.api_updates_off else 1,
                "registration_status": "completed"}

    def _warehouses(self, seller_id, query, body):
        """G-warehouse: ``type`` requisition (supplies Tiki) or withdrawal (receives returns), ``is_primary``,
        ``status`` 1/0; the returns warehouse is listed first, as a picker by status alone would take it."""
        address = {"street": "Ấp 1", "ward": "Phường Cao Lãnh", "region": "Đồng Tháp", "country": "VN"}
        found = []
        if self.returns_warehouse is not None:
            found.append({"id": self.returns_warehouse, "seller_id": _int(seller_id) or seller_id, "is_primary": False,
                          "name": f"Kho nhận hàng hoàn {self.returns_warehouse}", "status": 1, "type": "withdrawal",
                          "address": address})
        found += [{"id": w, "seller_id": _int(seller_id) or seller_id, "is_primary": n == 0, "name": f"Kho {w}",
                   "status": 1, "type": "requisition", "address": address} for n, w in enumerate(self.warehouses)]
        return {"data": found}

    def _warehouse_refusal(self, entries) -> str:
        """Stock goes to selling warehouses only (docs/marketplaces/tiki.md S1; the message is ours, **U**)."""
        for entry in entries or []:
            warehouse = _int(entry.get("warehouse_id"))
            if warehouse == self.returns_warehouse:
                return f"warehouse_id {warehouse} is a withdrawal (returns) warehouse and holds no stock for sale"
            if warehouse not in self.warehouses:
                return f"warehouse_id {warehouse} is not a warehouse of the seller"
        return ""

    def _categories(self, seller_id, query, body):
        return {"data": copy.deepcopy(self.categories)}

    def _category(self, raw: str) -> dict:
        category = next((c for c in self.categories if str(c["id"]) == raw), None)
        if category is None:
            raise ApiError(404, f"category {raw} not found")
        return category

    def _category_attributes(self, seller_id, query, body, category_id):
        return {"data": copy.deepcopy(self.attributes.get(self._category(category_id)["id"], []))}

    def _required_documents(self, seller_id, query, body, category_id):
        return {"data": copy.deepcopy(self.documents.get(self._category(category_id)["id"], []))}

    def _create_request(self, seller_id, query, body, *args):
        if not isinstance(body, dict):
            raise ApiError(400, "Invalid request body")
        missing = [k for k in ("category_id", "name", "variants") if not body.get(k)]
        if missing:
            raise ApiError(400, *(f"{k} is required" for k in missing))
        now = self.now()
        request = ProductRequest(track_id=uuid.uuid4().hex, request_id=str(next(self._request_ids)), seller_id=seller_id,
                          body=copy.deepcopy(body), state="queuing", created=now, updated=now)
        reason = self._auto_check(seller_id, body)
        if reason:
            request.state, request.reason = "rejected", reason
        else:
            needs_documents = bool(self.documents.get(_int(body.get("category_id"))))
            request.state = "md_awaiting_approve" if needs_documents else "awaiting_approve"
        self.requests[request.track_id] = request
        return {"track_id": request.track_id, "state": "queuing"}

    def _auto_check(self, seller_id: str, body: dict) -> str:
        """Tiki's automatic checks (processing, bot review): the first reason to reject, or ""."""
        category = next((c for c in self.categories if str(c["id"]) == str(body.get("category_id"))), None)
        if category is None or not category.get("is_primary"):
            return "category is not a primary category"
        if not body.get("image"):
            return "product media is empty"
        options = body.get("option_attributes") or []
        if len(options) > 2:
            return "option_attributes: max 2 option attributes"
        attributes = body.get("attributes") or {}
        for attr in self.attributes.get(category["id"], []):
            if attr.get("is_required") and not str(attributes.get(attr["code"], "")).strip():
                return f"attribute {attr['code']} is required"
        taken = {p.original_sku for p in self.products.values() if p.seller_id == seller_id}
        taken |= {str(v.get("sku")) for r in self.requests.values() if r.seller_id == seller_id
                  and r.state in PENDING_STATES for v in r.body.get("variants") or []}
        for variant in body.get("variants") or []:
            if _int(variant.get("price")) is None or _int(variant.get("price")) <= 0:
                return "variants should have price > 0"
            for n in range(1, len(options) + 1):
                if not str(variant.get(f"option{n}") or "").strip():
                    return f"variants option{n} missing"
            if str(variant.get("sku")) in taken:
                return f"original_sku {variant.get('sku')} already exists"
        given = {_int(c.get("document_id")) for c in body.get("certificate_files") or []
                 if isinstance(c, dict) and str(c.get("url", "")).startswith(("http://", "https://"))}
        for document in self.documents.get(category["id"], []):
            if document["id"] not in given:
                return f"Category legal document is missing document_id = {document['id']} : {document['name']}"
        return ""

    def _approve(self, request: ProductRequest) -> None:
        body = request.body
        variants = body.get("variants") or []
        parent = next(self._ids) if len(variants) > 1 else 0
        if parent:
            self.parents[parent] = (request.seller_id, str(body.get("name")))
        now = self.now()
        for variant in variants:
            quantity = _int(variant.get("quantity"))
            if quantity is None:
                quantity = sum(_int(w.get("qty_available")) or 0 for w in variant.get("warehouse_quantities") or [])
            options = " ".join(str(variant.get(f"option{n}")) for n in (1, 2) if variant.get(f"option{n}"))
            product = Product(product_id=next(self._ids), seller_id=request.seller_id, original_sku=str(variant["sku"]),
                              name=f"{body.get('name')} {options}".strip(), price=_int(variant.get("price")) or 0,
                              quantity=quantity, super_id=parent, category_id=_int(body.get("category_id")) or 0,
                              active=self.approved_active, created=now, updated=now)
            self.products[product.product_id] = product
            request.product_ids.append(product.product_id)
        request.state, request.updated = "approved", now

    def _tick(self, request: ProductRequest) -> None:
        if self.auto_approve_after is not None and request.state in PENDING_STATES \
                and self.now() - request.created >= self.auto_approve_after:
            self._approve(request)

    def _request_json(self, request: ProductRequest) -> dict:
        self._tick(request)
        out = {"track_id": request.track_id, "request_id": request.request_id, "state": request.state,
               # G-requests: request records carry ``reasons`` (null until rejected); the tracking keeps ``reason``
               "reason": request.reason or None, "reasons": [request.reason] if request.reason else None,
               "kind": "create_product",
               "created_at": self._time(request.created), "updated_at": self._time(request.updated),
               "variants": [{"sku": v.get("sku")} for v in request.body.get("variants") or []], "products": []}
        if request.state == "approved":
            out["approved_at"] = self._time(request.updated)
            out["products"] = [self._product_json(self.products[pid]) for pid in request.product_ids if pid in self.products]
        return out

    def _owned_request(self, seller_id: str, key: str) -> ProductRequest:
        try:
            request = self._find_request(key)
        except KeyError as exc:
            raise ApiError(404, "request not found") from exc
        if request.seller_id != seller_id:
            raise ApiError(404, "request not found")
        return request

    def _trackings(self, seller_id, query, body):
        mine = sorted((r for r in self.requests.values() if r.seller_id == seller_id and self.now() - r.created < 30 * 86400),
                      key=lambda r: r.created, reverse=True)
        return self._page([self._request_json(r) for r in mine], query)

    def _tracking(self, seller_id, query, body, track_id):
        request = self._owned_request(seller_id, track_id)
        if self.now() - request.created >= 30 * 86400:
            raise ApiError(404, "track_id expired")
        return self._request_json(request)

    def _request_get(self, seller_id, query, body, request_id):
        return self._request_json(self._owned_request(seller_id, request_id))

    def _request_delete(self, seller_id, query, body, request_id):
        request = self._owned_request(seller_id, request_id)
        if request.state in PENDING_STATES:
            request.state, request.updated = "deleted", self.now()
        return {"request_id": request.request_id, "state": request.state}

    def _product_json(self, product: Product) -> dict:
        return {"product_id": product.product_id, "id": product.product_id, "sku": str(8_900_000_000_000 + product.product_id),
                "original_sku": product.original_sku, "name": product.name, "price": product.price,
                "market_price": product.price, "active": product.active, "super_id": product.super_id,
                "type": "simple", "entity_type": "seller_simple", "is_hidden": False,
                "created_at": self._time(product.created), "updated_at": self._time(product.updated),
                "inventory": {"quantity": product.quantity}}

    def _products(self, seller_id, query, body):
        items = [p for p in self.products.values() if p.seller_id == seller_id]
        if query.get("updated_from_date"):
            since = self._parse_time(query["updated_from_date"])
            items = [p for p in items if p.updated >= since]
        if query.get("active") in ("0", "1"):
            items = [p for p in items if p.active == int(query["active"])]
        items.sort(key=lambda p: p.created, reverse=True)
        return self._page([self._product_json(p) for p in items], query)

    def _product_find(self, seller_id, query, body):
        if not query.get("original_sku"):
            raise ApiError(400, "original_sku is required")
        product = self.product_by_sku(query["original_sku"], seller_id)
        if product is None:
            raise ApiError(404, "product not found")
        return self._product_json(product)

    def _product_get(self, seller_id, query, body, product_id):
        key = _int(product_id)
        product = self.products.get(key)
        if product is not None and product.seller_id == seller_id:
            return self._product_json(product)
        if key in self.parents and self.parents[key][0] == seller_id:
            return {"product_id": key, "id": key, "type": "configurable", "super_id": 0, "name": self.parents[key][1],
                    "active": 1}
        raise ApiError(404, "product not found")

    def _update_skus(self, seller_id, query, body):
        items = body.get("data") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            raise ApiError(400, "data is required")
        if len(items) > self.update_skus_max:
            raise ApiError(400, f"data: at most {self.update_skus_max} items per request")
        results = []
        for item in items:
            product = self.products.get(_int(item.get("product_id")))
            if product is None and item.get("original_sku"):
                product = self.product_by_sku(str(item["original_sku"]), seller_id)
            if product is None or product.seller_id != seller_id:
                results.append({"product_id": item.get("product_id"), "original_sku": item.get("original_sku"),
                                "success": False, "errors": ["product not found"]})
                continue
            price = item.get("price")
            if price is not None and (_int(price) is None or _int(price) <= 0):
                results.append({"product_id": product.product_id, "success": False, "errors": ["price should be > 0"]})
                continue
            refusal = self._warehouse_refusal(item.get("warehouse_quantities"))
            if not refusal and "quantity" in item and "warehouse_quantities" not in item and (
                    self.warehouses or self.returns_warehouse is not None):
                # G-update shows stock only as seller_warehouse + warehouse_quantities; a bare quantity is taken
                # only from a seller without warehouses (our reading, U; tiki.md finding 15)
                refusal = "quantity needs warehouse_quantities for a seller with warehouses"
            if refusal:
                results.append({"product_id": product.product_id, "success": False, "errors": [refusal]})
                continue
            if price is not None:
                product.price = _int(price)
            if "warehouse_quantities" in item:
                product.quantity = sum(_int(w.get("qty_available")) or 0 for w in item["warehouse_quantities"])
            elif "quantity" in item:
                product.quantity = _int(item["quantity"]) or 0
            if "status" in item:
                product.active = 1 if _int(item["status"]) == 1 else 0
            elif "active" in item:
                product.active = 1 if _int(item["active"]) == 1 else 0
            product.updated = self.now()
            results.append({"product_id": product.product_id, "original_sku": product.original_sku, "success": True})
        return {"data": results}
