"""The TikTok Shop simulator against the documentation (docs/marketplaces/tiktok.md, Sandbox test cases), by raw signed HTTP.

These tests do not use the connector: they sign requests with the documented algorithm themselves, so a
simulator that drifted from the documentation fails here even if the connector drifted with it.
"""

import hashlib
import hmac
import json
import time

import pytest
import requests

from marketplace_sandbox.tiktok import TikTokSimulator
from tests.marketplace_connectors.factories import png_bytes

APP_KEY = "29a39d"  # the documented signing example's app
APP_SECRET = "e59af819cc"

V = "202309"


def sign(path: str, query: dict, body: bytes = b"", secret: str = APP_SECRET) -> str:
    base = secret + path + "".join(f"{k}{query[k]}" for k in sorted(query) if k not in ("sign", "access_token"))
    return hmac.new(secret.encode(), base.encode() + body + secret.encode(), hashlib.sha256).hexdigest()


class Api:
    """A minimal hand-written TikTok client for the tests: signs as documented, nothing more."""

    def __init__(self, sim: TikTokSimulator) -> None:
        self.sim = sim
        shop = sim.shop()
        code = sim.issue_code()
        answer = requests.get(f"{sim.url}/api/v2/token/get", params={
            "app_key": APP_KEY, "app_secret": APP_SECRET, "auth_code": code, "grant_type": "authorized_code"}, timeout=5).json()
        self.tokens = answer["data"]
        self.token = self.tokens["access_token"]
        self.cipher = shop.cipher

    def call(self, method: str, path: str, *, body=None, params=None, shop=True, token=None, timestamp=None,
             signature=None, files=None, drop=()):
        query = {"app_key": APP_KEY, "timestamp": int(time.time()) if timestamp is None else timestamp, **(params or {})}
        if shop:
            query["shop_cipher"] = self.cipher
        raw = b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        query["sign"] = signature if signature is not None else sign(path, query, b"" if files else raw)
        for name in drop:
            query.pop(name, None)
        headers = {"x-tts-access-token": self.token if token is None else token}
        if files is None:
            headers["Content-Type"] = "application/json"
        response = requests.request(method, self.sim.url + path, params=query, data=raw if files is None else None,
                                    files=files, headers=headers, timeout=5)
        return response.status_code, response.json()

    def upload(self) -> str:
        _status, answer = self.call("POST", f"/product/{V}/images/upload", shop=False,
                                    files={"data": ("a.png", png_bytes()), "use_case": (None, "MAIN_IMAGE")})
        return answer["data"]["uri"]

    def product_body(self, **overrides) -> dict:
        warehouse = self.sim.shop().warehouses[0]
        body = {
            "title": "Gạo ST25 Đồng Tháp thơm dẻo túi 5 kg", "description": "<p>Gạo mới</p>", "category_id": "600101",
            "main_images": [{"uri": self.upload()}], "package_weight": {"value": "5", "unit": "KILOGRAM"},
            "product_attributes": [{"id": "100101", "values": [{"id": "1001011"}]},
                                   {"id": "100102", "values": [{"name": "12 tháng"}]}],
            "skus": [{"seller_sku": "ST25-5KG", "price": {"amount": "185000", "currency": "VND"},
                      "inventory": [{"warehouse_id": warehouse, "quantity": 20}]}],
            "save_mode": "LISTING",
        }
        body.update(overrides)
        return body


@pytest.fixture
def sim():
    with TikTokSimulator(app_key=APP_KEY, app_secret=APP_SECRET) as simulator:
        yield simulator


@pytest.fixture
def api(sim):
    return Api(sim)


def test_the_documented_signing_example_is_what_the_simulator_expects(sim):
    # §3.2: secret e59af819cc, GET /authorization/202309/shops, app_key=29a39d, timestamp=1623812664
    assert sim.expected_sign("/authorization/202309/shops", {"app_key": "29a39d", "timestamp": "1623812664"}, b"") == \
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    body = '{"title":"Gạo ST25 Đồng Tháp"}'.encode()
    assert sim.expected_sign("/product/202309/products", {"app_key": "29a39d", "shop_cipher": "ROW_test",
                                                          "timestamp": "1623812664"}, body) == \
        "c06d42b75ebd153d272be24c9da1f3d1b2d92a383aa4d61c577f68d9f2667628"


def test_a_signed_call_succeeds_in_the_documented_envelope(api):
    status, answer = api.call("GET", f"/authorization/{V}/shops", shop=False)
    assert status == 200 and answer["code"] == 0 and answer["message"] == "Success" and answer["request_id"]
    assert answer["data"]["shops"][0]["cipher"] == api.cipher


def test_a_wrong_signature_is_106001_and_a_missing_one_36009004(api):
    assert api.call("GET", f"/product/{V}/categories", signature="0" * 64)[1]["code"] == 106001
    assert api.call("GET", f"/product/{V}/categories", drop=("sign",))[1]["code"] == 36009004


def test_the_signature_covers_the_body(api):
    path = f"/product/{V}/products/search"
    query = {"app_key": APP_KEY, "timestamp": int(time.time()), "shop_cipher": api.cipher, "page_size": 10}
    query["sign"] = sign(path, query, b'{"seller_skus":["A"]}')
    answer = requests.post(api.sim.url + path, params=query, data=b'{"seller_skus":["B"]}',
                           headers={"x-tts-access-token": api.token, "Content-Type": "application/json"}, timeout=5).json()
    assert answer["code"] == 106001


@pytest.mark.parametrize(("offset", "words"), [(-301, "5 minutes"), (31, "30 seconds")])
def test_a_timestamp_outside_the_window_is_36009004(api, offset, words):
    status, answer = api.call("GET", f"/product/{V}/categories", timestamp=int(time.time()) + offset)
    assert answer["code"] == 36009004 and words in answer["message"]


def test_a_missing_or_unknown_token_is_36009004_and_an_expired_one_105002(api, sim):
    assert api.call("GET", f"/product/{V}/categories", token="")[1]["code"] == 36009004
    assert api.call("GET", f"/product/{V}/categories", token="ROW_forged")[1]["code"] == 36009004
    sim.expire_access_tokens()
    assert api.call("GET", f"/product/{V}/categories")[1]["code"] == 105002


def test_shop_cipher_is_required_on_shop_apis_and_refused_elsewhere(api):
    assert api.call("GET", f"/product/{V}/categories", shop=False)[1]["code"] == 106013
    assert api.call("GET", f"/authorization/{V}/shops", shop=True)[1]["code"] == 36009004


def test_more_than_50_requests_a_second_per_shop_and_api_answer_429():
    with TikTokSimulator(app_key=APP_KEY, app_secret=APP_SECRET, rate_limit_per_second=5) as small:
        api = Api(small)
        answers = [api.call("GET", f"/product/{V}/categories") for _ in range(6)]
        assert [s for s, _a in answers[:5]] == [200] * 5
        assert answers[5][0] == 429 and answers[5][1]["code"] == 36009002
        assert api.call("GET", f"/logistics/{V}/warehouses")[0] == 200  # another API has its own window


def test_the_same_idempotency_key_twice_returns_the_first_product(api, sim):
    body = api.product_body(idempotency_key="6f1c5e1e-8d4f-4c59-9a3e-1b0b2f6a7c01")
    first = api.call("POST", f"/product/{V}/products", body=body)[1]
    second = api.call("POST", f"/product/{V}/products", body=body)[1]
    assert first["code"] == second["code"] == 0
    assert first["data"]["product_id"] == second["data"]["product_id"]
    assert len(sim.live_products()) == 1
    assert api.call("POST", f"/product/{V}/products", body=api.product_body(idempotency_key="k" * 129))[1]["code"] == 12052910


def test_more_than_100_skus_is_12052050(api, sim):
    warehouse = sim.shop().warehouses[0]
    skus = [{"seller_sku": f"S{n}", "sales_attributes": [{"name": "Loại", "value_name": f"{n}"}],
             "price": {"amount": "10000", "currency": "VND"}, "inventory": [{"warehouse_id": warehouse, "quantity": 1}]}
            for n in range(101)]
    assert api.call("POST", f"/product/{V}/products", body=api.product_body(skus=skus))[1]["code"] == 12052050
    assert sim.live_products() == []


@pytest.mark.parametrize(("overrides", "code"), [
    ({"category_id": "600001"}, 12052024),
    ({"category_id": "999999"}, 12052023),
    ({"main_images": []}, 12052028),
    # docs/marketplaces/tiktok.md P1, P11, P8 (R-create's own codes)
    ({"title": "Gạo ngon"}, 12052051),
    ({"title": "G" * 256}, 12052051),
    ({"title": ""}, 12052261),
    ({"product_attributes": []}, 12052104),
    ({"package_weight": None}, 12052006),
    ({"package_weight": {"value": "0", "unit": "KILOGRAM"}}, 12052181),
])
def test_create_refuses_what_the_documentation_refuses(api, sim, overrides, code):
    assert api.call("POST", f"/product/{V}/products", body=api.product_body(**overrides))[1]["code"] == code
    assert sim.live_products() == []


@pytest.mark.parametrize("quantity", [0, 100_000])
def test_an_inventory_outside_1_to_99999_is_12052055(api, sim, quantity):
    body = api.product_body()
    body["skus"][0]["inventory"][0]["quantity"] = quantity
    assert api.call("POST", f"/product/{V}/products", body=body)[1]["code"] == 12052055


def test_a_new_product_is_pending_until_the_audit_decides_and_the_decision_is_pushed(api, sim):
    pushes = []
    receiver = _Receiver(pushes).start()
    try:
        sim.push_url = f"{receiver.url}/push"
        product_id = api.call("POST", f"/product/{V}/products", body=api.product_body())[1]["data"]["product_id"]
        assert api.call("GET", f"/product/{V}/products/{product_id}")[1]["data"]["status"] == "PENDING"
        sim.decide_audit(product_id, approve=False, reason="Ảnh chính bị mờ")
        product = api.call("GET", f"/product/{V}/products/{product_id}", params={"locale": "vi-VN"})[1]["data"]
        assert product["status"] == "FAILED" and product["audit_failed_reasons"][0]["reasons"] == ["Ảnh chính bị mờ"]
        sim.wait_for_deliveries()
        body, signature = pushes[0]
        webhook = json.loads(body)
        assert webhook["type"] == 5 and webhook["data"]["product_id"] == int(product_id)
        # G-wh5: the event word, and the product id as a number
        assert webhook["data"]["status"] == "PRODUCT_AUDIT_FAILURE" and webhook["data"]["suspended_reason"] == "Ảnh chính bị mờ"
        assert signature == hmac.new(APP_SECRET.encode(), APP_KEY.encode() + body, hashlib.sha256).hexdigest()
    finally:
        receiver.stop()


def test_edit_is_a_full_overwrite_except_price_and_inventory(api, sim):
    created = api.call("POST", f"/product/{V}/products", body=api.product_body(package_dimensions={
        "length": "30", "width": "20", "height": "10", "unit": "CENTIMETER"}))[1]["data"]
    sku_id = created["skus"][0]["id"]
    body = api.product_body(title="Gạo ST25 Đồng Tháp thơm dẻo túi 5 kg mới",
                            skus=[{"id": sku_id, "seller_sku": "ST25-5KG"}])
    assert api.call("PUT", f"/product/{V}/products/{created['product_id']}", body=body)[1]["code"] == 0
    product = api.call("GET", f"/product/{V}/products/{created['product_id']}")[1]["data"]
    assert "package_dimensions" not in product  # left out: cleared
    assert product["skus"][0]["price"]["sale_price"] == "185000"  # left out: kept
    assert product["skus"][0]["inventory"][0]["quantity"] == 20


def test_an_inventory_update_must_name_every_warehouse_and_the_product_must_be_live(api, sim):
    sim.shop().warehouses.append("7300000000000000099")
    warehouses = sim.shop().warehouses
    body = api.product_body()
    body["skus"][0]["inventory"] = [{"warehouse_id": w, "quantity": 5} for w in warehouses]
    created = api.call("POST", f"/product/{V}/products", body=body)[1]["data"]
    path = f"/product/{V}/products/{created['product_id']}/inventory/update"
    one = {"skus": [{"id": created["skus"][0]["id"], "inventory": [{"warehouse_id": warehouses[0], "quantity": 3}]}]}
    assert api.call("POST", path, body=one)[1]["code"] == 12052901  # still PENDING (R-inventory: ACTIVATE only)
    sim.decide_audit(created["product_id"], approve=True)
    assert api.call("POST", path, body=one)[1]["code"] == 12019028
    both = {"skus": [{"id": created["skus"][0]["id"], "inventory": [{"warehouse_id": w, "quantity": 3} for w in warehouses]}]}
    assert api.call("POST", path, body=both)[1]["code"] == 0
    assert sim.stock_of(shop_id=sim.shop().shop_id, sku="ST25-5KG") == 6


def test_the_code_works_once_and_refresh_rotates_the_pair_with_absolute_expiries(sim):
    code = sim.issue_code()
    params = {"app_key": APP_KEY, "app_secret": APP_SECRET, "auth_code": code, "grant_type": "authorized_code"}
    first = requests.get(f"{sim.url}/api/v2/token/get", params=params, timeout=5).json()
    again = requests.get(f"{sim.url}/api/v2/token/get", params=params, timeout=5).json()
    assert first["code"] == 0 and again["code"] != 0
    data = first["data"]
    assert data["access_token_expire_in"] > time.time() + 6 * 24 * 3600  # a Unix time 7 days ahead, not a duration
    refresh = {"app_key": APP_KEY, "app_secret": APP_SECRET, "refresh_token": data["refresh_token"],
               "grant_type": "refresh_token"}
    rotated = requests.get(f"{sim.url}/api/v2/token/refresh", params=refresh, timeout=5).json()
    assert rotated["code"] == 0 and rotated["data"]["refresh_token"] != data["refresh_token"]
    assert requests.get(f"{sim.url}/api/v2/token/refresh", params=refresh, timeout=5).json()["code"] != 0


def test_a_code_older_than_30_minutes_is_refused(sim):
    code = sim.issue_code()
    sim.advance(31 * 60)
    params = {"app_key": APP_KEY, "app_secret": APP_SECRET, "auth_code": code, "grant_type": "authorized_code"}
    assert requests.get(f"{sim.url}/api/v2/token/get", params=params, timeout=5).json()["code"] != 0


class _Receiver:
    """Our side of a webhook: records (raw body, Authorization)."""

    def __init__(self, sink):
        from marketplace_sandbox.base import SimulatorServer
        from marketplace_sandbox.exchange import Response

        class Server(SimulatorServer):
            def handle(self, request):
                sink.append((request.body, request.header("Authorization")))
                return Response(status=200)

        self.server = Server()

    def start(self):
        self.server.start()
        return self

    @property
    def url(self):
        return self.server.url

    def stop(self):
        self.server.stop()
