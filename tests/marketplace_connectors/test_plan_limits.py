"""The plan's limit on connected shops is enforced by the connect service, not only hidden in templates."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from marketplace_connectors import services
from marketplace_connectors.models import AccountStatus, MarketplaceAccount
from sme.billing.errors import EntitlementError

from .factories import AccountFactory, owner_membership

pytestmark = pytest.mark.django_db


def test_a_free_business_with_a_shop_is_told_which_plan_allows_another_before_leaving(client, shopee):
    # given a Free business that already has one connected shop
    membership = owner_membership()
    AccountFactory(business=membership.business, marketplace="lazada", external_shop_id="VN1000")
    client.force_login(membership.user)

    # when the owner presses Connect on Shopee
    response = client.post(reverse("marketplaces:connect_start", args=["shopee"]))

    # then they stay on the platform with a message naming the plan that allows more, and nothing is sent
    assert response.status_code == 302
    assert response["Location"] == reverse("marketplaces:account_list")
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Gói Miễn phí cho phép 1 sàn" in text and "Gói Tăng trưởng cho phép tới 3" in text
    assert shopee.count(path="/api/v2/auth/token/get") == 0
    assert MarketplaceAccount.objects.count() == 1


def test_the_connect_service_refuses_a_shop_over_the_limit(shopee):
    membership = owner_membership()
    AccountFactory(business=membership.business, marketplace="lazada", external_shop_id="VN1000")
    code, shop_id = shopee.issue_code()

    with pytest.raises(EntitlementError):
        services.account_connect_complete(business=membership.business, user=membership.user,
                                          marketplace="shopee", params={"code": code, "shop_id": str(shop_id)})

    assert list(MarketplaceAccount.objects.values_list("marketplace", flat=True)) == ["lazada"]


def test_reconnecting_the_shop_a_business_already_has_is_not_counted(shopee):
    # given a Free business whose only shop is the one it reconnects
    membership = owner_membership()
    code, shop_id = shopee.issue_code()
    AccountFactory(business=membership.business, external_shop_id=str(shop_id), status=AccountStatus.NEEDS_REAUTH)

    account = services.account_connect_complete(business=membership.business, user=membership.user,
                                                marketplace="shopee", params={"code": code, "shop_id": str(shop_id)})

    assert account.status == AccountStatus.ACTIVE
    assert MarketplaceAccount.objects.count() == 1


def test_a_disconnected_shop_frees_its_place(shopee):
    membership = owner_membership()
    AccountFactory(business=membership.business, marketplace="lazada", external_shop_id="VN1000",
                   status=AccountStatus.DISCONNECTED)
    code, shop_id = shopee.issue_code()

    account = services.account_connect_complete(business=membership.business, user=membership.user,
                                                marketplace="shopee", params={"code": code, "shop_id": str(shop_id)})

    assert account.status == AccountStatus.ACTIVE
