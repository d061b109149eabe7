"""Webhooks: the simulator delivers them as WooCommerce does; the connector verifies them; the push view accepts
a valid one once, a repeated one without acting twice, and refuses a forged one."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marketplace_connectors.backends.woocommerce.connector import WooCommerceConnector
from marketplace_connectors.backends.woocommerce.mappers import webhook_secret, webhook_signature
from marketplace_connectors.base import PushRejected
from marketplace_connectors.models import PushReceipt

from ..factories import AccountFactory
from .conftest import WEBHOOK_KEY

connector = WooCommerceConnector()
URL = "https://sme.example.vn/marketplaces/push/woocommerce/"


def lower(headers: dict) -> dict:
    """Header names as urllib sent them vary in case; one case to replace values by name."""
    return {k.lower(): v for k, v in headers.items()}


@pytest.fixture
def receiver():
    """A loopback endpoint recording every POST (headers and raw body) and answering 200."""
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append((dict(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/push", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def delivered(woo, receiver):
    """One order.created delivery as the shop sent it to our push URL."""
    url, received = receiver
    woo.push_url = url
    woo._product_create({"name": "Mứt sen", "sku": "MTS-1", "regular_price": "120000", "manage_stock": True,
                         "stock_quantity": 5})
    order_id = woo.create_order(items=[("MTS-1", 1)])
    woo.wait_for_deliveries()
    assert len(received) == 1
    return order_id, received[0][0], received[0][1]


def test_a_delivery_signed_by_the_shop_is_verified_into_an_order_event(woo, delivered):
    order_id, headers, body = delivered
    [event] = connector.verify_push(body=body, headers=headers, url=URL)
    assert (event.shop_id, event.kind, event.external_id, event.status) == (woo.url, "order", order_id, "processing")
    assert event.event_id.startswith("wc:")
    # header names in any case (Django's request.headers is case-insensitive, a dict is not)
    lowered = {k.lower(): v for k, v in headers.items()}
    assert connector.verify_push(body=body, headers=lowered, url=URL) == [event]


def test_a_changed_body_or_a_forged_signature_is_rejected(woo, delivered):
    _order_id, headers, body = delivered
    with pytest.raises(PushRejected):
        connector.verify_push(body=body.replace(b'"processing"', b'"cancelled"'), headers=headers, url=URL)
    with pytest.raises(PushRejected):
        connector.verify_push(body=body, headers={**lower(headers), "x-wc-webhook-signature": "AAAA"}, url=URL)
    with pytest.raises(PushRejected):
        connector.verify_push(body=body, headers={k: v for k, v in headers.items()
                                                          if k.lower() != "x-wc-webhook-signature"},
                              url=URL)


def test_a_shop_cannot_sign_for_another_shop(woo, delivered):
    # given the owner of shop A knows A's secret and claims to be shop B
    _order_id, headers, body = delivered
    secret_a = webhook_secret(key=WEBHOOK_KEY, shop_url=woo.url)
    forged = {**lower(headers), "x-wc-webhook-source": "https://shop-b.vn/",
              "x-wc-webhook-signature": webhook_signature(secret=secret_a, body=body)}
    # then
    with pytest.raises(PushRejected):
        connector.verify_push(body=body, headers=forged, url=URL)


def test_a_repeated_delivery_keeps_its_id_but_two_deliveries_in_one_second_do_not_share_one(woo, delivered):
    _order_id, headers, body = delivered
    first = connector.verify_push(body=body, headers=headers, url=URL)[0]
    assert connector.verify_push(body=body, headers=dict(headers), url=URL)[0].event_id == first.event_id
    # WooCommerce's delivery id is the same for every delivery of a webhook within one second
    other = json.dumps({**json.loads(body), "status": "cancelled"}, ensure_ascii=False, separators=(",", ":")).encode()
    signed = {**lower(headers), "x-wc-webhook-signature": webhook_signature(
        secret=webhook_secret(key=WEBHOOK_KEY, shop_url=woo.url), body=other)}
    assert connector.verify_push(body=other, headers=signed, url=URL)[0].event_id != first.event_id


def test_the_ping_woocommerce_sends_when_a_webhook_is_saved_is_accepted_without_events(woo):
    assert connector.verify_push(body=b"webhook_id=42", headers={"Content-Type": "application/x-www-form-urlencoded"},
                                 url=URL) == []


@pytest.mark.django_db
def test_the_push_view_acts_on_a_delivery_once_and_refuses_a_forged_one(woo, delivered, client):
    # given the shop is connected here (a push for a shop nobody connected is dropped without a receipt)
    account = AccountFactory(marketplace="woocommerce", external_shop_id=woo.url)
    _order_id, headers, body = delivered
    wc_headers = {k: v for k, v in headers.items() if k.lower().startswith("x-wc-")}

    def post(raw: bytes, extra: dict):
        return client.post("/marketplaces/push/woocommerce/", data=raw, content_type="application/json", headers=extra)

    assert post(body, wc_headers).status_code == 200
    assert post(body, wc_headers).status_code == 200  # repeated: acknowledged, not acted on again
    assert list(PushReceipt.objects.values_list("account", flat=True)) == [account.pk]
    forged = post(body.replace(b'"processing"', b'"cancelled"'), wc_headers)
    assert forged.status_code == 401 and PushReceipt.objects.count() == 1
