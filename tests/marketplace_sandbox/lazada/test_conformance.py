"""The Lazada simulator against the documentation (docs/marketplaces/lazada.md, Sandbox test cases), independent of the connector.

Requests are built by hand here with the documented algorithm, so a mistake shared by the connector and
the simulator cannot hide. Where Lazada documents no code (a stale timestamp), the simulator's own code
``SimulatorInvalidTimestamp`` is asserted and named as such.
"""

import datetime as dt
import hashlib
import hmac
import io
import json
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from PIL import Image

from marketplace_sandbox.lazada import LazadaSimulator

APP_KEY = "123456"
SECRET = "test_secret"
SELLER = "200100300"


def sign(path: str, params: dict) -> str:
    """docs/marketplaces/lazada.md, Signing (G-sign): path + sorted key+value (no sign, no files), HMAC-SHA256, UPPER-case hex."""
    base = path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")
    return hmac.new(SECRET.encode(), base.encode(), hashlib.sha256).hexdigest().upper()


def now_ms() -> str:
    return str(int(time.time() * 1000))


@pytest.fixture
def sim():
    with LazadaSimulator(app_key=APP_KEY, app_secret=SECRET) as s:
        yield s


def call(sim, method, path, params=None, *, token=None, timestamp=None, signature=None, drop=(), files=None,
         session=None):
    query = {"app_key": APP_KEY, "timestamp": timestamp or now_ms(), "sign_method": "sha256", **(params or {})}
    if token is not None:
        query["access_token"] = token
    query["sign"] = signature or sign(path, query)
    for name in drop:
        query.pop(name, None)
    http = session or requests
    if method == "GET":
        response = http.get(sim.url + "/rest" + path, params=query, timeout=5)
    else:
        response = http.post(sim.url + "/rest" + path, data=query, files=files, timeout=5)
    return response


def token_pair(sim) -> dict:
    code, _seller = sim.issue_code(SELLER)
    return call(sim, "POST", "/auth/token/create", {"code": code}).json()


def access(sim) -> str:
    return token_pair(sim)["access_token"]


def jpeg(side=400, quality=90, noise=False) -> bytes:
    image = Image.new("RGB", (side, side), (200, 120, 40))
    if noise:
        image = Image.effect_noise((side, side), 120).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def product_payload(sim, *, skus=None, category="10000101", images=None, attributes=None) -> str:
    image = sim.host_image(b"x") if images is None else None
    product = {
        "PrimaryCategory": category,
        "Images": {"Image": images if images is not None else [image]},
        "Attributes": attributes or {"name": "Gạo ST25 Đồng Tháp", "brand_id": "30039", "origin": "Việt Nam",
                                     "shelf_life": "12 tháng"},
        "Skus": {"Sku": skus or [{"SellerSku": "ST25-1", "price": "120000", "quantity": "5", "package_weight": "1.05",
                                  "package_length": "20", "package_width": "15", "package_height": "5"}]},
    }
    return json.dumps({"Request": {"Product": product}}, ensure_ascii=False)


def create(sim, token, **kwargs):
    return call(sim, "POST", "/product/create", {"payload": product_payload(sim, **kwargs)}, token=token).json()


# --- signing ---------------------------------------------------------------------------------------------
def test_the_documented_signature_vector():
    # given the vector computed with the official lazop_sdk.sign() (docs/marketplaces/lazada.md, Signing)
    params = {"app_key": "123456", "timestamp": "1700000000000", "sign_method": "sha256", "access_token": "test_token",
              "payload": '{"Request":{"Product":{"PrimaryCategory":"10002019","Attributes":{"name":"Gạo ST25 Đồng Tháp",'
                         '"brand":"No Brand"}}}}'}
    # then both this test's signer and the simulator's agree with it
    expected = "5822B83CEFD97AD7FBAD8949B50C54A3C1280DFC222AC24F3FC24ADDF78E3EB8"
    assert sign("/product/create", params) == expected
    assert LazadaSimulator(app_key="123456", app_secret=SECRET).expected_sign("/product/create", params) == expected


def test_a_correctly_signed_request_is_accepted_with_the_success_envelope(sim):
    # when
    response = call(sim, "GET", "/seller/get", token=access(sim))
    # then
    body = response.json()
    assert response.status_code == 200 and body["code"] == "0" and body["request_id"]
    assert body["data"]["seller_id"] == int(SELLER) and body["data"]["name"] == "Đặc sản Sen Đồng Tháp"


def test_an_iso_timestamp_is_accepted_as_documented(sim):
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert call(sim, "GET", "/seller/get", token=access(sim), timestamp=stamp).json()["code"] == "0"


@pytest.mark.parametrize("missing", ["sign", "app_key", "timestamp"])
def test_a_missing_system_parameter_is_missing_parameter(sim, missing):
    # when
    response = call(sim, "GET", "/seller/get", token=access(sim), drop=(missing,))
    # then the documented error envelope, still HTTP 200
    body = response.json()
    assert response.status_code == 200
    assert (body["type"], body["code"]) == ("ISV", "MissingParameter") and missing in body["message"]
    assert body["request_id"]


def test_a_wrong_signature_is_incomplete_signature(sim):
    token = access(sim)
    wrong = call(sim, "GET", "/seller/get", token=token, signature="0" * 64).json()
    assert wrong["code"] == "IncompleteSignature"
    assert wrong["message"] == "The request signature does not conform to lazop standards"


def test_a_lower_case_signature_is_refused(sim):
    # the documentation says UPPER-case hex; the simulator holds clients to it
    token = access(sim)
    stamp = now_ms()
    params = {"app_key": APP_KEY, "timestamp": stamp, "sign_method": "sha256", "access_token": token}
    lower = sign("/seller/get", params).lower()
    assert call(sim, "GET", "/seller/get", token=token, timestamp=stamp, signature=lower).json()["code"] == "IncompleteSignature"


def test_a_signature_over_other_parameters_is_refused(sim):
    # given a request signed without its business parameter
    token = access(sim)
    stamp = now_ms()
    signed_without = sign("/category/attributes/get", {"app_key": APP_KEY, "timestamp": stamp, "sign_method": "sha256",
                                                       "access_token": token})
    # when the parameter is sent anyway
    body = call(sim, "GET", "/category/attributes/get", {"primary_category_id": "10000101"}, token=token,
                timestamp=stamp, signature=signed_without).json()
    # then
    assert body["code"] == "IncompleteSignature"


def test_a_stale_timestamp_is_refused_with_the_simulators_own_code(sim):
    token = access(sim)
    stale = str(int((time.time() - 7201) * 1000))
    recent = str(int((time.time() - 7000) * 1000))
    # Lazada documents no code for this: SimulatorInvalidTimestamp is the simulator's
    assert call(sim, "GET", "/seller/get", token=token, timestamp=stale).json()["code"] == "SimulatorInvalidTimestamp"
    assert call(sim, "GET", "/seller/get", token=token, timestamp=recent).json()["code"] == "0"


def test_an_unknown_app_key_is_refused(sim):
    query = {"app_key": "999", "timestamp": now_ms(), "sign_method": "sha256"}
    query["sign"] = sign("/seller/get", query)
    assert requests.get(sim.url + "/rest/seller/get", params=query, timeout=5).json()["code"] == "APP_KEY_INVALID"


# --- tokens --------------------------------------------------------------------------------------------------
def test_token_create_answers_the_documented_fields(sim):
    body = token_pair(sim)
    assert body["code"] == "0"
    assert int(body["expires_in"]) == 7 * 24 * 3600 and int(body["refresh_expires_in"]) == 30 * 24 * 3600
    assert body["country"] == "vn"
    assert body["country_user_info"][0]["seller_id"] == SELLER


def test_a_code_works_once(sim):
    code, _seller = sim.issue_code(SELLER)
    assert call(sim, "POST", "/auth/token/create", {"code": code}).json()["code"] == "0"
    assert call(sim, "POST", "/auth/token/create", {"code": code}).json()["code"] == "InvalidCode"


def test_a_code_older_than_30_minutes_is_invalid(sim):
    code, _seller = sim.issue_code(SELLER)
    sim.advance(30 * 60 + 1)
    assert call(sim, "POST", "/auth/token/create", {"code": code}).json()["code"] == "InvalidCode"


def test_an_expired_access_token_is_illegal_access_token(sim):
    token = access(sim)
    sim.advance(7 * 24 * 3600 + 1)  # a test app's access token lives 7 days
    body = call(sim, "GET", "/seller/get", token=token).json()
    assert body["code"] == "IllegalAccessToken"
    assert body["message"] == "The specified access token is invalid or expired"


def test_refresh_rotates_the_pair_without_extending_the_refresh_tokens_life(sim):
    # given a pair 10 days old
    first = token_pair(sim)
    sim.advance(10 * 24 * 3600)
    # when
    refreshed = call(sim, "POST", "/auth/token/refresh", {"refresh_token": first["refresh_token"]}).json()
    # then a new pair; the access token lives 7 days again, the refresh token only its remaining 20 days
    assert refreshed["code"] == "0" and refreshed["refresh_token"] != first["refresh_token"]
    assert refreshed["expires_in"] == 7 * 24 * 3600
    assert abs(refreshed["refresh_expires_in"] - 20 * 24 * 3600) <= 2
    assert refreshed["country_user_info_list"][0]["seller_id"] == SELLER  # the refresh answer's own field name
    assert call(sim, "GET", "/seller/get", token=refreshed["access_token"]).json()["code"] == "0"
    # and the spent refresh token is refused
    again = call(sim, "POST", "/auth/token/refresh", {"refresh_token": first["refresh_token"]}).json()
    assert again["code"] == "IllegalRefreshToken"


def test_an_expired_refresh_token_is_illegal(sim):
    first = token_pair(sim)
    sim.advance(30 * 24 * 3600 + 1)
    body = call(sim, "POST", "/auth/token/refresh", {"refresh_token": first["refresh_token"]}).json()
    assert body["code"] == "IllegalRefreshToken"


def test_the_consent_page_returns_code_and_state_to_the_callback(sim):
    # when the seller opens the authorisation link and approves
    page = requests.get(sim.url + "/oauth/authorize", params={
        "response_type": "code", "force_auth": "true", "redirect_uri": "https://sme.example/cb", "client_id": APP_KEY,
        "state": "abc123"}, timeout=5)
    assert page.status_code == 200 and "Đồng ý ủy quyền" in page.text
    answer = requests.post(sim.url + "/oauth/authorize", data={
        "redirect_uri": "https://sme.example/cb", "state": "abc123", "seller_id": SELLER, "decision": "approve"},
        allow_redirects=False, timeout=5)
    # then
    location = urlsplit(answer.headers["Location"])
    query = parse_qs(location.query)
    assert answer.status_code == 302 and location.netloc == "sme.example" and query["state"] == ["abc123"]
    assert call(sim, "POST", "/auth/token/create", {"code": query["code"][0]}).json()["code"] == "0"


def test_the_consent_page_refuses_another_apps_client_id(sim):
    page = requests.get(sim.url + "/oauth/authorize", params={
        "response_type": "code", "redirect_uri": "https://sme.example/cb", "client_id": "999"}, timeout=5)
    assert page.status_code == 400


# --- price and quantity -----------------------------------------------------------------------------------------
def price_quantity(sim, token, skus, session=None):
    payload = json.dumps({"Request": {"Product": {"Skus": {"Sku": skus}}}})
    return call(sim, "POST", "/product/price_quantity/update", {"payload": payload}, token=token, session=session)


def test_a_batch_of_more_than_50_skus_is_refused(sim):
    token = access(sim)
    product = sim.seed_products(count=1, skus_per_product=1)[0]
    skus = [{"ItemId": str(product.item_id), "SkuId": str(product.skus[0].sku_id), "Quantity": "1"}] * 51
    body = price_quantity(sim, token, skus).json()
    assert body["code"] == "4171"
    assert sim.sku(product.skus[0].seller_sku).quantity == 10  # nothing applied


def test_a_mixed_batch_answers_501_with_detail_and_applies_the_good_skus(sim):
    # given
    token = access(sim)
    product = sim.seed_products(count=1, skus_per_product=2)[0]
    good, other = product.skus
    # when one SKU is fine, one does not exist, one has a negative quantity
    body = price_quantity(sim, token, [
        {"ItemId": str(product.item_id), "SkuId": str(good.sku_id), "Quantity": "7", "Price": "61000"},
        {"ItemId": str(product.item_id), "SkuId": "999", "Quantity": "3"},
        {"ItemId": str(product.item_id), "SkuId": str(other.sku_id), "Quantity": "-1"},
    ]).json()
    # then
    assert body["code"] == "501" and body["type"] == "ISV"
    assert sorted((d["sku_id"], d["field"]) for d in body["detail"]) == sorted([("999", "SkuId"), (str(other.sku_id), "Quantity")])
    assert (sim.sku(good.seller_sku).quantity, sim.sku(good.seller_sku).price) == (7, 61000)
    assert sim.sku(other.seller_sku).quantity == 10


def test_a_decimal_vnd_price_is_refused_per_sku(sim):
    token = access(sim)
    product = sim.seed_products(count=1, skus_per_product=1)[0]
    body = price_quantity(sim, token, [{"ItemId": str(product.item_id), "SkuId": str(product.skus[0].sku_id),
                                        "Price": "61000.5"}]).json()
    assert body["code"] == "501" and body["detail"][0]["code"] == "4104"


def test_an_over_limit_burst_on_the_inventory_api_gets_api_call_limit(sim):
    # given Lazada's documented 50 inventory calls per second per seller ...
    assert sim.api_rate_limits["/product/price_quantity/update"] == 50.0
    # ... lowered to 10 here, so the 80 requests sent at once exceed it however slow the machine is
    sim.api_rate_limits["/product/price_quantity/update"] = 10.0
    token = access(sim)
    product = sim.seed_products(count=1, skus_per_product=1)[0]
    sku = [{"ItemId": str(product.item_id), "SkuId": str(product.skus[0].sku_id), "Quantity": "4"}]
    codes: list[str] = []
    barrier = threading.Barrier(10)

    def burst():
        session = requests.Session()
        barrier.wait()
        for _ in range(8):
            codes.append(price_quantity(sim, token, sku, session=session).json()["code"])

    threads = [threading.Thread(target=burst) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then the calls beyond the limit got the documented throttle
    assert codes.count("ApiCallLimit") >= 1 and codes[:10].count("0") >= 1
    assert set(codes) <= {"0", "ApiCallLimit"}
    # and the ban lasts about a second
    time.sleep(1.1)
    assert price_quantity(sim, token, sku).json()["code"] == "0"


def test_a_configured_limit_on_another_api_answers_api_call_limit():
    with LazadaSimulator(app_key=APP_KEY, app_secret=SECRET, api_rate_limits={"/seller/get": 3}) as sim:
        token = access(sim)
        codes = [call(sim, "GET", "/seller/get", token=token).json()["code"] for _ in range(5)]
        body = call(sim, "GET", "/seller/get", token=token).json()
    assert codes[:3] == ["0", "0", "0"] and codes[3:] == ["ApiCallLimit", "ApiCallLimit"]
    assert body["message"] == "Api access frequency exceeds the limit. this ban will last 1 seconds"


# --- products ---------------------------------------------------------------------------------------------------
def test_create_product_answers_item_and_sku_ids(sim):
    body = create(sim, access(sim))
    assert body["code"] == "0"
    assert body["data"]["sku_list"][0]["seller_sku"] == "ST25-1" and body["data"]["item_id"]
    assert [p.item_id for p in sim.live_products()] == [body["data"]["item_id"]]


def test_create_refuses_a_category_that_is_not_the_last_level(sim):
    assert create(sim, access(sim), category="10000001")["code"] == "4134"


def test_create_refuses_a_seller_sku_already_in_the_shop(sim):
    token = access(sim)
    assert create(sim, token)["code"] == "0"
    assert create(sim, token)["code"] == "4105"
    assert len(sim.live_products()) == 1


def test_create_refuses_a_missing_mandatory_category_attribute(sim):
    body = create(sim, access(sim), attributes={"name": "Gạo ST25", "brand_id": "30039", "origin": "Việt Nam"})
    assert body["code"] == "4110" and "shelf_life" in body["message"]


def test_create_refuses_images_given_as_a_string(sim):
    image = sim.host_image(b"y")
    payload = json.loads(product_payload(sim))
    payload["Request"]["Product"]["Images"] = {"Image": image}
    body = call(sim, "POST", "/product/create", {"payload": json.dumps(payload)}, token=access(sim)).json()
    assert body["code"] == "5"


def test_create_refuses_an_image_not_hosted_by_lazada(sim):
    assert create(sim, access(sim), images=["https://example.com/a.jpg"])["code"] == "4138"


def test_create_refuses_forbidden_characters_and_decimal_prices(sim):
    token = access(sim)
    bad_name = create(sim, token, attributes={"name": "Gạo <ngon>", "brand_id": "30039", "origin": "Việt Nam",
                                              "shelf_life": "12 tháng"})
    decimal = create(sim, token, skus=[{"SellerSku": "A", "price": "10000.5", "package_weight": "1", "package_length": "1",
                                        "package_width": "1", "package_height": "1"}])
    assert (bad_name["code"], decimal["code"]) == ("4129", "4104")


def test_create_refuses_variants_without_sale_properties(sim):
    skus = [{"SellerSku": f"V{i}", "price": "50000", "package_weight": "1", "package_length": "1", "package_width": "1",
             "package_height": "1"} for i in range(2)]
    assert create(sim, access(sim), skus=skus)["code"] == "4144"


def test_create_accepts_the_xml_payload_of_the_older_documentation(sim):
    image = sim.host_image(b"z")
    xml = ("<Request><Product><PrimaryCategory>10000103</PrimaryCategory>"
           f"<Images><Image>{image}</Image></Images>"
           "<Attributes><name>Bánh pía Sa Đéc</name><brand_id>30039</brand_id></Attributes>"
           "<Skus><Sku><SellerSku>PIA-1</SellerSku><price>45000</price><quantity>3</quantity>"
           "<package_weight>0.5</package_weight><package_length>10</package_length><package_width>10</package_width>"
           "<package_height>5</package_height></Sku></Skus></Product></Request>")
    body = call(sim, "POST", "/product/create", {"payload": xml}, token=access(sim)).json()
    assert body["code"] == "0" and body["data"]["sku_list"][0]["seller_sku"] == "PIA-1"


def test_get_products_limit_is_at_most_50_and_finds_by_seller_sku(sim):
    token = access(sim)
    sim.seed_products(count=3, skus_per_product=2)
    too_many = call(sim, "GET", "/products/get", {"filter": "all", "limit": "51"}, token=token).json()
    found = call(sim, "GET", "/products/get", {"filter": "all", "limit": "50",
                                               "sku_seller_list": json.dumps(["SEED-00001-2"])}, token=token).json()
    assert too_many["code"] == "19"
    assert [p["skus"][1]["SellerSku"] for p in found["data"]["products"]] == ["SEED-00001-2"]


# --- images ---------------------------------------------------------------------------------------------------------
def test_upload_image_takes_a_file_and_refuses_one_over_1_mb(sim):
    token = access(sim)
    ok = call(sim, "POST", "/image/upload", token=token, files={"image": ("a.jpg", jpeg())}).json()
    big = jpeg(side=1500, quality=100, noise=True)
    assert len(big) > 1024 * 1024
    too_big = call(sim, "POST", "/image/upload", token=token, files={"image": ("b.jpg", big)}).json()
    assert ok["code"] == "0" and ok["data"]["image"]["url"].startswith("https://")
    assert too_big["code"] == "303"


def test_migrate_images_takes_at_most_8_urls_and_reports_each_failure(sim):
    token = access(sim)
    sim.image_fetcher = lambda url: jpeg() if "good" in url else (_ for _ in ()).throw(OSError("unreachable"))
    nine = json.dumps({"Request": {"Images": {"Url": [f"https://cdn.example/good{i}.jpg" for i in range(9)]}}})
    assert call(sim, "POST", "/images/migrate", {"payload": nine}, token=token).json()["code"] == "5"
    two = json.dumps({"Request": {"Images": {"Url": ["https://cdn.example/good.jpg", "https://cdn.example/gone.jpg"]}}})
    batch = call(sim, "POST", "/images/migrate", {"payload": two}, token=token).json()["batch_id"]
    answer = call(sim, "GET", "/image/response/get", {"batch_id": batch}, token=token).json()["data"]
    assert len(answer["images"]) == 1 and answer["images"][0]["url"].startswith("https://")
    assert answer["errors"] == [{"field": "https://cdn.example/gone.jpg", "msg": "Not supported URL",
                                 "original_url": "https://cdn.example/gone.jpg"}]


def test_migrate_refuses_ip_literals_and_other_ports(sim):
    token = access(sim)
    for url in ("http://127.0.0.1/a.jpg", "https://cdn.example:8443/a.jpg"):
        payload = json.dumps({"Request": {"Image": {"Url": url}}})
        assert call(sim, "POST", "/image/migrate", {"payload": payload}, token=token).json()["code"] == "302"


# --- orders ----------------------------------------------------------------------------------------------------------
def test_get_orders_needs_update_after_or_created_after(sim):
    assert call(sim, "GET", "/orders/get", token=access(sim)).json()["code"] == "1"


def test_an_order_is_listed_with_one_item_per_unit(sim):
    # given
    token = access(sim)
    product = sim.seed_products(count=1, skus_per_product=2)[0]
    before = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    order_id = sim.create_order(items=[(product.skus[0].seller_sku, 2)])
    # when
    orders = call(sim, "GET", "/orders/get", {"update_after": before, "limit": "100"}, token=token).json()["data"]
    items = call(sim, "GET", "/order/items/get", {"order_id": order_id}, token=token).json()["data"]
    # then
    assert [str(o["order_id"]) for o in orders["orders"]] == [order_id] and orders["countTotal"] == 1
    assert orders["orders"][0]["statuses"] == ["pending"]
    assert [(i["sku"], i["status"]) for i in items] == [(product.skus[0].seller_sku, "pending")] * 2
    assert sim.sku(product.skus[0].seller_sku).quantity == 8
    assert call(sim, "GET", "/order/items/get", {"order_id": "1"}, token=token).json()["code"] == "16"


def test_get_orders_limit_is_at_most_100(sim):
    before = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    body = call(sim, "GET", "/orders/get", {"update_after": before, "limit": "101"}, token=access(sim)).json()
    assert body["code"] == "19"


# --- faults ------------------------------------------------------------------------------------------------------------
def test_faults_answer_5xx_and_api_call_limit_in_the_set_share(sim):
    token = access(sim)
    sim.set_faults(share_5xx=0.2, share_rate_limit=0.2, seed=3)
    session = requests.Session()
    statuses = [call(sim, "GET", "/seller/get", token=token, session=session) for _ in range(200)]
    limited = sum(1 for r in statuses if r.status_code == 200 and r.json()["code"] == "ApiCallLimit")
    failed = sum(1 for r in statuses if r.status_code == 503)
    assert 20 <= limited <= 60 and 20 <= failed <= 60
