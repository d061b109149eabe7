"""No dead end on a shop's pages: delisting asks first and a delisted product can be published again; a
listing removed on the marketplace says so (instead of "live" while every stock push fails) and can be
published again; a catalog draft is never published; orders show our words, never the marketplace's codes;
the pages read as cards on a phone and link each product to the page that fixes it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace_connectors import selectors, sync
from marketplace_connectors.models import ListingBinding, ListingStatus, ListingStatusChange, Order
from sme.catalog.models import ProductStatus, StockReason, Variant
from sme.catalog.stock import stock_adjust

from .factories import make_product, map_rice, owner_membership, publish_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def growth_plan(settings):
    settings.DEFAULT_PLAN = "growth"


@pytest.fixture
def owner(client, connected):
    membership = owner_membership(connected.business)
    client.force_login(membership.user)
    map_rice(connected)
    return membership


def _live(client, account, product, capture):
    with capture(execute=True):
        publish_form(client, account, product)
    binding = ListingBinding.objects.get(account=account, product=product)
    assert binding.status == ListingStatus.LIVE
    return binding


def test_delisting_asks_first_and_the_product_can_then_be_published_again(
        client, owner, connected, shopee, django_capture_on_commit_callbacks):
    product = make_product(connected.business, n=1)
    binding = _live(client, connected, product, django_capture_on_commit_callbacks)
    first_id = binding.external_id

    # the listings page offers Delist as a link to a confirmation, not as a button that acts at once
    page = client.get(reverse("marketplaces:listing_list", args=[connected.pk])).content.decode()
    confirm_url = reverse("marketplaces:listing_delist_confirm", args=[connected.pk, binding.pk])
    assert f'href="{confirm_url}"' in page
    confirm = client.get(confirm_url).content.decode()
    assert f"Gỡ “{product.name}” khỏi Shopee?" in confirm
    assert shopee.items_by_sku()  # nothing happened yet

    with django_capture_on_commit_callbacks(execute=True):  # the delist task runs once the request commits
        client.post(reverse("marketplaces:listing_action", args=[connected.pk, binding.pk, "delist"]))
    binding.refresh_from_db()
    assert binding.status == ListingStatus.DELISTED and binding.pending_action == ""
    assert product.key not in shopee.items_by_sku()

    # publishing it again puts it back, as a new Shopee item
    with django_capture_on_commit_callbacks(execute=True):
        response = publish_form(client, connected, product)
    binding.refresh_from_db()
    assert response.status_code == 302 and "/runs/" in response["Location"]
    assert binding.status == ListingStatus.LIVE
    assert binding.external_id and binding.external_id != first_id
    assert [item.item_id for item in shopee.items_by_sku()[product.key]] == [int(binding.external_id)]


def test_a_listing_removed_on_the_marketplace_says_so_and_can_be_published_again(
        client, owner, connected, shopee, django_capture_on_commit_callbacks):
    product = make_product(connected.business, n=2)
    binding = _live(client, connected, product, django_capture_on_commit_callbacks)
    # the seller deletes the item in Shopee's own seller centre
    shopee.items_by_sku()[product.key][0].item_status = "SELLER_DELETE"  # docs/marketplaces/shopee.md finding 13

    # the next stock push finds it gone instead of failing silently
    stock_adjust(variant=Variant.objects.filter(product=product).first(), new_quantity=3, reason=StockReason.MANUAL,
                 actor=None)
    sync.stock_push_account(account_id=connected.pk, manual=True)

    binding.refresh_from_db()
    assert binding.status == ListingStatus.GONE
    assert ListingStatusChange.objects.filter(listing=binding, new_status=ListingStatus.GONE).count() == 1
    assert selectors.accounts_out_of_step() == []  # it no longer follows the stock: nothing to retry forever
    page = client.get(reverse("marketplaces:listing_list", args=[connected.pk])).content.decode()
    assert "Không còn trên sàn: đăng lại?" in page
    assert "Shopee không còn sản phẩm này" in page
    assert "Đang bán trên sàn" not in page

    with django_capture_on_commit_callbacks(execute=True):
        publish_form(client, connected, product)
    binding.refresh_from_db()
    assert binding.status == ListingStatus.LIVE
    assert [item.item_id for item in shopee.items_by_sku()[product.key]] == [int(binding.external_id)]


def test_a_catalog_draft_is_never_published_and_the_page_says_why(
        client, owner, connected, shopee, django_capture_on_commit_callbacks):
    draft = make_product(connected.business, n=3)
    draft.status = ProductStatus.DRAFT
    draft.save()

    page = client.get(reverse("marketplaces:listing_list", args=[connected.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = publish_form(client, connected, draft)

    assert f'id="product-{draft.pk}"' not in page  # no box to tick
    assert "Nháp" in page and "Chỉ sản phẩm đang kinh doanh trong danh mục mới đăng lên sàn được." in page
    assert f'href="{reverse("catalog:product_edit", args=[draft.pk])}#id_status"' in page
    assert response.status_code == 302
    assert not ListingBinding.objects.filter(product=draft).exists()
    assert draft.key not in shopee.items_by_sku()


def test_an_order_shows_our_status_words_never_the_marketplaces_codes(
        client, owner, connected, shopee, django_capture_on_commit_callbacks):
    type(connected).objects.filter(pk=connected.pk).update(connected_at=timezone.now() - dt.timedelta(days=1))
    product = make_product(connected.business, n=4)
    _live(client, connected, product, django_capture_on_commit_callbacks)
    shopee.create_order(shop_id=connected.external_shop_id, items=[("GAO-0004-1", 1)])
    sync.orders_import(account_id=connected.pk)
    order = Order.objects.get(account=connected)
    assert order.marketplace_status == "READY_TO_SHIP"

    listing = client.get(reverse("marketplaces:order_list")).content.decode()
    detail = client.get(reverse("marketplaces:order_detail", args=[order.pk])).content.decode()

    for html in (listing, detail):
        assert "READY_TO_SHIP" not in html
        assert order.get_status_display() in html
    # each cell of the list says what it is when the table is shown as cards on a phone
    assert 'class="order-list cards"' in listing and 'data-label="Tổng tiền"' in listing


def test_the_listings_page_links_each_product_and_reads_as_cards(
        client, owner, connected, shopee, django_capture_on_commit_callbacks):
    product = make_product(connected.business, n=5, weight_g=None)
    with django_capture_on_commit_callbacks(execute=True):
        publish_form(client, connected, product)  # refused: no weight

    html = client.get(reverse("marketplaces:listing_list", args=[connected.pk])).content.decode()

    assert 'class="cards"' in html
    assert 'data-label="Cần sửa / lỗi gần nhất"' in html
    assert f'href="{reverse("catalog:product_edit", args=[product.pk])}"' in html
    accounts = client.get(reverse("marketplaces:account_list")).content.decode()
    assert "<dd>Shopee</dd>" in accounts


def test_the_scheduled_order_import_leaves_out_shops_that_hold_no_token(connected):
    from marketplace_connectors.models import MarketplaceAccount

    from .factories import AccountFactory

    # the seeded demo shops feed the officers' indicator; they were never connected through a marketplace
    demo = AccountFactory(marketplace="lazada", external_shop_id="demo-0123456789")
    assert not MarketplaceAccount.objects.get(pk=demo.pk).access_token_encrypted

    assert selectors.accounts_with_orders() == [connected.pk]
