"""The sandbox Shopee's product API: media_space, items, tier variations and models, price and stock."""

from __future__ import annotations

import collections
import json
import re
import uuid
from collections.abc import Sequence
from email.parser import BytesParser
from email.policy import HTTP

from marketplace_sandbox.schema import Field, Schema

from .state import (
    DELETED_STATUSES,
    ITEM_STATUSES,
    MAX_IMAGE_BYTES,
    MAX_MODELS,
    MAX_TIERS,
    ApiError,
    Item,
    Model,
    Shop,
    _int,
    _model_json,
    _parse_id_list,
)

# add_item's required fields (docs/marketplaces/shopee.md, v2.product.add_item); their limits follow in the
# checks below, which answer with Shopee's own error for each.
ADD_ITEM_REQUIRED = Schema(*(Field(name, required=True) for name in (
    "original_price", "description", "weight", "item_name", "logistic_info", "category_id", "image")))


def gtin_is_valid(code: str) -> bool:
    """A GTIN: 8 to 14 digits (UPC, EAN, JAN, ISBN; add_item ``gtin_code``) whose last digit is the GS1 check
    digit (the reference is silent on the check digit: docs/marketplaces/shopee.md, GTIN rule, **U**)."""
    if not code.isdigit() or not 8 <= len(code) <= 14:
        return False
    digits = [int(c) for c in code]
    total = sum(d * (3 if n % 2 == 0 else 1) for n, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == digits[-1]


def _dimension_ok(dimension) -> bool:
    """add_item ``dimension``: package_height, package_length and package_width, positive whole cm."""
    if not isinstance(dimension, dict):
        return False
    values = [dimension.get(k) for k in ("package_height", "package_length", "package_width")]
    return all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values)


class ShopeeProducts:
    """The product API (media, items, models, price and stock) and the helpers tests use to read and seed items."""

    def items(self, shop_id: int | None = None) -> list[Item]:
        with self.lock:
            shop = self.shops[shop_id or next(iter(self.shops))]
            return [i for i in shop.items.values() if i.item_status not in DELETED_STATUSES]

    def items_by_sku(self, shop_id: int | None = None) -> dict[str, list[Item]]:
        found: dict[str, list[Item]] = collections.defaultdict(list)
        for item in self.items(shop_id):
            found[item.item_sku].append(item)
        return dict(found)

    def seed_item(self, *, sku: str, name: str = "Sản phẩm có sẵn", price: int = 50_000, stock: int = 10,
                  models: Sequence[tuple[str, int, int]] = (), shop_id: str | int | None = None) -> Item:
        """An item already on the shop, created without any API call (tests, benchmarks): ``models`` are
        ``(model_sku, price, stock)``; without models the item itself has ``price`` and ``stock``."""
        with self.lock:
            shop = self._shop(shop_id)
            now = int(self.now())
            item = Item(item_id=next(self._ids), item_sku=sku, item_name=name, description=name, original_price=price,
                        category_id=100103, weight=0.5, image_ids=[], attribute_list=[], logistic_info=[],
                        dimension=None, item_status="NORMAL", stock=0 if models else stock, create_time=now,
                        update_time=now)
            if models:
                item.tier_variation = [{"name": "Phân loại", "option_list": [{"option": m[0]} for m in models]}]
                item.models = [Model(model_id=next(self._ids), tier_index=[n], model_sku=model_sku,
                                     original_price=model_price, stock=model_stock)
                               for n, (model_sku, model_price, model_stock) in enumerate(models)]
            shop.items[item.item_id] = item
            return item

    def _upload_image(self, headers, body: bytes) -> dict:
        """upload_image (docs/marketplaces/shopee.md, upload_image): multipart, the files under ``image`` and
        ``scene`` (normal / desc) a form field beside them; a ``scene`` in the query is not read."""
        content_type = headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            raise ApiError("error_param", "Wrong parameters, detail: request must be multipart/form-data.")
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        parts = list(message.iter_parts())
        files = [part for part in parts if part.get_param("name", header="content-disposition") == "image"]
        scene_parts = [part for part in parts if part.get_param("name", header="content-disposition") == "scene"]
        scene = (scene_parts[0].get_payload(decode=True) or b"").decode().strip() if scene_parts else "normal"
        if scene not in ("normal", "desc"):
            raise ApiError("error_param", "Wrong parameters, detail: scene must be normal or desc.")
        if not files:
            raise ApiError("error_param", "Wrong parameters, detail: image is required.")
        if len(files) >= 9:
            raise ApiError("error_param", "image number should be less than 9")
        results = []
        first_ok = None
        for index, part in enumerate(files):
            content = part.get_payload(decode=True) or b""
            entry = {"id": index, "error": "", "message": "", "image_info": {}}
            if len(content) > MAX_IMAGE_BYTES:
                entry.update(error="error_image_size", message="Image size exceeds 10 MB.")
            elif not (content.startswith(b"\xff\xd8\xff") or content.startswith(b"\x89PNG\r\n\x1a\n")):
                entry.update(error="error_param", message="type of images is invalid")
            else:
                image_id = "vn-" + uuid.uuid4().hex[:24]
                with self.lock:
                    self.images[image_id] = len(content)
                    self.image_scenes[image_id] = scene
                info = {"image_id": image_id, "image_url_list": [
                    {"image_url_region": "VN", "image_url": f"{self.url}/file/{image_id}"}]}
                entry["image_info"] = info
                first_ok = first_ok or info
            results.append(entry)
        response = {"image_info_list": results}
        if first_ok and len(files) == 1:
            response["image_info"] = first_ok
        if any(r["error"] for r in results):
            response["_warning"] = "some images failed, check image_info_list"
        return response

    def _api_get_category(self, shop: Shop, query, data) -> dict:
        return {"category_list": self.categories}

    @staticmethod
    def _attribute_json(a: dict) -> dict:
        return {"attribute_id": a["attribute_id"], "mandatory": a["mandatory"], "name": a["display_attribute_name"],
                "original_attribute_name": a["original_attribute_name"],
                "attribute_info": {"input_type": a["input_type"], "input_validation_type": a["input_validation_type"],
                                   "format_type": a["format_type"], "date_format_type": a["date_format_type"],
                                   "attribute_unit_list": list(a["attribute_unit_list"]),
                                   "max_value_count": a["max_value_count"], "introduction": "", "is_oem": False,
                                   "support_search_value": False},
                "attribute_value_list": [{"value_id": v["value_id"], "name": v["display_value_name"],
                                          "value_unit": "", "child_attribute_list": []}
                                         for v in a["attribute_value_list"]],
                "multi_lang": []}

    def _api_get_attribute_tree(self, shop: Shop, query, data) -> dict:
        language = query.get("language", ["en"])[0]
        if language not in ("vn", "en"):
            raise ApiError("error_invalid_language", "Invalid language.")
        raw = query.get("category_id_list", [""])
        ids = _parse_id_list(raw)
        if not ids or len(ids) > 20:
            raise ApiError("error_param", "Wrong parameters, detail: category_id_list must hold 1 to 20 ids.")
        lst = []
        for cid in ids:
            attrs = self.attributes.get(cid)
            if attrs is None:
                raise ApiError("error_invalid_category", f"Invalid category ID {cid}")
            lst.append({"category_id": cid, "warning": "", "attribute_tree": [self._attribute_json(a) for a in attrs]})
        return {"list": lst}

    def limits_for(self, category_id: int | None) -> dict:
        """get_item_limit's answer for a category: the shop's limits with the category's own over them."""
        merged = json.loads(json.dumps(self.item_limit))
        for key, value in (self.category_limits.get(category_id) or {}).items():
            merged[key] = {**merged.get(key, {}), **value}
        return merged

    def _api_get_item_limit(self, shop: Shop, query, data) -> dict:
        raw = query.get("category_id", [""])[0]
        category_id = _int(raw) if raw else None
        if raw and category_id not in self.attributes:
            raise ApiError("error_invalid_category", f"Invalid category ID {raw}")
        return self.limits_for(category_id)

    def _api_category_recommend(self, shop: Shop, query, data) -> dict:
        """category_recommend (docs/marketplaces/shopee.md): ``item_name`` required; answers the leaf
        categories as ``category_id`` (int list). Shopee's ranking is not published: the sandbox ranks the leaf
        categories by how many words of their Vietnamese or English name the item name holds (U)."""
        item_name = (query.get("item_name") or [""])[0].strip()
        if not item_name:
            raise ApiError("error_param", "Wrong parameters, detail: item_name is required.")
        words = set(re.findall(r"\w+", item_name.lower()))
        scored = []
        for category in self.categories:
            if category["has_children"]:
                continue
            names = f"{category['display_category_name']} {category['original_category_name']}".lower()
            score = len(words & set(re.findall(r"\w+", names)))
            if score:
                scored.append((-score, category["category_id"]))
        return {"category_id": [category_id for _score, category_id in sorted(scored)]}

    def _api_get_channel_list(self, shop: Shop, query, data) -> dict:
        return {"logistics_channel_list": self.channels}

    def _api_get_variation_tree(self, shop: Shop, query, data) -> dict:
        category_id = _int(query.get("category_id", [""])[0])
        if category_id is None:
            raise ApiError("error_param", "Wrong parameters, detail: category_id is required.")
        self._leaf_category(category_id)
        # documented under ``data``, not ``response`` (docs/marketplaces/shopee.md, get_variation_tree)
        return {"_top_level": True, "data": {"standardise_variation_list": self.variations.get(category_id, [])}}

    def _leaf_category(self, category_id) -> int:
        leaves = {c["category_id"] for c in self.categories if not c["has_children"]}
        if category_id not in leaves:
            raise ApiError("error_param", "Invalid category.")
        return category_id

    # --- the category's rules ------------------------------------------------------------------------
    def _check_gtin(self, category_id: int, value, *, present: bool) -> str:
        """``gtin_code`` against the category's ``gtin_validation_rule`` (docs/marketplaces/shopee.md, GTIN
        rule): Mandatory needs a real GTIN ("00" refused), Flexible a GTIN or "00", Optional may omit it.
        ``present`` False: the field was not sent (add_item, a new model), which only Optional allows."""
        rule = self.limits_for(category_id)["gtin_limit"]["gtin_validation_rule"]
        text = "" if value is None else str(value).strip()
        if not present or not text:
            if rule == "Mandatory":
                raise ApiError("product.error_busi", "The GTIN code is mandatory, please check and upload again.")
            if rule == "Flexible":
                raise ApiError("product.error_busi",
                               "The GTIN code is required for this category: a GTIN, or 00 when there is none.")
            return ""
        if text == "00":
            if rule == "Mandatory":
                raise ApiError("product.error_busi", "The GTIN code is mandatory, please check and upload again.")
            return text
        if not gtin_is_valid(text):
            raise ApiError("error_param_validate", "This is not a valid GTIN. Please, inform a valid number.")
        return text

    def _check_attributes(self, category_id: int, attribute_list) -> None:
        """attribute_list against the category's tree (docs/marketplaces/shopee.md, add_item: attribute value
        rules): listed values by id, custom values with value_id 0 and a name, a unit for quantitative ones."""
        specs = {a["attribute_id"]: a for a in self.attributes.get(category_id, [])}
        if attribute_list is not None and not isinstance(attribute_list, list):
            raise ApiError("error_param", "Wrong parameters, detail: attribute_list must be a list.")
        given = set()
        for entry in attribute_list or []:
            if not isinstance(entry, dict):
                raise ApiError("error_param", "Wrong parameters, detail: attribute_list must hold objects.")
            spec = specs.get(entry.get("attribute_id"))
            if spec is None:
                raise ApiError("error_invalid_category_attribute", "Category and attribute not match.")
            values = entry.get("attribute_value_list")
            if not isinstance(values, list) or not values:
                continue
            self._check_attribute_values(spec, values)
            given.add(spec["attribute_id"])
        if any(spec["mandatory"] and spec["attribute_id"] not in given for spec in specs.values()):
            raise ApiError("error_less_required_attribute", "Mandatory attribute information required")

    @staticmethod
    def _check_attribute_values(spec: dict, values: list) -> None:
        listed = {v["value_id"] for v in spec["attribute_value_list"]}
        input_type = spec["input_type"]
        if input_type in (1, 2, 3) and len(values) > 1:
            raise ApiError("error_invalid_attribute_value", "Invalid attribute value.")
        if input_type in (4, 5) and len(values) > spec["max_value_count"]:
            raise ApiError("error_invalid_attribute_value", "Invalid attribute value.")
        for value in values:
            value_id = value.get("value_id") if isinstance(value, dict) else None
            if not isinstance(value_id, int) or isinstance(value_id, bool):
                raise ApiError("error_param", "Wrong parameters, detail: value_id must be an integer.")
            name = str(value.get("original_value_name") or "").strip()
            if input_type == 3 and value_id != 0:
                raise ApiError("error_value_id_must_equal_zero", "Value_id must equal 0.")
            if value_id != 0:
                if input_type == 3 or value_id not in listed:
                    raise ApiError("error_invalid_attribute_value", "Invalid attribute value.")
                continue
            if input_type in (1, 4):  # drop-downs take listed values only
                raise ApiError("error_invalid_attribute_value", "Invalid attribute value.")
            if not name:
                raise ApiError("error_value_name_required", "Value_name is required.")
            if spec["input_validation_type"] in (1, 3):
                try:
                    int(name) if spec["input_validation_type"] == 1 else float(name)
                except ValueError:
                    raise ApiError("error_invalid_attribute_value", "Invalid attribute value.") from None
            if spec["format_type"] == 2 and str(value.get("value_unit") or "") not in spec["attribute_unit_list"]:
                raise ApiError("error_invalid_attribute_value", "Invalid attribute value.")

    def _check_logistics(self, category_id: int, logistic_info, *, weight: float, dimension) -> None:
        """logistic_info against get_channel_list (docs/marketplaces/shopee.md, get_channel_list: what each
        fee type requires): only enabled checkout channels (mask_channel_id 0); SIZE_SELECTION a listed
        size_id, SIZE_INPUT the package dimension, CUSTOM_PRICE a shipping_fee; the weight within the
        channel's weight_limit."""
        if not isinstance(logistic_info, list) or not logistic_info:
            raise ApiError("error_param", "Wrong parameters, detail: logistic_info is required.")
        channels = {c["logistics_channel_id"]: c for c in self.channels}
        enabled = [li for li in logistic_info if isinstance(li, dict) and li.get("enabled")]
        if not enabled:
            raise ApiError("error_invalid_logistic_info", "invalid logistic info , no channel is enabled")
        needs_dimension = self.limits_for(category_id)["dimension_limit"].get("dimension_mandatory", False)
        for entry in enabled:
            channel = channels.get(entry.get("logistic_id"))
            if channel is None or not channel["enabled"] or channel.get("mask_channel_id", 0) != 0:
                raise ApiError("error_invalid_logistic_info",
                               f"invalid logistic info , channel {entry.get('logistic_id')} cannot be used")
            fee_type = channel.get("fee_type")
            if fee_type == "SIZE_SELECTION":
                sizes = {str(size["size_id"]) for size in channel.get("size_list") or []}
                if entry.get("size_id") is None or str(entry.get("size_id")) not in sizes:
                    raise ApiError("error_invalid_logistic_info",
                                   f"invalid logistic info , size_id is required for channel {channel['logistics_channel_id']}")
            elif fee_type == "SIZE_INPUT":
                needs_dimension = True
            elif fee_type == "CUSTOM_PRICE":
                fee = entry.get("shipping_fee")
                if isinstance(fee, bool) or not isinstance(fee, int | float) or fee < 0:
                    raise ApiError("error_invalid_logistic_info",
                                   f"invalid logistic info , shipping_fee is required for channel {channel['logistics_channel_id']}")
            limit = channel.get("weight_limit") or {}
            if limit.get("item_max_weight") and not (limit.get("item_min_weight") or 0) <= weight <= limit["item_max_weight"]:
                raise ApiError("error_param", "Invalid Weight.")
        if needs_dimension and not _dimension_ok(dimension):
            raise ApiError("error_param", "dimension is required")

    def _check_price(self, price) -> int:
        if isinstance(price, bool) or not isinstance(price, int | float):
            raise ApiError("error_param", "Wrong parameters, detail: original_price is required.")
        if isinstance(price, float) and not price.is_integer():
            raise ApiError("error_invalid_price", "Invalid price, please use the correct format")
        limits = self.item_limit["price_limit"]
        if price < limits["min_limit"]:
            raise ApiError("error_price_exceed_min_limitt", "Original_price is less than min price limit.")
        if price > limits["max_limit"]:
            raise ApiError("error_price_exceed_max_limitt", "Original_price is bigger than max price limit.")
        return int(price)

    def _api_add_item(self, shop: Shop, query, data) -> dict:
        missing = ADD_ITEM_REQUIRED.first_violation(data)
        if missing:
            raise ApiError("error_param", f"Wrong parameters, detail: {missing.path} is required.")
        price = self._check_price(data["original_price"])
        if not isinstance(data["category_id"], int):
            raise ApiError("error_param", "Invalid category.")
        category_id = self._leaf_category(data["category_id"])
        lim = self.limits_for(category_id)
        name = str(data["item_name"])
        if len(name) < lim["item_name_length_limit"]["min_limit"]:
            raise ApiError("error_item_name_is_too_short", "Item_name length is less than min limit.")
        if len(name) > lim["item_name_length_limit"]["max_limit"]:
            raise ApiError("error_title_exceeds_max_length", "The length of item_name is bigger than max limit.")
        desc = str(data["description"])
        if len(desc) < lim["item_description_length_limit"]["min_limit"]:
            raise ApiError("error_desc_length_min_limit", "Description length is less than the min limit.")
        if len(desc) > lim["item_description_length_limit"]["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: description is longer than the max limit.")
        image_ids = list((data.get("image") or {}).get("image_id_list") or [])
        if len(image_ids) < lim["item_image_count_limit"]["min_limit"]:
            raise ApiError("error_image_num_min", "The number of images is less than the min limit.")
        if len(image_ids) > lim["item_image_count_limit"]["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: too many images.")
        for image_id in image_ids:
            if image_id not in self.images:
                raise ApiError("error_param", "Image not exist.")
        self._check_attributes(category_id, data.get("attribute_list"))
        weight = data["weight"]
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise ApiError("error_param", "Invalid Weight.")
        dimension = data.get("dimension")
        if dimension is not None and not _dimension_ok(dimension):
            raise ApiError("error_param", "dimension is required")
        self._check_logistics(category_id, data["logistic_info"], weight=float(weight), dimension=dimension)
        gtin = self._check_gtin(category_id, data.get("gtin_code"), present="gtin_code" in data)
        sku = str(data.get("item_sku", ""))
        if self.reject_repeated_items:
            for item in shop.items.values():  # every status but deleted holds the item, REVIEWING included
                if item.item_status not in DELETED_STATUSES and item.item_name == name and item.item_sku == sku \
                        and item.category_id == category_id:
                    raise ApiError("error_repeated_mtsku", "A similar product has already been uploaded")
        stock = sum(int(s.get("stock", 0)) for s in data.get("seller_stock") or [])
        now = int(self.now())
        status = self.new_item_status or data.get("item_status") or "NORMAL"
        item = Item(
            item_id=next(self._ids), item_sku=sku, item_name=name, description=desc, original_price=price,
            category_id=category_id, weight=float(weight), image_ids=image_ids,
            attribute_list=data.get("attribute_list") or [], logistic_info=data["logistic_info"], dimension=dimension,
            item_status=status, stock=stock, create_time=now, update_time=now, gtin_code=gtin,
        )
        shop.items[item.item_id] = item
        return {"item_id": item.item_id, "item_name": name, "item_sku": sku, "item_status": item.item_status,
                "category_id": category_id, "original_price": price, "image": {"image_id_list": image_ids}}

    def _item(self, shop: Shop, item_id) -> Item:
        if item_id in (None, "", 0):
            raise ApiError("product.error_param", "invalid field ItemId: value must  Not Null")
        item = shop.items.get(item_id) if isinstance(item_id, int) else None
        if item is None or item.item_status in DELETED_STATUSES:
            raise ApiError("error_item_not_found", "Item_id is not found.")
        return item

    def _api_update_item(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        if "original_price" in data:
            raise ApiError("error_param", "Wrong parameters, detail: use update_price to change prices.")
        category_id = item.category_id
        if "category_id" in data:
            category_id = self._leaf_category(data["category_id"])
        if "attribute_list" in data:
            self._check_attributes(category_id, data["attribute_list"])
        if "image" in data:
            ids = list((data["image"] or {}).get("image_id_list") or [])
            if not ids or any(i not in self.images for i in ids):
                raise ApiError("error_param", "Image not exist.")
        weight = data.get("weight", item.weight)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise ApiError("error_param", "Invalid Weight.")
        if "dimension" in data and data["dimension"] is not None and not _dimension_ok(data["dimension"]):
            raise ApiError("error_param", "dimension is required")
        if "logistic_info" in data or "weight" in data or "dimension" in data:
            self._check_logistics(category_id, data.get("logistic_info", item.logistic_info), weight=float(weight),
                                  dimension=data.get("dimension", item.dimension))
        gtin = self._check_gtin(category_id, data["gtin_code"], present=True) if "gtin_code" in data else None
        # everything checked: apply
        item.category_id = category_id
        if "attribute_list" in data:
            item.attribute_list = data["attribute_list"]
        if "image" in data:
            item.image_ids = list(data["image"]["image_id_list"])
        if gtin is not None:
            item.gtin_code = gtin
        for key in ("item_name", "description", "weight", "dimension", "item_sku", "logistic_info", "item_status"):
            if key in data:
                setattr(item, key, data[key])
        item.update_time = int(self.now())
        return {"item_id": item.item_id}

    # --- tiers and models ----------------------------------------------------------------------------
    def _tiers_from(self, item: Item, data: dict) -> tuple[list, list, str]:
        """The request's tiers as ``[{name, option_list: [{option}]}]``, the standardise structure as sent, and
        which structure was used. ``standardise_tier_variation`` is the documented one since 2025-09-12
        (custom tiers: ``variation_id`` 0 and names; standard ones: ids from get_variation_tree); the
        deprecated ``tier_variation`` is still accepted (Shopee deprecated it, it announced no refusal)."""
        if "standardise_tier_variation" in data:
            raw = data["standardise_tier_variation"]
            if not isinstance(raw, list):
                raise ApiError("error_param", "Wrong parameters, detail: standardise_tier_variation must be a list.")
            standard = {v["variation_id"]: v for v in self.variations.get(item.category_id, [])}
            tiers = []
            for tier in raw:
                if not isinstance(tier, dict) or not isinstance(tier.get("variation_option_list"), list):
                    raise ApiError("error_param", "Wrong parameters, detail: variation_option_list is required.")
                variation_id = tier.get("variation_id", 0)
                if variation_id:
                    known = standard.get(variation_id)
                    if known is None:
                        raise ApiError("error_param", f"Wrong parameters, detail: variation_id {variation_id} is invalid.")
                    options = {o["variation_option_id"]: o["variation_option_name"]
                               for g in known["variation_group_list"] for o in g["variation_option_list"]}
                    name = known["variation_name"]
                else:
                    options, name = {}, str(tier.get("variation_name") or "")
                option_list = []
                for option in tier["variation_option_list"]:
                    option_id = option.get("variation_option_id", 0) if isinstance(option, dict) else None
                    if option_id:
                        if option_id not in options:
                            raise ApiError("error_param", f"Wrong parameters, detail: variation_option_id {option_id} is invalid.")
                        text = options[option_id]
                    else:
                        text = str((option or {}).get("variation_option_name") or "")
                    entry = {"option": text}
                    if isinstance(option, dict) and option.get("image_id"):
                        entry["image"] = {"image_id": option["image_id"]}
                    option_list.append(entry)
                tiers.append({"name": name, "option_list": option_list})
            return tiers, raw, "standardise_tier_variation"
        raw = data.get("tier_variation")
        if not isinstance(raw, list):
            raise ApiError("error_param", "Wrong parameters, detail: standardise_tier_variation is required.")
        tiers = [{"name": str((t or {}).get("name") or ""),
                  "option_list": [{"option": str((o or {}).get("option") or "")} for o in (t or {}).get("option_list") or []]}
                 for t in raw]
        return tiers, [], "tier_variation"

    def _check_tiers(self, tiers: list, category_id: int) -> None:
        if len(tiers) > MAX_TIERS:
            raise ApiError("error_param", "The level of tier-variation over 2.")
        lim = self.limits_for(category_id)
        name_limit = lim["tier_variation_name_length_limit"]
        option_limit = lim["tier_variation_option_length_limit"]
        for tier in tiers:
            options = [o["option"] for o in tier["option_list"]]
            if len(tier["name"]) > name_limit["max_limit"]:
                raise ApiError("error_tier_var_name_too_long", "Tier variation name is too long.")
            if not tier["name"]:
                raise ApiError("error_nil_name_new_item_model", "Item tier_variation name cannot be empty.")
            if not options:
                raise ApiError("error_param", "Wrong parameters, detail: a tier needs at least one option.")
            if len(options) > MAX_MODELS:
                raise ApiError("error_tier_var_too_many", "Count of tier_variation is larger than 50.")
            if any(len(o) > option_limit["max_limit"] for o in options):
                raise ApiError("error_tier_opt_val_too_long", "Tier variation option is too long.")
            if any(not o for o in options):
                raise ApiError("error_param", "Wrong parameters, detail: an option cannot be empty.")
            if len(set(options)) != len(options):
                raise ApiError("error_model_duplicate_name", "Item tier_variation have duplicate name.")

    def _api_init_tier_variation(self, shop: Shop, query, data) -> dict:
        """Sets the item's tier structure; a second call replaces it and its models (old model ids become
        unknown). docs/marketplaces/shopee.md, init_tier_variation."""
        item = self._item(shop, data.get("item_id"))
        tiers, standardise, used = self._tiers_from(item, data)
        self._check_tiers(tiers, item.category_id)
        models = data.get("model")
        if not isinstance(models, list) or not models:
            raise ApiError("error_param", "Wrong parameters, detail: model is required.")
        if len(models) > MAX_MODELS:
            raise ApiError("error_model_count_over_limit", "The count of model is too large. Should be under 50")
        created = self._new_models(item, tiers, models, taken=[])
        item.tier_variation = tiers
        item.standardise_tier_variation = standardise
        item.tier_structure = used
        item.models = created
        item.update_time = int(self.now())
        return {"item_id": item.item_id, "tier_variation": tiers, "model": [_model_json(m) for m in created]}

    def _new_models(self, item: Item, tiers: list, entries: list, *, taken: list[Model]) -> list[Model]:
        """Models for ``entries`` checked against ``tiers`` and the ``taken`` models: every tier_index points
        at an existing option, no two models share one, model_sku at most 100 characters, at most 50 models,
        a GTIN as the category's rule says."""
        if not entries or len(taken) + len(entries) > MAX_MODELS:
            raise ApiError("error_model_count_over_limit", "The count of model is too large. Should be under 50")
        used = {tuple(m.tier_index) for m in taken}
        created = []
        for entry in entries:
            if not isinstance(entry, dict):
                raise ApiError("error_param", "Wrong parameters, detail: a model must be an object.")
            index = entry.get("tier_index")
            if not isinstance(index, list) or len(index) != len(tiers) or any(
                    isinstance(i, bool) or not isinstance(i, int) for i in index):
                raise ApiError("error_param", "Model tier_index error.")
            if any(not 0 <= i < len(t["option_list"]) for i, t in zip(index, tiers, strict=True)):
                raise ApiError("error_model_tier_index_bound", "Invalid item iter_index.")
            if tuple(index) in used:
                raise ApiError("error_model_duplicate_tier_variation_index", "Item have duplicate tier_index.")
            used.add(tuple(index))
            sku = str(entry.get("model_sku", ""))
            if len(sku) > 100:
                raise ApiError("error_param", "Wrong parameters, detail: model_sku is too long.")
            if not isinstance(entry.get("seller_stock"), list):
                raise ApiError("error_param", "Wrong parameters, detail: seller_stock is required.")
            stock = sum(int(s.get("stock", 0)) for s in entry["seller_stock"])
            gtin = self._check_gtin(item.category_id, entry.get("gtin_code"), present="gtin_code" in entry)
            created.append(Model(model_id=next(self._ids), tier_index=list(index), model_sku=sku,
                                 original_price=self._check_price(entry.get("original_price")), stock=stock,
                                 gtin_code=gtin, weight=entry.get("weight"), dimension=entry.get("dimension")))
        return created

    def _api_add_model(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        if not item.tier_variation:
            raise ApiError("error_tier_var_is_",
                           "Item without tier-variation. Please use init_tier_variation api to upgrade the structure.")
        entries = data.get("model_list")
        if not isinstance(entries, list):
            raise ApiError("error_param", "Wrong parameters, detail: model_list is required.")
        created = self._new_models(item, item.tier_variation, entries, taken=item.models)
        item.models.extend(created)
        item.update_time = int(self.now())
        return {"model": [_model_json(m) for m in created]}

    def _api_update_model(self, shop: Shop, query, data) -> dict:
        """A model's SKU, GTIN, weight or size (docs/marketplaces/shopee.md, update_model)."""
        item = self._item(shop, data.get("item_id"))
        entries = data.get("model")
        if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_MODELS:
            raise ApiError("error_param", "Wrong parameters, detail: model must hold 1 to 50 models.")
        models = {m.model_id: m for m in item.models}
        changes = []
        for entry in entries:
            model = models.get(entry.get("model_id")) if isinstance(entry, dict) else None
            if model is None:
                raise ApiError("error_model_invalid_model_id", "Invalid model_id.")
            if "model_sku" not in entry or len(str(entry["model_sku"])) > 100:
                raise ApiError("error_param", "Wrong parameters, detail: model_sku is required (at most 100 characters).")
            gtin = self._check_gtin(item.category_id, entry["gtin_code"], present=True) if "gtin_code" in entry else None
            changes.append((model, entry, gtin))
        for model, entry, gtin in changes:
            model.model_sku = str(entry["model_sku"])
            if gtin is not None:
                model.gtin_code = gtin
            for key in ("weight", "dimension"):
                if key in entry:
                    setattr(model, key, entry[key])
        item.update_time = int(self.now())
        return {}

    def _api_update_tier_variation(self, shop: Shop, query, data) -> dict:
        """Adds, removes or reorders options without changing the number of tiers; ``model_list`` says where
        each existing model sits afterwards (models not named keep their index). docs/marketplaces/shopee.md,
        update_tier_variation."""
        item = self._item(shop, data.get("item_id"))
        if not item.tier_variation:
            raise ApiError("error_tier_var_is_",
                           "Item without tier-variation. Please use init_tier_variation api to upgrade the structure.")
        tiers, standardise, used = self._tiers_from(item, data)
        if len(tiers) != len(item.tier_variation):
            raise ApiError("error_tier_var_level_not_same", "Item tier-variation level not same")
        self._check_tiers(tiers, item.category_id)
        models = {m.model_id: m for m in item.models}
        moved: dict[int, list[int]] = {}
        for entry in data.get("model_list") or []:
            model_id = entry.get("model_id") if isinstance(entry, dict) else None
            if model_id not in models:
                raise ApiError("error_wrong_modelid",
                               f"The model_id is wrong or not related to this item, model_id:{model_id}")
            if model_id in moved:
                raise ApiError("error_duplicate_modelid", "Duplicate model_id.")
            index = entry.get("tier_index")
            if not isinstance(index, list) or len(index) != len(tiers):
                raise ApiError("error_model_tier_index_level_mismatch_var_level", "Model tier_index level mismatch.")
            moved[model_id] = list(index)
        placed = {m.model_id: moved.get(m.model_id, m.tier_index) for m in item.models}
        for index in placed.values():
            if any(not isinstance(i, int) or not 0 <= i < len(t["option_list"]) for i, t in zip(index, tiers, strict=True)):
                raise ApiError("error_tier_index", "The tier_index is not exist")
        if len({tuple(i) for i in placed.values()}) != len(placed):
            raise ApiError("error_model_duplicate_tier_variation_index", "Item have duplicate tier_index.")
        for model in item.models:
            model.tier_index = placed[model.model_id]
        item.tier_variation = tiers
        item.standardise_tier_variation = standardise
        item.tier_structure = used
        item.update_time = int(self.now())
        return {"item_id": item.item_id, "tier_variation": tiers}

    def _api_get_model_list(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, _int(query.get("item_id", [""])[0]))
        return {"tier_variation": item.tier_variation, "standardise_tier_variation": item.standardise_tier_variation,
                "model": [_model_json(m) for m in item.models]}

    def _price_stock_list(self, data, key) -> list:
        entries = data.get(key)
        if not isinstance(entries, list) or not 1 <= len(entries) <= 50:
            raise ApiError("error_param", f"Wrong parameters, detail: {key} must hold 1 to 50 entries.")
        return entries

    def _api_update_price(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        entries = self._price_stock_list(data, "price_list")
        success, failure = [], []
        models = {m.model_id: m for m in item.models}
        for entry in entries:
            model_id = entry.get("model_id", 0)
            price = entry.get("original_price")
            try:
                value = self._check_price(price)
            except ApiError as exc:
                failure.append({"model_id": model_id, "failed_reason": exc.message})
                continue
            if model_id == 0 and not models:
                item.original_price = value
            elif model_id in models:
                models[model_id].original_price = value
            else:
                failure.append({"model_id": model_id, "failed_reason": "model_id not found"})
                continue
            success.append({"model_id": model_id, "original_price": value})
        item.update_time = int(self.now())
        response = {"success_list": success, "failure_list": failure}
        if failure:
            response["_warning"] = "some models failed, check failure_list"
        return response

    def _api_update_stock(self, shop: Shop, query, data) -> dict:
        item = self._item(shop, data.get("item_id"))
        entries = self._price_stock_list(data, "stock_list")
        success, failure = [], []
        models = {m.model_id: m for m in item.models}
        for entry in entries:
            model_id = entry.get("model_id", 0)
            stock = sum(int(s.get("stock", 0)) for s in entry.get("seller_stock") or [])
            target = models.get(model_id) if models else (item if model_id == 0 else None)
            if target is None:
                failure.append({"model_id": model_id, "failed_reason": "model_id not found"})
                continue
            if stock < getattr(target, "reserved", 0):
                failure.append({"model_id": model_id, "failed_reason": "stock cannot be less than reserved stock"})
                continue
            target.stock = stock
            success.append({"model_id": model_id, "seller_stock": [{"stock": stock}]})
        item.update_time = int(self.now())
        response = {"success_list": success, "failure_list": failure}
        if failure:
            response["_warning"] = "some models failed, check failure_list"
        return response

    def _api_get_item_list(self, shop: Shop, query, data) -> dict:
        statuses = query.get("item_status") or []
        if not statuses:
            raise ApiError("error_param", "Wrong parameters, detail: item_status is required.")
        if any(status not in ITEM_STATUSES for status in statuses):
            raise ApiError("error_param_item_status", "Item status error.")
        offset = _int(query.get("offset", ["0"])[0]) or 0
        page_size = _int(query.get("page_size", ["10"])[0]) or 0
        if not 1 <= page_size <= 100:
            raise ApiError("error_param", "Wrong parameters, detail: page_size must be 1 to 100.")
        since = _int(query.get("update_time_from", [""])[0])
        until = _int(query.get("update_time_to", [""])[0])
        if since is not None and until is not None and until < since:
            raise ApiError("error_update_time_range", "Update_time_to should be later than update_time_from.")
        items = [i for i in shop.items.values() if i.item_status in statuses
                 and (since is None or i.update_time >= since) and (until is None or i.update_time <= until)]
        page = items[offset:offset + page_size]
        has_next = offset + page_size < len(items)
        return {"item": [{"item_id": i.item_id, "item_status": i.item_status, "update_time": i.update_time} for i in page],
                "total_count": len(items), "has_next_page": has_next, "next_offset": offset + len(page)}

    def _api_get_item_base_info(self, shop: Shop, query, data) -> dict:
        ids = _parse_id_list(query.get("item_id_list", [""]))
        if len(ids) > 50:
            raise ApiError("error_param", "Wrong parameters, detail: item_id_list must hold at most 50 ids.")
        out = []
        for item_id in ids:
            item = shop.items.get(item_id)
            if item is None:
                continue
            entry = {"item_id": item.item_id, "item_sku": item.item_sku, "item_name": item.item_name,
                     "item_status": item.item_status, "category_id": item.category_id,
                     "has_model": bool(item.models), "create_time": item.create_time, "update_time": item.update_time,
                     "image": {"image_id_list": item.image_ids}, "weight": item.weight,
                     "dimension": item.dimension or {}, "attribute_list": item.attribute_list,
                     "logistic_info": item.logistic_info, "gtin_code": item.gtin_code}
            if not item.models:
                entry["price_info"] = [{"original_price": item.original_price, "current_price": item.original_price}]
                entry["stock_info_v2"] = {"seller_stock": [{"stock": item.stock}]}
            out.append(entry)
        return {"item_list": out}

    def _api_unlist_item(self, shop: Shop, query, data) -> dict:
        entries = data.get("item_list")
        if not isinstance(entries, list) or not 1 <= len(entries) <= 50:
            raise ApiError("error_param", "Wrong parameters, detail: item_list must hold 1 to 50 entries.")
        success, failure = [], []
        for entry in entries:
            item = shop.items.get(entry.get("item_id"))
            if item is None or item.item_status in DELETED_STATUSES:
                failure.append({"item_id": entry.get("item_id"), "failed_reason": "item not found"})
                continue
            if item.item_status in ("REVIEWING", "BANNED"):
                failure.append({"item_id": item.item_id, "failed_reason": "Banned and Reviewing Products cannot be delisted"})
                continue
            item.item_status = "UNLIST" if entry.get("unlist") else "NORMAL"
            item.update_time = int(self.now())
            success.append({"item_id": item.item_id, "unlist": bool(entry.get("unlist"))})
        return {"success_list": success, "failure_list": failure}
