"""The sandbox WooCommerce shop's products, variations, batches and media library."""

from __future__ import annotations

from marketplace_sandbox.exchange import Request, Response

from .state import (
    BATCH_LIMIT,
    WpError,
    gmt,
)


class WooProducts:
    """Products, variations, batches and the media library."""

    def live_products(self) -> list[dict]:
        with self.lock:
            return [p for p in self.products.values() if p["status"] != "trash"]

    def products_by_sku(self) -> dict[str, list[dict]]:
        """Every SKU held by a product or variation that is not in the trash -> those holding it."""
        out: dict[str, list[dict]] = {}
        with self.lock:
            for product in self.live_products():
                if product["sku"]:
                    out.setdefault(product["sku"], []).append(product)
                for variation_id in product["variations"]:
                    variation = self.variations[variation_id]
                    if variation["sku"]:
                        out.setdefault(variation["sku"], []).append(variation)
        return out

    def _product(self, product_id: int) -> dict:
        product = self.products.get(product_id)
        if product is None:
            raise WpError("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
        return product

    def _product_list(self, request: Request) -> list[dict]:
        status = request.param("status", "any")
        rows = [p for p in self.products.values()
                if (p["status"] != "trash" if status == "any" else p["status"] == status)]
        sku = request.param("sku")
        if sku:
            # S-products: with ``sku`` the query covers products and variations (post_type product and
            # product_variation); a variation is answered as itself, type "variation" with its parent_id
            wanted = {*sku.split(","), sku}
            found = [self._product_json(p) for p in rows if p["sku"] in wanted]
            found += [self._variation_as_product(v) for p in rows for v in (self.variations[i] for i in p["variations"])
                      if v["sku"] in wanted]
            found = [row for row in found if self._modified_after_ok(request, row)]
            return sorted(found, key=lambda row: -row["id"])
        rows = self._modified_filter(request, rows)
        return [self._product_json(p) for p in sorted(rows, key=lambda p: -p["id"])]

    def _modified_after_ok(self, request: Request, row: dict) -> bool:
        source = self.variations.get(row["id"]) if row.get("type") == "variation" else self.products.get(row["id"])
        return bool(self._modified_filter(request, [source]))

    def _variation_as_product(self, variation: dict) -> dict:
        parent = self.products[variation["parent_id"]]
        options = ", ".join(a["option"] for a in variation["attributes"])
        return {**self._variation_json(variation), "type": "variation",
                "name": f"{parent['name']} - {options}" if options else parent["name"]}

    def _sku_taken(self, sku: str, *, exclude: int | None = None) -> int | None:
        for holder in self.products_by_sku().get(sku, []):
            if holder["id"] != exclude:
                return holder["id"]
        return None

    def _check_sku(self, sku: str, *, exclude: int | None = None) -> None:
        if sku:
            holder = self._sku_taken(sku, exclude=exclude)
            if holder is not None:
                raise WpError("product_invalid_sku", "Invalid or duplicated SKU.", 400, resource_id=holder,
                              unique_sku=sku)

    def _touch(self, row: dict) -> None:
        row["_modified"] = max(self.now(), row.get("_modified", 0) + 0.001)
        row["date_modified_gmt"] = gmt(row["_modified"])

    def _images(self, images: list) -> list[dict]:
        out = []
        for position, image in enumerate(images or []):
            if image.get("id"):
                media = self.media.get(int(image["id"]))
                if media is None:
                    raise WpError("woocommerce_product_invalid_image_id", f"#{image['id']} is an invalid image ID.", 400)
                out.append({"id": media["id"], "src": media["source_url"], "position": position})
            elif image.get("src"):
                # WooCommerce downloads the URL into the media library; here the URL is taken as is.
                media_id = self.new_id()
                self.media[media_id] = {"id": media_id, "source_url": image["src"], "size": 0, "mime_type": "image/jpeg"}
                out.append({"id": media_id, "src": image["src"], "position": position})
        return out

    def _check_price(self, value) -> str:
        text = "" if value is None else str(value)
        if text:
            try:
                if float(text) < 0:
                    raise ValueError
            except ValueError:
                raise WpError("rest_invalid_param", "Invalid parameter(s): regular_price", 400) from None
        return text

    def _product_create(self, data: dict) -> dict:
        if data.get("id"):
            raise WpError("woocommerce_rest_product_exists", "Cannot create existing product.", 400)
        kind = data.get("type", "simple")
        if kind not in ("simple", "variable", "grouped", "external"):
            raise WpError("rest_invalid_param", "Invalid parameter(s): type", 400)
        self._check_sku(str(data.get("sku") or ""))
        product_id = self.new_id()
        now = self.now()
        product = {"id": product_id, "name": "", "type": kind, "status": "publish", "sku": "", "description": "",
                   "short_description": "", "regular_price": "", "manage_stock": False, "stock_quantity": None,
                   "weight": "", "dimensions": {"length": "", "width": "", "height": ""}, "categories": [],
                   "attributes": [], "images": [], "variations": [], "date_created_gmt": gmt(now), "_modified": now,
                   "date_modified_gmt": gmt(now)}
        self._apply_product(product, data)
        self.products[product_id] = product
        return self._product_json(product)

    def _apply_product(self, product: dict, data: dict) -> None:
        if "sku" in data:
            self._check_sku(str(data["sku"] or ""), exclude=product["id"])
        if "images" in data:
            product["images"] = self._images(data["images"])
        if "categories" in data:
            ids = {c["id"] for c in self.categories}
            for category in data["categories"] or []:
                if int(category.get("id") or 0) not in ids:
                    raise WpError("woocommerce_rest_invalid_term_id", "Invalid term ID.", 400)
            product["categories"] = [{"id": int(c["id"])} for c in data["categories"] or []]
        if "regular_price" in data:
            product["regular_price"] = self._check_price(data["regular_price"])
        if "status" in data:
            if data["status"] not in ("draft", "pending", "private", "publish"):
                raise WpError("rest_invalid_param", "Invalid parameter(s): status", 400)
            product["status"] = data["status"]
        for key in ("name", "description", "short_description", "sku", "manage_stock", "weight", "type"):
            if key in data:
                product[key] = data[key] if data[key] is not None else ""
        if "dimensions" in data:
            product["dimensions"] = {**product["dimensions"], **(data["dimensions"] or {})}
        if "attributes" in data:
            product["attributes"] = [{"id": 0, "name": a.get("name", ""), "position": a.get("position", 0),
                                      "visible": bool(a.get("visible")), "variation": bool(a.get("variation")),
                                      "options": list(a.get("options") or [])} for a in data["attributes"] or []]
        if "stock_quantity" in data:
            product["stock_quantity"] = None if data["stock_quantity"] is None else int(data["stock_quantity"])
        if not product["manage_stock"]:  # S-products: without stock management the quantity is cleared
            product["stock_quantity"] = None
        self._touch(product)

    def _product_update(self, product: dict, data: dict) -> dict:
        if product["status"] == "trash" and data.get("status") not in (None, "publish", "draft"):
            raise WpError("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
        self._apply_product(product, data)
        return self._product_json(product)

    def _product_delete(self, product: dict, *, force: bool) -> dict:
        answer = self._product_json(product)
        if force:
            for variation_id in product["variations"]:
                self.variations.pop(variation_id, None)
            del self.products[product["id"]]
            return answer
        if not self.trash_supported:  # S-crud delete_item: a site without trash (EMPTY_TRASH_DAYS 0)
            raise WpError("woocommerce_rest_trash_not_supported", "The product does not support trashing.", 501)
        if product["status"] == "trash":
            raise WpError("woocommerce_rest_already_trashed", "The product has already been deleted.", 410)
        product["status"] = "trash"  # its variations go with it (WC_Post_Data::trash_post)
        self._touch(product)
        return self._product_json(product)

    def _product_json(self, product: dict) -> dict:
        out = {k: v for k, v in product.items() if not k.startswith("_")}
        out["price"] = product["regular_price"]
        out["permalink"] = f"{self.url}/product/{product['id']}/"
        out["categories"] = [{"id": c["id"], "name": next((x["name"] for x in self.categories if x["id"] == c["id"]), "")}
                             for c in product["categories"]]
        if product["type"] == "variable":
            out["regular_price"] = out["price"] = ""
            out["stock_quantity"] = None
        return out

    def _variation_create(self, parent: dict, data: dict) -> dict:
        if parent["type"] != "variable":
            raise WpError("woocommerce_rest_invalid_product_id", "Invalid product ID.", 400)
        self._check_sku(str(data.get("sku") or ""))
        # S-variations (prepare_object_for_database): an attribute the parent does not have for variations is
        # skipped without an error, and the option is not checked against the parent's options
        names = {a["name"].lower(): a for a in parent["attributes"] if a["variation"]}
        attributes = []
        for attr in data.get("attributes") or []:
            spec = names.get(str(attr.get("name", "")).lower())
            if spec is None:
                continue
            attributes.append({"id": 0, "name": spec["name"], "option": str(attr.get("option") or "").strip()})
        variation_id = self.new_id()
        now = self.now()
        variation = {"id": variation_id, "parent_id": parent["id"], "sku": str(data.get("sku") or ""), "status": "publish",
                     "regular_price": self._check_price(data.get("regular_price")), "manage_stock": bool(data.get("manage_stock")),
                     "stock_quantity": data.get("stock_quantity") if data.get("manage_stock") else None,
                     "weight": data.get("weight") or "",
                     "dimensions": data.get("dimensions") or {"length": "", "width": "", "height": ""},
                     "attributes": attributes, "_modified": now, "date_modified_gmt": gmt(now)}
        self.variations[variation_id] = variation
        parent["variations"].append(variation_id)
        self._touch(parent)
        return self._variation_json(variation)

    def _variation_update(self, parent: dict, data: dict) -> dict:
        variation = self.variations.get(int(data.get("id") or 0))
        if variation is None or variation["parent_id"] != parent["id"]:
            raise WpError("woocommerce_rest_product_variation_invalid_id", "Invalid ID.", 400)
        if "sku" in data:
            self._check_sku(str(data["sku"] or ""), exclude=variation["id"])
            variation["sku"] = str(data["sku"] or "")
        if "regular_price" in data:
            variation["regular_price"] = self._check_price(data["regular_price"])
        for key in ("manage_stock", "weight", "dimensions", "status"):
            if key in data:
                variation[key] = data[key]
        if "stock_quantity" in data:
            variation["stock_quantity"] = None if data["stock_quantity"] is None else int(data["stock_quantity"])
        if not variation["manage_stock"]:  # S-variations: without stock management the quantity is cleared
            variation["stock_quantity"] = None
        self._touch(variation)
        self._touch(parent)
        return self._variation_json(variation)

    def _variation_json(self, variation: dict) -> dict:
        out = {k: v for k, v in variation.items() if not k.startswith("_")}
        out["price"] = variation["regular_price"]
        return out

    def _batch(self, data: dict, *, parent: dict | None) -> dict:
        """create/update/delete lists, at most BATCH_LIMIT objects together; each object answered on its own."""
        lists = {name: data.get(name) or [] for name in ("create", "update", "delete")}
        total = sum(len(v) for v in lists.values())
        if total > BATCH_LIMIT:
            raise WpError("woocommerce_rest_request_entity_too_large",
                          f"Unable to accept more than {BATCH_LIMIT} items for this request.", 413)
        self.batch_sizes.append(total)
        answer: dict[str, list] = {}
        for name, items in lists.items():
            if not items:
                continue
            rows = answer.setdefault(name, [])
            for item in items:
                try:
                    if name == "create":
                        rows.append(self._variation_create(parent, item) if parent else self._product_create(item))
                    elif name == "update":
                        if parent:
                            rows.append(self._variation_update(parent, item))
                        else:
                            product = self.products.get(int(item.get("id") or 0))
                            if product is None:
                                raise WpError("woocommerce_rest_product_invalid_id", "Invalid ID.", 400)
                            rows.append(self._product_update(product, item))
                    else:
                        item_id = int(item)
                        if parent:
                            if item_id not in parent["variations"]:
                                raise WpError("woocommerce_rest_product_variation_invalid_id", "Invalid ID.", 400)
                            parent["variations"].remove(item_id)
                            rows.append(self._variation_json(self.variations.pop(item_id)))
                        else:
                            rows.append(self._product_delete(self._product(item_id), force=True))
                except WpError as exc:
                    item_id = item if name == "delete" else (item.get("id", 0) if name == "update" else 0)
                    rows.append({"id": item_id, "error": exc.body()})
        return answer

    def _media_upload(self, request: Request) -> Response:
        if request.method != "POST":
            raise WpError("rest_no_route", "No route was found matching the URL and request method.", 404)
        # WordPress's attachments controller (S-media): its own code for each missing part, in this order
        if not request.body:
            raise WpError("rest_upload_no_data", "No data supplied.", 400)
        if not request.header("Content-Type"):
            raise WpError("rest_upload_no_content_type", "No Content-Type supplied.", 400)
        disposition = request.header("Content-Disposition")
        if "filename=" not in disposition:
            raise WpError("rest_upload_no_content_disposition", "No Content-Disposition supplied.", 400)
        filename = disposition.split("filename=", 1)[1].strip().strip('"')
        if request.content_type not in ("image/jpeg", "image/png", "image/gif", "image/webp"):
            raise WpError("rest_upload_sideload_error", "Sorry, you are not allowed to upload this file type.", 500)
        with self.lock:
            media_id = self.new_id()
            media = {"id": media_id, "source_url": f"{self.url}/wp-content/uploads/{filename}", "size": len(request.body),
                     "mime_type": request.content_type, "media_type": "image"}
            self.media[media_id] = media
        return Response.json(media, status=201)
