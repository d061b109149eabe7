"""The "place a test order" page every sandbox marketplace serves (marketplace_sandbox/buyer_orders.py): one
page for the five, on a phone, in Vietnamese or English; bad input gets a clear message and places nothing;
it is the buyer's browser, so injected faults never strike it and it stays out of the call log. Orders
placed through it are tested with the platform in tests/marketplace_connectors/test_sandbox_test_order.py."""

import urllib.error
import urllib.parse
import urllib.request

import pytest

from marketplace_connectors.registry import connector_codes
from marketplace_sandbox.buyer_orders import BUYER_ORDER_PATH
from marketplace_sandbox.sandbox import sandbox_start

pytestmark = pytest.mark.django_db


def fetch(url, data=None, method=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, method=method), timeout=5) as answer:  # noqa: S310
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture(params=connector_codes())
def sim(request):
    sandbox = sandbox_start(request.param)
    yield sandbox.simulator
    sandbox.simulator.stop()


def test_the_page_lists_the_shops_says_when_nothing_is_listed_and_refuses_bad_input(sim):
    shops = sim.buyer_shops()
    shop_id, shop_name = shops[0]
    page = sim.url + BUYER_ORDER_PATH
    sim.set_faults(status_5xx=5)  # the buyer's page is not the marketplace's API: no fault strikes it

    # an unknown shop: 404 with the sandbox's shops to choose from
    status, html = fetch(page + "?shop=no-such-shop")
    assert status == 404 and "Không có shop này trên sàn thử nghiệm." in html and shop_name in html
    # the shop with nothing listed yet, on a phone, in Vietnamese; in English on request
    status, html = fetch(page + "?" + urllib.parse.urlencode({"shop": shop_id}))
    assert status == 200 and '<html lang="vi">' in html and 'name="viewport"' in html
    assert "Shop này chưa có sản phẩm nào đang bán" in html and shop_name in html
    status, html = fetch(page + "?" + urllib.parse.urlencode({"shop": shop_id, "lang": "en"}))
    assert status == 200 and '<html lang="en">' in html and "This shop has no listed product in stock yet." in html
    # ordering something that is not listed: refused, no order, no push
    status, html = fetch(page, {"shop": shop_id, "sku": "NOT-LISTED", "quantity": "1"})
    assert status == 400 and "Chọn một sản phẩm đang bán." in html
    status, _html = fetch(page + "?shop=" + urllib.parse.quote(shop_id), method="PUT")
    assert status == 405
    assert sim.deliveries == [] and sim.calls == [] and sim.faults.status_5xx == 5
