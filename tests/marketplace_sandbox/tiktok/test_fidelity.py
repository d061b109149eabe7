"""The TikTok Shop sandbox against docs/marketplaces/tiktok.md's sandbox test cases (by raw signed HTTP, no
connector): Edit is a full overwrite and Partial Edit works per top-level property (E1-E6), cash on delivery
and certifications follow the category rules (D2, D3, P9, P10), prices and stock keep to their documented
ranges (P7, S3), and a deactivated product cannot be bought (S9)."""

import json

import pytest

from marketplace_sandbox.tiktok import TikTokSimulator
from tests.marketplace_connectors.factories import png_bytes

from ..receiver import PushReceiver
from .test_conformance import APP_KEY, APP_SECRET, Api, V

PRODUCTS = f"/product/{V}/products"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def sim():
    with TikTokSimulator(app_key=APP_KEY, app_secret=APP_SECRET, audit_seconds=0) as simulator:
        yield simulator


@pytest.fixture
def api(sim):
    return Api(sim)


def two_sku_product(api, **overrides):
    warehouse = api.sim.shop().warehouses[0]
    skus = [{"seller_sku": f"ST25-{n}KG", "sales_attributes": [{"name": "Khối lượng", "value_name": f"{n} kg"}],
             "price": {"amount": str(100_000 * n), "currency": "VND"},
             "inventory": [{"warehouse_id": warehouse, "quantity": 10 * n}]} for n in (1, 2)]
    body = api.product_body(skus=skus, brand_id="7082427311584347905", **overrides)
    data = api.call("POST", PRODUCTS, body=body)[1]["data"]
    return data["product_id"], [s["id"] for s in data["skus"]], body


def get(api, product_id):
    return api.call("GET", f"{PRODUCTS}/{product_id}")[1]["data"]


def test_e1_e2_e3_edit_clears_what_is_left_out_deletes_unlisted_skus_and_keeps_price_and_stock(api):
    product_id, sku_ids, body = two_sku_product(api)
    assert get(api, product_id)["brand"]["id"] == "7082427311584347905"
    edit = {k: v for k, v in body.items() if k != "brand_id"}
    edit["skus"] = [{"id": sku_ids[0], "seller_sku": "ST25-1KG", "sales_attributes": body["skus"][0]["sales_attributes"]}]

    code = api.call("PUT", f"{PRODUCTS}/{product_id}", body=edit)[1]["code"]

    product = get(api, product_id)
    assert code == 0 and "brand" not in product  # E1
    assert [s["id"] for s in product["skus"]] == [sku_ids[0]]  # E2: the SKU left out is gone
    assert product["skus"][0]["price"]["sale_price"] == "100000"  # E3: price and inventory kept
    assert product["skus"][0]["inventory"][0]["quantity"] == 10


def test_e4_e5_e6_partial_edit_keeps_what_is_left_out_replaces_objects_whole_and_deletes_unlisted_skus(api):
    product_id, sku_ids, body = two_sku_product(api, package_dimensions={
        "length": "30", "width": "20", "height": "10", "unit": "CENTIMETER"})
    path = f"{PRODUCTS}/{product_id}/partial_edit"

    assert api.call("POST", path, body={"description": "<p>Gạo mùa mới</p>"})[1]["code"] == 0
    product = get(api, product_id)
    assert product["description"] == "<p>Gạo mùa mới</p>" and product["brand"]["id"] == "7082427311584347905"
    assert len(product["skus"]) == 2  # E4

    api.call("POST", path, body={"package_dimensions": {"length": "40", "unit": "CENTIMETER"}})
    assert get(api, product_id)["package_dimensions"] == {"length": "40", "unit": "CENTIMETER"}  # E5

    api.call("POST", path, body={"skus": [{"id": sku_ids[1], "seller_sku": "ST25-2KG",
                                           "sales_attributes": body["skus"][1]["sales_attributes"]}]})
    assert [s["id"] for s in get(api, product_id)["skus"]] == [sku_ids[1]]  # E6


def test_d2_p9_cash_on_delivery_in_a_category_without_it_is_12052222(api, sim):
    rules = api.call("GET", f"/product/{V}/categories/600104/rules")[1]["data"]
    assert rules["cod"] == {"is_supported": False}  # D2
    refused = api.call("POST", PRODUCTS, body=api.product_body(category_id="600104", is_cod_allowed=True,
                                                               product_attributes=[{"id": "100101", "values": [{"id": "1001011"}]}]))
    assert refused[1]["code"] == 12052222 and sim.live_products() == []  # P9
    accepted = api.call("POST", PRODUCTS, body=api.product_body(category_id="600104", is_cod_allowed=False,
                                                                product_attributes=[{"id": "100101", "values": [{"id": "1001011"}]}]))
    assert accepted[1]["code"] == 0


def test_d3_p10_a_certification_the_category_rules_require_is_12052105_when_missing(api, sim):
    rules = api.call("GET", f"/product/{V}/categories/600105/rules")[1]["data"]
    certs = {c["id"]: c for c in rules["product_certifications"]}
    assert certs["700101"]["is_required"] is True  # D3: one always required ...
    assert certs["700102"]["requirement_conditions"][0]["attribute_value_id"] == "1001101"  # ... one conditional
    attrs = [{"id": "100101", "values": [{"id": "1001011"}]}]
    image = {"uri": certification_image(api)}
    cert = {"id": "700101", "images": [image], "expiration_date": 1893456000}

    assert api.call("POST", PRODUCTS, body=api.product_body(category_id="600105", product_attributes=attrs))[1]["code"] == 12052105
    no_date = {"id": "700101", "images": [image]}
    assert api.call("POST", PRODUCTS, body=api.product_body(
        category_id="600105", product_attributes=attrs, certifications=[no_date]))[1]["code"] == 12052385
    assert api.call("POST", PRODUCTS, body=api.product_body(
        category_id="600105", product_attributes=attrs, certifications=[{**cert, "id": "1"}]))[1]["code"] == 12052655
    organic = [*attrs, {"id": "100110", "values": [{"id": "1001101"}]}, {"id": "100111", "values": [{"name": "Ecocert"}]}]
    assert api.call("POST", PRODUCTS, body=api.product_body(
        category_id="600105", product_attributes=organic, certifications=[cert]))[1]["code"] == 12052105
    assert sim.live_products() == []
    assert api.call("POST", PRODUCTS, body=api.product_body(
        category_id="600105", product_attributes=attrs, certifications=[cert]))[1]["code"] == 0


def certification_image(api) -> str:
    answer = api.call("POST", f"/product/{V}/images/upload", shop=False,
                      files={"data": ("chung-nhan.png", png_bytes()), "use_case": (None, "CERTIFICATION_IMAGE")})[1]
    assert answer["data"]["use_case"] == "CERTIFICATION_IMAGE"
    return answer["data"]["uri"]


def upload_file(api, content=PDF, name="chung-nhan-attp.pdf", drop=()) -> dict:
    files = {"data": (name, content, "application/pdf"), "name": (None, name)}
    for field in drop:
        files.pop(field)
    return api.call("POST", f"/product/{V}/files/upload", shop=False, files=files)[1]


def test_m5_upload_product_file_takes_a_named_pdf(api, sim):
    # R-file: data (PDF, at most 20 MB) and name required; not a shop API
    answer = upload_file(api)
    assert answer["code"] == 0 and answer["data"]["format"] == "PDF" and answer["data"]["name"] == "chung-nhan-attp.pdf"
    assert upload_file(api, drop=("data",))["code"] == 12038002
    assert upload_file(api, drop=("name",))["code"] == 12019104
    assert upload_file(api, content=b"")["code"] == 12019103
    assert upload_file(api, content=png_bytes(), name="anh.png")["code"] == 12019105
    assert upload_file(api, content=PDF + b"0" * (20 * 1024 * 1024))["code"] == 12038005


def test_p16_certification_images_and_files_must_be_uploaded_for_certifications(api, sim):
    # R-create: images uploaded with use_case=CERTIFICATION_IMAGE (12052650), files from Upload Product File
    # in PDF (12052658), one entry per certification id (12052656), a valid expiry date (12052385)
    attrs = [{"id": "100101", "values": [{"id": "1001011"}]}]

    def create(*certs):
        return api.call("POST", PRODUCTS, body=api.product_body(category_id="600105", product_attributes=attrs,
                                                                certifications=list(certs)))[1]["code"]

    pdf = upload_file(api)["data"]
    file_entry = {"id": pdf["id"], "name": pdf["name"], "format": "PDF"}
    assert create({"id": "700101", "images": [{"uri": api.upload()}], "expiration_date": 1893456000}) == 12052650
    assert create({"id": "700101", "files": [{**file_entry, "id": "v09eunknown"}], "expiration_date": 1893456000}) == 12052658
    assert create({"id": "700101", "files": [file_entry], "expiration_date": 1000}) == 12052385
    assert create({"id": "700101", "files": [file_entry], "expiration_date": 1893456000},
                  {"id": "700101", "files": [file_entry], "expiration_date": 1893456000}) == 12052656
    assert sim.live_products() == []
    assert create({"id": "700101", "files": [file_entry], "expiration_date": 1893456000}) == 0
    [product] = sim.live_products()
    assert get(api, product.product_id)["certifications"][0]["files"] == [file_entry]


@pytest.mark.parametrize(("amount", "code"), [("180000001", 12052570), ("0", 12052073), ("12.5", 12052012)])
def test_p7_prices_outside_the_documented_range(api, sim, amount, code):
    body = api.product_body()
    body["skus"][0]["price"]["amount"] = amount
    assert api.call("POST", PRODUCTS, body=body)[1]["code"] == code and sim.live_products() == []


def test_s3_s9_stock_0_is_refused_and_a_deactivated_product_cannot_be_bought(api, sim):
    product_id, sku_ids, _body = two_sku_product(api)
    warehouse = sim.shop().warehouses[0]
    zero = {"skus": [{"id": sku_ids[0], "inventory": [{"warehouse_id": warehouse, "quantity": 0}]}]}
    assert api.call("POST", f"{PRODUCTS}/{product_id}/inventory/update", body=zero)[1]["code"] == 12052055  # S3

    answer = api.call("POST", f"{PRODUCTS}/deactivate", body={"product_ids": [product_id]})[1]
    assert answer["code"] == 0 and not answer["data"]
    with pytest.raises(ValueError, match="not on sale"):
        sim.create_order(shop_id=sim.shop().shop_id, items=[("ST25-1KG", 1)])  # S9
    assert sim.stock_of(shop_id=sim.shop().shop_id, sku="ST25-1KG") == 10


def test_s12_a_deactivated_product_takes_no_stock_and_activating_it_goes_through_the_audit_again():
    # R-inventory: SKUs of a product in ACTIVATE status only (12052901); R-activate: an activated product is
    # PENDING until the audit passes, then ACTIVATE, announced by the type-5 webhook
    receiver = PushReceiver()
    with TikTokSimulator(app_key=APP_KEY, app_secret=APP_SECRET, push_url=receiver.url()) as sim:
        api = Api(sim)
        product_id, sku_ids, _body = two_sku_product(api)
        sim.decide_audit(product_id, approve=True)
        warehouse = sim.shop().warehouses[0]
        five = {"skus": [{"id": sku_ids[0], "inventory": [{"warehouse_id": warehouse, "quantity": 5}]}]}
        assert api.call("POST", f"{PRODUCTS}/deactivate", body={"product_ids": [product_id]})[1]["code"] == 0
        assert api.call("POST", f"{PRODUCTS}/{product_id}/inventory/update", body=five)[1]["code"] == 12052901

        answer = api.call("POST", f"{PRODUCTS}/activate", body={"product_ids": [product_id]})[1]
        assert answer["code"] == 0 and not answer["data"]
        assert get(api, product_id)["status"] == "PENDING"
        assert api.call("POST", f"{PRODUCTS}/{product_id}/inventory/update", body=five)[1]["code"] == 12052901
        sim.decide_audit(product_id, approve=True)
        assert get(api, product_id)["status"] == "ACTIVATE"
        assert api.call("POST", f"{PRODUCTS}/{product_id}/inventory/update", body=five)[1]["code"] == 0
        sim.create_order(shop_id=sim.shop().shop_id, items=[("ST25-1KG", 1)])
        sim.wait_for_deliveries()
        audits = [json.loads(r.body)["data"]["status"] for r in receiver.received if json.loads(r.body)["type"] == 5]
        assert audits == ["PRODUCT_FIRST_PASS_REVIEW", "PRODUCT_FIRST_PASS_REVIEW"]  # both audits announced
    receiver.stop()


def test_p13_the_returns_warehouse_and_a_disabled_one_hold_no_stock_for_sale(api, sim):
    shop = sim.shop()
    listed = api.call("GET", "/logistics/202309/warehouses")[1]["data"]["warehouses"]
    assert [(w["type"], w["effect_status"]) for w in listed] == [("RETURN_WAREHOUSE", "ENABLED"),
                                                                 ("SALES_WAREHOUSE", "ENABLED")]
    body = api.product_body()
    body["skus"][0]["inventory"][0]["warehouse_id"] = shop.return_warehouse
    assert api.call("POST", PRODUCTS, body=body)[1]["code"] == 12052532
    shop.disabled_warehouses.add(shop.warehouses[0])
    assert api.call("POST", PRODUCTS, body=api.product_body())[1]["code"] == 12052531
    assert sim.live_products() == []


def test_o4_o5_webhooks_say_cancel_for_a_cancelled_order_and_type_6_when_the_seller_removes_the_app(api, sim):
    receiver = PushReceiver()
    try:
        sim.push_url = receiver.url()
        two_sku_product(api)
        order_id = sim.create_order(shop_id=sim.shop().shop_id, items=[("ST25-1KG", 1)])
        sim.set_order_status(order_id=order_id, status="CANCELLED")
        sim.deauthorize()
        sim.wait_for_deliveries()
        pushes = [json.loads(r.body) for r in receiver.received]
    finally:
        receiver.stop()
    orders = [p["data"]["order_status"] for p in pushes if p["type"] == 1]
    assert orders == ["AWAITING_SHIPMENT", "CANCEL"]  # G-wh1's word; Get Order List says CANCELLED
    assert sim.orders[order_id].status == "CANCELLED"
    assert pushes[-1]["type"] == 6 and pushes[-1]["shop_id"] == sim.shop().shop_id
    assert api.call("GET", f"/product/{V}/categories")[1]["code"] == 36009004  # the token no longer works


def test_o5_type_7_says_when_the_authorisation_ends_and_the_tokens_keep_working(api, sim):
    receiver = PushReceiver()
    try:
        sim.push_url = receiver.url()
        sim.warn_authorization_expiry(days=30)
        sim.wait_for_deliveries()
        [push] = [json.loads(r.body) for r in receiver.received]
    finally:
        receiver.stop()
    # G-wh7: type 7, the shop, data.message and data.expiration_time (Unix seconds as a string)
    assert push["type"] == 7 and push["shop_id"] == sim.shop().shop_id
    assert int(push["data"]["expiration_time"]) - push["timestamp"] == 30 * 86_400
    assert "is expiring in 30 days" in push["data"]["message"]
    assert api.call("GET", f"/product/{V}/categories")[1]["code"] == 0  # still authorised until then


def test_e8_an_edit_naming_a_brand_the_shop_no_longer_has_clears_it_with_a_warning(api, sim):
    # R-edit answers data.warnings as R-create does (its sample: a brand_id cleared by the system)
    product_id, sku_ids, body = two_sku_product(api)
    sim.brands.discard("7082427311584347905")
    edit = {**body, "skus": [{**sku, "id": sku_id} for sku, sku_id in zip(body["skus"], sku_ids, strict=True)]}

    answer = api.call("PUT", f"{PRODUCTS}/{product_id}", body=edit)[1]

    assert answer["code"] == 0
    assert answer["data"]["warnings"] == [{"message": "The [brand_id]:7082427311584347905 field is incorrect and has "
                                                      "been automatically cleared by the system. Reason: [Brand does "
                                                      "not exist]. You can edit it later."}]
    assert "brand" not in get(api, product_id)


def test_c11_a_retired_version_is_36009014_and_an_unknown_path_36009009(api):
    # G-versions: a path served under another version segment names a retired (or unknown) version
    assert api.call("GET", "/product/202201/categories")[1]["code"] == 36009014
    assert api.call("GET", "/product/202309/nothing")[1]["code"] == 36009009


def test_s4_s5_inventory_names_known_skus_once_and_may_leave_out_a_single_warehouse(api, sim):
    product_id, sku_ids, _body = two_sku_product(api)
    path = f"{PRODUCTS}/{product_id}/inventory/update"
    warehouse = sim.shop().warehouses[0]
    entry = {"id": sku_ids[0], "inventory": [{"warehouse_id": warehouse, "quantity": 4}]}
    assert api.call("POST", path, body={"skus": [{**entry, "id": "1"}]})[1]["code"] == 12052556  # S4
    assert api.call("POST", path, body={"skus": [entry, entry]})[1]["code"] == 12052553
    # S5 (R-inventory: warehouse_id "Optional if there is only 1 warehouse")
    answer = api.call("POST", path, body={"skus": [{"id": sku_ids[0], "inventory": [{"quantity": 4}]}]})[1]
    assert answer["code"] == 0 and sim.stock_of(shop_id=sim.shop().shop_id, sku="ST25-1KG") == 4


def test_r_search_limits_and_r_get_price_shape(api, sim):
    product_id, sku_ids, _body = two_sku_product(api)
    search = f"{PRODUCTS}/search"
    eleven = [f"S-{n}" for n in range(11)]
    assert api.call("POST", search, params={"page_size": 10}, body={"seller_skus": eleven})[1]["code"] == 12019027
    assert api.call("POST", search, params={"page_size": 10}, body={"sku_ids": eleven})[1]["code"] == 12019087
    assert api.call("POST", search, params={"page_size": 100, "page_token": "9950"}, body={})[1]["code"] == 12052180
    found = api.call("POST", search, params={"page_size": 10}, body={"sku_ids": [sku_ids[1]]})[1]["data"]
    assert [p["id"] for p in found["products"]] == [product_id]
    # R-get: a SKU's price is tax_exclusive_price, sale_price and currency (no amount)
    assert get(api, product_id)["skus"][0]["price"] == {"tax_exclusive_price": "100000", "sale_price": "100000",
                                                          "currency": "VND"}


def test_an_audit_decision_is_also_the_type_37_webhook(api, sim):
    receiver = PushReceiver()
    try:
        sim.push_url = receiver.url()
        product_id, _ids, _body = two_sku_product(api)
        sim.wait_for_deliveries()
        pushes = [json.loads(r.body) for r in receiver.received]
    finally:
        receiver.stop()
    # G-wh37: product_id a number, audit.status APPROVED once listed
    assert [(p["type"], p["data"]["product_id"]) for p in pushes] == [(5, int(product_id)), (37, int(product_id))]
    assert pushes[1]["data"]["audit"] == {"status": "APPROVED"}


def test_p11_p12_an_attribute_its_condition_requires_and_sales_attribute_lengths(api, sim):
    # R-attrs: requirement_conditions make "Tổ chức chứng nhận hữu cơ" required when "Hữu cơ" is "Có" (12052104)
    listed = {a["id"]: a for a in api.call("GET", f"/product/{V}/categories/600105/attributes")[1]["data"]["attributes"]}
    assert listed["100111"]["is_requried"] is False and listed["100111"]["requirement_conditions"] == [
        {"condition_type": "VALUE_ID_MATCH", "attribute_id": "100110", "attribute_value_id": "1001101"}]
    organic = [{"id": "100101", "values": [{"id": "1001011"}]}, {"id": "100110", "values": [{"id": "1001101"}]}]
    assert api.call("POST", PRODUCTS, body=api.product_body(category_id="600105",
                                                            product_attributes=organic))[1]["code"] == 12052104
    # R-create: a custom sales attribute name at most 20 characters (12052242), a value name 50 (12052249)
    for name, value, code in (("Khối lượng tịnh mỗi túi", "1 kg", 12052242), ("Khối lượng", "x" * 51, 12052249)):
        body = api.product_body()
        body["skus"][0]["sales_attributes"] = [{"name": name, "value_name": value}]
        assert api.call("POST", PRODUCTS, body=body)[1]["code"] == code
    assert sim.live_products() == []


def test_p17_an_unknown_brand_is_cleared_with_a_warning_and_description_images_must_be_tiktoks(api, sim):
    # R-create data.warnings: the field is cleared by the system and said
    answer = api.call("POST", PRODUCTS, body=api.product_body(brand_id="123"))[1]
    assert answer["code"] == 0 and "[brand_id]:123" in answer["data"]["warnings"][0]["message"]
    assert "brand" not in get(api, answer["data"]["product_id"])
    # R-create description: <img> only with TikTok image URLs (12052340), with src, width, height (12052348)
    outside = '<p>Gạo</p><img src="https://example.com/a.jpg" width="800" height="800">'
    no_size = '<p>Gạo</p><img src="https://p16-oec-va.ibyteimg.com/tos-x">'
    tiktok = '<p>Gạo</p><img src="https://p16-oec-va.ibyteimg.com/tos-x" width="800" height="800">'
    for description, code in ((outside, 12052340), (no_size, 12052348), (tiktok, 0)):
        body = api.product_body(description=description)
        body["skus"][0]["seller_sku"] = f"ST25-{code}"
        assert api.call("POST", PRODUCTS, body=body)[1]["code"] == code
