"""The reconnect banner follows the owner to every page, not only the marketplace pages."""

import pytest
from django.urls import reverse

from marketplace_connectors.models import AccountStatus

from .factories import AccountFactory, owner_membership

pytestmark = pytest.mark.django_db


def test_an_owner_sees_the_reconnect_banner_on_the_catalog_page(client):
    account = AccountFactory(status=AccountStatus.NEEDS_REAUTH, shop_name="Gạo Sen Shop",
                             status_reason="Shopee no longer accepts this shop's authorisation.")
    membership = owner_membership(account.business)
    client.force_login(membership.user)
    page = client.get(reverse("catalog:product_list")).content.decode()
    assert "mkt-banner" in page and "Gạo Sen Shop" in page
    assert reverse("marketplaces:connect_start", args=["shopee"]) in page


def test_no_banner_when_every_shop_works_or_for_someone_else(client):
    AccountFactory(status=AccountStatus.NEEDS_REAUTH, shop_name="Shop của người khác")
    mine = AccountFactory(external_shop_id="555", shop_name="Shop của tôi")
    membership = owner_membership(mine.business)
    client.force_login(membership.user)
    page = client.get(reverse("catalog:product_list")).content.decode()
    assert "mkt-banner" not in page and "Shop của người khác" not in page
