"""What Tiki's API cannot do for the owner is said on the shop's listings page, in the owner's language, so
the platform never seems to sync what it cannot; a marketplace without such limits shows no notes."""

import pytest
from django.urls import reverse

from ..factories import AccountFactory, owner_membership

pytestmark = pytest.mark.django_db


def listings_page(client, account, language: str) -> str:
    client.force_login(owner_membership(account.business, preferred_language=language).user)
    return client.get(reverse("marketplaces:listing_list", args=[account.pk]),
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_tiki_shop_page_says_what_is_not_sent_to_tiki_in_vietnamese(client):
    page = listings_page(client, AccountFactory(marketplace="tiki", logistics_channel_id="tiki"), "vi")
    assert 'class="message mkt-owner-notes"' in page
    assert "thay đổi về tên, mô tả hoặc hình ảnh sẽ không được gửi sang Tiki" in page
    assert "Tiki không cho người bán xóa sản phẩm" in page


def test_a_tiki_shop_page_in_english(client):
    page = listings_page(client, AccountFactory(marketplace="tiki", logistics_channel_id="tiki"), "en")
    assert "changes to its name, description or photos are not sent to Tiki" in page


def test_a_shopee_shop_page_has_no_notes(client):
    page = listings_page(client, AccountFactory(marketplace="shopee"), "vi")
    assert "mkt-owner-notes" not in page
