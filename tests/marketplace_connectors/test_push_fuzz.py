"""No input from outside gives a 500 (ASVS V13.1, V5.1): the push endpoint ``/marketplaces/push/<code>/`` of
all five marketplaces, fuzzed with Hypothesis.

- Tiki does not push: its endpoint answers 404 to anything (test_push_not_configured.py: the other 404s).
- Generated bodies, headers and signatures: 401, and nothing changes: no order, no push receipt, no stock
  movement, the shop still connected.
- Bodies signed with the right secret but of any shape: acknowledged (200) or refused (401), never 500,
  and (no shop of theirs being connected) nothing changes either.

The shop each marketplace's pushes name is connected, so a forged push that got through would show.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from marketplace_connectors.registry import registry_reset

from .factories import AccountFactory, make_product
from .signed_pushes import CODES, PUSHING, SHOP_IDS, configure, post, sign, state

FUZZ = hypothesis_settings(max_examples=60, deadline=None, database=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Header values as a web server hands them over: latin-1, no line breaks.
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                      max_size=120)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
identifiers = (st.integers(min_value=-5, max_value=2**64) | st.text(max_size=70) | st.none() | json_values
               | st.sampled_from(list(SHOP_IDS.values())))
push_header_names = st.sampled_from([
    "Authorization", "X-WC-Webhook-Signature", "X-WC-Webhook-Source", "X-WC-Webhook-Topic",
    "X-WC-Webhook-Delivery-ID", "X-WC-Webhook-ID", "Content-Type", "X-Forwarded-Proto", "Host",
]) | st.from_regex(r"X-[A-Za-z-]{1,20}", fullmatch=True)
raw_bodies = st.binary(max_size=600) | json_values.map(lambda v: json.dumps(v).encode()) | st.just(b"webhook_id=7x")


def shapes(code: str):
    """Bodies shaped like the marketplace's pushes, with anything in the fields."""
    if code == "shopee":
        return st.fixed_dictionaries({"code": st.sampled_from([1, 2, 3, 4]) | identifiers, "shop_id": identifiers,
                                      "timestamp": identifiers},
                                     optional={"data": st.fixed_dictionaries(
                                         {}, optional={"ordersn": identifiers, "status": identifiers,
                                                       "shop_id": identifiers}) | json_values})
    if code == "lazada":
        return st.fixed_dictionaries({"message_type": st.sampled_from([0, 3, 10]) | identifiers,
                                      "seller_id": identifiers},
                                     optional={"timestamp": identifiers, "site": identifiers,
                                               "data": st.fixed_dictionaries(
                                                   {}, optional={"trade_order_id": identifiers,
                                                                 "order_status": identifiers}) | json_values})
    if code == "tiktok":
        return st.fixed_dictionaries({"type": st.sampled_from([1, 5, 6]) | identifiers, "shop_id": identifiers},
                                     optional={"tts_notification_id": identifiers, "timestamp": identifiers,
                                               "data": st.fixed_dictionaries(
                                                   {}, optional={"order_id": identifiers, "order_status": identifiers,
                                                                 "product_id": identifiers, "status": identifiers,
                                                                 "suspended_reason": identifiers}) | json_values})
    return json_values | st.fixed_dictionaries({"id": identifiers, "status": identifiers})


@pytest.fixture
def configured(settings):
    configure(settings)
    yield settings
    registry_reset()


@pytest.fixture
def shops(configured, db):
    """One connected shop per marketplace, named as the pushes name them, with a product in stock."""
    accounts = {code: AccountFactory(marketplace=code, external_shop_id=shop_id) for code, shop_id in SHOP_IDS.items()}
    for n, account in enumerate(accounts.values(), start=1):
        make_product(account.business, n=n, variants=1, image=False)
    return accounts


# --- fuzzing -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", CODES)
def test_generated_pushes_are_refused_and_change_nothing(client, shops, code):
    before = state()

    @FUZZ
    @given(body=raw_bodies, headers=st.dictionaries(push_header_names, header_text, max_size=6),
           content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                         "multipart/form-data; boundary=x", ""]))
    def run(body, headers, content_type):
        response = post(client, code, body, headers, content_type)
        if response.status_code == 400:  # Django refuses a Host header that is not a host name, before the view
            assert any(k.lower() == "host" for k in headers), (body[:80], headers)
        elif code == "tiki":
            assert response.status_code == 404
        elif code == "woocommerce" and response.status_code == 200:
            # WooCommerce's unsigned ping when a webhook is saved: acknowledged, no event
            assert not any(k.lower() in ("x-wc-webhook-topic", "x-wc-webhook-signature") and v.strip()
                           for k, v in headers.items())
        else:
            assert response.status_code == 401, (response.status_code, body[:80], headers)
        assert state() == before

    run()


@pytest.mark.parametrize("code", CODES)
def test_a_genuine_push_with_one_thing_changed_is_refused(client, shops, code):
    """Signatures of other bodies, other marketplaces' secrets, truncated or re-cased ones: 401."""
    before = state()

    @FUZZ
    @given(body=shapes(code if code != "tiki" else "shopee").map(lambda v: json.dumps(v).encode()),
           other=st.binary(min_size=1, max_size=40), cut=st.integers(min_value=1, max_value=40),
           how=st.sampled_from(["other body", "truncated", "swapcase", "other marketplace", "appended"]))
    def run(body, other, cut, how):
        if how == "swapcase" and code != "woocommerce":
            how = "truncated"  # hex digests are compared case-insensitively: a swapped case is still genuine
        headers = sign(code if code != "tiki" else "shopee", body)
        name = "X-WC-Webhook-Signature" if code == "woocommerce" else "Authorization"
        genuine = headers[name]
        if how == "other body":
            headers = {**headers, name: sign(code if code != "tiki" else "shopee", body + other)[name]}
        elif how == "truncated":
            headers = {**headers, name: genuine[:-cut]}
        elif how == "swapcase":  # base64 (WooCommerce) is case-sensitive
            headers = {**headers, name: genuine.swapcase()}
        elif how == "other marketplace":
            headers = {**headers, name: sign("lazada" if code != "lazada" else "tiktok", body)["Authorization"]}
        else:
            body = body + other
        response = post(client, code, body, headers)
        if code == "tiki":
            assert response.status_code == 404
        else:
            assert response.status_code == 401, (how, response.status_code)
        assert state() == before

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("code", PUSHING)
def test_signed_pushes_of_any_shape_never_give_a_500(client, configured, code):
    """The signature is right; the body is anything a marketplace could send. No shop of theirs is connected,
    so nothing may change either."""
    before = state()

    @FUZZ
    @given(body=shapes(code), topic=st.sampled_from(["order.created", "order.updated", "product.updated", "x"])
           | header_text, delivery=header_text)
    def run(body, topic, delivery):
        raw = json.dumps(body).encode()
        response = post(client, code, raw, sign(code, raw, topic=topic.strip() or "x", delivery=delivery))
        assert response.status_code in (200, 401), (response.status_code, raw[:200])
        assert state() == before

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("code", PUSHING)
def test_a_signed_push_naming_a_shop_with_a_nul_or_an_endless_id_is_acknowledged_and_changes_nothing(
        client, configured, code):
    """PostgreSQL refuses NUL in text: such an id matches no shop instead of failing the request."""
    before = state()
    for shop_id in ("14701711\u0000", "\u0000", "9" * 5000):
        body = {"shopee": {"code": 3, "shop_id": shop_id, "data": {"ordersn": "A\u0000"}},
                "lazada": {"message_type": 0, "seller_id": shop_id, "data": {"trade_order_id": "1\u0000"}},
                "tiktok": {"type": 1, "shop_id": shop_id, "tts_notification_id": "n\u0000",
                           "data": {"order_id": "1\u0000"}},
                "woocommerce": {"id": "1\u0000", "status": "processing"}}[code]
        raw = json.dumps(body).encode()
        response = post(client, code, raw, sign(code, raw, delivery="\u00ff" * 300))
        assert response.status_code in (200, 401)
    assert state() == before

