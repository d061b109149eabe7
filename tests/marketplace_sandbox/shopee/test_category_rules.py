"""The sandbox Shopee's category rules, written from docs/marketplaces/shopee.md (its "Sandbox test cases"
rows, named in each test), not from the connector: GTIN per ``gtin_validation_rule``, quantitative attributes
and their units, logistics fee types, main-account authorisation, the standardised tier structure, items in
review and the upload scene.

Requests are built by hand with the documented signature (helpers of test_conformance)."""

import io
import time

import pytest
import requests

from marketplace_sandbox.shopee import ShopeeSimulator
from tests.marketplace_sandbox.shopee.test_conformance import (
    KEY,
    PARTNER_ID,
    PNG,
    SHOP,
    public,
    shop_call,
    sign,
    tokens,
)

GTIN = "4006381333931"  # a valid EAN-13
BAD_CHECK_DIGIT = "4006381333932"
MANDATORY_GTIN, FLEXIBLE_GTIN, OPTIONAL_GTIN = 100104, 100105, 100101
ADD = "/api/v2/product/add_item"


@pytest.fixture
def sim():
    with ShopeeSimulator(partner_id=PARTNER_ID, partner_key=KEY) as s:
        yield s


@pytest.fixture
def token(sim):
    return tokens(sim)["access_token"]


def image(sim) -> str:
    return public(sim, "/api/v2/media_space/upload_image",
                  files={"image": ("a.png", io.BytesIO(PNG))}).json()["response"]["image_info"]["image_id"]


ATTRIBUTES = {
    OPTIONAL_GTIN: [{"attribute_id": 501, "attribute_value_list": [{"value_id": 5011}]},
                    {"attribute_id": 502, "attribute_value_list": [{"value_id": 0, "original_value_name": "12 tháng"}]}],
    MANDATORY_GTIN: [{"attribute_id": 501, "attribute_value_list": [{"value_id": 5011}]},
                     {"attribute_id": 701, "attribute_value_list": [
                         {"value_id": 0, "original_value_name": "500", "value_unit": "g"}]}],
    FLEXIBLE_GTIN: [{"attribute_id": 501, "attribute_value_list": [{"value_id": 5011}]},
                    {"attribute_id": 801, "attribute_value_list": [
                        {"value_id": 0, "original_value_name": "500", "value_unit": "ml"}]}],
}
DIMENSION = {"package_length": 20, "package_width": 10, "package_height": 5}


def item(sim, category=OPTIONAL_GTIN, *, drop=(), **overrides) -> dict:
    body = {"original_price": 150000, "description": "Sản phẩm của hợp tác xã Đồng Tháp, đóng gói cẩn thận. " * 3,
            "weight": 1.0, "item_name": "Sản phẩm Đồng Tháp loại một", "category_id": category,
            "logistic_info": [{"logistic_id": 50011, "enabled": True}], "image": {"image_id_list": [image(sim)]},
            "attribute_list": ATTRIBUTES[category], "item_sku": f"SKU-{time.monotonic_ns()}",
            "seller_stock": [{"stock": 5}], "dimension": DIMENSION}
    if category == MANDATORY_GTIN:
        body["gtin_code"] = GTIN
    body.update(overrides)
    for key in drop:
        body.pop(key, None)
    return body


def add(sim, token, body) -> dict:
    return shop_call(sim, "POST", ADD, token, body=body).json()


# --- get_item_limit, get_attribute_tree, get_channel_list -----------------------------------------------

def test_m1_item_limit_answers_flags_and_the_gtin_rule_per_category(sim, token):
    # when
    answers = {cid: shop_call(sim, "GET", "/api/v2/product/get_item_limit", token,
                              params={"category_id": cid}).json()["response"]
               for cid in (MANDATORY_GTIN, FLEXIBLE_GTIN, OPTIONAL_GTIN)}
    # then the weight and size answers are flags, not ranges, and there is no model_count_limit
    for answer in answers.values():
        assert isinstance(answer["weight_limit"]["weight_mandatory"], bool)
        assert isinstance(answer["dimension_limit"]["dimension_mandatory"], bool)
        assert "min_limit" not in answer["weight_limit"] and "model_count_limit" not in answer
    assert [answers[c]["gtin_limit"]["gtin_validation_rule"] for c in (MANDATORY_GTIN, FLEXIBLE_GTIN, OPTIONAL_GTIN)] \
        == ["Mandatory", "Flexible", "Optional"]


def test_m3_m4_attribute_tree_refuses_an_unknown_category_and_the_vi_language(sim, token):
    path = "/api/v2/product/get_attribute_tree"
    unknown = shop_call(sim, "GET", path, token, params={"category_id_list": "999", "language": "vn"}).json()
    vi = shop_call(sim, "GET", path, token, params={"category_id_list": str(MANDATORY_GTIN), "language": "vi"}).json()
    tree = shop_call(sim, "GET", path, token, params={"category_id_list": str(MANDATORY_GTIN), "language": "vn"}).json()
    # then
    assert unknown["error"] == "error_invalid_category"
    assert vi["error"] == "error_invalid_language" and vi["message"] == "Invalid language."
    weight = next(a for a in tree["response"]["list"][0]["attribute_tree"] if a["attribute_id"] == 701)
    assert weight["attribute_info"]["format_type"] == 2 and weight["attribute_info"]["attribute_unit_list"] == ["g", "kg"]


def test_m5_channel_list_has_every_fee_type_sizes_and_a_masked_channel(sim, token):
    channels = shop_call(sim, "GET", "/api/v2/logistics/get_channel_list", token).json()["response"][
        "logistics_channel_list"]
    # then
    assert {c["fee_type"] for c in channels} == {"SIZE_SELECTION", "SIZE_INPUT", "FIXED_DEFAULT_PRICE", "CUSTOM_PRICE"}
    sizes = next(c for c in channels if c["fee_type"] == "SIZE_SELECTION")["size_list"]
    assert sizes and all(s["size_id"] for s in sizes)
    child = next(c for c in channels if c["mask_channel_id"])
    assert any(c["logistics_channel_id"] == child["mask_channel_id"] and c["mask_channel_id"] == 0 for c in channels)


# --- upload_image scene -------------------------------------------------------------------------------

def test_m6_m7_upload_scene_is_a_form_field_not_a_query_parameter(sim):
    path = "/api/v2/media_space/upload_image"
    in_form = public(sim, path, files={"image": ("a.png", io.BytesIO(PNG)), "scene": (None, "desc")}).json()
    in_query = public(sim, path, files={"image": ("a.png", io.BytesIO(PNG))}, params={"scene": "desc"}).json()
    # then
    assert sim.image_scenes[in_form["response"]["image_info"]["image_id"]] == "desc"
    assert sim.image_scenes[in_query["response"]["image_info"]["image_id"]] == "normal"


# --- GTIN (shopee.md "GTIN rule") ------------------------------------------------------------------------

def test_i1_i2_i3_mandatory_gtin_needs_a_real_gtin(sim, token):
    missing = add(sim, token, item(sim, MANDATORY_GTIN, drop=("gtin_code",)))
    none = add(sim, token, item(sim, MANDATORY_GTIN, gtin_code="00"))
    short = add(sim, token, item(sim, MANDATORY_GTIN, gtin_code="12345"))
    check_digit = add(sim, token, item(sim, MANDATORY_GTIN, gtin_code=BAD_CHECK_DIGIT))
    good = add(sim, token, item(sim, MANDATORY_GTIN, gtin_code=GTIN))
    # then
    assert (missing["error"], missing["message"]) == (
        "product.error_busi", "The GTIN code is mandatory, please check and upload again.")
    assert none["error"] == "product.error_busi"
    for bad in (short, check_digit):
        assert (bad["error"], bad["message"]) == (
            "error_param_validate", "This is not a valid GTIN. Please, inform a valid number.")
    assert good["error"] == "" and sim.items()[0].gtin_code == GTIN
    assert len(sim.items()) == 1  # the refused ones changed nothing


def test_i4_i5_i6_flexible_takes_a_gtin_or_00_optional_may_omit_it(sim, token):
    flexible_missing = add(sim, token, item(sim, FLEXIBLE_GTIN))
    flexible_none = add(sim, token, item(sim, FLEXIBLE_GTIN, gtin_code="00"))
    optional_missing = add(sim, token, item(sim, OPTIONAL_GTIN))
    optional_bad = add(sim, token, item(sim, OPTIONAL_GTIN, gtin_code="12345"))
    # then
    assert flexible_missing["error"] == "product.error_busi"
    assert flexible_none["error"] == "" and optional_missing["error"] == ""
    assert optional_bad["error"] == "error_param_validate"


def test_v10_v16_v17_the_gtin_rule_applies_to_every_model(sim, token):
    # given an item in the Mandatory-GTIN category
    item_id = add(sim, token, item(sim, MANDATORY_GTIN))["response"]["item_id"]
    tiers = [{"variation_id": 0, "variation_name": "Loại", "variation_group_id": 0, "variation_option_list": [
        {"variation_option_id": 0, "variation_option_name": "Rang xay"},
        {"variation_option_id": 0, "variation_option_name": "Hạt"}]}]

    def model(index, sku, **extra):
        return {"tier_index": [index], "original_price": 90000, "model_sku": sku, "seller_stock": [{"stock": 2}], **extra}

    init = "/api/v2/product/init_tier_variation"
    # when
    without = shop_call(sim, "POST", init, token, body={"item_id": item_id, "standardise_tier_variation": tiers,
                                                        "model": [model(0, "A", gtin_code=GTIN), model(1, "B")]}).json()
    with_gtin = shop_call(sim, "POST", init, token, body={
        "item_id": item_id, "standardise_tier_variation": tiers,
        "model": [model(0, "A", gtin_code=GTIN), model(1, "B", gtin_code="8934588012228")]}).json()
    model_ids = {m["model_sku"]: m["model_id"] for m in with_gtin["response"]["model"]}
    tiers[0]["variation_option_list"].append({"variation_option_id": 0, "variation_option_name": "Phin"})
    shop_call(sim, "POST", "/api/v2/product/update_tier_variation", token,
              body={"item_id": item_id, "standardise_tier_variation": tiers})
    add_model = shop_call(sim, "POST", "/api/v2/product/add_model", token,
                          body={"item_id": item_id, "model_list": [model(2, "C")]}).json()
    update_00 = shop_call(sim, "POST", "/api/v2/product/update_model", token, body={
        "item_id": item_id, "model": [{"model_id": model_ids["A"], "model_sku": "A", "gtin_code": "00"}]}).json()
    unknown = shop_call(sim, "POST", "/api/v2/product/update_model", token, body={
        "item_id": item_id, "model": [{"model_id": 1, "model_sku": "A", "gtin_code": GTIN}]}).json()
    # then
    assert without["error"] == "product.error_busi"  # V10
    assert with_gtin["error"] == ""
    assert add_model["error"] == "product.error_busi"  # V16
    assert update_00["error"] == "product.error_busi"  # V17
    assert (unknown["error"], unknown["message"]) == ("error_model_invalid_model_id", "Invalid model_id.")  # V18
    assert [m.gtin_code for m in sim.items()[0].models] == [GTIN, "8934588012228"]


# --- attributes (I7-I13) ---------------------------------------------------------------------------

@pytest.mark.parametrize(("row", "value", "expected"), [
    ("I7", {"value_id": 0, "original_value_name": "500"}, "error_invalid_attribute_value"),
    ("I8", {"value_id": 0, "original_value_name": "500", "value_unit": "g"}, ""),
    ("I9", {"value_id": 0, "original_value_name": "500", "value_unit": "lb"}, "error_invalid_attribute_value"),
    ("listed", {"value_id": 7011}, ""),
])
def test_i7_i8_i9_a_quantitative_custom_value_needs_a_listed_unit(sim, token, row, value, expected):
    attributes = [{"attribute_id": 501, "attribute_value_list": [{"value_id": 5011}]},
                  {"attribute_id": 701, "attribute_value_list": [value]}]
    # when
    answer = add(sim, token, item(sim, MANDATORY_GTIN, attribute_list=attributes))
    # then
    assert answer["error"] == expected, row


def test_i10_to_i13_attribute_value_rules(sim, token):
    origin = {"attribute_id": 501, "attribute_value_list": [{"value_id": 5011}]}
    shelf = {"attribute_id": 502, "attribute_value_list": [{"value_id": 0, "original_value_name": "12 tháng"}]}
    missing = add(sim, token, item(sim, attribute_list=[origin]))
    unlisted = add(sim, token, item(sim, attribute_list=[
        {"attribute_id": 501, "attribute_value_list": [{"value_id": 9999}]}, shelf]))
    text_with_id = add(sim, token, item(sim, attribute_list=[
        origin, {"attribute_id": 502, "attribute_value_list": [{"value_id": 5, "original_value_name": "x"}]}]))
    text_without_name = add(sim, token, item(sim, attribute_list=[
        origin, {"attribute_id": 502, "attribute_value_list": [{"value_id": 0}]}]))
    # then
    assert (missing["error"], missing["message"]) == (
        "error_less_required_attribute", "Mandatory attribute information required")
    assert (unlisted["error"], unlisted["message"]) == ("error_invalid_attribute_value", "Invalid attribute value.")
    assert (text_with_id["error"], text_with_id["message"]) == ("error_value_id_must_equal_zero", "Value_id must equal 0.")
    assert (text_without_name["error"], text_without_name["message"]) == (
        "error_value_name_required", "Value_name is required.")
    assert sim.items() == []


# --- logistics (I14-I19) ------------------------------------------------------------------------------

@pytest.mark.parametrize(("row", "logistic_info", "overrides", "expected"), [
    ("I14", [{"logistic_id": 50013, "enabled": True}], {}, "error_invalid_logistic_info"),
    ("I15", [{"logistic_id": 50013, "enabled": True, "size_id": 7}], {}, "error_invalid_logistic_info"),
    ("I14 ok", [{"logistic_id": 50013, "enabled": True, "size_id": 2}], {}, ""),
    ("I16", [{"logistic_id": 50012, "enabled": True}], {"drop": ("dimension",)}, "error_param"),
    ("I16 ok", [{"logistic_id": 50012, "enabled": True}], {}, ""),
    ("I17", [{"logistic_id": 50014, "enabled": True}], {}, "error_invalid_logistic_info"),
    ("I17 ok", [{"logistic_id": 50014, "enabled": True, "shipping_fee": 15000}], {}, ""),
    ("I18 disabled", [{"logistic_id": 50015, "enabled": True}], {}, "error_invalid_logistic_info"),
    ("I18 masked", [{"logistic_id": 50016, "enabled": True}], {}, "error_invalid_logistic_info"),
    ("I19", [{"logistic_id": 50012, "enabled": True}], {"weight": 25.0}, "error_param"),
])
def test_i14_to_i19_logistic_info_per_fee_type(sim, token, row, logistic_info, overrides, expected):
    # when
    answer = add(sim, token, item(sim, logistic_info=logistic_info, **overrides))
    # then
    assert answer["error"] == expected, (row, answer)
    if row == "I16":
        assert answer["message"] == "dimension is required"
    if row == "I19":
        assert answer["message"] == "Invalid Weight."
    assert len(sim.items()) == (0 if expected else 1)


def test_a_category_whose_dimension_is_mandatory_refuses_an_item_without_it(sim, token):
    # given get_item_limit says dimension_mandatory for the Mandatory-GTIN category
    answer = add(sim, token, item(sim, MANDATORY_GTIN, drop=("dimension",)))
    # then
    assert (answer["error"], answer["message"]) == ("error_param", "dimension is required")


# --- names, prices, unknown items (I22, I24, I28, I29) -------------------------------------------------

def test_i22_i24_i28_i29_documented_codes(sim, token):
    short = add(sim, token, item(sim, item_name="Gạo"))
    cheap = add(sim, token, item(sim, original_price=10))
    update_unknown = shop_call(sim, "POST", "/api/v2/product/update_item", token,
                               body={"item_id": 123, "item_name": "Tên mới đủ dài"}).json()
    update_without_id = shop_call(sim, "POST", "/api/v2/product/update_item", token, body={"item_name": "x"}).json()
    # then
    assert short["error"] == "error_item_name_is_too_short"
    assert cheap["error"] == "error_price_exceed_min_limitt"
    assert (update_unknown["error"], update_unknown["message"]) == ("error_item_not_found", "Item_id is not found.")
    assert (update_without_id["error"], update_without_id["message"]) == (
        "product.error_param", "invalid field ItemId: value must  Not Null")


# --- items in review and deleted items (I26, L2, L3, L6) -----------------------------------------------

def test_l3_i26_an_item_in_review_is_listed_and_holds_its_place_in_the_duplicate_check():
    with ShopeeSimulator(partner_id=PARTNER_ID, partner_key=KEY, new_item_status="REVIEWING") as sim:
        token = tokens(sim)["access_token"]
        body = item(sim)
        first = add(sim, token, body)
        again = add(sim, token, {**body, "image": {"image_id_list": [image(sim)]}})
        reviewing = shop_call(sim, "GET", "/api/v2/product/get_item_list", token,
                              params={"offset": 0, "page_size": 10, "item_status": "REVIEWING"}).json()
        normal = shop_call(sim, "GET", "/api/v2/product/get_item_list", token,
                           params={"offset": 0, "page_size": 10, "item_status": ["NORMAL", "UNLIST"]}).json()
        # then
        assert first["error"] == ""
        assert (again["error"], again["message"]) == ("error_repeated_mtsku", "A similar product has already been uploaded")
        assert [i["item_id"] for i in reviewing["response"]["item"]] == [first["response"]["item_id"]]
        assert normal["response"]["item"] == []


def test_l2_l6_deleted_items_list_as_seller_delete(sim, token):
    item_id = add(sim, token, item(sim))["response"]["item_id"]
    shop_call(sim, "POST", "/api/v2/product/delete_item", token, body={"item_id": item_id})
    # when
    invented = shop_call(sim, "GET", "/api/v2/product/get_item_list", token,
                         params={"offset": 0, "page_size": 10, "item_status": "DELETED"}).json()
    deleted = shop_call(sim, "GET", "/api/v2/product/get_item_list", token,
                        params={"offset": 0, "page_size": 10, "item_status": "SELLER_DELETE"}).json()
    # then
    assert (invented["error"], invented["message"]) == ("error_param_item_status", "Item status error.")
    assert [i["item_id"] for i in deleted["response"]["item"]] == [item_id]


# --- tier structures (V1, V2, V3, V6, V7, V8, V9) ---------------------------------------------------------

def _init(sim, token, item_id, **body):
    return shop_call(sim, "POST", "/api/v2/product/init_tier_variation", token, body={"item_id": item_id, **body}).json()


def _custom(name, *options):
    return {"variation_id": 0, "variation_name": name, "variation_group_id": 0,
            "variation_option_list": [{"variation_option_id": 0, "variation_option_name": o} for o in options]}


def _models(*indexes):
    return [{"tier_index": list(i), "original_price": 50000, "model_sku": "M" + "".join(map(str, i)),
             "seller_stock": [{"stock": 1}]} for i in indexes]


def test_v1_v2_standardise_tier_variation_and_the_deprecated_structure(sim, token):
    first = add(sim, token, item(sim))["response"]["item_id"]
    second = add(sim, token, item(sim, item_name="Sản phẩm Đồng Tháp loại hai"))["response"]["item_id"]
    # when
    new = _init(sim, token, first, standardise_tier_variation=[_custom("Cỡ", "1kg", "2kg"), _custom("Gói", "Túi", "Hộp")],
                model=_models((0, 0), (0, 1), (1, 0), (1, 1)))
    old = _init(sim, token, second, tier_variation=[{"name": "Cỡ", "option_list": [{"option": "1kg"}]}],
                model=_models((0,)))
    # then
    assert new["error"] == "" and len(new["response"]["model"]) == 4
    assert [(t["name"], [o["option"] for o in t["option_list"]]) for t in new["response"]["tier_variation"]] == [
        ("Cỡ", ["1kg", "2kg"]), ("Gói", ["Túi", "Hộp"])]
    assert old["error"] == ""
    structures = {i.item_id: i.tier_structure for i in sim.items()}
    assert structures == {first: "standardise_tier_variation", second: "tier_variation"}


def test_v3_v6_v7_v8_tier_errors(sim, token):
    item_id = add(sim, token, item(sim))["response"]["item_id"]
    three = _init(sim, token, item_id, standardise_tier_variation=[_custom("A", "1"), _custom("B", "1"), _custom("C", "1")],
                  model=_models((0, 0, 0)))
    same_index = _init(sim, token, item_id, standardise_tier_variation=[_custom("A", "1", "2")], model=_models((0,), (0,)))
    same_name = _init(sim, token, item_id, standardise_tier_variation=[_custom("A", "1", "1")], model=_models((0,), (1,)))
    long_name = _init(sim, token, item_id, standardise_tier_variation=[_custom("N" * 15, "1")], model=_models((0,)))
    long_option = _init(sim, token, item_id, standardise_tier_variation=[_custom("A", "o" * 31)], model=_models((0,)))
    # then
    assert (three["error"], three["message"]) == ("error_param", "The level of tier-variation over 2.")
    assert same_index["error"] == "error_model_duplicate_tier_variation_index"
    assert same_name["error"] == "error_model_duplicate_name"
    assert long_name["error"] == "error_tier_var_name_too_long"
    assert long_option["error"] == "error_tier_opt_val_too_long"
    assert sim.items()[0].models == []


def test_v9_a_second_init_replaces_the_structure_and_its_models(sim, token):
    item_id = add(sim, token, item(sim))["response"]["item_id"]
    first = _init(sim, token, item_id, standardise_tier_variation=[_custom("A", "1", "2")], model=_models((0,), (1,)))
    old_ids = {m["model_id"] for m in first["response"]["model"]}
    # when
    second = _init(sim, token, item_id, standardise_tier_variation=[_custom("A", "1"), _custom("B", "x", "y")],
                   model=_models((0, 0), (0, 1)))
    listed = shop_call(sim, "GET", "/api/v2/product/get_model_list", token, params={"item_id": item_id}).json()
    # then
    assert second["error"] == ""
    assert not old_ids & {m["model_id"] for m in listed["response"]["model"]}
    assert len(listed["response"]["tier_variation"]) == 2


# --- main account authorisation (A4, A5) ------------------------------------------------------------------

def test_a4_a5_a_main_account_gets_one_pair_for_its_shops_then_one_per_shop():
    shops = {14701711: "Shop một", 14701712: "Shop hai"}
    with ShopeeSimulator(partner_id=PARTNER_ID, partner_key=KEY, shops=shops, main_accounts={90001: list(shops)}) as sim:
        # given the consent page approved by the main account
        approve = requests.post(sim.url + "/sandbox/authorize", data={
            "redirect": "http://127.0.0.1:9/cb", "shop_id": "main:90001", "decision": "approve"},
            allow_redirects=False, timeout=5)
        location = approve.headers["Location"]
        code = location.split("code=")[1].split("&")[0]
        # when the code is exchanged with main_account_id
        got = public(sim, "/api/v2/auth/token/get", body={"code": code, "partner_id": PARTNER_ID,
                                                           "main_account_id": 90001}).json()
        shared = got["access_token"]
        info = [shop_call_for(sim, shop, shared) for shop in shops]
        refresh = {shop: public(sim, "/api/v2/auth/access_token/get", body={
            "refresh_token": got["refresh_token"], "partner_id": PARTNER_ID, "shop_id": shop}).json() for shop in shops}
        again = public(sim, "/api/v2/auth/access_token/get", body={
            "refresh_token": got["refresh_token"], "partner_id": PARTNER_ID, "shop_id": 14701711}).json()
        # then the callback carried main_account_id and no shop_id
        assert "main_account_id=90001" in location and "shop_id" not in location
        assert got["error"] == "" and sorted(got["shop_id_list"]) == sorted(shops) and got["merchant_id_list"] == []
        assert all(answer["error"] == "" for answer in info)  # the shared token works for each shop
        assert all(answer["error"] == "" for answer in refresh.values())
        assert refresh[14701711]["access_token"] != refresh[14701712]["access_token"]
        assert again["error"] == "error_shop_refresh_token"


def shop_call_for(sim, shop, token):
    path = "/api/v2/shop/get_shop_info"
    ts = int(time.time())
    query = {"partner_id": PARTNER_ID, "timestamp": ts, "access_token": token, "shop_id": shop,
             "sign": sign(f"{PARTNER_ID}{path}{ts}{token}{shop}")}
    return requests.get(sim.url + path, params=query, timeout=5).json()


def test_a3_a_code_with_another_shops_id_is_invalid_shop_id(sim):
    code, _ = sim.issue_code(SHOP)
    # when
    answer = public(sim, "/api/v2/auth/token/get", body={"code": code, "partner_id": PARTNER_ID, "shop_id": 1}).json()
    # then
    assert answer["error"] == "invalid_shop_id"
