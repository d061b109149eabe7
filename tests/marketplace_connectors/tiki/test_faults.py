"""Faults against the Tiki connector: a storm of 429/5xx answers (retried as the Celery task does, never a
second product request), the access token expiring mid-run (refresh and repeat), a revoked refresh token."""

import pytest

from marketplace_connectors.base import Credentials, ReviewState
from marketplace_connectors.errors import AccessTokenExpired, AuthError, RetryableError

from .factories import draft

pytestmark = pytest.mark.django_db

CREATE = "/integration/v2.1/requests"


def retried(call, *, attempts=20):
    """What ``autoretry_for=(RetryableError,)`` does for a task, without the back-off."""
    for _ in range(attempts - 1):
        try:
            return call()
        except RetryableError:
            continue
    return call()


@pytest.mark.parametrize("seed", [3, 8])
def test_a_storm_of_429_and_5xx_ends_with_one_request_per_product(tiki, connector, creds, seed):
    # given the next dozen calls answer 429 or 503
    tiki.set_faults(status_429=seed, status_5xx=12 - seed)
    results = []
    for n in range(1, 4):
        d = draft(sku=f"P{n}")
        attrs = retried(lambda d=d: connector.category_attributes(credentials=creds, category_id=d.category_id))
        results.append(retried(lambda d=d, attrs=attrs: connector.publish(
            credentials=creds, draft=d, uploaded_images={}, attributes=attrs)))
    # then every product has exactly one request, under review
    assert tiki.count(status=429) == seed and tiki.count(status=503) == 12 - seed
    assert tiki.count(path=CREATE, status=200) == 3
    assert sorted(r.body["variants"][0]["sku"] for r in tiki.pending_requests()) == ["P1-1", "P2-1", "P3-1"]
    assert {r.review for r in results} == {ReviewState.UNDER_REVIEW}


def test_an_expired_access_token_is_refreshed_and_the_call_repeated(tiki, connector, creds):
    tiki.expire_access_tokens()
    with pytest.raises(AccessTokenExpired):
        connector.categories(credentials=creds)
    tokens = connector.refresh(credentials=creds)
    fresh = Credentials(shop_id=creds.shop_id, access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    assert any(node.external_id == "4423" for node in connector.categories(credentials=fresh))
    with pytest.raises(AuthError):  # the refresh token was rotated: the old one is spent
        connector.refresh(credentials=creds)


def test_a_revoked_refresh_token_is_an_auth_error_and_nothing_is_sent(tiki, connector, creds):
    tiki.expire_access_tokens()
    tiki.revoke_refresh_tokens()
    with pytest.raises(AccessTokenExpired):
        connector.publish(credentials=creds, draft=draft(), uploaded_images={})
    with pytest.raises(AuthError):
        connector.refresh(credentials=creds)
    assert tiki.count(path=CREATE) == 0 and tiki.requests == {}
