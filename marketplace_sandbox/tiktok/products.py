"""The sandbox TikTok Shop's catalog metadata, product API and product audit."""

from __future__ import annotations

import hashlib
import re
import threading
import uuid

from .state import (
    CERTIFICATIONS,
    MAX_CERTIFICATIONS,
    MAX_IDEMPOTENCY_KEY,
    MAX_IMAGE_BYTES,
    MAX_IMAGES,
    MAX_PDF_BYTES,
    MAX_PRODUCT_IDS,
    MAX_SKUS,
    PRICE_MAX,
    QUANTITY_MAX,
    QUANTITY_MIN,
    REJECTION,
    REJECTION_SUGGESTION,
    ApiError,
    Product,
    Shop,
    Sku,
    _image_kind,
)


class TikTokProducts:
    """The catalog metadata and product APIs, the audit new products go through, and the helpers tests use
    to read products and decide audits."""

    def live_products(self, shop_id: str | None = None) -> list[Product]:
        shop_id = self.shop(shop_id).shop_id
        with self.lock:
            self._settle_audits()
            return [p for p in self.products.values() if p.shop_id == shop_id and p.status != "DELETED"]

    def product(self, product_id: str) -> Product:
        with self.lock:
            self._settle_audits()
            return self.products[str(product_id)]

    def decide_audit(self, product_id: str, approve: bool, reason: str = "") -> None:
        """The audit team's decision on a PENDING product: ACTIVATE, or FAILED with ``reason`` (used for every
        locale). Sends the type-5 webhook to ``push_url``."""
        with self.lock:
            product = self.products[str(product_id)]
            if product.status != "PENDING":
                raise ValueError(f"product {product_id} is {product.status}, not PENDING")
            self._decide(product, approve=approve, reason=reason)

    def _api_categories(self, request, shop, ident, body) -> dict:
        return {"categories": [{**c, "permission_statuses": ["AVAILABLE"]} for c in self.categories]}

    def _api_category_recommend(self, request, shop, ident, body) -> dict:
        """Recommend Category (docs/marketplaces/tiktok.md): ``product_title`` required, 25 to 255 characters for a
        VN seller; answers ``leaf_category_id`` and the path of ``categories`` down to it, or 12019064 when nothing
        matches. TikTok's ranking is not published: the sandbox takes the leaf category with the most words of its
        name in the title (U)."""
        title = str(body.get("product_title") or "").strip()
        if not title:
            raise ApiError(12052261, "product_title is empty")
        if not 25 <= len(title) <= 255:
            raise ApiError(12052931, "product_title must have 25 to 255 characters")
        words = set(re.findall(r"\w+", title.lower()))
        scored = sorted((-len(words & set(re.findall(r"\w+", c["local_name"].lower()))), c["id"])
                        for c in self.categories if c["is_leaf"])
        if not scored or scored[0][0] == 0:
            raise ApiError(12019064, "No matching categories were found for the product")
        leaf = self._category(scored[0][1])
        path, node = [], leaf
        while node is not None:
            path.insert(0, node)
            node = next((c for c in self.categories if c["id"] == node["parent_id"]), None)
        return {"leaf_category_id": leaf["id"],
                "categories": [{"id": c["id"], "name": c["local_name"], "level": level, "is_leaf": c["is_leaf"],
                                "permission_statuses": ["AVAILABLE"]} for level, c in enumerate(path, start=1)]}

    def _category(self, category_id: str, *, leaf: bool = True) -> dict:
        found = next((c for c in self.categories if c["id"] == str(category_id)), None)
        if found is None:
            raise ApiError(12052023, "Category does not exist")
        if leaf and not found["is_leaf"]:
            raise ApiError(12052024, "Category is not final category")
        return found

    def _api_attributes(self, request, shop, ident, body) -> dict:
        self._category(ident)
        return {"attributes": self.attributes.get(ident, [])}

    def _api_rules(self, request, shop, ident, body) -> dict:
        """Get Category Rules (R-rules): certifications, whether cash on delivery is supported, whether the
        package's dimensions are required."""
        self._category(ident)
        return {"product_certifications": [dict(c) for c in CERTIFICATIONS.get(ident, [])],
                "size_chart": {"is_supported": False, "is_required": False},
                "cod": {"is_supported": ident not in self.cod_unsupported},
                "package_dimension": {"is_required": self.package_dimensions_required}}

    def _check_cod_and_certifications(self, category_id: str, body: dict) -> None:
        """R-create/R-rules: ``is_cod_allowed`` true in a category without COD fails (12052222); a certification
        the category's rules require (always, or by a matching requirement condition) must be sent (12052105),
        with its expiration date where the rule asks for one (12052385); unknown certification ids 12052655."""
        if body.get("is_cod_allowed") is True and category_id in self.cod_unsupported:
            raise ApiError(12052222, "category do not support cod")
        rules = {c["id"]: c for c in CERTIFICATIONS.get(category_id, [])}
        given_list = [c for c in body.get("certifications") or [] if isinstance(c, dict)]
        if len(given_list) > MAX_CERTIFICATIONS:
            raise ApiError(12052910, "Invalid input parameters: at most 10 certifications")
        sent = {str(c.get("id")): c for c in given_list}
        if len(sent) < len(given_list):
            raise ApiError(12052656, "qualification id duplicate")
        unknown = [cid for cid in sent if cid not in rules]
        if unknown:
            raise ApiError(12052655, f"qualification id {unknown[0]} is invalid")
        for cert in sent.values():
            # images uploaded with use_case=CERTIFICATION_IMAGE, files through Upload Product File, PDF only
            if any(self.image_use_cases.get(str((i or {}).get("uri"))) != "CERTIFICATION_IMAGE"
                   for i in cert.get("images") or []):
                raise ApiError(12052650, "product qualification image uri illegal")
            if any(str((f or {}).get("id")) not in self.files or (f or {}).get("format") != "PDF"
                   or not (f or {}).get("name") for f in cert.get("files") or []):
                raise ApiError(12052658, "product qualification file uri illegal")
            expiry = cert.get("expiration_date")
            if expiry is not None and (not isinstance(expiry, int) or expiry <= self.now()):
                raise ApiError(12052385, "Please enter valid certificate expiration date")
        chosen = {(str(a.get("id")), str(v.get("id"))) for a in body.get("product_attributes") or []
                  for v in a.get("values") or [] if isinstance(v, dict)}
        for rule in rules.values():
            required = rule["is_required"] or any(
                (c["attribute_id"], c["attribute_value_id"]) in chosen for c in rule["requirement_conditions"])
            if not required:
                continue
            given = sent.get(rule["id"])
            if given is None or not (given.get("images") or given.get("files")):
                raise ApiError(12052105, f"required qualification miss: {rule['name']}")
            if rule["expiration_date"]["is_required"] and not given.get("expiration_date"):
                raise ApiError(12052385, "the expiration date of the qualification is invalid")

    def _api_warehouses(self, request, shop, ident, body) -> dict:
        """Get Warehouse List (R-warehouses): the returns warehouse first, then the sales warehouses with
        their ``effect_status`` (DISABLED: holiday or order-limit mode, nothing sells from it)."""
        found = [{"id": shop.return_warehouse, "name": f"Kho hoàn {shop.name}", "effect_status": "ENABLED",
                  "type": "RETURN_WAREHOUSE", "sub_type": "DOMESTIC_WAREHOUSE", "is_default": True}] \
            if shop.return_warehouse else []
        return {"warehouses": found + [
            {"id": w, "name": f"Kho {shop.name}", "type": "SALES_WAREHOUSE", "sub_type": "DOMESTIC_WAREHOUSE",
             "effect_status": "DISABLED" if w in shop.disabled_warehouses else "ENABLED", "is_default": n == 0}
            for n, w in enumerate(shop.warehouses)]}

    def _api_image_upload(self, request, shop, ident, body) -> dict:
        if request.content_type != "multipart/form-data":
            raise ApiError(36009023, "Invalid content-type: expected multipart/form-data")
        fields, files = request.multipart()
        upload = files.get("data")
        if upload is None:
            raise ApiError(12052910, "Invalid input parameters: the image file (data) is missing")
        if len(upload.content) > MAX_IMAGE_BYTES:
            raise ApiError(36009021, "The file is too big: images may have at most 10 MB")
        if _image_kind(upload.content) is None:
            raise ApiError(12052910, "Invalid input parameters: the image must be JPG, JPEG, PNG, WEBP, HEIC or BMP")
        uri = f"tos-alisg-i-{hashlib.md5(upload.content, usedforsecurity=False).hexdigest()[:12]}-{uuid.uuid4().hex[:8]}"
        self.images[uri] = len(upload.content)
        self.image_use_cases[uri] = fields.get("use_case") or "MAIN_IMAGE"
        return {"uri": uri, "url": f"https://p16-oec-va.ibyteimg.com/{uri}~tplv-o3syd03w52-origin-jpeg.jpeg",
                "width": 800, "height": 800, "use_case": fields.get("use_case") or "MAIN_IMAGE"}

    def _api_file_upload(self, request, shop, ident, body) -> dict:
        """Upload Product File (R-file): multipart ``data`` (PDF up to 20 MB here; the videos it also takes
        are not served) and ``name`` (the file name with its extension); answers ``{id, url, name, format}``."""
        if request.content_type != "multipart/form-data":
            raise ApiError(36009023, "Invalid content-type: expected multipart/form-data")
        fields, files = request.multipart()
        upload = files.get("data")
        if upload is None:
            raise ApiError(12038002, "Invalid upload file. Please ensure you are passing the correct file data.")
        if not upload.content:
            raise ApiError(12019103, "Couldn't upload file, the file is empty.")
        name = str(fields.get("name") or "")
        if not name:
            raise ApiError(12019104, "The file name is empty.")
        if not upload.content.startswith(b"%PDF"):
            raise ApiError(12019105, "Failed to process the file. The format or content is not supported.")
        if len(upload.content) > MAX_PDF_BYTES:
            raise ApiError(12038005, "The file size exceeds the maximum allowed size.")
        file_id = f"v09e{uuid.uuid4().hex[:28]}"
        self.files[file_id] = name
        return {"id": file_id, "url": f"https://p-oec-va.ibyteimg.com/{file_id}", "name": name, "format": "PDF"}

    def _check_product_body(self, shop: Shop, body: dict, *, existing: Product | None = None) -> list[Sku]:
        title = str(body.get("title") or "")
        if not title:
            raise ApiError(12052261, "product name cannot be empty")
        if not 25 <= len(title) <= 255:
            raise ApiError(12052051, "product name length must be between 25 and 255 characters")
        if len(str(body.get("description") or "")) > 10_000:
            raise ApiError(12052910, "Invalid input parameters: the description may have at most 10000 characters")
        for tag in re.findall(r"<img\b[^>]*>", str(body.get("description") or ""), flags=re.IGNORECASE):
            # R-create: description images only TikTok Shop image URLs, with src, width and height
            src = re.search(r"""src\s*=\s*["']([^"']*)["']""", tag)
            if not (re.search(r"\bwidth\s*=", tag) and re.search(r"\bheight\s*=", tag)) or src is None:
                raise ApiError(12052348, "The product description html tag required attribute is miss.")
            if not re.match(r"https://[\w.-]+\.ibyteimg\.com/", src.group(1)):
                raise ApiError(12052340, "product description image uri illegal")
        category = self._category(str(body.get("category_id") or ""))
        images = body.get("main_images") or []
        if not images:
            raise ApiError(12052028, "The main image is missing")
        if len(images) > MAX_IMAGES:
            raise ApiError(12052306, "main images count exceed limit")
        if any(str((i or {}).get("uri")) not in self.images for i in images):
            raise ApiError(12052300, "main image uri illegal")
        weight = body.get("package_weight") or {}
        if not weight.get("value") or weight.get("unit") not in ("KILOGRAM", "POUND"):
            raise ApiError(12052006, "parcel weight format is invalid")
        try:
            if float(weight["value"]) <= 0:
                raise ApiError(12052181, "parcel weight cannot be zero")
        except ValueError:
            raise ApiError(12052006, "parcel weight format is invalid") from None
        if self.package_dimensions_required and not body.get("package_dimensions"):
            raise ApiError(12052910, "Invalid input parameters: package_dimensions is required for this category")
        given = {str(a.get("id")) for a in body.get("product_attributes") or [] if a.get("values")}
        chosen = {(str(a.get("id")), str(v.get("id"))) for a in body.get("product_attributes") or []
                  for v in a.get("values") or [] if isinstance(v, dict)}
        for attr in self.attributes.get(category["id"], []):
            # R-attrs: is_requried, or a requirement condition (VALUE_ID_MATCH) the chosen values meet
            required = attr["is_requried"] or any((c["attribute_id"], c["attribute_value_id"]) in chosen
                                                  for c in attr.get("requirement_conditions") or [])
            if attr["type"] == "PRODUCT_PROPERTY" and required and attr["id"] not in given:
                raise ApiError(12052104, f"property {attr['name']} is required")
        self._check_cod_and_certifications(category["id"], body)
        raw_skus = body.get("skus") or []
        if not raw_skus:
            raise ApiError(12052910, "Invalid input parameters: skus is required")
        if len(raw_skus) > MAX_SKUS:
            raise ApiError(12052050, "The number of SKUs exceeds the limit of 100")
        old = {s.sku_id: s for s in existing.skus} if existing else {}
        skus: list[Sku] = []
        seen: set[str] = set()
        for raw in raw_skus:
            seller_sku = str(raw.get("seller_sku") or "")
            if not 1 <= len(seller_sku) <= 50 or any(c.isspace() for c in seller_sku):
                raise ApiError(12052054, "seller sku exceeds the maximum length of 50 characters or has spaces")
            if seller_sku in seen:
                raise ApiError(12052910, "Invalid input parameters: seller_sku is repeated in the product")
            seen.add(seller_sku)
            sku_id = str(raw.get("id") or "")
            if sku_id and sku_id not in old:
                raise ApiError(12052910, f"Invalid input parameters: SKU {sku_id} does not belong to the product")
            before = old.get(sku_id)
            price = self._price(raw.get("price")) if raw.get("price") or before is None else before.price
            if raw.get("inventory") or before is None:
                inventory = self._inventory(shop, raw.get("inventory"), zero_ok=False)
            else:
                inventory = dict(before.inventory)
            skus.append(Sku(sku_id=sku_id or str(next(self._sku_ids)), seller_sku=seller_sku, price=price,
                            inventory=inventory, sales_attributes=list(raw.get("sales_attributes") or [])))
        for sku in skus:  # R-create: a custom sales attribute name at most 20 characters, a value name 50
            for attr in sku.sales_attributes:
                if len(str(attr.get("name") or "")) > 20:
                    raise ApiError(12052242, "The attribute name characters cannot exceed max_limit")
                if len(str(attr.get("value_name") or "")) > 50:
                    raise ApiError(12052249, "The sales_property value name characters cannot exceed 50, attribute "
                                             f"value name is :{attr.get('value_name')}")
        shapes = {tuple(sorted(str(a.get("name") or a.get("id")) for a in s.sales_attributes)) for s in skus}
        if len(shapes) > 1:
            raise ApiError(12052910, "Invalid input parameters: every SKU must have the same sales attributes")
        return skus

    def _price(self, price) -> int:
        price = price or {}
        if price.get("currency") != "VND":
            raise ApiError(12052910, "Invalid input parameters: currency must be VND")
        amount = str(price.get("amount") or "")
        if not amount.isdigit():
            raise ApiError(12052012, "Incorrect price format")
        if int(amount) <= 0:
            raise ApiError(12052073, "The product price is invalid")
        if int(amount) > PRICE_MAX:
            raise ApiError(12052570, "product price exceed limit")
        return int(amount)

    def _inventory(self, shop: Shop, entries, *, zero_ok: bool, only_warehouse: str = "") -> dict[str, int]:
        """``only_warehouse``: the SKU's one warehouse, which an entry may leave out (R-inventory: "Optional if
        there is only 1 warehouse")."""
        if not entries:
            raise ApiError(12052910, "Invalid input parameters: inventory is required")
        out: dict[str, int] = {}
        for entry in entries:
            warehouse = str(entry.get("warehouse_id") or only_warehouse)
            if warehouse and warehouse == shop.return_warehouse:
                raise ApiError(12052532, "The warehouse is not a delivery warehouse")
            if warehouse in shop.disabled_warehouses:
                raise ApiError(12052531, "The warehouse is disabled")
            if warehouse not in shop.warehouses:
                raise ApiError(12019022, "SKU must contain a valid warehouse.")
            quantity = entry.get("quantity")
            low = 0 if zero_ok else QUANTITY_MIN
            if not isinstance(quantity, int) or not low <= quantity <= QUANTITY_MAX:
                raise ApiError(12052055, "The inventory quantity must be between 1 and 99999")
            out[warehouse] = quantity
        return out

    def _product_of(self, shop: Shop, product_id: str) -> Product:
        product = self.products.get(str(product_id))
        if product is None or product.shop_id != shop.shop_id or product.status == "DELETED":
            raise ApiError(12052032, "The product does not exist")
        return product

    def _api_product_create(self, request, shop, ident, body) -> dict:
        key = str(body.get("idempotency_key") or "")
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise ApiError(12052910, "Invalid input parameters: idempotency_key may have at most 128 characters")
        if key:
            earlier = next((p for p in self.products.values() if p.shop_id == shop.shop_id and p.idempotency_key == key
                            and p.status != "DELETED"), None)
            if earlier is not None:
                return self._create_answer(earlier)
        skus = self._check_product_body(shop, body)
        now = int(self.now())
        kept = {k: v for k, v in body.items() if k not in ("skus", "idempotency_key")}
        warnings = self._clear_unknown_brand(kept)
        product = Product(product_id=str(next(self._ids)), shop_id=shop.shop_id, body=kept, skus=skus,
                          status="DRAFT" if body.get("save_mode") == "AS_DRAFT" else "PENDING",
                          create_time=now, update_time=now, idempotency_key=key)
        self.products[product.product_id] = product
        if product.status == "PENDING":
            self._schedule_audit(product)
        return self._create_answer(product, warnings)

    def _clear_unknown_brand(self, body: dict) -> list[dict]:
        """R-create ``data.warnings``: a field the system could not take is cleared and said, e.g. "The
        [brand_id]:123 field is incorrect and has been automatically cleared by the system. Reason: [Brand does
        not exist]." The sandbox knows the brands in ``brands``."""
        brand = str(body.get("brand_id") or "")
        if not brand or brand in self.brands:
            return []
        body.pop("brand_id")
        return [{"message": f"The [brand_id]:{brand} field is incorrect and has been automatically cleared by the "
                            "system. Reason: [Brand does not exist]. You can edit it later."}]

    @staticmethod
    def _create_answer(product: Product, warnings: list[dict] | None = None) -> dict:
        return {"product_id": product.product_id, "warnings": list(warnings or []),
                "skus": [{"id": s.sku_id, "seller_sku": s.seller_sku, "sales_attributes": s.sales_attributes}
                         for s in product.skus]}

    def _api_product_edit(self, request, shop, ident, body) -> dict:
        product = self._product_of(shop, ident)
        if product.status == "FREEZE":
            raise ApiError(12052901, "The product in its current status is not available for this operation")
        product.skus = self._check_product_body(shop, body, existing=product)
        product.body = {k: v for k, v in body.items() if k not in ("skus", "idempotency_key")}  # full overwrite
        warnings = self._clear_unknown_brand(product.body)  # R-edit answers warnings as R-create does
        product.update_time = int(self.now())
        if product.status in ("PENDING", "FAILED", "DRAFT"):
            product.status = "PENDING"
            product.audit_reasons = []
            self._schedule_audit(product)
        # a live product stays live while the edit is audited; the simulator approves edits at once
        return {"product_id": product.product_id, "warnings": warnings,
                "skus": [{"id": s.sku_id, "seller_sku": s.seller_sku} for s in product.skus]}

    def _api_product_partial_edit(self, request, shop, ident, body) -> dict:
        """Partial Edit (R-partial): per top-level property – a field left out stays, a field sent replaces the
        stored one whole (nested fields left out are blanked); ``skus`` sent deletes every SKU left out."""
        product = self._product_of(shop, ident)
        if product.status == "FREEZE":
            raise ApiError(12052901, "The product in its current status is not available for this operation")
        merged = {**product.body, **{k: v for k, v in body.items() if k not in ("skus", "idempotency_key")}}
        if "skus" in body:
            merged["skus"] = body["skus"]
        else:
            merged["skus"] = [{"id": s.sku_id, "seller_sku": s.seller_sku, "sales_attributes": s.sales_attributes}
                              for s in product.skus]
        product.skus = self._check_product_body(shop, merged, existing=product)
        product.body = {k: v for k, v in merged.items() if k != "skus"}
        product.update_time = int(self.now())
        if product.status in ("PENDING", "FAILED", "DRAFT"):
            product.status = "PENDING"
            product.audit_reasons = []
            self._schedule_audit(product)
        return {"product_id": product.product_id,
                "skus": [{"id": s.sku_id, "seller_sku": s.seller_sku} for s in product.skus]}

    def _product_json(self, product: Product, *, locale: str = "en-US") -> dict:
        out = {"id": product.product_id, "status": product.status, "title": product.body.get("title", ""),
               "description": product.body.get("description", ""),
               "category_chains": [{"id": product.body.get("category_id"), "is_leaf": True}],
               "main_images": [{"uri": i.get("uri")} for i in product.body.get("main_images") or []],
               "package_weight": product.body.get("package_weight"),
               "is_cod_allowed": bool(product.body.get("is_cod_allowed")),
               "certifications": list(product.body.get("certifications") or []),
               "product_attributes": product.body.get("product_attributes") or [],
               "create_time": product.create_time, "update_time": product.update_time,
               "audit": {"status": {"PENDING": "AUDITING", "FAILED": "FAILED", "ACTIVATE": "APPROVED"}.get(product.status, "NONE")},
               "skus": [{"id": s.sku_id, "seller_sku": s.seller_sku, "sales_attributes": s.sales_attributes,
                         # R-get: tax_exclusive_price, sale_price (the display price), currency; no amount
                         "price": {"tax_exclusive_price": str(s.price), "sale_price": str(s.price), "currency": "VND"},
                         "inventory": [{"warehouse_id": w, "quantity": q} for w, q in s.inventory.items()]}
                        for s in product.skus]}
        if product.body.get("package_dimensions"):
            out["package_dimensions"] = product.body["package_dimensions"]
        if product.body.get("brand_id"):
            out["brand"] = {"id": str(product.body["brand_id"]), "name": ""}
        if product.audit_reasons:
            out["audit_failed_reasons"] = [
                {"position": r["position"], "reasons": [r["reasons"].get(locale) or r["reasons"]["en-US"]],
                 "suggestions": [r["suggestions"].get(locale) or r["suggestions"]["en-US"]] if r["suggestions"] else []}
                for r in product.audit_reasons]
        return out

    def _api_product_get(self, request, shop, ident, body) -> dict:
        product = self.products.get(ident)
        if product is None or product.shop_id != shop.shop_id or product.status in ("DELETED", "FREEZE"):
            raise ApiError(12052032, "The product does not exist")
        return self._product_json(product, locale=request.param("locale") or "en-US")

    def _api_product_search(self, request, shop, ident, body) -> dict:
        try:
            page_size = int(request.param("page_size") or 0)
        except ValueError:
            page_size = 0
        if not 1 <= page_size <= 100:
            raise ApiError(12052910, "Invalid input parameters: page_size must be 1 to 100")
        offset = int(request.param("page_token") or 0) if request.param("page_token").isdigit() else 0
        if len(body.get("seller_skus") or []) > 10:  # R-search
            raise ApiError(12019027, "The maximum count of “seller_skus” in the search filter is 10.")
        if len(body.get("sku_ids") or []) > 10:
            raise ApiError(12019087, "The number of SKU IDs exceeds the limit of 10")
        if offset + page_size > 10_000:
            raise ApiError(12052180, "The total number of search results can not exceed 10000.")
        seller_skus = set(body.get("seller_skus") or [])
        sku_ids = {str(i) for i in body.get("sku_ids") or []}
        status = body.get("status") or "ALL"
        since, until = body.get("update_time_ge"), body.get("update_time_le")
        found = [p for p in self.products.values() if p.shop_id == shop.shop_id
                 and (status == "ALL" and p.status != "DELETED" or p.status == status)
                 and (not seller_skus or seller_skus & {s.seller_sku for s in p.skus})
                 and (not sku_ids or sku_ids & {s.sku_id for s in p.skus})
                 and (since is None or p.update_time >= int(since)) and (until is None or p.update_time <= int(until))]
        found.sort(key=lambda p: p.product_id)
        page = found[offset:offset + page_size]
        more = offset + page_size < len(found)
        return {"total_count": len(found), "next_page_token": str(offset + page_size) if more else "",
                "products": [{k: v for k, v in self._product_json(p).items()
                              if k in ("id", "title", "status", "skus", "create_time", "update_time", "audit")}
                             for p in page]}

    def _bulk(self, shop: Shop, body: dict, act) -> dict:
        ids = [str(i) for i in body.get("product_ids") or []]
        if not ids:
            raise ApiError(12052910, "Invalid input parameters: product_ids is required")
        if len(ids) > MAX_PRODUCT_IDS:
            raise ApiError(12019120, "The number of provided product IDs exceeds the limit.")
        errors = []
        for product_id in ids:
            product = self.products.get(product_id)
            if product is None or product.shop_id != shop.shop_id or product.status == "DELETED":
                errors.append({"code": 12052032, "message": "The product does not exist",
                               "detail": {"product_id": product_id}})
                continue
            problem = act(product)
            if problem:
                errors.append({"code": 12052901, "message": problem, "detail": {"product_id": product_id}})
            else:
                product.update_time = int(self.now())
        return {"errors": errors} if errors else {}

    def _api_product_deactivate(self, request, shop, ident, body) -> dict:
        def act(product: Product) -> str:
            if product.status in ("ACTIVATE", "SELLER_DEACTIVATED"):
                product.status = "SELLER_DEACTIVATED"
                return ""
            return "The product in its current status is not available for this operation"
        return self._bulk(shop, body, act)

    def _api_product_activate(self, request, shop, ident, body) -> dict:
        """Activate Product (R-activate): a ``SELLER_DEACTIVATED`` or ``PLATFORM_DEACTIVATED`` product goes
        to the audit (``PENDING``) and is ``ACTIVATE`` once it passes; one already live stays so (the page
        is silent on it, **U**); any other status 12052901."""
        def act(product: Product) -> str:
            if product.status == "ACTIVATE":
                return ""
            if product.status in ("SELLER_DEACTIVATED", "PLATFORM_DEACTIVATED"):
                product.status = "PENDING"
                self._schedule_audit(product)
                return ""
            return "The product in its current status is not available for this operation"
        return self._bulk(shop, body, act)

    def _api_product_delete(self, request, shop, ident, body) -> dict:
        def act(product: Product) -> str:
            product.status = "DELETED"
            return ""
        return self._bulk(shop, body, act)

    def _skus_of(self, product: Product, body: dict) -> list[tuple[Sku, dict]]:
        entries = body.get("skus") or []
        if not entries:
            raise ApiError(12052910, "Invalid input parameters: skus is required")
        by_id = {s.sku_id: s for s in product.skus}
        out = []
        for entry in entries:
            sku = by_id.get(str(entry.get("id") or ""))
            if sku is None:
                raise ApiError(12019059, "seller sku is invalid: the SKU does not belong to the product")
            out.append((sku, entry))
        return out

    def _api_inventory_update(self, request, shop, ident, body) -> dict:
        """Update Inventory (R-inventory): SKUs of one product in ``ACTIVATE`` status (12052901 otherwise)."""
        product = self._product_of(shop, ident)
        if product.status != "ACTIVATE":
            raise ApiError(12052901, "The product in its current status is not available for this operation. "
                                     "Change the product status and try again.")
        changes = []
        ids = [str(entry.get("id") or "") for entry in body.get("skus") or []]
        if len(set(ids)) < len(ids):
            raise ApiError(12052553, "Sku id duplicate")
        if any(i not in {s.sku_id for s in product.skus} for i in ids):
            raise ApiError(12052556, "The SKU id not exist.")
        for sku, entry in self._skus_of(product, body):
            only = next(iter(sku.inventory)) if len(sku.inventory) == 1 else ""
            inventory = self._inventory(shop, entry.get("inventory"), zero_ok=self.zero_stock_allowed,
                                        only_warehouse=only)
            if set(inventory) != set(sku.inventory):
                raise ApiError(12019028, "Multiple warehouses detected. Include all warehouse IDs of the SKU.")
            changes.append((sku, inventory))
        for sku, inventory in changes:
            sku.inventory = inventory
        product.update_time = int(self.now())
        return {}

    def _api_price_update(self, request, shop, ident, body) -> dict:
        product = self._product_of(shop, ident)
        if product.status != "ACTIVATE":
            raise ApiError(12019113, "product status is invalid: the product must be ACTIVATE")
        if product.price_locked:
            raise ApiError(12052038, "price is locked: the product is in a promotion")
        changes = [(sku, self._price(entry.get("price"))) for sku, entry in self._skus_of(product, body)]
        for sku, price in changes:
            sku.price = price
        product.update_time = int(self.now())
        return {}

    def _schedule_audit(self, product: Product) -> None:
        reject = bool(self.reject_marker and self.reject_marker in str(product.body.get("title") or ""))
        if self.audit_seconds is None and not reject:
            return  # waits for decide_audit
        delay = self.audit_seconds or 0.0
        product.audit_due, product.audit_reject = self.now() + delay, reject
        if delay <= 0:
            self._decide(product, approve=not reject)
            return
        timer = threading.Timer(delay, self._settle_audits_locked)
        timer.daemon = True
        timer.start()
        self._timers.append(timer)

    def _settle_audits_locked(self) -> None:
        with self.lock:
            self._settle_audits()

    def _settle_audits(self) -> None:
        now = self.now()
        for product in self.products.values():
            if product.status == "PENDING" and product.audit_due is not None and product.audit_due <= now:
                self._decide(product, approve=not product.audit_reject)

    def _decide(self, product: Product, *, approve: bool, reason: str = "") -> None:
        product.audit_due = None
        product.update_time = int(self.now())
        if approve:
            product.status, product.audit_reasons = "ACTIVATE", []
        else:
            reasons = {"vi-VN": reason, "en-US": reason} if reason else dict(REJECTION)
            product.status = "FAILED"
            product.audit_reasons = [{"position": "title", "reasons": reasons,
                                      "suggestions": {} if reason else dict(REJECTION_SUGGESTION)}]
        self.push({"type": 5, "tts_notification_id": str(next(self._ids)), "shop_id": product.shop_id,
                   "timestamp": int(self.now()),
                   # G-wh5: the status is the event, not the product's status; product_id is a number
                   "data": {"product_id": int(product.product_id),
                            "status": "PRODUCT_FIRST_PASS_REVIEW" if approve else "PRODUCT_AUDIT_FAILURE",
                            "suspended_reason": "" if approve else (reason or REJECTION["en-US"]),
                            "update_time": product.update_time}})
        # G-wh37: the audit status change, its own webhook (APPROVED: listed; FAILED: failed or cancelled)
        self.push({"type": 37, "tts_notification_id": str(next(self._ids)), "shop_id": product.shop_id,
                   "timestamp": int(self.now()),
                   "data": {"product_id": int(product.product_id), "audit": {"status": "APPROVED" if approve else "FAILED"},
                            "update_time": product.update_time}})
