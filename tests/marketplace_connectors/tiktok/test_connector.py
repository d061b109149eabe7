"""The TikTok Shop connector against its simulator: authorisation, publishing once, audit, price/stock, orders,
faults and webhooks."""

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import translation

from marketplace_connectors.backends.tiktok.client import tiktok_push_signature, tiktok_sign
from marketplace_connectors.base import (
    Credentials,
    OrderStatus,
    PriceStockUpdate,
    PushRejected,
    ReviewState,
)
from marketplace_connectors.errors import (
    AccessTokenExpired,
    AmbiguousResultError,
    AuthError,
    PermanentError,
    RetryableError,
)

from .conftest import APP_KEY, APP_SECRET, REDIRECT_URL, SERVICE_ID, make_draft

pytestmark = pytest.mark.django_db


def publish(connector, creds, draft=None):
    result = connector.publish(credentials=creds, draft=draft or make_draft(), uploaded_images={})
    return result


# --- signing ---------------------------------------------------------------------------------------
def test_the_client_signs_the_documented_example():
    assert tiktok_sign(app_secret="e59af819cc", path="/authorization/202309/shops",
                       query={"app_key": "29a39d", "timestamp": 1623812664, "sign": "ignored", "access_token": "x"}) == \
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    assert tiktok_sign(app_secret="e59af819cc", path="/product/202309/products",
                       query={"app_key": "29a39d", "shop_cipher": "ROW_test", "timestamp": 1623812664},
                       body='{"title":"Gạo ST25 Đồng Tháp"}'.encode()) == \
        "c06d42b75ebd153d272be24c9da1f3d1b2d92a383aa4d61c577f68d9f2667628"


def test_the_webhook_signature_matches_the_computed_vector():
    body = b'{"type":5,"shop_id":"1","timestamp":1644412885,"data":{}}'
    assert tiktok_push_signature(app_key="29a39d", app_secret="e59af819cc", raw_body=body) == \
        "67dffa1d1b4f081716c85190f0bfba00007d45f88ef785d6e65a0c28d78fffbd"


# --- authorisation -----------------------------------------------------------------------------------
def test_the_seller_approves_on_the_consent_page_and_the_callback_gets_tokens_for_the_shop(tiktok, connector, db):
    url = connector.authorization_url(redirect_url="http://testserver/marketplaces/connect/tiktok/callback/?state=abc123")
    query = parse_qs(urlsplit(url).query)
    # exactly what Partner Center's link carries (G-auth): the service id and our state, no redirect_uri
    assert query == {"service_id": ["7100000000000000001"], "state": ["abc123"]}
    assert requests.get(url, timeout=5).status_code == 200  # the sandbox consent page
    answer = requests.post(f"{tiktok.url}/open/authorize", data={
        "decision": "approve", "state": "abc123", "shop_id": tiktok.shop().shop_id}, allow_redirects=False, timeout=5)
    assert answer.headers["Location"].startswith(REDIRECT_URL + "?")  # the registered Redirect URL
    back = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert back["state"] == ["abc123"]
    tokens = connector.exchange_code(params={"code": back["code"][0]})
    assert tokens.shop_id == tiktok.shop().shop_id and tokens.shop_name == "Đặc sản Sa Đéc"
    assert tokens.access_expires_at.timestamp() == pytest.approx(time.time() + 7 * 24 * 3600, abs=60)


def test_the_consent_page_returns_to_the_registered_redirect_url_whatever_the_link_says(tiktok):
    # docs/marketplaces/tiktok.md A1, A2
    evil = "https%3A%2F%2Fevil.example%2F"
    assert requests.get(f"{tiktok.url}/open/authorize?service_id=42&state=s", timeout=5).status_code == 400
    page = requests.get(f"{tiktok.url}/open/authorize?service_id={SERVICE_ID}&state=s&redirect_uri={evil}", timeout=5)
    assert page.status_code == 200 and "evil.example" not in page.text
    answer = requests.post(f"{tiktok.url}/open/authorize", data={
        "decision": "approve", "state": "s", "redirect_uri": "https://evil.example/",
        "shop_id": tiktok.shop().shop_id}, allow_redirects=False, timeout=5)
    assert answer.headers["Location"].startswith(REDIRECT_URL + "?")


def test_a_refused_consent_is_an_auth_error(connector, tiktok):
    with pytest.raises(AuthError):
        connector.exchange_code(params={"code": "null", "error": "auth_denied"})


def test_an_expired_token_asks_for_a_refresh_and_the_refreshed_one_works(tiktok, connector, creds):
    tiktok.expire_access_tokens()
    with pytest.raises(AccessTokenExpired):
        connector.categories(credentials=creds)
    fresh = connector.refresh(credentials=creds)
    again = Credentials(shop_id=creds.shop_id, access_token=fresh.access_token, refresh_token=fresh.refresh_token)
    assert any(c.external_id == "600102" and c.is_leaf for c in connector.categories(credentials=again))


def test_a_revoked_refresh_token_means_reconnecting(tiktok, connector, creds):
    tiktok.revoke_refresh_tokens()
    with pytest.raises(AuthError):
        connector.refresh(credentials=creds)


# --- metadata ------------------------------------------------------------------------------------------
def test_categories_attributes_and_rules(tiktok, connector, creds):
    nodes = {c.external_id: c for c in connector.categories(credentials=creds)}
    assert nodes["600001"].parent_id == "" and not nodes["600001"].is_leaf
    assert nodes["600101"].parent_id == "600001" and nodes["600101"].name == "Gạo & Ngũ cốc"
    specs = {a.external_id: a for a in connector.category_attributes(credentials=creds, category_id="600101")}
    assert set(specs) == {"100101", "100102"}  # the sales attribute becomes the variants' option name
    assert specs["100101"].mandatory and specs["100101"].input_type == "select"
    assert ("1001011", "Việt Nam") in specs["100101"].options and specs["100102"].input_type == "text"
    tiktok.package_dimensions_required = True
    assert connector.listing_rules(credentials=creds, category_id="600101")["dimensions_required"] is True


# --- publishing --------------------------------------------------------------------------------------
def test_a_new_product_waits_for_the_audit_then_goes_live(tiktok, connector, creds):
    result = publish(connector, creds)
    assert result.review == ReviewState.UNDER_REVIEW
    assert set(result.variant_ids_by_sku) == {"SEN-1-1", "SEN-1-2"}
    product = tiktok.product(result.external_id)
    assert product.status == "PENDING" and [s.seller_sku for s in product.skus] == ["SEN-1-1", "SEN-1-2"]
    assert connector.review_status(credentials=creds, external_id=result.external_id).state == ReviewState.UNDER_REVIEW
    tiktok.decide_audit(result.external_id, approve=True)
    assert connector.review_status(credentials=creds, external_id=result.external_id).state == ReviewState.LIVE


def test_a_rejection_comes_with_its_reason_in_vietnamese(tiktok, connector, creds):
    result = publish(connector, creds)
    tiktok.decide_audit(result.external_id, approve=False)
    status = connector.review_status(credentials=creds, external_id=result.external_id)
    assert status.state == ReviewState.REJECTED
    assert status.reason == ("Tiêu đề sản phẩm vi phạm chính sách đăng bán của TikTok Shop "
                             "(Sửa tiêu đề cho đúng với sản phẩm rồi gửi duyệt lại)")


@pytest.mark.parametrize("sim_options", [{"audit_seconds": 0.3, "reject_marker": "REJECT"}])
def test_the_sandbox_audit_passes_products_by_itself_and_rejects_the_marked_ones(tiktok, connector, creds, sim_options):
    good = publish(connector, creds)
    marked = publish(connector, creds, make_draft("BAD-1", name="REJECT Hạt sen sấy Đồng Tháp thử từ chối"))
    assert good.review == marked.review == ReviewState.UNDER_REVIEW
    time.sleep(0.5)
    assert connector.review_status(credentials=creds, external_id=good.external_id).state == ReviewState.LIVE
    rejected = connector.review_status(credentials=creds, external_id=marked.external_id)
    assert rejected.state == ReviewState.REJECTED and "vi phạm chính sách" in rejected.reason


def test_a_retry_after_a_timeout_gets_the_same_product_never_a_second(settings, tiktok, connector, creds):
    settings.MARKETPLACE_HTTP_TIMEOUTS = (1.0, 0.5)  # the hang below outlasts the read timeout
    # given the create request times out after TikTok made the product
    tiktok.set_faults(timeouts=1, hang_seconds=1.5, paths=frozenset({"/product/202309/products"}))
    draft = make_draft()
    with pytest.raises(AmbiguousResultError):
        connector.publish(credentials=creds, draft=draft, uploaded_images={})
    assert len(tiktok.live_products()) == 1
    # when the publish is tried again (the idempotency key is the same)
    result = publish(connector, creds, draft)
    # then it is the first product, and there is still only one
    assert [p.product_id for p in tiktok.live_products()] == [result.external_id]
    assert tiktok.count(path="/product/202309/products") == 2


def test_a_dropped_connection_after_creating_does_not_duplicate_either(tiktok, connector, creds):
    tiktok.set_faults(drops=1, paths=frozenset({"/product/202309/products"}))
    with pytest.raises(AmbiguousResultError):
        connector.publish(credentials=creds, draft=make_draft(), uploaded_images={})
    result = publish(connector, creds)
    assert [p.product_id for p in tiktok.live_products()] == [result.external_id]


def test_republishing_after_a_delete_makes_a_new_product(tiktok, connector, creds):
    first = publish(connector, creds)
    connector.delist(credentials=creds, external_id=first.external_id)
    second = publish(connector, creds)
    assert second.external_id != first.external_id
    assert [p.product_id for p in tiktok.live_products()] == [second.external_id]


def test_a_refusal_is_explained_to_the_owner(tiktok, connector, creds):
    with translation.override("en"), pytest.raises(PermanentError) as refused:
        publish(connector, creds, make_draft(category_id="600001"))
    assert refused.value.code == "tiktok_12052024" and "sub-categories" in refused.value.message
    assert tiktok.live_products() == []


def test_update_overwrites_the_product_and_keeps_price_and_stock(tiktok, connector, creds):
    result = publish(connector, creds)
    tiktok.decide_audit(result.external_id, approve=True)
    changed = make_draft(name="Hạt sen sấy Đồng Tháp loại đặc biệt túi mới", variants=3)
    again = connector.update(credentials=creds, external_id=result.external_id, draft=changed, variant_ids_by_sku={},
                             uploaded_images={"img-1": result.image_ids["img-1"]})
    assert again.variant_ids_by_sku["SEN-1-1"] == result.variant_ids_by_sku["SEN-1-1"]
    assert set(again.variant_ids_by_sku) == {"SEN-1-1", "SEN-1-2", "SEN-1-3"} and again.review == ReviewState.LIVE
    product = tiktok.product(result.external_id)
    assert product.body["title"] == "Hạt sen sấy Đồng Tháp loại đặc biệt túi mới"
    assert [(s.seller_sku, s.price, sum(s.inventory.values())) for s in product.skus] == [
        ("SEN-1-1", 45_000, 11), ("SEN-1-2", 90_000, 12), ("SEN-1-3", 135_000, 13)]


def test_editing_a_rejected_product_sends_it_back_to_the_audit(tiktok, connector, creds):
    result = publish(connector, creds)
    tiktok.decide_audit(result.external_id, approve=False, reason="Ảnh mờ")
    again = connector.update(credentials=creds, external_id=result.external_id, draft=make_draft(),
                             variant_ids_by_sku=result.variant_ids_by_sku, uploaded_images=dict(result.image_ids))
    assert again.review == ReviewState.UNDER_REVIEW and tiktok.product(result.external_id).status == "PENDING"


@pytest.mark.parametrize("sim_options", [{"zero_stock_allowed": True}])
def test_price_and_stock_per_variant_with_unknown_variants_failing_alone(tiktok, connector, creds, sim_options):
    result = publish(connector, creds)
    tiktok.decide_audit(result.external_id, approve=True)
    first, second = result.variant_ids_by_sku["SEN-1-1"], result.variant_ids_by_sku["SEN-1-2"]
    outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id, updates=[
        PriceStockUpdate(external_variant_id=first, price_vnd=47_000, stock=3),
        PriceStockUpdate(external_variant_id=second, stock=0),
        PriceStockUpdate(external_variant_id="999", stock=1)])
    assert outcome.succeeded == tuple(sorted((first, second))) and set(outcome.failed) == {"999"}
    shop = tiktok.shop().shop_id
    assert tiktok.stock_of(shop_id=shop, sku="SEN-1-1") == 3 and tiktok.stock_of(shop_id=shop, sku="SEN-1-2") == 0
    assert tiktok.product(result.external_id).skus[0].price == 47_000


def test_a_refused_sold_out_stock_deactivates_the_product_so_nothing_sold_out_stays_buyable(tiktok, connector, creds):
    # the simulator's default follows the documented inventory range 1-99 999 (zero refused, 12052055) and has,
    # as TikTok, no call hiding one SKU (docs/marketplaces/tiktok.md finding 4)
    result = publish(connector, creds)
    tiktok.decide_audit(result.external_id, approve=True)
    first, second = result.variant_ids_by_sku["SEN-1-1"], result.variant_ids_by_sku["SEN-1-2"]
    outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id, updates=[
        PriceStockUpdate(external_variant_id=first, stock=4), PriceStockUpdate(external_variant_id=second, stock=0)])
    assert outcome.succeeded == tuple(sorted((first, second))) and outcome.failed == {}
    assert tiktok.count(code="12052055") == 1  # the 0 was tried, and refused
    assert tiktok.product(result.external_id).status == "SELLER_DEACTIVATED"
    assert tiktok.stock_of(shop_id=tiktok.shop().shop_id, sku="SEN-1-1") == 4
    with pytest.raises(ValueError, match="not on sale"):
        tiktok.create_order(shop_id=tiktok.shop().shop_id, items=[("SEN-1-2", 1)])
    # restocked (the platform says the listing is on sale on its side and nothing of it is sold out): it is
    # activated again, TikTok audits it (R-activate), and once it passes the stock is sent
    restock = [PriceStockUpdate(external_variant_id=second, stock=6, previous_stock=0, listing_sellable=True)]
    outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id, updates=restock)
    assert tiktok.product(result.external_id).status == "PENDING"
    assert outcome.succeeded == () and "approves" in outcome.failed[second]  # sent again by the next push
    tiktok.decide_audit(result.external_id, approve=True)
    outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id, updates=restock)
    assert outcome.succeeded == (second,) and tiktok.product(result.external_id).status == "ACTIVATE"
    assert tiktok.stock_of(shop_id=tiktok.shop().shop_id, sku="SEN-1-2") == 6
    tiktok.create_order(shop_id=tiktok.shop().shop_id, items=[("SEN-1-2", 1)])  # sellable again


@pytest.mark.parametrize("sim_options", [{"audit_seconds": 0}])
def test_a_restock_never_switches_on_a_listing_the_owner_paused(tiktok, connector, creds, sim_options):
    result = publish(connector, creds)
    second = result.variant_ids_by_sku["SEN-1-2"]
    connector.pause(credentials=creds, external_id=result.external_id, paused=True)
    # stock comes back from 0, but the listing is paused on our side (listing_sellable False)
    outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id, updates=[
        PriceStockUpdate(external_variant_id=second, stock=6, previous_stock=0)])
    assert tiktok.product(result.external_id).status == "SELLER_DEACTIVATED"
    assert tiktok.count(path="/product/202309/products/activate") == 0
    assert "on sale again" in outcome.failed[second]  # the stock waits for the owner to resume it
    # a sold-out SKU of the paused product is already true there: done, nothing sent
    first = result.variant_ids_by_sku["SEN-1-1"]
    outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id, updates=[
        PriceStockUpdate(external_variant_id=first, stock=0)])
    assert outcome.succeeded == (first,)


def test_price_and_stock_of_a_listing_under_review_fail_with_a_reason(tiktok, connector, creds):
    result = publish(connector, creds)
    first = result.variant_ids_by_sku["SEN-1-1"]
    outcome = connector.update_price_stock(credentials=creds, external_id=result.external_id,
                                           updates=[PriceStockUpdate(external_variant_id=first, stock=2)])
    assert outcome.succeeded == () and "live listings" in outcome.failed[first]


def test_pause_delist_and_find_by_sku(tiktok, connector, creds):
    result = publish(connector, creds)
    tiktok.decide_audit(result.external_id, approve=True)
    connector.pause(credentials=creds, external_id=result.external_id, paused=True)
    assert tiktok.product(result.external_id).status == "SELLER_DEACTIVATED"
    connector.pause(credentials=creds, external_id=result.external_id, paused=True)  # idempotent
    connector.pause(credentials=creds, external_id=result.external_id, paused=False)
    assert tiktok.product(result.external_id).status == "PENDING"  # R-activate: audited again
    tiktok.decide_audit(result.external_id, approve=True)
    assert tiktok.product(result.external_id).status == "ACTIVATE"
    found = connector.find_by_sku(credentials=creds, sku="SEN-1-2")
    assert [(f.external_id, f.variant_ids_by_sku) for f in found] == [(result.external_id, result.variant_ids_by_sku)]
    assert [r.external_id for r in connector.remote_listings(credentials=creds)] == [result.external_id]
    connector.delist(credentials=creds, external_id=result.external_id)
    connector.delist(credentials=creds, external_id=result.external_id)  # idempotent
    assert connector.find_by_sku(credentials=creds, sku="SEN-1-2") == []


def test_listings_are_paged_through(tiktok, connector, creds):
    for n in range(3):
        publish(connector, creds, make_draft(f"P{n}", variants=1))
    from marketplace_connectors.backends.tiktok import connector as module

    module.PAGE_SIZE, saved = 2, module.PAGE_SIZE
    try:
        assert len(connector.remote_listings(credentials=creds)) == 3
    finally:
        module.PAGE_SIZE = saved


# --- faults ------------------------------------------------------------------------------------------
def test_429_and_5xx_are_retryable_and_change_nothing(tiktok, connector, creds):
    tiktok.set_faults(status_429=1, status_5xx=1, paths=frozenset({"/product/202309/products"}))
    for _ in range(2):
        with pytest.raises(RetryableError):
            connector.publish(credentials=creds, draft=make_draft(), uploaded_images={})
    assert tiktok.live_products() == []
    publish(connector, creds)
    assert len(tiktok.live_products()) == 1


def test_a_storm_of_429s_under_a_real_rate_limit(settings, tiktok, connector, creds):
    tiktok.rate_limit_per_second = 3
    answers = []
    for _ in range(6):
        try:
            connector.categories(credentials=creds)
            answers.append("ok")
        except RetryableError as exc:
            answers.append(exc.code)
    assert answers[:3] == ["ok"] * 3 and "36009002" in answers[3:]


# --- orders -----------------------------------------------------------------------------------------
def test_orders_are_imported_with_one_line_per_sku_and_their_status(tiktok, connector, creds):
    result = publish(connector, creds)
    tiktok.decide_audit(result.external_id, approve=True)
    shop = tiktok.shop().shop_id
    since = time.time() - 5
    first = tiktok.create_order(shop_id=shop, items=[("SEN-1-1", 2), ("SEN-1-2", 1)])
    second = tiktok.create_order(shop_id=shop, items=[("SEN-1-2", 1)])
    assert tiktok.stock_of(shop_id=shop, sku="SEN-1-2") == 10
    tiktok.set_order_status(order_id=second, status=OrderStatus.CANCELLED)
    assert tiktok.stock_of(shop_id=shop, sku="SEN-1-2") == 11
    import datetime as dt

    orders = connector.orders_updated_since(credentials=creds, since=dt.datetime.fromtimestamp(since, tz=dt.UTC))
    assert [o.external_id for o in orders] == [first, second]
    one = orders[0]
    assert one.status == OrderStatus.READY_TO_SHIP and one.marketplace_status == "AWAITING_SHIPMENT"
    assert [(line.sku, line.quantity, line.unit_price_vnd) for line in one.lines] == [("SEN-1-1", 2, 45_000), ("SEN-1-2", 1, 90_000)]
    assert one.total_vnd == 180_000
    assert orders[1].status == OrderStatus.CANCELLED
    assert connector.order_get(credentials=creds, external_id=second).status == OrderStatus.CANCELLED
    assert connector.order_get(credentials=creds, external_id="1") is None


# --- webhooks ------------------------------------------------------------------------------------------
def test_a_forged_webhook_is_rejected(tiktok, connector):
    body = b'{"type":5,"shop_id":"7494049642642441621","timestamp":1,"data":{"product_id":"1","status":"ACTIVATE"}}'
    forged = hmac.new(b"not-the-secret", APP_KEY.encode() + body, hashlib.sha256).hexdigest()
    with pytest.raises(PushRejected):
        connector.verify_push(body=body, headers={"Authorization": forged}, url="https://x/push/tiktok/")
    with pytest.raises(PushRejected):
        connector.verify_push(body=body, headers={}, url="https://x/push/tiktok/")
    signed = tiktok_push_signature(app_key=APP_KEY, app_secret=APP_SECRET, raw_body=body)
    with pytest.raises(PushRejected):  # the signature is over the raw body: re-serialised JSON does not match
        connector.verify_push(body=json.dumps(json.loads(body)).encode(), headers={"Authorization": signed}, url="")


def test_the_simulators_webhooks_verify_and_become_events(tiktok, connector, creds):
    received = []

    from marketplace_sandbox.base import SimulatorServer
    from marketplace_sandbox.exchange import Response

    class Platform(SimulatorServer):
        def handle(self, request):
            received.append(connector.verify_push(body=request.body, headers=request.headers, url=""))
            return Response(status=200)

    with Platform() as platform:
        tiktok.push_url = f"{platform.url}/marketplaces/push/tiktok/"
        result = publish(connector, creds)
        tiktok.decide_audit(result.external_id, approve=False, reason="Ảnh mờ")
        tiktok.wait_for_deliveries()
    [[listing], [audit]] = received  # type 5, then type 37 (G-wh37)
    assert (listing.kind, listing.shop_id, listing.external_id, listing.status, listing.reason) == (
        "listing", creds.shop_id, result.external_id, "PRODUCT_AUDIT_FAILURE", "Ảnh mờ")
    assert (audit.kind, audit.external_id, audit.status) == ("listing", result.external_id, "FAILED")
    assert listing.event_id and audit.event_id != listing.event_id


def test_an_order_webhook_becomes_an_order_event(tiktok, connector, creds):
    result = publish(connector, creds)
    tiktok.decide_audit(result.external_id, approve=True)
    body = json.dumps({"type": 1, "tts_notification_id": "7327112393057371910", "shop_id": creds.shop_id,
                       "timestamp": 1644412885, "data": {"order_id": "576486316948490001", "order_status": "UNPAID",
                                                         "update_time": 1644412885}}).encode()
    [event] = connector.verify_push(body=body, url="", headers={
        "Authorization": tiktok_push_signature(app_key=APP_KEY, app_secret=APP_SECRET, raw_body=body)})
    assert (event.kind, event.event_id, event.external_id, event.status) == (
        "order", "7327112393057371910", "576486316948490001", "UNPAID")


def test_refusals_and_rules_speak_vietnamese_to_a_vietnamese_owner(settings, tiktok, connector, creds, tiktok_locale):
    from django.utils import translation

    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, str(tiktok_locale)]
    with translation.override("vi"):
        with pytest.raises(PermanentError) as refused:
            publish(connector, creds, make_draft(category_id="600001"))
        assert refused.value.message == "Ngành hàng TikTok Shop đã chọn còn ngành hàng con; hãy chọn ngành hàng chi tiết nhất."
        problems = connector.validate(draft=make_draft(name="Sen ngắn"))
        assert [p.message for p in problems] == ["Tên có 8 ký tự; TikTok Shop cần từ 25 đến 255 ký tự."]
