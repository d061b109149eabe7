"""The Tiki connector against its simulator: authorisation, review (approved -> LIVE with the final ids,
rejected with the reason), certificates, never a second product request, price/stock, pause/delist, orders."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from marketplace_connectors.base import OrderStatus, PriceStockUpdate, ReviewState
from marketplace_connectors.errors import AmbiguousResultError, AuthError

from .conftest import REDIRECT, SELLER
from .factories import FOOD, certificate, draft

pytestmark = pytest.mark.django_db  # the rate limiter keeps its slots in the database without Redis

CREATE = "/integration/v2.1/requests"


def publish(connector, creds, d, created=None):
    attributes = connector.category_attributes(credentials=creds, category_id=d.category_id)
    # the synchronizer's three steps, noting the listing's id in ``created`` as soon as it exists
    plan = connector.publish_prepare(credentials=creds, draft=d, uploaded_images={}, attributes=attributes)
    listing = plan.existing or connector.publish_create(credentials=creds, draft=d, plan=plan)
    if created is not None:
        created.append(listing.external_id)
    return connector.publish_complete(credentials=creds, draft=d, plan=plan, created=listing, uploaded_images={},
                                      attributes=attributes)


def test_authorization_url_carries_our_state_in_tikis_and_the_registered_callback(tiki, connector):
    url = connector.authorization_url(redirect_url="https://other.example/cb/?state=abcdefgh12345")
    assert url.startswith(f"{tiki.url}/sc/oauth2/auth?")
    assert "state=abcdefgh12345" in url and "scope=offline+product+order+inventory" in url
    assert "redirect_uri=https%3A%2F%2Fsme.example.vn%2Fmarketplaces%2Ftiki%2Fcallback%2F" in url


def test_exchange_code_gives_the_seller_and_a_spent_code_is_an_auth_error(tiki, connector):
    code, _ = tiki.issue_code(SELLER, redirect_uri=REDIRECT)
    tokens = connector.exchange_code(params={"code": code})
    assert (tokens.shop_id, tokens.shop_name) == (SELLER, "Đặc sản Sen Đồng Tháp")
    assert tokens.access_expires_at > timezone.now() + dt.timedelta(minutes=59)
    with pytest.raises(AuthError):
        connector.exchange_code(params={"code": code})


def test_an_approved_request_goes_live_with_the_final_ids_and_active_products(tiki, connector, creds):
    # given a published product waiting for Tiki's review
    created = []
    result = publish(connector, creds, draft(), created)
    assert result.review == ReviewState.UNDER_REVIEW and result.variant_ids_by_sku == {}
    assert result.external_id.startswith("request:") and created == [result.external_id]
    assert connector.review_status(credentials=creds, external_id=result.external_id).state == ReviewState.UNDER_REVIEW
    # when Tiki approves it
    ids = tiki.decide_request(result.external_id.removeprefix("request:"), approve=True)
    status = connector.review_status(credentials=creds, external_id=result.external_id)
    # then the listing has its final ids: the configurable parent and one product per variant
    assert status.state == ReviewState.LIVE
    assert status.variant_ids_by_sku == {"SEN-1-1": str(ids[0]), "SEN-1-2": str(ids[1])}
    assert status.external_id == str(tiki.products[ids[0]].super_id) != "0"
    assert [tiki.products[i].active for i in ids] == [1, 1]  # approved products start inactive: activated
    found = connector.find_by_sku(credentials=creds, sku="SEN-1-2")
    assert [(f.external_id, f.variant_ids_by_sku) for f in found] == [(status.external_id, status.variant_ids_by_sku)]


def test_a_single_variant_listing_takes_its_product_id(tiki, connector, creds):
    result = publish(connector, creds, draft(sku="ONE", variants=1))
    [product_id] = tiki.decide_request(result.external_id.removeprefix("request:"), approve=True)
    status = connector.review_status(credentials=creds, external_id=result.external_id)
    assert (status.external_id, status.variant_ids_by_sku) == (str(product_id), {"ONE-1": str(product_id)})


def test_a_rejected_request_reports_tikis_reason(tiki, connector, creds):
    result = publish(connector, creds, draft())
    tiki.decide_request(result.external_id.removeprefix("request:"), approve=False, reason="Hình ảnh không rõ nét")
    status = connector.review_status(credentials=creds, external_id=result.external_id)
    assert (status.state, status.reason) == (ReviewState.REJECTED, "Hình ảnh không rõ nét")
    assert tiki.products == {}


def test_listing_rules_name_the_certificate_a_category_needs_and_validate_asks_for_it_in_vietnamese(tiki, connector, creds):
    rules = connector.listing_rules(credentials=creds, category_id=FOOD)
    assert rules["required_documents"] == [{"kind": "food_safety_certificate", "document_id": "7",
                                            "name": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"}]
    with translation.override("vi"):
        problems = connector.validate(draft=draft(category=FOOD), rules=rules)
    assert [(p.field, p.message) for p in problems] == [(
        "documents", "Tiki yêu cầu giấy tờ “Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm” cho ngành hàng này; "
                     "hãy tải giấy tờ lên trong phần giấy tờ của sản phẩm.")]
    assert connector.validate(draft=draft(category=FOOD, documents=(certificate(),)), rules=rules) == []


def test_publish_uploads_the_certificate_and_references_it_in_the_request(tiki, connector, creds, media):
    result = publish(connector, creds, draft(category=FOOD, documents=(certificate(),)))
    [(_method, _path, body)] = [b for b in tiki.bodies if b[1] == CREATE]
    [certificate_file] = body["certificate_files"]
    assert certificate_file["document_id"] == 7 and certificate_file["type"] == "url"
    assert certificate_file["url"].startswith("https://sme.example.vn/media/marketplace/tiki/")
    stored = media / certificate_file["url"].split("/media/", 1)[1]
    assert stored.read_bytes() == certificate().content
    assert body["image"].startswith("https://sme.example.vn/media/marketplace/tiki/")
    request = tiki.requests[result.external_id.removeprefix("request:")]
    assert request.state == "md_awaiting_approve"  # the legal team checks the certificate


def test_a_food_product_without_its_certificate_is_rejected_by_tiki(tiki, connector, creds):
    result = publish(connector, creds, draft(category=FOOD))
    status = connector.review_status(credentials=creds, external_id=result.external_id)
    assert status.state == ReviewState.REJECTED
    assert status.reason == "Category legal document is missing document_id = 7 : " \
                            "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"


def test_a_retry_after_a_timed_out_create_never_sends_a_second_request(tiki, connector, creds, settings):
    # given the create acts at Tiki, then answers too late for our read timeout
    settings.MARKETPLACE_HTTP_TIMEOUTS = (1.0, 0.3)
    tiki.set_faults(timeouts=1, hang_seconds=0.6, act_before_hang=True, paths=frozenset({CREATE}))
    with pytest.raises(AmbiguousResultError):
        publish(connector, creds, draft())
    # when the worker tries again
    created = []
    again = publish(connector, creds, draft(), created)
    # then it takes over the request Tiki holds
    assert tiki.count(path=CREATE) == 1
    [pending] = tiki.pending_requests()
    assert again.external_id == created[0] == f"request:{pending.track_id}"
    assert again.review == ReviewState.UNDER_REVIEW
    # and once approved, a third attempt adopts the products instead of asking again
    tiki.decide_request(pending.track_id, approve=True)
    third = publish(connector, creds, draft())
    assert tiki.count(path=CREATE) == 1 and third.review == ReviewState.LIVE
    assert set(third.variant_ids_by_sku) == {"SEN-1-1", "SEN-1-2"}


def test_find_by_sku_reports_a_request_under_review(tiki, connector, creds):
    result = publish(connector, creds, draft())
    [found] = connector.find_by_sku(credentials=creds, sku="SEN-1-1")
    assert (found.external_id, found.status) == (result.external_id, "under_review")
    assert connector.find_by_sku(credentials=creds, sku="NOPE") == []


def live(tiki, connector, creds, d):
    result = publish(connector, creds, d)
    tiki.decide_request(result.external_id.removeprefix("request:"), approve=True)
    return connector.review_status(credentials=creds, external_id=result.external_id)


def test_price_and_stock_go_in_batches_with_failures_per_variant(tiki, connector, creds, settings):
    settings.TIKI_UPDATE_SKUS_BATCH = 2
    status = live(tiki, connector, creds, draft(variants=3))
    ids = list(status.variant_ids_by_sku.values())
    outcome = connector.update_price_stock(credentials=creds, external_id=status.external_id, updates=[
        PriceStockUpdate(external_variant_id=ids[0], price_vnd=47_000, stock=3),
        PriceStockUpdate(external_variant_id=ids[1], stock=0),
        PriceStockUpdate(external_variant_id=ids[2], price_vnd=61_000),
        PriceStockUpdate(external_variant_id="999999", stock=1)])
    assert outcome.succeeded == tuple(ids) and set(outcome.failed) == {"999999"}
    assert tiki.count(path="/integration/v2.1/products/updateSkus") == 2 + 2  # two batches each, activation and update
    assert [tiki.stock_of(shop_id=SELLER, sku=f"SEN-1-{i}") for i in (1, 2, 3)] == [3, 0, 12]
    assert tiki.products[int(ids[2])].price == 61_000


def test_pause_hides_and_shows_and_delist_hides_with_no_stock(tiki, connector, creds):
    status = live(tiki, connector, creds, draft())
    ids = [int(i) for i in status.variant_ids_by_sku.values()]
    connector.pause(credentials=creds, external_id=status.external_id, paused=True)
    assert [tiki.products[i].active for i in ids] == [0, 0]
    connector.pause(credentials=creds, external_id=status.external_id, paused=False)
    assert [tiki.products[i].active for i in ids] == [1, 1]
    connector.delist(credentials=creds, external_id=status.external_id)
    connector.delist(credentials=creds, external_id=status.external_id)  # idempotent
    assert [(tiki.products[i].active, tiki.products[i].quantity) for i in ids] == [(0, 0), (0, 0)]
    [found] = connector.find_by_sku(credentials=creds, sku="SEN-1-1")
    assert found.status == "inactive"  # Tiki cannot delete: still found, so never created twice


def test_delisting_a_request_under_review_deletes_it(tiki, connector, creds):
    result = publish(connector, creds, draft())
    connector.delist(credentials=creds, external_id=result.external_id)
    assert tiki.requests[result.external_id.removeprefix("request:")].state == "deleted"
    assert connector.find_by_sku(credentials=creds, sku="SEN-1-1") == []


def test_orders_updated_since_maps_statuses_and_lines_oldest_change_first(tiki, connector, creds):
    live(tiki, connector, creds, draft())
    since = timezone.now() - dt.timedelta(seconds=5)
    first = tiki.create_order(shop_id=SELLER, items=[("SEN-1-1", 2)])
    second = tiki.create_order(shop_id=SELLER, items=[("SEN-1-2", 1), ("SEN-1-1", 1)])
    tiki.set_order_status(order_id=first, status=OrderStatus.CANCELLED)
    orders = connector.orders_updated_since(credentials=creds, since=since)
    assert [(o.external_id, o.status, o.marketplace_status) for o in orders] == [
        (second, OrderStatus.PENDING, "queueing"), (first, OrderStatus.CANCELLED, "canceled")]
    assert [(line.sku, line.quantity, line.unit_price_vnd) for line in orders[0].lines] == [("SEN-1-2", 1, 55_000),
                                                                                          ("SEN-1-1", 1, 45_000)]
    assert tiki.stock_of(shop_id=SELLER, sku="SEN-1-1") == 10 - 1  # the cancelled order's 2 came back
    assert connector.order_get(credentials=creds, external_id=second).total_vnd == 100_000
    assert connector.order_get(credentials=creds, external_id="1") is None


def test_categories_and_attributes(tiki, connector, creds):
    nodes = {n.external_id: n for n in connector.categories(credentials=creds)}
    assert (nodes["4422"].parent_id, nodes["4422"].is_leaf, nodes["4384"].is_leaf) == ("4384", True, False)
    [origin, expiry] = connector.category_attributes(credentials=creds, category_id=FOOD)
    assert (origin.external_id, origin.mandatory, expiry.mandatory) == ("origin", True, False)


@pytest.mark.parametrize(("approved_active", "activations"), [(0, 1), (1, 0)])
def test_review_activates_only_approved_products_tiki_left_inactive(tiki, connector, creds, approved_active,
                                                                    activations):
    # G-create: approved products are inactive; G-requests' example answers active: 1 (tiki.md finding 14)
    tiki.approved_active = approved_active
    status = live(tiki, connector, creds, draft(variants=2))
    assert status.state == ReviewState.LIVE
    updates = [body for method, path, body in tiki.bodies if path.endswith("/updateSkus")]
    assert len(updates) == activations
    assert all(p.active == 1 for p in tiki.products.values())
