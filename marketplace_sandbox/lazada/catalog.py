"""The sandbox Lazada's seller, category and image APIs (upload and migrate)."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import urllib.request
import uuid
from urllib.parse import urlsplit

from .state import CDN, MAX_MIGRATE_URLS, SYSTEM_ATTRIBUTES, ApiError, _as_list, _image_size, _int, _payload


class LazadaCatalog:
    """The seller, category and image APIs, and images hosted for tests."""

    def host_image(self, content: bytes = b"") -> str:
        """Register an image as if uploaded; its Lazada-hosted URL."""
        digest = hashlib.md5(content or uuid.uuid4().bytes, usedforsecurity=False).hexdigest()
        url = f"{CDN}{digest}{uuid.uuid4().hex[:6]}.jpg"
        with self.lock:
            self.images[url] = len(content)
        return url

    def _api_seller_get(self, seller_id, params, files) -> dict:
        seller = self.sellers[seller_id]
        return {"seller_id": int(seller.seller_id), "name": seller.name, "name_company": seller.name,
                "short_code": f"VN{seller.seller_id[-5:]}", "email": f"shop{seller.seller_id}@example.vn",
                "cb": False, "location": "Đồng Tháp", "status": "ACTIVE", "verified": True}

    def _api_category_tree_get(self, seller_id, params, files) -> list:
        return self.categories

    def _api_product_category_suggestion_get(self, seller_id, params, files) -> dict:
        """GetCategorySuggestion (docs/marketplaces/lazada.md): ``product_name`` required; answers
        ``categorySuggestions`` {categoryId, categoryName, categoryPath}, or 701 "Empty category suggestion."
        when none fits. Lazada's ranking is not published: the sandbox ranks the leaf categories by the words of
        their name found in the product name (U)."""
        name = str(params.get("product_name") or "").strip()
        if not name:
            raise ApiError("1", "E001: Parameter product_name is mandatory")
        words = set(re.findall(r"\w+", name.lower()))
        found = []

        def walk(nodes, path):
            for node in nodes:
                trail = [*path, str(node["name"])]
                if node.get("leaf"):
                    score = len(words & set(re.findall(r"\w+", str(node["name"]).lower())))
                    if score:
                        found.append((-score, int(node["category_id"]), trail))
                walk(node.get("children") or [], trail)

        walk(self.categories, [])
        if not found:
            raise ApiError("701", "Empty category suggestion.")
        return {"categorySuggestions": [{"categoryId": category_id, "categoryName": trail[-1],
                                         "categoryPath": "/".join(trail)} for _score, category_id, trail in sorted(found)]}

    def _leaves(self) -> set[int]:
        found: set[int] = set()

        def walk(nodes):
            for node in nodes:
                if node.get("leaf"):
                    found.add(int(node["category_id"]))
                walk(node.get("children") or [])

        walk(self.categories)
        return found

    def _all_categories(self) -> set[int]:
        found: set[int] = set()

        def walk(nodes):
            for node in nodes:
                found.add(int(node["category_id"]))
                walk(node.get("children") or [])

        walk(self.categories)
        return found

    def _api_category_attributes_get(self, seller_id, params, files) -> list:
        category = _int(params.get("primary_category_id"))
        if category is None:
            raise ApiError("1", "E001: Parameter primary_category_id is mandatory")
        if category not in self.attributes:
            raise ApiError("201", f"E201: {category} Invalid CategoryId")
        return SYSTEM_ATTRIBUTES + self.attributes[category]

    def _api_category_brands_query(self, seller_id, params, files) -> dict:
        """GetBrandByPages (docs/marketplaces/lazada.md): ``startRow`` and ``pageSize`` (at most 200)."""
        start, size = _int(params.get("startRow")), _int(params.get("pageSize"))
        if start is None or size is None or start < 0 or not 1 <= size <= 200:
            raise ApiError("5", "E005: Invalid Request Format: startRow and pageSize (1 to 200) are mandatory")
        page = self.brands[start:start + size]
        total = len(self.brands)
        return {"start_row": start, "page_index": start // size + 1, "page_size": size, "total_record": total,
                "total_page": (total + size - 1) // size, "enable_total": True, "module": page}

    def _check_image(self, content: bytes) -> str:
        """'' when Lazada would take the image, else the error code."""
        if len(content) > self.image_max_bytes:
            return "303"
        size = _image_size(content)
        if size is None:
            return "300"
        if max(size) > 5000:
            return "303"
        if min(size) < 330:
            return "300"
        return ""

    def _api_image_upload(self, seller_id, params, files) -> dict:
        if "image" not in files:
            if params.get("image"):
                raise ApiError("302", "Not supported URL: the image field should be passed in as a stream")
            raise ApiError("30", "E030: Empty Request")
        content = files["image"]
        problem = self._check_image(content)
        if problem == "303":
            raise ApiError("303", "E303: The image is too large")
        if problem:
            raise ApiError("300", "E300: Upload Image Failed")
        url = self.host_image(content)
        return {"image": {"url": url, "hash_code": url.rsplit("/", 1)[-1][:32]}}

    def _fetch(self, url: str) -> bytes:
        if self.image_fetcher is not None:
            return self.image_fetcher(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (parts.port not in (None, 80, 443)):
            raise ValueError("port")
        try:
            ipaddress.ip_address(parts.hostname or "")
        except ValueError:
            pass  # a host name, as Lazada requires
        else:
            raise ValueError("Lazada does not download from IP literals")
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - scheme checked above
            return response.read(self.image_max_bytes * 4)

    def _migrate_one(self, url: str) -> tuple[dict | None, dict | None]:
        try:
            content = self._fetch(url)
        except Exception:  # noqa: BLE001 - any download failure is Lazada's "Not supported URL"
            return None, {"field": url, "msg": "Not supported URL", "original_url": url, "code": "302"}
        problem = self._check_image(content)
        if problem:
            return None, {"field": url, "msg": "The image is too large" if problem == "303" else "Migrate Image Failed",
                          "original_url": url, "code": problem}
        hosted = self.host_image(content)
        return {"url": hosted, "hash_code": hosted.rsplit("/", 1)[-1][:32]}, None

    def _api_image_migrate(self, seller_id, params, files) -> dict:
        request = _payload(params, "payload").get("Request") or {}
        url = (request.get("Image") or {}).get("Url")
        if not url:
            raise ApiError("30", "E030: Empty Request")
        image, error = self._migrate_one(str(url))
        if error:
            raise ApiError(error["code"], f"E{error['code']}: {error['msg']}")
        return {"image": image}

    def _api_images_migrate(self, seller_id, params, files) -> dict:
        request = _payload(params, "payload").get("Request") or {}
        urls = _as_list((request.get("Images") or {}).get("Url"))
        if not urls:
            raise ApiError("30", "E030: Empty Request")
        if len(urls) > MAX_MIGRATE_URLS:
            raise ApiError("5", f"E005: Invalid Request Format: at most {MAX_MIGRATE_URLS} images per call")
        images, errors = [], []
        for url in urls:
            image, error = self._migrate_one(str(url))
            (images if image else errors).append(image or {k: v for k, v in error.items() if k != "code"})
        batch_id = uuid.uuid4().hex[:26]
        self.migrations[batch_id] = {"images": images, "errors": errors}
        return {"_top_level": True, "batch_id": batch_id}

    def _api_image_response_get(self, seller_id, params, files) -> dict:
        found = self.migrations.get(params.get("batch_id", ""))
        if found is None:
            raise ApiError("5", "E005: Invalid Request Format: unknown batch_id")
        return found
