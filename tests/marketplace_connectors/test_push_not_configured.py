"""A push to a marketplace that is not configured here (no app key or secret, or only one of them), that is
not known, or that does not push (Tiki) answers 404 and changes nothing; never a 500 (issue 14, item 8)."""

import json

import pytest

from marketplace_connectors.registry import registry_reset

from .signed_pushes import configure, post, sign, state


@pytest.fixture
def configured(settings):
    configure(settings)
    yield settings
    registry_reset()

UNCONFIGURED = {
    "shopee": {"SHOPEE_PARTNER_ID": 0, "SHOPEE_PARTNER_KEY": ""},
    "lazada": {"LAZADA_APP_KEY": "", "LAZADA_APP_SECRET": ""},
    "tiktok": {"TIKTOK_APP_KEY": "", "TIKTOK_APP_SECRET": ""},
}


@pytest.mark.django_db
@pytest.mark.parametrize("code", UNCONFIGURED)
@pytest.mark.parametrize("half", [False, True], ids=["no key or secret", "a key without its secret"])
def test_a_push_to_a_marketplace_that_is_not_configured_answers_404(client, configured, code, half):
    for name, value in UNCONFIGURED[code].items():
        setattr(configured, name, value)
    if half:  # the key set, the secret forgotten
        first = next(iter(UNCONFIGURED[code]))
        setattr(configured, first, 1 if first == "SHOPEE_PARTNER_ID" else "set")
    registry_reset()
    body = json.dumps({"code": 3, "shop_id": 1, "data": {"ordersn": "X"}}).encode()
    before = state()
    response = post(client, code, body, sign(code, body))
    assert response.status_code == 404
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/marketplaces/push/nowhere/", "/marketplaces/push/tiki/",
                                  "/marketplaces/push/SHOPEE/", "/marketplaces/push/shopee-x/"])
def test_a_push_to_an_unknown_marketplace_or_one_that_does_not_push_answers_404(client, configured, path):
    assert client.post(path, data=b"{}", content_type="application/json").status_code == 404


