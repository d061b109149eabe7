"""The sandbox Lazada's category rules and stock model, written from docs/marketplaces/lazada.md (its "Sandbox
test cases" rows, named in each test), not from the connector: brand_id, standard sale properties once there
are several SKUs, variation limits, SKU-level mandatory attributes, and the total vs sellable quantity.

Requests are built by hand with the documented signature (helpers of test_conformance)."""

import json

import pytest

from marketplace_sandbox.lazada import LazadaSimulator
from tests.marketplace_sandbox.lazada.test_conformance import APP_KEY, SECRET, SELLER, access, call

COFFEE = "10000104"  # sale properties size and color_family, mandatory SKU-level expiry_days
PACKAGE = {"package_weight": "0.5", "package_length": "20", "package_width": "10", "package_height": "5"}


@pytest.fixture
def sim():
    with LazadaSimulator(app_key=APP_KEY, app_secret=SECRET) as s:
        yield s


@pytest.fixture
def token(sim):
    return access(sim)


def sku(seller_sku, sale_prop=None, **extra):
    body = {"SellerSku": seller_sku, "price": "90000", "quantity": "5", "expiry_days": "365", **PACKAGE, **extra}
    if sale_prop is not None:
        body["saleProp"] = sale_prop
    return body


def coffee(sim, token, *, skus, variation=None, attributes=None):
    product = {"PrimaryCategory": COFFEE, "Images": {"Image": [sim.host_image(b"c")]},
               "Attributes": attributes or {"name": "Cà phê rang xay Đồng Tháp", "brand_id": "30039", "origin": "Vietnam"},
               "Skus": {"Sku": skus}}
    if variation is not None:
        product["variation"] = variation
    payload = json.dumps({"Request": {"Product": product}}, ensure_ascii=False)
    return call(sim, "POST", "/product/create", {"payload": payload}, token=token).json()


def standard(name, *options, key="Variation1"):
    return {key: {"name": name, "hasImage": False, "customize": False, "options": {"option": list(options)}}}


def custom(name, *options, key="Variation2"):
    return {key: {"name": name, "hasImage": False, "customize": True, "options": {"option": list(options)}}}


# --- brands (D5, P8, P9) ---------------------------------------------------------------------------------

def test_d5_brands_page_through_with_a_vietnamese_no_brand_id(sim, token):
    first = call(sim, "GET", "/category/brands/query", {"startRow": "0", "pageSize": "2"}, token=token).json()
    rest = call(sim, "GET", "/category/brands/query", {"startRow": "2", "pageSize": "2"}, token=token).json()
    too_big = call(sim, "GET", "/category/brands/query", {"startRow": "0", "pageSize": "201"}, token=token).json()
    # then
    brands = first["data"]["module"] + rest["data"]["module"]
    assert first["data"]["total_record"] == len(brands) == 3
    assert next(b for b in brands if b["name"] == "No Brand")["brand_id"] == 30039
    assert too_big["code"] == "5"  # D4


def test_p8_p9_brand_id_is_mandatory_and_must_be_a_vietnamese_brand(sim, token):
    only_brand = coffee(sim, token, skus=[sku("CF-1")],
                        attributes={"name": "Cà phê", "brand": "No Brand", "origin": "Vietnam"})
    foreign = coffee(sim, token, skus=[sku("CF-1")], attributes={"name": "Cà phê", "brand_id": "999", "origin": "Vietnam"})
    good = coffee(sim, token, skus=[sku("CF-1")])
    # then
    assert only_brand["code"] == "4108" and "brand_id" in only_brand["message"]
    assert foreign["code"] == "4142"
    assert good["code"] == "0"


def test_p12_a_single_select_value_is_its_en_name_not_the_localised_name(sim, token):
    localised = coffee(sim, token, skus=[sku("CF-1")],
                       attributes={"name": "Cà phê", "brand_id": "30039", "origin": "Việt Nam"})
    english = coffee(sim, token, skus=[sku("CF-1")], attributes={"name": "Cà phê", "brand_id": "30039", "origin": "Vietnam"})
    # then
    assert localised["code"] == "4115"
    assert english["code"] == "0"


# --- sale properties (P13, P14, P16, P18) -----------------------------------------------------------------

def test_p13_several_skus_with_only_a_custom_variation_are_refused(sim, token):
    answer = coffee(sim, token, variation=custom("Loại", "Hạt", "Bột", key="Variation1"),
                    skus=[sku("CF-1", {"Loại": "Hạt"}), sku("CF-2", {"Loại": "Bột"})])
    # then
    assert answer["code"] == "4113"
    assert sim.live_products(SELLER) == []


def test_p14_the_standard_sale_property_beside_a_custom_variation_is_accepted(sim, token):
    answer = coffee(sim, token, variation={**standard("size", "250g", "500g"), **custom("Loại", "Hạt")},
                    skus=[sku("CF-1", {"size": "250g", "Loại": "Hạt"}), sku("CF-2", {"size": "500g", "Loại": "Hạt"})])
    # then
    assert answer["code"] == "0"
    assert [s["seller_sku"] for s in answer["data"]["sku_list"]] == ["CF-1", "CF-2"]


def test_p15_one_sku_needs_no_sale_property(sim, token):
    assert coffee(sim, token, skus=[sku("CF-1")])["code"] == "0"


def test_a_standard_option_must_be_an_en_name_of_the_property(sim, token):
    # color_family's options are localised ("Nâu") with en_name "Brown": the en_name is sent (G-attrs)
    localised = coffee(sim, token, variation=standard("color_family", "Nâu", "Đen"),
                       skus=[sku("CF-1", {"color_family": "Nâu"}), sku("CF-2", {"color_family": "Đen"})])
    english = coffee(sim, token, variation=standard("color_family", "Brown", "Black"),
                     skus=[sku("CF-1", {"color_family": "Brown"}), sku("CF-2", {"color_family": "Black"})])
    not_a_property = coffee(sim, token, variation=standard("flavour", "a", "b"),
                            skus=[sku("CF-3", {"flavour": "a"}), sku("CF-4", {"flavour": "b"})])
    # then
    assert localised["code"] == "4109"
    assert english["code"] == "0"
    assert not_a_property["code"] == "4161"


# --- variation limits (P20-P24) -------------------------------------------------------------------------

@pytest.mark.parametrize(("row", "variation", "sale_prop", "expected"), [
    ("P20", custom("N" * 16, "a", key="Variation1"), {"N" * 16: "a"}, "VARIATION_NAME_LENGTH_LIMIT"),
    ("P21", custom("Loại", "o" * 21, key="Variation1"), {"Loại": "o" * 21}, "VARIATION_OPTION_LENGTH_LIMIT"),
    ("P22", custom("Loại", *[f"o{n}" for n in range(51)], key="Variation1"), {"Loại": "o1"}, "OPTIONS_SIZE_LIMIT"),
    ("P22 three", {**custom("A", "a", key="Variation1"), **custom("B", "b"), **custom("C", "c", key="Variation3")},
     {"A": "a", "B": "b", "C": "c"}, "VARIATION_SIZE_LIMIT"),
    ("P23", {**custom("A", "a", key="Variation1"), "Variation2": {"name": "B", "hasImage": True, "customize": True,
                                                                   "options": {"option": ["b"]}}},
     {"A": "a", "B": "b"}, "VARIATION_IMAGE_MUST_SET_VARIATION1"),
])
def test_p20_to_p23_variation_limits_are_invalid_variation(sim, token, row, variation, sale_prop, expected):
    # given a category without standard sale properties (rice), one SKU with the variation
    product = {"PrimaryCategory": "10000101", "Images": {"Image": [sim.host_image(b"g")]},
               "Attributes": {"name": "Gạo", "brand_id": "30039", "origin": "Việt Nam", "shelf_life": "12 tháng"},
               "variation": variation, "Skus": {"Sku": [{"SellerSku": "G-1", "price": "50000", "saleProp": sale_prop,
                                                         **PACKAGE}]}}
    # when
    answer = call(sim, "POST", "/product/create", {"payload": json.dumps({"Request": {"Product": product}})},
                  token=token).json()
    # then
    assert answer["code"] == "209", row
    assert expected in answer["message"]


def test_p24_a_lowercase_variation_key_counts_like_variation1(sim, token):
    answer = coffee(sim, token, variation={"variation1": standard("size", "250g", "1kg")["Variation1"]},
                    skus=[sku("CF-1", {"size": "250g"}), sku("CF-2", {"size": "1kg"})])
    assert answer["code"] == "0"


# --- SKU-level attributes (P11) --------------------------------------------------------------------------

def test_p11_a_mandatory_sku_level_attribute_missing_from_one_sku(sim, token):
    without = sku("CF-2", {"size": "500g"})
    del without["expiry_days"]
    answer = coffee(sim, token, variation=standard("size", "250g", "500g"), skus=[sku("CF-1", {"size": "250g"}), without])
    # then
    assert answer["code"] == "4110" and "expiry_days" in answer["message"]
    assert sim.live_products(SELLER) == []


# --- total vs sellable quantity (S1-S3, S9, S11, U8, U9) --------------------------------------------------

@pytest.fixture
def sku_with_orders(sim, token):
    """A SKU with 10 sellable units, then a paid order of 3 (occupied) and an unpaid order of 1 (withheld)."""
    answer = coffee(sim, token, skus=[sku("CF-1", quantity="14")])
    item_id, sku_id = answer["data"]["item_id"], answer["data"]["sku_list"][0]["sku_id"]
    sim.create_order(shop_id=SELLER, items=[("CF-1", 3)], status="pending")
    sim.create_order(shop_id=SELLER, items=[("CF-1", 1)], status="unpaid")
    return item_id, sku_id


def _item(sim, token, item_id):
    return call(sim, "GET", "/product/item/get", {"item_id": str(item_id)}, token=token).json()["data"]["skus"][0]


def test_s9_s11_orders_move_units_into_withheld_and_occupied(sim, token, sku_with_orders):
    item_id, _sku_id = sku_with_orders
    inventory = _item(sim, token, item_id)["multiWarehouseInventories"][0]
    # then
    assert inventory == {"warehouseCode": "dropshipping", "quantity": 14, "totalQuantity": 14, "sellableQuantity": 10,
                         "withholdQuantity": 1, "occupyQuantity": 3}


def test_s1_s2_update_price_quantity_sets_the_total(sim, token, sku_with_orders):
    item_id, sku_id = sku_with_orders

    def send(quantity):
        payload = json.dumps({"Request": {"Product": {"Skus": {"Sku": [
            {"ItemId": str(item_id), "SkuId": str(sku_id), "Quantity": str(quantity)}]}}}})
        return call(sim, "POST", "/product/price_quantity/update", {"payload": payload}, token=token).json()

    # when the total is set below the 4 units held by orders, then to 10
    below = send(3)
    ten = send(10)
    # then the first is refused for that SKU, the second leaves 6 to sell
    assert below["code"] == "501" and below["detail"][0]["sku_id"] == str(sku_id)
    assert ten["code"] == "0"
    inventory = _item(sim, token, item_id)["multiWarehouseInventories"][0]
    assert (inventory["totalQuantity"], inventory["sellableQuantity"]) == (10, 6)


def test_s3_update_sellable_quantity_in_xml_sets_what_buyers_can_buy(sim, token, sku_with_orders):
    item_id, sku_id = sku_with_orders
    payload = (f"<Request><Product><Skus><Sku><ItemId>{item_id}</ItemId><SkuId>{sku_id}</SkuId>"
               "<SellableQuantity>10</SellableQuantity></Sku></Skus></Product></Request>")
    # when
    answer = call(sim, "POST", "/product/stock/sellable/update", {"payload": payload}, token=token).json()
    # then
    assert answer["code"] == "0"
    inventory = _item(sim, token, item_id)["multiWarehouseInventories"][0]
    assert (inventory["sellableQuantity"], inventory["withholdQuantity"], inventory["occupyQuantity"],
            inventory["totalQuantity"]) == (10, 1, 3, 14)


def test_s4_sellable_below_the_campaign_lock_is_negative_sellable(sim, token, sku_with_orders):
    item_id, sku_id = sku_with_orders
    sim.sku("CF-1", SELLER).reserved = 5  # 5 units locked for a campaign
    payload = (f"<Request><Product><Skus><Sku><ItemId>{item_id}</ItemId><SkuId>{sku_id}</SkuId>"
               "<SellableQuantity>4</SellableQuantity></Sku></Skus></Product></Request>")
    answer = call(sim, "POST", "/product/stock/sellable/update", {"payload": payload}, token=token).json()
    # then
    assert answer["code"] == "501" and answer["detail"][0]["message"] == "negative sellable on channel inventory"
    assert sim.sku("CF-1", SELLER).quantity == 10


def test_u8_u9_update_product_quantity_sets_the_sellable_quantity(sim, token, sku_with_orders):
    item_id, sku_id = sku_with_orders

    def update(quantity):
        payload = json.dumps({"Request": {"Product": {"ItemId": str(item_id), "Attributes": {},
                                                      "Skus": {"Sku": [{"SkuId": str(sku_id), "quantity": quantity}]}}}})
        return call(sim, "POST", "/product/update", {"payload": payload}, token=token).json()

    negative, five = update("-1"), update("5")
    # then
    assert negative["code"] == "4152"
    assert five["code"] == "0"
    found = sim.sku("CF-1", SELLER)
    assert (found.quantity, found.withhold, found.occupy) == (5, 1, 3)


def test_u6_update_product_without_the_attributes_node_is_refused(sim, token, sku_with_orders):
    item_id, sku_id = sku_with_orders
    payload = json.dumps({"Request": {"Product": {"ItemId": str(item_id),
                                                  "Skus": {"Sku": [{"SkuId": str(sku_id), "Status": "inactive"}]}}}})
    # when
    answer = call(sim, "POST", "/product/update", {"payload": payload}, token=token).json()
    # then
    assert answer["code"] == "5"
    assert sim.sku("CF-1", SELLER).status == "active"
