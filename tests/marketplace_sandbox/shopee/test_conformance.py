"""The Shopee simulator against the documentation (docs/marketplaces/shopee.md, Sandbox test cases), independent of the connector.

Requests are built by hand here with the documented algorithm, so a mistake shared by the connector and
the simulator cannot hide.
"""

import hashlib
import hmac
import io
import time

import pytest
import requests

from marketplace_sandbox.shopee import ShopeeSimulator

PARTNER_ID = 2001887
KEY = "test_partner_key"
SHOP = 14701711
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sign(base: str) -> str:
    return hmac.new(KEY.encode(), base.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def sim():
    with ShopeeSimulator(partner_id=PARTNER_ID, partner_key=KEY) as s:
        yield s


def public(sim, path, *, ts=None, body=None, files=None, params=None, signature=None):
    ts = ts or int(time.time())
    query = {"partner_id": PARTNER_ID, "timestamp": ts, "sign": signature or sign(f"{PARTNER_ID}{path}{ts}"), **(params or {})}
    if files is not None:
        return requests.post(sim.url + path, params=query, files=files, timeout=5)
    return requests.post(sim.url + path, params=query, json=body or {}, timeout=5)


def shop_call(sim, method, path, token, *, ts=None, body=None, params=None, signature=None):
    ts = ts or int(time.time())
    query = {"partner_id": PARTNER_ID, "timestamp": ts, "access_token": token, "shop_id": SHOP,
             "sign": signature or sign(f"{PARTNER_ID}{path}{ts}{token}{SHOP}"), **(params or {})}
    if method == "GET":
        return requests.get(sim.url + path, params=query, timeout=5)
    return requests.post(sim.url + path, params=query, json=body or {}, timeout=5)


def tokens(sim):
    code, shop_id = sim.issue_code(SHOP)
    return public(sim, "/api/v2/auth/token/get", body={"code": code, "partner_id": PARTNER_ID, "shop_id": shop_id}).json()


def test_documented_signature_vectors():
    # given the vectors computed with the algorithm of docs/marketplaces/shopee.md, Signing (G-auth), with key test_partner_key
    shop_base = f"{PARTNER_ID}/api/v2/product/add_item1655714431" + "59777174636562737266615546704c6d" + "14701711"
    public_base = f"{PARTNER_ID}/api/v2/auth/token/get1655714431"
    # then
    assert sign(shop_base) == "423d8782ba33174e0c7a69bdbf9921cfcd01fa9ccd0c513bc476dba05bb3e2cc"
    assert sign(public_base) == "4347600f52b50a77f5ecee90bf489adf3cec2d59d3c2febe004674f37def5451"
    sim = ShopeeSimulator(partner_id=PARTNER_ID, partner_key=KEY)
    try:
        assert sim.expected_sign("/api/v2/product/add_item", "1655714431", "59777174636562737266615546704c6d",
                                 "14701711") == "423d8782ba33174e0c7a69bdbf9921cfcd01fa9ccd0c513bc476dba05bb3e2cc"
    finally:
        sim.stop()


def test_correctly_signed_requests_are_accepted(sim):
    # when
    got = tokens(sim)
    info = shop_call(sim, "GET", "/api/v2/shop/get_shop_info", got["access_token"])
    # then
    assert got["error"] == "" and got["expire_in"] == 14400 and got["refresh_token"]
    assert info.status_code == 200
    assert info.json()["error"] == "" and info.json()["shop_name"]
    assert set(info.json()) >= {"request_id", "error", "message"}


def test_wrong_signature_gets_error_sign(sim):
    token = tokens(sim)["access_token"]
    # when
    response = shop_call(sim, "GET", "/api/v2/shop/get_shop_info", token, signature="0" * 64)
    # then
    assert response.json()["error"] == "error_sign"
    assert response.json()["message"] == "Wrong sign."


def test_shop_signature_on_public_api_and_public_signature_on_shop_api_fail(sim):
    token = tokens(sim)["access_token"]
    ts = int(time.time())
    # when a public signature is used for a shop API
    as_public = shop_call(sim, "GET", "/api/v2/shop/get_shop_info", token, ts=ts,
                          signature=sign(f"{PARTNER_ID}/api/v2/shop/get_shop_info{ts}"))
    # and a shop signature for a public API
    code, _ = sim.issue_code(SHOP)
    as_shop = public(sim, "/api/v2/auth/token/get", ts=ts, body={"code": code, "partner_id": PARTNER_ID, "shop_id": SHOP},
                     signature=sign(f"{PARTNER_ID}/api/v2/auth/token/get{ts}{token}{SHOP}"))
    # then
    assert as_public.json()["error"] == "error_sign"
    assert as_shop.json()["error"] == "error_sign"


def test_stale_timestamp_gets_invalid_timestamp(sim):
    token = tokens(sim)["access_token"]
    # when
    response = shop_call(sim, "GET", "/api/v2/shop/get_shop_info", token, ts=int(time.time()) - 301)
    # then
    assert response.json()["error"] == "error_param"
    assert response.json()["message"] == "Invalid timestamp"


@pytest.mark.parametrize(("missing", "message"), [
    ("partner_id", "There is no partner_id in query."),
    ("timestamp", "no timestamp"),
    ("sign", "There is no sign in query."),
    ("access_token", "There is no access_token in query."),
])
def test_missing_common_parameters_get_documented_messages(sim, missing, message):
    token = tokens(sim)["access_token"]
    ts = int(time.time())
    path = "/api/v2/shop/get_shop_info"
    query = {"partner_id": PARTNER_ID, "timestamp": ts, "access_token": token, "shop_id": SHOP,
             "sign": sign(f"{PARTNER_ID}{path}{ts}{token}{SHOP}")}
    del query[missing]
    # when
    response = requests.get(sim.url + path, params=query, timeout=5)
    # then
    assert response.json()["error"] == "error_param"
    assert response.json()["message"] == message


def test_expired_access_token_gets_error_auth(sim):
    token = tokens(sim)["access_token"]
    # when 4 hours pass
    sim.advance(14400 + 1)
    response = shop_call(sim, "GET", "/api/v2/shop/get_shop_info", token)
    # then
    assert response.json()["error"] == "error_auth"
    assert response.json()["message"] == "Invalid access_token."


def test_code_is_single_use_and_expires_after_ten_minutes(sim):
    code, shop_id = sim.issue_code(SHOP)
    body = {"code": code, "partner_id": PARTNER_ID, "shop_id": shop_id}
    first = public(sim, "/api/v2/auth/token/get", body=body).json()
    second = public(sim, "/api/v2/auth/token/get", body=body).json()
    late_code, _ = sim.issue_code(SHOP)
    sim.advance(601)
    late = public(sim, "/api/v2/auth/token/get", body={**body, "code": late_code}).json()
    # then
    assert first["error"] == ""
    # docs/marketplaces/shopee.md A1, A2: a used or expired code is invalid_code
    assert second["error"] == late["error"] == "invalid_code"
    assert second["message"] == "The code is expired or used or invalid, please check the code."


def test_refresh_token_rotates_is_single_use_and_old_access_token_lasts_five_minutes(sim):
    got = tokens(sim)
    body = {"refresh_token": got["refresh_token"], "partner_id": PARTNER_ID, "shop_id": SHOP}
    # when
    refreshed = public(sim, "/api/v2/auth/access_token/get", body=body).json()
    reused = public(sim, "/api/v2/auth/access_token/get", body=body).json()
    old_still_ok = shop_call(sim, "GET", "/api/v2/shop/get_shop_info", got["access_token"]).json()
    sim.advance(301)
    old_after_grace = shop_call(sim, "GET", "/api/v2/shop/get_shop_info", got["access_token"]).json()
    new_ok = shop_call(sim, "GET", "/api/v2/shop/get_shop_info", refreshed["access_token"]).json()
    # then
    assert refreshed["error"] == "" and refreshed["refresh_token"] != got["refresh_token"]
    assert reused["error"] == "error_shop_refresh_token"  # docs/marketplaces/shopee.md A6
    assert old_still_ok["error"] == ""
    assert old_after_grace["error"] == "error_auth"
    assert new_ok["error"] == ""


def test_over_limit_burst_gets_429():
    with ShopeeSimulator(partner_id=PARTNER_ID, partner_key=KEY, rate_limit_per_second=5) as sim:
        token = tokens(sim)["access_token"]
        # when 10 calls go out at once
        statuses = [shop_call(sim, "GET", "/api/v2/shop/get_shop_info", token).status_code for _ in range(10)]
        # then the ones over the limit are refused as busy
        assert statuses.count(429) >= 4
        assert statuses[:4] == [200] * 4


def _upload(sim, content, name="a.png"):
    return public(sim, "/api/v2/media_space/upload_image", files={"image": (name, io.BytesIO(content))}).json()


def test_upload_image_per_image_errors(sim):
    ok = _upload(sim, PNG)
    gif = _upload(sim, b"GIF89a" + b"\x00" * 20, "a.gif")
    big = _upload(sim, PNG + b"\x00" * (10 * 1024 * 1024))
    not_multipart = public(sim, "/api/v2/media_space/upload_image", body={"image": "x"}).json()
    # then
    assert ok["response"]["image_info"]["image_id"]
    assert gif["response"]["image_info_list"][0]["error"] == "error_param"
    assert big["response"]["image_info_list"][0]["error"]
    assert not_multipart["error"] == "error_param"


def _item_body(image_id, **overrides):
    body = {"original_price": 150000, "description": "Gạo ST25 thơm ngon trồng tại Đồng Tháp. " * 4,
            "weight": 1.0, "item_name": "Gạo ST25 túi 5kg Đồng Tháp", "category_id": 100101,
            "logistic_info": [{"logistic_id": 50011, "enabled": True}], "image": {"image_id_list": [image_id]},
            "attribute_list": [{"attribute_id": 501, "attribute_value_list": [{"value_id": 5011}]},
                               {"attribute_id": 502, "attribute_value_list": [{"value_id": 0, "original_value_name": "12 tháng"}]}],
            "item_sku": "GAO-ST25", "seller_stock": [{"stock": 10}]}
    body.update(overrides)
    return body


def test_add_item_rules(sim):
    token = tokens(sim)["access_token"]
    image_id = _upload(sim, PNG)["response"]["image_info"]["image_id"]
    path = "/api/v2/product/add_item"
    # when
    ok = shop_call(sim, "POST", path, token, body=_item_body(image_id)).json()
    repeated = shop_call(sim, "POST", path, token, body=_item_body(image_id)).json()
    missing_attr = shop_call(sim, "POST", path, token, body=_item_body(image_id, item_sku="B", attribute_list=[])).json()
    non_leaf = shop_call(sim, "POST", path, token, body=_item_body(image_id, item_sku="C", category_id=100001)).json()
    no_image = shop_call(sim, "POST", path, token, body=_item_body("nope", item_sku="D")).json()
    decimal = shop_call(sim, "POST", path, token, body=_item_body(image_id, item_sku="E", original_price=1000.5)).json()
    # then
    assert ok["error"] == "" and ok["response"]["item_id"]
    assert repeated["error"].endswith("error_repeated_mtsku")
    assert missing_attr["error"].endswith("error_less_required_attribute")
    assert non_leaf["error"] == "error_param" and non_leaf["message"] == "Invalid category."
    assert no_image["error"] == "error_param" and no_image["message"] == "Image not exist."
    assert decimal["error"].endswith("error_invalid_price")
    assert len(sim.items(SHOP)) == 1


def test_price_and_stock_batches_limits_and_partial_failures(sim):
    token = tokens(sim)["access_token"]
    image_id = _upload(sim, PNG)["response"]["image_info"]["image_id"]
    item_id = shop_call(sim, "POST", "/api/v2/product/add_item", token, body=_item_body(image_id)).json()["response"]["item_id"]
    tier = shop_call(sim, "POST", "/api/v2/product/init_tier_variation", token, body={
        "item_id": item_id, "tier_variation": [{"name": "Size", "option_list": [{"option": "1kg"}, {"option": "5kg"}]}],
        "model": [{"tier_index": [0], "original_price": 30000, "model_sku": "A1", "seller_stock": [{"stock": 1}]},
                  {"tier_index": [1], "original_price": 140000, "model_sku": "A5", "seller_stock": [{"stock": 1}]}],
    }).json()
    models = [m["model_id"] for m in tier["response"]["model"]]
    # when
    empty = shop_call(sim, "POST", "/api/v2/product/update_price", token, body={"item_id": item_id, "price_list": []}).json()
    too_many = shop_call(sim, "POST", "/api/v2/product/update_stock", token, body={
        "item_id": item_id, "stock_list": [{"model_id": models[0], "seller_stock": [{"stock": 1}]}] * 51}).json()
    partial = shop_call(sim, "POST", "/api/v2/product/update_stock", token, body={
        "item_id": item_id, "stock_list": [{"model_id": models[0], "seller_stock": [{"stock": 7}]},
                                           {"model_id": 999, "seller_stock": [{"stock": 7}]}]}).json()
    # then
    assert empty["error"] == "error_param"
    assert too_many["error"] == "error_param"
    assert partial["error"] == ""
    assert [f["model_id"] for f in partial["response"]["failure_list"]] == [999]
    assert [s["model_id"] for s in partial["response"]["success_list"]] == [models[0]]
    assert sim.items(SHOP)[0].models[0].stock == 7


def test_get_item_list_page_size_and_pagination(sim):
    token = tokens(sim)["access_token"]
    image_id = _upload(sim, PNG)["response"]["image_info"]["image_id"]
    for n in range(3):
        shop_call(sim, "POST", "/api/v2/product/add_item", token, body=_item_body(image_id, item_sku=f"S{n}"))
    path = "/api/v2/product/get_item_list"
    # when
    too_big = shop_call(sim, "GET", path, token, params={"offset": 0, "page_size": 101, "item_status": "NORMAL"}).json()
    first = shop_call(sim, "GET", path, token, params={"offset": 0, "page_size": 2, "item_status": ["NORMAL", "BANNED"]}).json()
    second = shop_call(sim, "GET", path, token, params={"offset": first["response"]["next_offset"], "page_size": 2,
                                                         "item_status": "NORMAL"}).json()
    infos = shop_call(sim, "GET", "/api/v2/product/get_item_base_info", token,
                      params={"item_id_list": "[" + ",".join(str(i["item_id"]) for i in first["response"]["item"]) + "]"}).json()
    # then
    assert too_big["error"] == "error_param"
    assert first["response"]["has_next_page"] is True and len(first["response"]["item"]) == 2
    assert second["response"]["has_next_page"] is False and len(second["response"]["item"]) == 1
    assert {i["item_sku"] for i in infos["response"]["item_list"]} <= {"S0", "S1", "S2"}
    assert len(infos["response"]["item_list"]) == 2


def test_fault_injection_answers_503_and_429(sim):
    token = tokens(sim)["access_token"]
    sim.set_faults(share_5xx=0.5, share_429=0.5)
    # when
    statuses = {shop_call(sim, "GET", "/api/v2/shop/get_shop_info", token).status_code for _ in range(20)}
    # then
    assert statuses == {429, 503}


def test_consent_page_redirects_with_code_and_shop_id(sim):
    ts = int(time.time())
    path = "/api/v2/shop/auth_partner"
    query = {"partner_id": PARTNER_ID, "timestamp": ts, "sign": sign(f"{PARTNER_ID}{path}{ts}"),
             "redirect": "http://127.0.0.1:9/cb?x=1"}
    # when
    page = requests.get(sim.url + path, params=query, timeout=5)
    approve = requests.post(sim.url + "/sandbox/authorize", data={"redirect": query["redirect"], "shop_id": SHOP,
                                                                   "decision": "approve"}, allow_redirects=False, timeout=5)
    stale = requests.get(sim.url + path, params={**query, "timestamp": ts - 301,
                                                  "sign": sign(f"{PARTNER_ID}{path}{ts - 301}")}, timeout=5)
    # then
    assert page.status_code == 200 and "Đồng ý" in page.text
    location = approve.headers["Location"]
    assert location.startswith("http://127.0.0.1:9/cb?x=1&code=") and f"shop_id={SHOP}" in location
    assert stale.json()["message"] == "Invalid timestamp"


def _item_with_tiers(sim, token, tiers, models):
    image_id = _upload(sim, PNG)["response"]["image_info"]["image_id"]
    item_id = shop_call(sim, "POST", "/api/v2/product/add_item", token, body=_item_body(image_id)).json()["response"]["item_id"]
    init = shop_call(sim, "POST", "/api/v2/product/init_tier_variation", token,
                     body={"item_id": item_id, "tier_variation": tiers, "model": models}).json()
    return item_id, init


def _model(index, sku, price=30000, stock=1):
    return {"tier_index": index, "original_price": price, "model_sku": sku, "seller_stock": [{"stock": stock}]}


def test_add_model_and_update_tier_variation_extend_an_item(sim):
    # given an item with one tier of two options
    token = tokens(sim)["access_token"]
    item_id, _ = _item_with_tiers(sim, token, [{"name": "Size", "option_list": [{"option": "1kg"}, {"option": "5kg"}]}],
                                  [_model([0], "A1"), _model([1], "A5")])
    # when an option is appended and a model added on it
    unknown_option = shop_call(sim, "POST", "/api/v2/product/add_model", token,
                               body={"item_id": item_id, "model_list": [_model([2], "A10")]}).json()
    tiers = shop_call(sim, "POST", "/api/v2/product/update_tier_variation", token, body={
        "item_id": item_id,
        "tier_variation": [{"name": "Size", "option_list": [{"option": "1kg"}, {"option": "5kg"}, {"option": "10kg"}]}],
    }).json()
    added = shop_call(sim, "POST", "/api/v2/product/add_model", token,
                      body={"item_id": item_id, "model_list": [_model([2], "A10", price=250000, stock=3)]}).json()
    same_index = shop_call(sim, "POST", "/api/v2/product/add_model", token,
                           body={"item_id": item_id, "model_list": [_model([2], "A10-bis")]}).json()
    ids = {m["model_sku"]: m["model_id"] for m in shop_call(
        sim, "GET", "/api/v2/product/get_model_list", token, params={"item_id": item_id}).json()["response"]["model"]}
    # an option inserted in the middle, the models moved with model_list (shopee.md V11)
    moved = shop_call(sim, "POST", "/api/v2/product/update_tier_variation", token, body={
        "item_id": item_id, "tier_variation": [{"name": "Size", "option_list": [
            {"option": "1kg"}, {"option": "2kg"}, {"option": "5kg"}, {"option": "10kg"}]}],
        "model_list": [{"model_id": ids["A5"], "tier_index": [2]}, {"model_id": ids["A10"], "tier_index": [3]}],
    }).json()
    listed = shop_call(sim, "GET", "/api/v2/product/get_model_list", token, params={"item_id": item_id}).json()
    # then
    assert unknown_option["error"] == "error_model_tier_index_bound"  # shopee.md V5
    assert tiers["error"] == ""
    assert added["error"] == "" and [m["model_sku"] for m in added["response"]["model"]] == ["A10"]
    assert same_index["error"] == "error_model_duplicate_tier_variation_index"  # shopee.md V15
    assert moved["error"] == ""
    assert [(m["model_sku"], m["tier_index"]) for m in listed["response"]["model"]] == [
        ("A1", [0]), ("A5", [2]), ("A10", [3])]
    assert [o["option"] for o in listed["response"]["tier_variation"][0]["option_list"]] == ["1kg", "2kg", "5kg", "10kg"]


def test_model_limits_sku_length_and_fifty_models_per_item(sim):
    # given an item with two tiers and 49 models (7 x 7)
    token = tokens(sim)["access_token"]
    options = [{"option": f"o{n}"} for n in range(8)]
    tiers = [{"name": "A", "option_list": options}, {"name": "B", "option_list": options}]
    item_id, init = _item_with_tiers(sim, token, tiers, [_model([i, j], f"M{i}{j}") for i in range(7) for j in range(7)])
    # when
    too_long = shop_call(sim, "POST", "/api/v2/product/add_model", token,
                         body={"item_id": item_id, "model_list": [_model([7, 0], "S" * 101)]}).json()
    one_index = shop_call(sim, "POST", "/api/v2/product/add_model", token,
                          body={"item_id": item_id, "model_list": [_model([7], "M7")]}).json()
    fiftieth = shop_call(sim, "POST", "/api/v2/product/add_model", token,
                         body={"item_id": item_id, "model_list": [_model([7, 0], "S" * 100)]}).json()
    fifty_first = shop_call(sim, "POST", "/api/v2/product/add_model", token,
                            body={"item_id": item_id, "model_list": [_model([7, 1], "M71")]}).json()
    # then
    assert init["error"] == "" and len(init["response"]["model"]) == 49
    assert too_long["error"] == "error_param"
    assert fiftieth["error"] == ""
    assert fifty_first["error"] == "error_model_count_over_limit"  # shopee.md V4
    assert one_index["error"] == "error_param"
    assert len(sim.items(SHOP)[0].models) == 50
