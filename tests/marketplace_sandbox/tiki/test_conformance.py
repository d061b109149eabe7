"""The simulator against Tiki's documentation (docs/marketplaces/tiki.md, open.tiki.vn): OAuth 2.0 token endpoint,
bearer errors, scopes, the per-seller rate limit, asynchronous product requests and their rules."""

import pytest
import requests

from .conftest import CLIENT_ID, CLIENT_SECRET, REDIRECT, SELLER

TOKEN = "/sc/oauth2/token"


def token(tiki, **form):
    return requests.post(tiki.url + TOKEN, data=form, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5)


def access(tiki, scope="offline product order inventory"):
    code, _ = tiki.issue_code(SELLER, redirect_uri=REDIRECT, scope=scope)
    return token(tiki, grant_type="authorization_code", code=code, redirect_uri=REDIRECT).json()


def api(tiki, method, path, access_token, **kwargs):
    return requests.request(method, tiki.url + path, headers={"Authorization": f"Bearer {access_token}"}, timeout=5,
                            **kwargs)


def request_body(**overrides):
    body = {"category_id": 4423, "name": "Mứt sen", "description": "<p>Mứt sen</p>", "attributes": {"origin": "Việt Nam"},
            "image": "https://cdn.example.vn/a.jpg", "images": [], "option_attributes": ["Khối lượng"],
            "variants": [{"sku": "A-1", "price": 45000, "quantity": 5, "inventory_type": "dropship", "option1": "250 g"},
                         {"sku": "A-2", "price": 55000, "quantity": 5, "inventory_type": "dropship", "option1": "500 g"}]}
    body.update(overrides)
    return body


def test_the_token_endpoint_takes_a_form_body_and_authenticates_the_client(tiki):
    code, _ = tiki.issue_code(SELLER, redirect_uri=REDIRECT)
    as_json = requests.post(tiki.url + TOKEN, json={"grant_type": "authorization_code", "code": code},
                            auth=(CLIENT_ID, CLIENT_SECRET), timeout=5)
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    wrong_secret = requests.post(tiki.url + TOKEN, data={"grant_type": "authorization_code", "code": code,
                                                         "redirect_uri": REDIRECT}, auth=(CLIENT_ID, "nope"), timeout=5)
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"
    in_body = requests.post(tiki.url + TOKEN, data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                                    "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, timeout=5)
    assert in_body.status_code == 200
    assert set(in_body.json()) >= {"access_token", "refresh_token", "expires_in", "scope", "token_type"}


def consent_link(tiki, **overrides):
    query = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT,
             "scope": "offline product order inventory", "state": "abcdefgh12", **overrides}
    return requests.get(tiki.url + "/sc/oauth2/auth", params=query, allow_redirects=False, timeout=5)


def test_a1_a3_a10_the_consent_page_refuses_what_was_not_registered_and_unknown_scopes(tiki):
    tiki.registered_redirect_uris = (REDIRECT,)
    assert consent_link(tiki).status_code == 200
    assert consent_link(tiki, scope="offline product order inventory multichannel").status_code == 200
    for refused, why in ((consent_link(tiki, redirect_uri="https://evil.example/cb/"), "not registered"),
                         (consent_link(tiki, scope="offline product payout"), "unknown scope: payout"),
                         (consent_link(tiki, scope="admin"), "unknown scope: admin"),
                         (consent_link(tiki, state="1234567"), "state"),
                         (consent_link(tiki, response_type="token"), "response_type"),
                         (consent_link(tiki, client_id="1111"), "client_id")):
        assert refused.status_code == 400 and why in refused.text and "Location" not in refused.headers
    forged = requests.post(tiki.url + "/sc/oauth2/auth", data={"redirect_uri": REDIRECT, "state": "abcdefgh12",
                                                               "scope": "offline admin", "seller": SELLER},
                           allow_redirects=False, timeout=5)
    assert forged.status_code == 400 and "Location" not in forged.headers and tiki.codes == {}


def test_a7_client_credentials_in_the_header_the_body_or_both_when_they_agree(tiki):
    def exchange(*, auth=None, **client):
        code, _ = tiki.issue_code(SELLER, redirect_uri=REDIRECT)
        return requests.post(tiki.url + TOKEN, data={"grant_type": "authorization_code", "code": code,
                                                     "redirect_uri": REDIRECT, **client}, auth=auth, timeout=5)

    assert exchange(auth=(CLIENT_ID, CLIENT_SECRET)).status_code == 200
    assert exchange(client_id=CLIENT_ID, client_secret=CLIENT_SECRET).status_code == 200
    # the official sample: Basic and client_id + client_secret in the body as well
    assert exchange(auth=(CLIENT_ID, CLIENT_SECRET), client_id=CLIENT_ID, client_secret=CLIENT_SECRET).status_code == 200
    assert exchange(auth=(CLIENT_ID, CLIENT_SECRET), client_id=CLIENT_ID).status_code == 200
    for disagreeing in (exchange(auth=(CLIENT_ID, CLIENT_SECRET), client_id=CLIENT_ID, client_secret="other"),
                        exchange(auth=(CLIENT_ID, CLIENT_SECRET), client_id="1111", client_secret=CLIENT_SECRET),
                        exchange(auth=(CLIENT_ID, "nope"), client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
                        exchange(client_id=CLIENT_ID, client_secret="nope"),
                        exchange(client_id=CLIENT_ID),
                        exchange()):
        assert (disagreeing.status_code, disagreeing.json()["error"]) == (401, "invalid_client")
    assert tiki.access_tokens and len(tiki.access_tokens) == 4  # the refused exchanges issued nothing


def test_a_code_works_once_and_only_with_its_redirect_uri(tiki):
    code, _ = tiki.issue_code(SELLER, redirect_uri=REDIRECT)
    assert token(tiki, grant_type="authorization_code", code=code, redirect_uri="https://evil.example/").json()["error"] \
        == "invalid_grant"
    code, _ = tiki.issue_code(SELLER, redirect_uri=REDIRECT)
    assert token(tiki, grant_type="authorization_code", code=code, redirect_uri=REDIRECT).status_code == 200
    again = token(tiki, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_refresh_rotates_the_pair_and_refuses_the_spent_refresh_token(tiki):
    first = access(tiki)
    second = token(tiki, grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    spent = token(tiki, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"


def test_a_missing_or_expired_bearer_token_is_401_with_errors(tiki):
    missing = requests.get(tiki.url + "/integration/v2/sellers/me", timeout=5)
    assert missing.status_code == 401 and missing.json()["errors"]
    tokens = access(tiki)
    assert api(tiki, "GET", "/integration/v2/sellers/me", tokens["access_token"]).json()["id"] == int(SELLER)
    tiki.advance(tokens["expires_in"] + 1)
    expired = api(tiki, "GET", "/integration/v2/sellers/me", tokens["access_token"])
    assert expired.status_code == 401 and expired.json()["errors"]


def test_a_token_without_the_scope_is_403_and_a_wrong_method_405(tiki):
    tokens = access(tiki, scope="offline product")
    forbidden = api(tiki, "GET", "/integration/v2/orders", tokens["access_token"])
    assert forbidden.status_code == 403 and forbidden.json()["errors"]
    assert api(tiki, "DELETE", "/integration/v2/categories", tokens["access_token"]).status_code == 405


def test_more_than_the_rate_limit_per_second_per_seller_is_429_with_tikis_message(tiki):
    tiki.rate_limit_per_second = 5
    tokens = access(tiki)
    statuses = [api(tiki, "GET", "/integration/v2/categories", tokens["access_token"]) for _ in range(7)]
    assert [r.status_code for r in statuses] == [200] * 5 + [429] * 2
    assert "200 request / per second / per seller" in statuses[-1].json()["errors"][0]


def test_a_create_returns_only_track_id_and_queuing_and_waits_for_a_decision(tiki):
    tokens = access(tiki)
    created = api(tiki, "POST", "/integration/v2.1/requests", tokens["access_token"], json=request_body())
    assert created.status_code == 200 and set(created.json()) == {"track_id", "state"}
    assert created.json()["state"] == "queuing"
    track = created.json()["track_id"]
    tiki.advance(600)  # time passes; nobody has decided
    assert api(tiki, "GET", f"/integration/v2/tracking/{track}", tokens["access_token"]).json()["state"] == "awaiting_approve"
    product_ids = tiki.decide_request(track, approve=True)
    tracked = api(tiki, "GET", f"/integration/v2/tracking/{track}", tokens["access_token"]).json()
    assert tracked["state"] == "approved"
    assert sorted(p["product_id"] for p in tracked["products"]) == sorted(product_ids) and len(product_ids) == 2
    # an approved product starts inactive
    assert all(p["active"] == 0 for p in tracked["products"])


@pytest.mark.parametrize(("change", "reason"), [
    ({"option_attributes": ["a", "b", "c"]}, "max 2 option attributes"),
    ({"variants": [{"sku": "B-1", "price": 0, "quantity": 1, "option1": "x"}]}, "variants should have price > 0"),
    ({"variants": [{"sku": "B-1", "price": 1000, "quantity": 1}]}, "variants option1 missing"),
    ({"image": ""}, "product media is empty"),
    ({"category_id": 4422}, "Category legal document is missing document_id = 7"),
])
def test_a_request_breaking_a_documented_rule_is_rejected_with_the_reason(tiki, change, reason):
    tokens = access(tiki)
    track = api(tiki, "POST", "/integration/v2.1/requests", tokens["access_token"], json=request_body(**change)).json()["track_id"]
    tracked = api(tiki, "GET", f"/integration/v2/tracking/{track}", tokens["access_token"]).json()
    assert tracked["state"] == "rejected" and reason in tracked["reason"]


def test_approval_can_answer_active_products_as_g_requests_example_does(tiki):
    tokens = access(tiki)
    tiki.approved_active = 1
    track = api(tiki, "POST", "/integration/v2.1/requests", tokens["access_token"], json=request_body()).json()["track_id"]
    tiki.decide_request(track, approve=True)
    tracked = api(tiki, "GET", f"/integration/v2/tracking/{track}", tokens["access_token"]).json()
    assert tracked["state"] == "approved" and [p["active"] for p in tracked["products"]] == [1, 1]


def test_a_rejected_request_cannot_be_approved_later(tiki):
    tokens = access(tiki)
    track = api(tiki, "POST", "/integration/v2.1/requests", tokens["access_token"], json=request_body()).json()["track_id"]
    tiki.decide_request(track, approve=False, reason="Ảnh mờ")
    with pytest.raises(ValueError, match="already rejected"):
        tiki.decide_request(track, approve=True)
    assert tiki.products == {}


def test_update_skus_refuses_an_oversized_batch_and_answers_per_item(tiki):
    tiki.update_skus_max = 2
    tokens = access(tiki)
    track = api(tiki, "POST", "/integration/v2.1/requests", tokens["access_token"], json=request_body()).json()["track_id"]
    ids = tiki.decide_request(track, approve=True)
    too_many = api(tiki, "PUT", "/integration/v2.1/products/updateSkus", tokens["access_token"],
                   json={"data": [{"product_id": i, "price": 1000} for i in (*ids, 1)]})
    assert too_many.status_code == 400 and too_many.json()["errors"]
    mixed = api(tiki, "PUT", "/integration/v2.1/products/updateSkus", tokens["access_token"],
                json={"data": [{"product_id": ids[0], "price": 47000, "status": 1}, {"product_id": 1, "price": 1000}]})
    assert [item["success"] for item in mixed.json()["data"]] == [True, False]
    assert tiki.products[ids[0]].price == 47000 and tiki.products[ids[0]].active == 1


def test_auto_approval_after_the_configured_delay(tiki):
    tiki.auto_approve_after = 60
    tokens = access(tiki)
    track = api(tiki, "POST", "/integration/v2.1/requests", tokens["access_token"], json=request_body()).json()["track_id"]
    assert api(tiki, "GET", f"/integration/v2/tracking/{track}", tokens["access_token"]).json()["state"] == "awaiting_approve"
    tiki.advance(61)
    assert api(tiki, "GET", f"/integration/v2/tracking/{track}", tokens["access_token"]).json()["state"] == "approved"
