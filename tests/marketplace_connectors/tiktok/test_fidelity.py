"""The TikTok Shop connector against the stricter sandbox (docs/marketplaces/tiktok.md findings 1-4): an update
reads the product and merges, so what the seller set in Seller Center survives; cash on delivery is read from
the category's rules before it is sent; a category's required certificate is said before publishing; a product
taken off sale when it sold out is back on sale when restocked (a listing the owner paused is not)."""

import datetime as dt

import pytest
from django.utils import timezone

from marketplace_connectors import sync
from marketplace_connectors.base import DocumentDraft, ReviewState
from marketplace_connectors.errors import PermanentError
from marketplace_connectors.models import ListingBinding, ListingStatus, VariantBinding
from sme.catalog.models import StockReason, Variant
from sme.catalog.stock import stock_adjust

from ..factories import make_product, png_bytes
from .conftest import connect_shop_with_rice_mapped, make_draft
from .test_connector import publish

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def live(tiktok, connector, creds, draft=None):
    result = publish(connector, creds, draft)
    tiktok.decide_audit(result.external_id, approve=True)
    return result


def test_an_update_keeps_what_the_seller_set_in_seller_center(tiktok, connector, creds):
    # given a live product to which the seller added a brand, a SKU of their own and disallowed COD
    result = live(tiktok, connector, creds)
    product = tiktok.product(result.external_id)
    product.body.update(brand_id="7082427311584347905", is_cod_allowed=False)
    seller_sku = type(product.skus[0])(sku_id="1739999999999999999", seller_sku="SELLER-GIFT", price=1_000,
                                       inventory=dict(product.skus[0].inventory),
                                       sales_attributes=[{"name": "Khối lượng", "value_name": "Quà tặng"}])
    product.skus.append(seller_sku)

    # when the owner renames the product (no new variant: Partial Edit, no skus)
    renamed = make_draft(name="Hạt sen sấy Đồng Tháp loại đặc biệt túi giấy")
    connector.update(credentials=creds, external_id=result.external_id, draft=renamed,
                     variant_ids_by_sku=result.variant_ids_by_sku, uploaded_images=dict(result.image_ids))
    # and then adds a variant (a new SKU: Edit Product with TikTok's copy merged)
    grown = make_draft(name="Hạt sen sấy Đồng Tháp loại đặc biệt túi giấy", variants=3)
    again = connector.update(credentials=creds, external_id=result.external_id, draft=grown,
                             variant_ids_by_sku=result.variant_ids_by_sku, uploaded_images=dict(result.image_ids))

    # then the seller's brand, COD choice and SKU are still there, with ours
    product = tiktok.product(result.external_id)
    assert product.body["title"] == "Hạt sen sấy Đồng Tháp loại đặc biệt túi giấy"
    assert product.body.get("brand_id") == "7082427311584347905" and product.body.get("is_cod_allowed") is False
    assert [s.seller_sku for s in product.skus] == ["SEN-1-1", "SEN-1-2", "SEN-1-3", "SELLER-GIFT"]
    assert tiktok.count(path=f"/product/202309/products/{result.external_id}/partial_edit", status=200) == 1
    assert set(again.variant_ids_by_sku) == {"SEN-1-1", "SEN-1-2", "SEN-1-3"} and again.review == ReviewState.LIVE


def test_cash_on_delivery_is_read_from_the_category_rules_before_it_is_sent(tiktok, connector, creds):
    # given a category whose rules say cod.is_supported false (the sandbox's 600104)
    draft = make_draft(category_id="600104")
    assert connector.listing_rules(credentials=creds, category_id="600104")["cod_supported"] is False

    # when the product is published there
    result = publish(connector, creds, draft)

    # then it was created without COD (true would have been refused with 12052222)
    assert tiktok.product(result.external_id).body["is_cod_allowed"] is False
    assert tiktok.count(code="12052222") == 0


def test_a_category_that_requires_a_certificate_is_said_before_publishing(tiktok, connector, creds):
    # given the sandbox's category whose rules require a food-safety certificate, and no document
    rules = connector.listing_rules(credentials=creds, category_id="600105")
    attributes = connector.category_attributes(credentials=creds, category_id="600105")
    draft = make_draft(category_id="600105")

    # then validation says which document to upload with the product, in words the owner can act on
    problems = [p for p in connector.validate(draft=draft, attributes=attributes, rules=rules) if p.field == "documents"]
    assert len(problems) == 1 and "an toàn thực phẩm" in problems[0].message
    assert "Food safety eligibility certificate" in problems[0].message
    # and publishing anyway stops before anything reaches TikTok (no refused create, 12052105)
    with pytest.raises(PermanentError) as refused:
        publish(connector, creds, draft)
    assert refused.value.code == "tiktok_certificate_missing" and "an toàn thực phẩm" in refused.value.message
    assert tiktok.count(path="/product/202309/products") == 0


def test_the_required_certificates_are_uploaded_and_sent_with_the_product(tiktok, connector, creds):
    # given a product sold as organic ("Hữu cơ" = "Có") in the certification category, with the owner's
    # food-safety certificate as a PDF (expiring) and an organic certificate photographed (an "other" document)
    food_safety = DocumentDraft(key="9:abc", kind="food_safety_certificate", filename="Giấy ATTP 2026.pdf",
                                size_bytes=len(PDF), content=PDF, expires_on=dt.date(2028, 6, 30))
    organic = DocumentDraft(key="10:def", kind="other", filename="huu-co.png", size_bytes=len(png_bytes()),
                            content=png_bytes())
    draft = make_draft(category_id="600105", attributes={"100101": ["1001011"], "100110": ["1001101"],
                                                         "100111": ["Ecocert"]},
                       documents=(food_safety, organic))
    rules = connector.listing_rules(credentials=creds, category_id="600105")
    assert [p for p in connector.validate(draft=draft, rules=rules) if p.field == "documents"] == []

    # when it is published
    result = publish(connector, creds, draft)

    # then TikTok holds both certifications: the PDF through Upload Product File, the photo as a
    # CERTIFICATION_IMAGE, the expiry as the end of its day in Vietnam (Unix seconds)
    sent = {c["id"]: c for c in tiktok.product(result.external_id).body["certifications"]}
    [pdf] = sent["700101"]["files"]
    assert tiktok.files[pdf["id"]] == pdf["name"] == "giay-attp-2026.pdf" and pdf["format"] == "PDF"
    assert sent["700101"]["expiration_date"] == int(dt.datetime(2028, 6, 30, 16, 59, 59, tzinfo=dt.UTC).timestamp())
    [image] = sent["700102"]["images"]
    assert tiktok.image_use_cases[image["uri"]] == "CERTIFICATION_IMAGE"
    assert "expiration_date" not in sent["700102"]
    # and a retry of the same listing uploads nothing again
    uploads = tiktok.count(path="/product/202309/files/upload")
    connector.publish(credentials=creds, draft=draft, uploaded_images=dict(result.image_ids))
    assert tiktok.count(path="/product/202309/files/upload") == uploads == 1


def test_a_certificate_without_the_expiry_date_tiktok_needs_is_said_before_publishing(tiktok, connector, creds):
    undated = DocumentDraft(key="9:abc", kind="food_safety_certificate", filename="attp.pdf", size_bytes=len(PDF),
                            content=PDF)
    draft = make_draft(category_id="600105", documents=(undated,))
    rules = connector.listing_rules(credentials=creds, category_id="600105")
    [problem] = [p for p in connector.validate(draft=draft, rules=rules) if p.field == "documents"]
    assert "expiry date" in problem.message and "attp.pdf" in problem.message


def test_stock_goes_to_the_enabled_default_sales_warehouse_never_the_returns_one(tiktok, connector, creds):
    # the returns warehouse is listed first (docs/marketplaces/tiktok.md finding 14)
    shop = tiktok.shop()
    result = publish(connector, creds)
    assert {w for s in tiktok.product(result.external_id).skus for w in s.inventory} == {shop.warehouses[0]}


def test_a_shop_whose_sales_warehouse_is_switched_off_is_told_so(tiktok, connector, creds):
    shop = tiktok.shop()
    shop.disabled_warehouses.add(shop.warehouses[0])
    with pytest.raises(PermanentError) as refused:
        publish(connector, creds)
    assert "holiday" in refused.value.message and tiktok.live_products() == []


def test_the_sellers_deauthorisation_webhook_asks_for_reconnecting(tiktok, connector, creds):
    from marketplace_connectors.backends.tiktok.client import tiktok_push_signature

    from .conftest import APP_KEY, APP_SECRET

    body = b'{"type":6,"tts_notification_id":"9","shop_id":"7494049642642441621","timestamp":1,"data":{"message":"x"}}'
    signed = tiktok_push_signature(app_key=APP_KEY, app_secret=APP_SECRET, raw_body=body)
    [event] = connector.verify_push(body=body, headers={"Authorization": signed}, url="")
    assert (event.kind, event.shop_id) == ("auth", "7494049642642441621")


@pytest.mark.parametrize("sim_options", [{"audit_seconds": 0}])
def test_sold_out_the_product_is_deactivated_and_restocked_it_is_on_sale_again_with_the_new_stock(
        tiktok, media, db, sim_options, django_capture_on_commit_callbacks):
    # given a one-size product live on a TikTok shop connected yesterday, 20 bags in stock
    account = connect_shop_with_rice_mapped(tiktok)
    account.connected_at = timezone.now() - dt.timedelta(days=1)
    account.save()
    product = make_product(account.business, n=41, variants=1)
    with django_capture_on_commit_callbacks(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[product.pk])
    listing = ListingBinding.objects.get(account=account, product=product)
    assert listing.status == ListingStatus.LIVE, listing.last_error
    shop_id = account.external_shop_id

    # when a buyer takes all 20 on TikTok and the order is imported, the stock push sends the 0
    tiktok.create_order(shop_id=shop_id, items=[("GAO-0041-1", 20)])
    sync.orders_import(account_id=account.pk)
    assert Variant.objects.get(sku="GAO-0041-1").stock == 0
    assert sync.stock_push_account(account_id=account.pk, manual=True)["failed"] == 0

    # then TikTok refused the 0 (documented range 1-99 999) and the product is off sale: nothing oversells
    assert tiktok.count(code="12052055") == 1
    assert tiktok.product(listing.external_id).status == "SELLER_DEACTIVATED"
    with pytest.raises(ValueError, match="not on sale"):
        tiktok.create_order(shop_id=shop_id, items=[("GAO-0041-1", 1)])

    # when the owner counts 7 new bags and the stock push runs
    stock_adjust(variant=Variant.objects.get(sku="GAO-0041-1"), new_quantity=7, reason=StockReason.MANUAL, actor=None)
    assert sync.stock_push_account(account_id=account.pk, manual=True) == {"pushed": 1, "failed": 0, "skipped": 0}

    # then the product is on sale again (activated, audited) with 7, and a buyer can order it
    assert tiktok.product(listing.external_id).status == "ACTIVATE"
    assert tiktok.stock_of(shop_id=shop_id, sku="GAO-0041-1") == 7
    assert VariantBinding.objects.get(listing=listing).last_stock == 7
    tiktok.create_order(shop_id=shop_id, items=[("GAO-0041-1", 7)])


@pytest.mark.parametrize("sim_options", [{"audit_seconds": 0}])
def test_a_restock_leaves_a_listing_the_owner_paused_off_sale(tiktok, media, db, sim_options,
                                                              django_capture_on_commit_callbacks):
    account = connect_shop_with_rice_mapped(tiktok)
    product = make_product(account.business, n=42, variants=1)
    with django_capture_on_commit_callbacks(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[product.pk])
    listing = ListingBinding.objects.get(account=account, product=product)
    # sold out (deactivated by the push), then paused by the owner on the platform
    stock_adjust(variant=Variant.objects.get(sku="GAO-0042-1"), new_quantity=0, reason=StockReason.MANUAL, actor=None)
    sync.stock_push_account(account_id=account.pk, manual=True)
    sync.listing_pause(binding=listing, paused=True)
    stock_adjust(variant=Variant.objects.get(sku="GAO-0042-1"), new_quantity=9, reason=StockReason.MANUAL, actor=None)
    sync.stock_push_account(account_id=account.pk, manual=True)
    assert tiktok.product(listing.external_id).status == "SELLER_DEACTIVATED"
    assert tiktok.count(path="/product/202309/products/activate") == 0


def test_the_checklist_asks_for_the_certificate_the_category_requires_until_it_is_uploaded(tiktok, media, db):
    from django.utils import translation

    from marketplace_connectors.models import CategoryMapping
    from marketplace_connectors.readiness import product_readiness
    from sme.catalog.documents import product_document_add

    from ..factories import owner_membership

    # given rice mapped to TikTok's category that requires a food-safety certificate, and no document
    account = connect_shop_with_rice_mapped(tiktok)
    CategoryMapping.objects.filter(account=account).update(external_category_id="600105")
    product = make_product(account.business, n=43, variants=1)
    # (the category's metadata fetched by the task a page queues: the checklist reads only the cache)
    from marketplace_connectors.sync.listings import listing_metadata_fetch

    listing_metadata_fetch(account_id=account.pk, product_id=product.pk)

    # then the product's checklist for the shop has a "documents" item linking to the product's documents
    with translation.override("vi"):
        [item] = [i for i in product_readiness(account=account, product=product).items if i.field == "documents"]
    assert "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm" in item.message
    assert item.url.endswith("#documents")

    # when the owner uploads the certificate with its expiry date
    product_document_add(product=product, kind="food_safety_certificate", data=PDF, name="attp.pdf",
                         issued_on=dt.date(2026, 1, 5), expires_on=dt.date(2029, 1, 4),
                         actor=owner_membership(account.business).user)

    # then the item is gone
    assert [i for i in product_readiness(account=account, product=product).items if i.field == "documents"] == []


def test_the_audit_status_webhook_prompts_reading_the_audit(tiktok, connector, creds):
    from marketplace_connectors.backends.tiktok.client import tiktok_push_signature

    from .conftest import APP_KEY, APP_SECRET

    # G-wh37 (product_id a number, audit.status)
    body = (b'{"type":37,"tts_notification_id":"11","shop_id":"7494049642642441621","timestamp":1,'
            b'"data":{"product_id":789078671231,"audit":{"status":"FAILED"},"update_time":1}}')
    signed = tiktok_push_signature(app_key=APP_KEY, app_secret=APP_SECRET, raw_body=body)
    [event] = connector.verify_push(body=body, headers={"Authorization": signed}, url="")
    assert (event.kind, event.external_id, event.status) == ("listing", "789078671231", "FAILED")


def test_a_retired_api_version_alerts_the_operators_and_tells_the_owner_nothing_changed(tiktok, connector, creds,
                                                                                      monkeypatch, caplog):
    from marketplace_connectors.backends.tiktok import client as client_module

    # given TikTok retired the version the connector calls (G-versions: 36009014)
    monkeypatch.setattr(client_module, "VERSION", "202201")
    with pytest.raises(PermanentError) as refused:
        publish(connector, creds)
    # then the operators' log has an error, the owner reads that nothing changed, and no retry follows
    assert tiktok.count(code="36009014") == 1
    assert any(r.levelname == "ERROR" and "36009014" in r.getMessage() for r in caplog.records)
    assert refused.value.code == "tiktok_36009014" and "retired" in refused.value.message
    assert tiktok.live_products() == []


def test_an_attribute_required_by_another_ones_value_and_a_long_option_name_are_said_before_publishing(
        tiktok, connector, creds):
    # R-attrs: "Tổ chức chứng nhận hữu cơ" is required when "Hữu cơ" is "Có"; R-create: a sales attribute's
    # name has at most 20 characters
    rules = connector.listing_rules(credentials=creds, category_id="600105")
    organic = make_draft(category_id="600105", attributes={"100101": ["1001011"], "100110": ["1001101"]},
                         variation_name="Khối lượng tịnh mỗi túi")
    problems = {p.field: p.message for p in connector.validate(draft=organic, rules=rules)}
    assert "Tổ chức chứng nhận hữu cơ" in problems["attributes"]
    assert "Khối lượng tịnh mỗi túi" in problems["variants"] and "20" in problems["variants"]
    plain = make_draft(category_id="600105", attributes={"100101": ["1001011"], "100110": ["1001102"]})
    assert "attributes" not in {p.field for p in connector.validate(draft=plain, rules=rules)}

