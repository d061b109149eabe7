"""The sandbox Lazada's product API and the products tests seed."""

from __future__ import annotations

import collections
import json

from .state import (
    FORBIDDEN_CHARS,
    MAX_IMAGES,
    MAX_PRICE_QUANTITY_SKUS,
    PRODUCT_FILTERS,
    SYSTEM_ATTRIBUTES,
    VARIATION_KEYS,
    VARIATION_NAME_MAX,
    VARIATION_OPTION_MAX,
    VARIATION_OPTIONS_MAX,
    VARIATIONS_MAX,
    ApiError,
    Product,
    Sku,
    _as_list,
    _int,
    _is_json,
    _ms,
    _parse_iso,
    _payload,
)


class LazadaProducts:
    """The product API (create, update, read, price and quantity, deactivate, remove) and the helpers tests use
    to read and seed products."""

    def live_products(self, seller_id: str | None = None) -> list[Product]:
        seller_id = seller_id or next(iter(self.sellers))
        with self.lock:
            return [p for p in self.products.values() if p.seller_id == seller_id and p.status != "Deleted"]

    def products_by_seller_sku(self, seller_id: str | None = None) -> dict[str, list[Product]]:
        found: dict[str, list[Product]] = collections.defaultdict(list)
        for product in self.live_products(seller_id):
            for sku in product.live_skus():
                found[sku.seller_sku].append(product)
        return dict(found)

    def sku(self, seller_sku: str, seller_id: str | None = None) -> Sku:
        return next(s for p in self.live_products(seller_id) for s in p.live_skus() if s.seller_sku == seller_sku)

    def seed_products(self, *, count: int, skus_per_product: int = 2, seller_id: str | None = None,
                      prefix: str = "SEED") -> list[Product]:
        """Products already on the shop (benchmarks, linking tests), created without any API call."""
        seller_id = seller_id or next(iter(self.sellers))
        image = self.host_image(b"seed")
        made = []
        with self.lock:
            now = _ms(self.now())
            for n in range(count):
                skus = [Sku(sku_id=next(self._sku_ids), seller_sku=f"{prefix}-{n:05d}-{k + 1}", price=50_000,
                            quantity=10, package={"package_weight": "1.00", "package_length": "10",
                                                  "package_width": "10", "package_height": "10"},
                            sale_prop={"Phân loại": f"{k + 1}"} if skus_per_product > 1 else {})
                        for k in range(skus_per_product)]
                variation = {"Variation1": {"name": "Phân loại", "hasImage": False, "customize": True,
                                            "options": [s.sale_prop["Phân loại"] for s in skus]}} if skus_per_product > 1 else {}
                product = Product(item_id=next(self._item_ids), seller_id=seller_id, primary_category=10000103,
                                  attributes={"name": f"Sản phẩm có sẵn {n}", "brand_id": "30039"}, images=[image],
                                  skus=skus, variation=variation, status="Active", created_ms=now, updated_ms=now)
                self.products[product.item_id] = self._index(product)
                made.append(product)
        return made

    def _product(self, seller_id: str, item_id) -> Product:
        product = self.products.get(_int(item_id) or -1)
        if product is None or product.status == "Deleted":
            raise ApiError("208", "E208: Item not exist")
        if product.seller_id != seller_id:
            raise ApiError("EDIT_ITEM_NOT_BELONG_SELLER", "You are not authorized to edit the item.")
        return product

    def _index(self, product: Product) -> Product:
        for sku in product.skus:
            self._by_sku_id[sku.sku_id] = (product, sku)
        return product

    def _find_sku(self, seller_id: str, *, sku_id=None, seller_sku=None, item_id=None) -> tuple[Product, Sku]:
        if sku_id not in (None, ""):  # the hot path of price/quantity updates: by id, through the index
            product, sku = self._by_sku_id.get(_int(sku_id) or -1, (None, None))
            if product is None or sku.deleted or product.seller_id != seller_id or product.status == "Deleted" or \
                    (item_id not in (None, "") and _int(item_id) != product.item_id):
                raise KeyError(sku_id)
            return product, sku
        for product in self.products.values():
            if product.seller_id != seller_id or product.status == "Deleted":
                continue
            if item_id not in (None, "") and _int(item_id) != product.item_id:
                continue
            for sku in product.live_skus():
                if (sku_id not in (None, "") and _int(sku_id) == sku.sku_id) or \
                        (sku_id in (None, "") and seller_sku and sku.seller_sku == seller_sku):
                    return product, sku
        raise KeyError(sku_id or seller_sku)

    def _seller_skus(self, seller_id: str, *, exclude_item: int | None = None) -> set[str]:
        return {s.seller_sku for p in self.products.values() if p.seller_id == seller_id and p.status != "Deleted"
                and p.item_id != exclude_item for s in p.live_skus()}

    def _check_price(self, raw, *, field_name: str = "price") -> int:
        try:
            value = float(str(raw))
        except (TypeError, ValueError):
            raise ApiError("5", f"E005: Invalid Request Format: {field_name}") from None
        if not value.is_integer():
            raise ApiError("4104", "BIZ_CHECK_PRICE_PRECISION_INVALID: VND prices have no decimals")
        if value <= 0:
            raise ApiError("4118", "BIZ_CHECK_PRICE_IS_ZERO")
        if not self.price_min <= value <= self.price_max:
            raise ApiError("500", "E500: Create product failed", detail=[
                {"field": field_name, "message": f"price must be between {self.price_min} and {self.price_max}"}])
        return int(value)

    def _check_package(self, sku: dict) -> dict:
        package = {}
        for name in ("package_weight", "package_length", "package_width", "package_height"):
            raw = sku.get(name)
            if raw in (None, ""):
                raise ApiError("4108", f"CHK_BASIC_REQUIRED: {name} is mandatory")
            try:
                value = float(str(raw))
            except ValueError:
                raise ApiError("5", f"E005: Invalid Request Format: {name}") from None
            if value <= 0 or round(value, 2) != value:
                raise ApiError("500", "E500: Create product failed",
                               detail=[{"field": name, "message": "must be positive with at most two decimals"}])
            package[name] = str(raw)
        return package

    def _check_images(self, images_node, *, json_payload: bool) -> list[str]:
        if images_node in (None, ""):
            return []
        raw = images_node.get("Image") if isinstance(images_node, dict) else None
        if json_payload and raw is not None and not isinstance(raw, list):
            raise ApiError("5", "E005: Invalid Request Format: Images.Image must be an array")
        urls = [str(u) for u in _as_list(raw)]
        if len(urls) > MAX_IMAGES:
            raise ApiError("5", f"E005: Invalid Request Format: at most {MAX_IMAGES} images")
        for url in urls:
            if url not in self.images:
                raise ApiError("4138", "BIZ_CHECK_EXIST_OUTER_IMAGE: only Lazada image URLs are allowed")
        return urls

    def _check_text(self, value: str, name: str) -> None:
        bad = sorted({c for c in value if c in FORBIDDEN_CHARS})
        if bad:
            raise ApiError("4129", f"BIZ_CHECK_PROP_SPECIAL_CHAR: {name} contains {' '.join(bad)}")

    def _variation_names(self, variation, category: int | None = None) -> dict[str, list[str]]:
        """The declared variations, name -> options, checked as G-sales says (docs/marketplaces/lazada.md,
        CreateProduct ``variation``): ``VariationN`` or ``variationN``, at most 2, names of at most 15 and
        options of at most 20 characters, unique and non-empty, at most 50 options, only Variation1 with
        images; a standard one (``customize`` false) is one of the category's sale properties, its options
        that property's ``en_name`` values."""
        if not isinstance(variation, dict):
            return {}
        nodes = []
        for key in VARIATION_KEYS:
            node = variation.get(key, variation.get(key.lower()))
            if isinstance(node, dict) and node.get("name"):
                nodes.append((key, node))
        if len(nodes) > VARIATIONS_MAX:
            raise ApiError("209", "Invalid variation: VARIATION_SIZE_LIMIT (at most 2 variations)")
        sale_props = {a["name"]: a for a in self.attributes.get(category, []) if a.get("is_sale_prop")}
        out: dict[str, list[str]] = {}
        for key, node in nodes:
            name = str(node["name"])
            options = node.get("options")
            if isinstance(options, dict):
                options = options.get("option")
            options = [str(o) for o in _as_list(options)]
            if len(name) > VARIATION_NAME_MAX:
                raise ApiError("209", f"Invalid variation: VARIATION_NAME_LENGTH_LIMIT ({name} is longer than 15)")
            if name in out:
                raise ApiError("209", f"Invalid variation: VARIATION_NAME_DUPLICATE ({name})")
            if len(options) > VARIATION_OPTIONS_MAX:
                raise ApiError("209", "Invalid variation: OPTIONS_SIZE_LIMIT (at most 50 options)")
            for option in options:
                if not option.strip():
                    raise ApiError("209", "Invalid variation: VARIATION_OPTION_EMPTY")
                if len(option) > VARIATION_OPTION_MAX:
                    raise ApiError("209", f"Invalid variation: VARIATION_OPTION_LENGTH_LIMIT ({option} is longer than 20)")
            if len(set(options)) != len(options):
                raise ApiError("209", f"Invalid variation: VARIATION_OPTION_DUPLICATE ({name})")
            if str(node.get("hasImage")).lower() == "true" and key != "Variation1":
                raise ApiError("209", "Invalid variation: VARIATION_IMAGE_MUST_SET_VARIATION1")
            if str(node.get("customize")).lower() == "false":
                spec = sale_props.get(name)
                if spec is None:
                    raise ApiError("4161", f"VARIATION_CATEGORY_ATTRIBUTE_INVALID: {name} is not a sale property of the category")
                allowed = {o["en_name"] for o in spec["options"]}
                wrong = [o for o in options if o not in allowed]
                if wrong:
                    raise ApiError("4109", f"CHK_SKU_PROPS_NOT_MATCH_SALE_PROP: {wrong[0]} is not an option of {name}")
            out[name] = options
        return out

    def _standard_sale_prop_missing(self, category: int, variations: dict[str, list[str]], skus: list[Sku]) -> bool:
        """More than one SKU and the category has standard sale properties, but none is declared and filled in
        every SKU (G-create field table: required once there is more than one SKU)."""
        sale_props = {a["name"] for a in self.attributes.get(category, []) if a.get("is_sale_prop")}
        if len(skus) < 2 or not sale_props:
            return False
        declared = sale_props & set(variations)
        return not any(all(name in sku.sale_prop for sku in skus) for name in declared)

    def _new_sku(self, seller_id: str, raw: dict, *, variations: dict[str, list[str]], taken: set[str], multi: bool,
                 category: int | None = None) -> Sku:
        seller_sku = str(raw.get("SellerSku") or "")
        if not seller_sku:
            raise ApiError("4108", "CHK_BASIC_REQUIRED: SellerSku is mandatory")
        self._check_text(seller_sku, "SellerSku")
        if seller_sku in taken:
            raise ApiError("4105", f"BIZ_CHECK_SELLER_SKU_DUPLICATE: SellerSku {seller_sku} repeat")
        if raw.get("price") in (None, ""):
            raise ApiError("4108", "CHK_BASIC_REQUIRED: price is mandatory")
        price = self._check_price(raw.get("price"))
        quantity = _int(raw.get("quantity", 0))
        if quantity is None or quantity < 0:
            raise ApiError("500", "E500: Create product failed", detail=[{"field": "quantity", "message": "invalid quantity"}])
        package = self._check_package(raw)
        sale_prop = raw.get("saleProp") or {}
        if multi or variations:
            if not isinstance(sale_prop, dict) or not sale_prop:
                raise ApiError("4144", "BIZ_CHECK_SKU_NOT_CONTAIN_SALEPROP: the sku does not contain the saleProp tag")
            for key, value in sale_prop.items():
                if key not in variations:
                    raise ApiError("4143", f"BIZ_CHECK_SALEPROP_ATTRIBUTE_INVALID: {key} is not defined in the variation")
                if str(value) not in variations[key]:
                    raise ApiError("4109", f"CHK_SKU_PROPS_NOT_MATCH_SALE_PROP: {value} is not an option of {key}")
        sku_attributes = {}
        for spec in self.attributes.get(category, []):  # the category's SKU-level attributes (G-attrs)
            if spec["attribute_type"] != "sku" or spec.get("is_sale_prop"):
                continue
            value = str(raw.get(spec["name"]) or "").strip()
            if spec["is_mandatory"] and not value:
                raise ApiError("4110", f"BIZ_CHECK_CAT_PROP_MANDATORY: {spec['name']} is mandatory for SKU {seller_sku}")
            if value:
                sku_attributes[spec["name"]] = value
        taken.add(seller_sku)
        return Sku(sku_id=next(self._sku_ids), seller_sku=seller_sku, price=price, quantity=quantity, package=package,
                   sale_prop={str(k): str(v) for k, v in sale_prop.items()},
                   status=str(raw.get("Status") or "active").lower(), attributes=sku_attributes)

    def _check_ratio(self, skus: list[Sku]) -> None:
        prices = [s.price for s in skus]
        if self.variant_price_ratio_min and len(prices) > 1 and min(prices) < max(prices) * self.variant_price_ratio_min:
            raise ApiError("500", "E500: Create product failed", detail=[
                {"field": "price", "message": "The price difference between the SKUs of this product is too large"}])

    def _check_attributes(self, category: int, attributes: dict) -> None:
        for spec in SYSTEM_ATTRIBUTES + self.attributes.get(category, []):
            if spec["attribute_type"] == "sku" or not spec["is_mandatory"]:
                continue
            if spec["name"] == "brand":  # "brand" is deprecated: brand_id is mandatory (G-create)
                brand_id = str(attributes.get("brand_id") or "").strip()
                if not brand_id:
                    raise ApiError("4108", "CHK_BASIC_REQUIRED: brand_id is mandatory")
                if brand_id not in {str(b["brand_id"]) for b in self.brands}:
                    raise ApiError("4142", f"THD_BRAND_ID_IS_NOT_VALID_IN_CATEGORY: brand_id {brand_id}")
                continue
            if spec["name"] == "name":
                continue
            if not str(attributes.get(spec["name"]) or "").strip():
                raise ApiError("4110", f"BIZ_CHECK_CAT_PROP_MANDATORY: {spec['name']} is mandatory")
            if spec["input_type"] == "singleSelect" and \
                    str(attributes[spec["name"]]) not in {o["en_name"] for o in spec["options"]}:  # G-attrs: en_name
                raise ApiError("4115", f"CHK_CATPROP_CPV_NOT_ENUM: {spec['name']}")

    def _check_basics(self, attributes: dict) -> None:
        name = str(attributes.get("name") or "")
        if not name.strip():
            raise ApiError("4108", "CHK_BASIC_REQUIRED: name is mandatory")
        if len(name) > 255:
            raise ApiError("500", "E500: Create product failed", detail=[{"field": "name", "message": "at most 255 characters"}])
        self._check_text(name, "name")
        if len(str(attributes.get("description") or "")) > 25_000:
            raise ApiError("500", "E500: Create product failed",
                           detail=[{"field": "description", "message": "at most 25000 characters"}])

    def _api_product_create(self, seller_id, params, files) -> dict:
        payload, json_payload = _payload(params, "payload"), _is_json(params.get("payload", ""))
        product = (payload.get("Request") or {}).get("Product")
        if not isinstance(product, dict):
            raise ApiError("5", "E005: Invalid Request Format")
        if not product.get("PrimaryCategory"):
            raise ApiError("1", "E001: Parameter PrimaryCategory is mandatory")
        category = _int(product["PrimaryCategory"])
        if category not in self._all_categories():
            raise ApiError("201", f"E201: {product['PrimaryCategory']} Invalid CategoryId")
        if category not in self._leaves():
            raise ApiError("4134", "Please select the last level category.")
        images = self._check_images(product.get("Images"), json_payload=json_payload)
        if not images:
            raise ApiError("4139", "BIZ_CHECK_MAIN_IMAGE_REQUIRE: Main image is require")
        attributes = product.get("Attributes") or {}
        self._check_basics(attributes)
        self._check_attributes(category, attributes)
        skus_node = product.get("Skus") or {}
        raw_skus = skus_node.get("Sku") if isinstance(skus_node, dict) else None
        if json_payload and raw_skus is not None and not isinstance(raw_skus, list):
            raise ApiError("5", "E005: Invalid Request Format: Skus.Sku must be an array")
        raw_skus = _as_list(raw_skus)
        if not raw_skus:
            raise ApiError("1", "E001: Parameter Skus is mandatory")
        variation = product.get("variation") or {}
        variations = self._variation_names(variation, category)
        taken = self._seller_skus(seller_id)
        skus = [self._new_sku(seller_id, raw, variations=variations, taken=taken, multi=len(raw_skus) > 1,
                              category=category) for raw in raw_skus]
        if self._standard_sale_prop_missing(category, variations, skus):
            names = ", ".join(a["name"] for a in self.attributes.get(category, []) if a.get("is_sale_prop"))
            raise ApiError("4113", f"CHK_SKU_PROPS_NOT_IDENTICAL: a standard sale property ({names}) is required "
                                   "when the product has more than one SKU")
        combos = [tuple(sorted(s.sale_prop.items())) for s in skus]
        if len(set(combos)) != len(combos):
            raise ApiError("4112", "CHK_SKU_PROPS_DUPLICATE: duplicate sku attributes")
        self._check_ratio(skus)
        now = _ms(self.now())
        item = Product(item_id=next(self._item_ids), seller_id=seller_id, primary_category=category,
                       attributes=dict(attributes), images=images, skus=skus,
                       variation={k: {"name": n, "options": o} for k, (n, o) in
                                  zip(VARIATION_KEYS, variations.items(), strict=False)},
                       status=self.qc_status, created_ms=now, updated_ms=now)
        self.products[item.item_id] = self._index(item)
        return {"item_id": item.item_id, "item_status": item.status,
                "sku_list": [{"seller_sku": s.seller_sku, "shop_sku": f"{item.item_id}_VNAMZ-{s.sku_id}", "sku_id": s.sku_id}
                             for s in skus]}

    def _api_product_update(self, seller_id, params, files) -> dict:
        payload, json_payload = _payload(params, "payload"), _is_json(params.get("payload", ""))
        node = (payload.get("Request") or {}).get("Product")
        if not isinstance(node, dict):
            raise ApiError("5", "E005: Invalid Request Format")
        if not node.get("ItemId"):
            raise ApiError("1", "E001: Parameter ItemId is mandatory")
        if "Attributes" not in node:  # G-update: "Attributes must be preserved" (the code is our reading: U)
            raise ApiError("5", "E005: Invalid Request Format: the Attributes node is mandatory")
        product = self._product(seller_id, node["ItemId"])
        category = product.primary_category
        if node.get("PrimaryCategory"):
            category = _int(node["PrimaryCategory"])
            if category not in self._all_categories():
                raise ApiError("201", f"E201: {node['PrimaryCategory']} Invalid CategoryId")
            if category not in self._leaves():
                raise ApiError("4134", "CHK_CATEGORY_ID_NOT_LEAF_CATEGORY: The category Id is Invalid")
        images = self._check_images(node.get("Images"), json_payload=json_payload) if node.get("Images") else None
        attributes = {**product.attributes, **(node.get("Attributes") or {})}
        if node.get("Attributes"):
            self._check_basics(attributes)
            self._check_attributes(category, attributes)
        variations = self._variation_names(node.get("variation") or {}, category) or \
            {v["name"]: list(v["options"]) for v in product.variation.values()}
        raw_skus = _as_list((node.get("Skus") or {}).get("Sku")) if isinstance(node.get("Skus"), dict) else []
        taken = self._seller_skus(seller_id, exclude_item=product.item_id)
        taken_here = {s.seller_sku for s in product.live_skus()}
        updates, added = [], []
        for raw in raw_skus:
            if raw.get("SkuId") not in (None, ""):
                sku = next((s for s in product.live_skus() if s.sku_id == _int(raw["SkuId"])), None)
                if sku is None:
                    raise ApiError("4136", f"SELLER_SKU_NOT_FOUND: SkuId {raw['SkuId']}")
                updates.append((sku, raw))
            elif raw.get("SellerSku") in taken_here:
                updates.append((next(s for s in product.live_skus() if s.seller_sku == raw["SellerSku"]), raw))
            else:
                added.append(self._new_sku(seller_id, raw, variations=variations, taken=taken | taken_here, multi=True,
                                           category=category))
        changes = []
        for sku, raw in updates:
            change = {}
            if any(raw.get(k) not in (None, "") for k in ("package_weight", "package_length", "package_width", "package_height")):
                change["package"] = self._check_package({**sku.package, **{k: v for k, v in raw.items() if k.startswith("package_")}})
            if raw.get("price") not in (None, ""):
                change["price"] = self._check_price(raw["price"])
            if raw.get("quantity") not in (None, ""):  # UpdateProduct sets the sellable quantity (G-invapi)
                quantity = _int(raw["quantity"])
                if quantity is None or quantity < 0:
                    raise ApiError("4152", "THD_INVENTORY_ERR_INV_PARAM_ILLEGAL: quantity must not be negative")
                change["quantity"] = quantity
            if raw.get("Status"):
                change["status"] = str(raw["Status"]).lower()
            if raw.get("saleProp"):
                change["sale_prop"] = {str(k): str(v) for k, v in raw["saleProp"].items()}
            changes.append((sku, change))
        # everything checked: apply
        for sku, change in changes:
            for key, value in change.items():
                setattr(sku, key, value)
        product.skus.extend(added)
        self._index(product)
        product.primary_category = category
        product.attributes = attributes
        if images is not None:
            product.images = images
        product.variation = {k: {"name": n, "options": o} for k, (n, o) in
                             zip(VARIATION_KEYS, variations.items(), strict=False)}
        if any(s.status == "active" for s in product.live_skus()) and product.status == "InActive":
            product.status = "Active"
        product.updated_ms = _ms(self.now())
        return {}

    def _product_json(self, product: Product) -> dict:
        return {
            "item_id": product.item_id, "primary_category": product.primary_category,
            "attributes": product.attributes, "images": product.images, "status": product.status,
            "created_time": str(product.created_ms), "updated_time": str(product.updated_ms),
            "variation": product.variation,
            "skus": [{"SkuId": s.sku_id, "SellerSku": s.seller_sku, "ShopSku": f"{product.item_id}_VNAMZ-{s.sku_id}",
                      "Status": s.status, "quantity": s.total, "price": float(s.price), "special_price": 0.0,
                      "saleProp": s.sale_prop, **s.package, **s.attributes, "Available": s.quantity,
                      "multiWarehouseInventories": [{
                          "warehouseCode": "dropshipping", "quantity": s.total, "totalQuantity": s.total,
                          "sellableQuantity": s.quantity, "withholdQuantity": s.withhold,
                          "occupyQuantity": s.occupy}]}
                     for s in product.live_skus()],
        }

    def _api_product_item_get(self, seller_id, params, files) -> dict:
        if params.get("item_id"):
            return self._product_json(self._product(seller_id, params["item_id"]))
        if params.get("seller_sku"):
            try:
                product, _sku = self._find_sku(seller_id, seller_sku=params["seller_sku"])
            except KeyError:
                raise ApiError("207", "E207: SKU not exist") from None
            return self._product_json(product)
        raise ApiError("200", "E200: Empty SellerSku")

    def _api_products_get(self, seller_id, params, files) -> dict:
        status_filter = params.get("filter", "")
        if status_filter not in PRODUCT_FILTERS:
            raise ApiError("36", "E036: Invalid status filter")
        limit = _int(params.get("limit", "10"))
        if limit is None or not 1 <= limit <= self.products_limit_max:
            raise ApiError("19", f"Invalid Limit: should not exceed a maximum of {self.products_limit_max}")
        offset = _int(params.get("offset", "0"))
        if offset is None or not 0 <= offset <= 10_000:
            raise ApiError("14", "E014: Invalid Offset")
        after = _parse_iso(params["update_after"]) if params.get("update_after") else None
        if params.get("update_after") and after is None:
            raise ApiError("17", "E017: Invalid Date Format")
        wanted = None
        if params.get("sku_seller_list"):
            try:
                wanted = json.loads(params["sku_seller_list"])
            except ValueError:
                raise ApiError("70", "E070: You have corrupt data in your sku seller list.") from None
            if not isinstance(wanted, list) or len(wanted) > 100:
                raise ApiError("70", "E070: You have corrupt data in your sku seller list.")
            wanted = {str(s) for s in wanted}

        def keep(product: Product) -> bool:
            if product.seller_id != seller_id:
                return False
            if after is not None and product.updated_ms < after * 1000:
                return False
            if wanted is not None and not wanted & {s.seller_sku for s in product.live_skus()}:
                return False
            live_qty = sum(s.quantity for s in product.live_skus())
            return {
                "all": product.status != "Deleted", "deleted": product.status == "Deleted",
                "live": product.status == "Active" and live_qty > 0, "sold-out": product.status == "Active" and live_qty == 0,
                "inactive": product.status == "InActive", "pending": product.status == "Pending QC",
                "rejected": product.status == "Rejected",
            }[status_filter]

        found = [p for p in sorted(self.products.values(), key=lambda p: p.item_id) if keep(p)]
        return {"total_products": len(found), "products": [self._product_json(p) for p in found[offset:offset + limit]]}

    def _api_product_price_quantity_update(self, seller_id, params, files) -> dict:
        raw_skus = _stock_request_skus(params)
        detail = []
        now = _ms(self.now())
        for raw in raw_skus:
            ident = {"seller_sku": str(raw.get("SellerSku") or ""), "sku_id": str(raw.get("SkuId") or "")}
            try:
                product, sku = self._find_sku(seller_id, sku_id=raw.get("SkuId"), seller_sku=raw.get("SellerSku"),
                                              item_id=raw.get("ItemId"))
            except KeyError:
                detail.append({**ident, "field": "SkuId", "message": "SKU not exist", "code": "207"})
                continue
            try:
                price = self._check_price(raw["Price"], field_name="Price") if raw.get("Price") not in (None, "") else None
            except ApiError as exc:
                reason = exc.detail[0]["message"] if exc.detail else exc.message
                detail.append({**ident, "field": "Price", "message": reason, "code": exc.code})
                continue
            quantity = None
            if raw.get("Quantity") not in (None, ""):
                quantity = _int(raw["Quantity"])
                if quantity is None or quantity < 0:
                    detail.append({**ident, "field": "Quantity", "message": "Quantity must be a whole number of 0 or more",
                                   "code": "500"})
                    continue
                # Quantity is the total: it must cover withheld, occupied and campaign-locked units (G-invapi)
                if quantity < sku.withhold + sku.occupy + sku.reserved:
                    detail.append({**ident, "field": "Quantity", "code": "500", "message":
                                   f"Quantity {quantity} is less than the withheld, occupied and locked stock "
                                   f"({sku.withhold + sku.occupy + sku.reserved})"})
                    continue
            if price is not None:
                sku.price = price
            if quantity is not None:
                sku.quantity = quantity - sku.withhold - sku.occupy
            product.updated_ms = now
        if detail:
            raise ApiError("501", "E501: Update product failed", detail=detail)
        return {}

    def _api_product_stock_sellable_update(self, seller_id, params, files) -> dict:
        """UpdateSellableQuantity (docs/marketplaces/lazada.md): sets what buyers can buy now, withheld and
        occupied units untouched; at least the campaign lock, never negative; at most 50 SKUs."""
        raw_skus = _stock_request_skus(params)
        detail = []
        now = _ms(self.now())
        for raw in raw_skus:
            raw = raw if isinstance(raw, dict) else {}
            ident = {"seller_sku": str(raw.get("SellerSku") or ""), "sku_id": str(raw.get("SkuId") or "")}
            try:
                product, sku = self._find_sku(seller_id, sku_id=raw.get("SkuId"), seller_sku=raw.get("SellerSku"),
                                              item_id=raw.get("ItemId"))
            except KeyError:
                detail.append({**ident, "field": "SkuId", "message": "SKU not exist", "code": "207"})
                continue
            sellable = _int(raw.get("SellableQuantity"))
            if sellable is None or sellable < 0:
                detail.append({**ident, "field": "SellableQuantity", "code": "500",
                               "message": "SellableQuantity must be a whole number of 0 or more"})
                continue
            if sellable < sku.reserved:
                detail.append({**ident, "field": "SellableQuantity", "code": "500",
                               "message": "negative sellable on channel inventory"})
                continue
            sku.quantity = sellable
            product.updated_ms = now
        if detail:
            raise ApiError("501", "E501: Update product failed", detail=detail)
        return {}

    def _api_product_deactivate(self, seller_id, params, files) -> dict:
        payload = _payload(params, "apiRequestBody")
        node = (payload.get("Request") or {}).get("Product") or {}
        if not node.get("ItemId"):
            raise ApiError("1", "E001: Parameter ItemId is mandatory")
        product = self._product(seller_id, node["ItemId"])
        sku_ids = {_int(s) for s in _as_list((node.get("Skus") or {}).get("SkuId"))} if isinstance(node.get("Skus"), dict) else set()
        for sku in product.live_skus():
            if not sku_ids or sku.sku_id in sku_ids:
                sku.status = "inactive"
        if all(s.status == "inactive" for s in product.live_skus()):
            product.status = "InActive"
        product.updated_ms = _ms(self.now())
        return {}

    def _api_product_remove(self, seller_id, params, files) -> dict:
        targets = []
        for key in ("sku_id_list", "seller_sku_list"):
            if params.get(key):
                try:
                    values = json.loads(params[key])
                except ValueError:
                    raise ApiError("5", "E005: Invalid Request Format") from None
                if not isinstance(values, list) or len(values) > 50:
                    raise ApiError("5", "E005: Invalid Request Format: at most 50 SKUs")
                targets = [(key, str(v)) for v in values]
                break
        if not targets:
            raise ApiError("1", "E001: Parameter sku_id_list is mandatory")
        for key, value in targets:
            try:
                if key == "sku_id_list":
                    _prefix, item_id, sku_id = value.split("_", 2)
                    product, sku = self._find_sku(seller_id, sku_id=sku_id, item_id=item_id)
                else:
                    product, sku = self._find_sku(seller_id, seller_sku=value)
            except (KeyError, ValueError):
                raise ApiError("207", f"E207: SKU not exist: {value}") from None
            sku.deleted = True
            if not product.live_skus():
                product.status = "Deleted"
            product.updated_ms = _ms(self.now())
        return {}


def _stock_request_skus(params) -> list:
    """The ``Request/Product/Skus/Sku`` list of UpdatePriceQuantity and UpdateSellableQuantity, refused as
    Lazada refuses it when empty (E030) or over 50 SKUs (4171)."""
    payload = _payload(params, "payload")
    node = ((payload.get("Request") or {}).get("Product") or {}).get("Skus") or {}
    raw_skus = _as_list(node.get("Sku") if isinstance(node, dict) else None)
    if not raw_skus:
        raise ApiError("30", "E030: Empty Request")
    if len(raw_skus) > MAX_PRICE_QUANTITY_SKUS:
        raise ApiError("4171", "The updated SKU quantity exceeds the maximum number 50, please do not update more "
                               "than 50 SKUs at once")
    return raw_skus
