"""Each automatic milestone flips on and off with the business's real data (rows made by the apps' services)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.choices import Milestone
from cms.milestones import milestone_evaluator, milestones_evaluate
from marketplace_connectors import sync
from marketplace_connectors.base import OrderStatus, RemoteOrder, RemoteOrderLine
from marketplace_connectors.models import AccountStatus, ListingBinding, ListingStatus, MarketplaceAccount
from sme.businesses.models import AdministrativeUnit
from sme.catalog.models import ProductImage
from sme.catalog.services import image_add, image_delete, product_set_status_many
from tests.cms.factories import BusinessFactory, photo_bytes, product, product_with_photo

pytestmark = pytest.mark.django_db


def status_of(key: str, business):
    return milestone_evaluator(key)(business_ids=[business.pk]).get(business.pk)


def shop(business, *, marketplace="shopee", status=AccountStatus.ACTIVE, shop_id="1001"):
    return MarketplaceAccount.objects.create(
        business=business, marketplace=marketplace, external_shop_id=shop_id, shop_name="Sen Hồng",
        status=status, connected_at=timezone.now(),
    )


def test_first_product_is_reached_by_a_product_and_lost_when_it_is_deleted():
    # given
    business = BusinessFactory()
    assert status_of(Milestone.FIRST_PRODUCT, business) is None
    # when
    item = product(business, status="draft")
    # then
    status = status_of(Milestone.FIRST_PRODUCT, business)
    assert status.reached and status.reached_at == item.created_at
    # when the only product is deleted
    item.delete()
    # then
    assert status_of(Milestone.FIRST_PRODUCT, business) is None


def test_an_archived_product_does_not_count_as_first_product():
    # given
    business = BusinessFactory()
    item = product(business)
    # when
    product_set_status_many(business=business, product_ids=[item.pk], status="archived")
    # then
    assert status_of(Milestone.FIRST_PRODUCT, business) is None


def test_first_product_with_image_needs_a_photo():
    # given
    business = BusinessFactory()
    item = product(business)
    assert status_of(Milestone.FIRST_PRODUCT_WITH_IMAGE, business) is None
    # when
    photo = image_add(product=item, data=photo_bytes(), name="tra-sen.jpg")
    # then
    status = status_of(Milestone.FIRST_PRODUCT_WITH_IMAGE, business)
    assert status.reached and status.reached_at == photo.created_at
    # when the photo is removed
    image_delete(image=photo)
    # then
    assert status_of(Milestone.FIRST_PRODUCT_WITH_IMAGE, business) is None
    assert not ProductImage.objects.exists()


def test_ten_active_products_counts_only_active_ones():
    # given nine active products and a draft
    business = BusinessFactory()
    items = [product(business, name=f"Xoài cát Hòa Lộc {i}") for i in range(9)]
    product(business, name="Nháp", status="draft")
    # then
    status = status_of(Milestone.TEN_ACTIVE_PRODUCTS, business)
    assert (status.count, status.target, status.reached, status.remaining) == (9, 10, False, 1)
    # when a tenth becomes active
    tenth = product(business, name="Xoài thứ mười")
    # then
    status = status_of(Milestone.TEN_ACTIVE_PRODUCTS, business)
    assert status.reached and status.reached_at == tenth.created_at
    # when one is archived
    product_set_status_many(business=business, product_ids=[items[0].pk], status="archived")
    # then
    assert not status_of(Milestone.TEN_ACTIVE_PRODUCTS, business).reached


def test_profile_complete_needs_sector_address_ward_and_phone():
    # given a business registered with the minimum
    business = BusinessFactory(phone="", street="", ward=None)
    assert status_of(Milestone.PROFILE_COMPLETE, business) is None
    # when the owner fills in the rest
    business.phone = "+84901234567"
    business.street = "12 Nguyễn Huệ"
    business.ward = AdministrativeUnit.objects.current().first()
    business.save()
    # then
    assert status_of(Milestone.PROFILE_COMPLETE, business).reached
    # when the phone is cleared again
    business.phone = ""
    business.save()
    # then
    assert status_of(Milestone.PROFILE_COMPLETE, business) is None


def test_first_marketplace_connected_counts_working_shops_only():
    # given
    business = BusinessFactory()
    account = shop(business, status=AccountStatus.NEEDS_REAUTH)
    assert status_of(Milestone.FIRST_MARKETPLACE_CONNECTED, business) is None
    # when the shop is reconnected
    MarketplaceAccount.objects.filter(pk=account.pk).update(status=AccountStatus.ACTIVE)
    # then
    assert status_of(Milestone.FIRST_MARKETPLACE_CONNECTED, business).reached
    # when it is disconnected
    MarketplaceAccount.objects.filter(pk=account.pk).update(status=AccountStatus.DISCONNECTED)
    # then
    assert status_of(Milestone.FIRST_MARKETPLACE_CONNECTED, business) is None


def test_first_listing_live_follows_the_listing_status():
    # given
    business = BusinessFactory()
    account = shop(business)
    listing = ListingBinding.objects.create(account=account, product=product(business),
                                            status=ListingStatus.PUBLISHING)
    assert status_of(Milestone.FIRST_LISTING_LIVE, business) is None
    # when the marketplace accepts it
    published = timezone.now() - timedelta(hours=1)
    ListingBinding.objects.filter(pk=listing.pk).update(status=ListingStatus.LIVE, external_id="9001",
                                                        published_at=published)
    # then
    status = status_of(Milestone.FIRST_LISTING_LIVE, business)
    assert status.reached and status.reached_at == published
    # when it is delisted
    ListingBinding.objects.filter(pk=listing.pk).update(status=ListingStatus.DELISTED)
    # then
    assert status_of(Milestone.FIRST_LISTING_LIVE, business) is None


def test_milestones_of_one_business_never_count_for_another():
    # given
    mine, theirs = BusinessFactory(), BusinessFactory()
    product_with_photo(theirs)
    shop(theirs)
    # when
    results = milestones_evaluate(keys=list(Milestone.values), business_ids=[mine.pk])
    # then
    assert all(mine.pk not in per_business for per_business in results.values())


def placed_order(account, order_id: str, *, placed_at, status=OrderStatus.PENDING):
    """An order imported the way the connectors import them (sync.order_apply)."""
    remote = RemoteOrder(
        external_id=order_id, status=status, marketplace_status=str(status).upper(), created_at=placed_at,
        updated_at=placed_at + timedelta(minutes=1),
        lines=(RemoteOrderLine(sku="SEN-1", quantity=1, unit_price_vnd=85_000, status=status, name="Trà sen"),),
    )
    order, _changed = sync.order_apply(account=account, remote=remote)
    return order


def test_an_imported_order_reaches_first_order_with_the_date_it_was_placed():
    # given a business with a shop and no order yet
    business = BusinessFactory()
    account = shop(business)
    assert status_of(Milestone.FIRST_ORDER_RECEIVED, business) is None
    # when an order placed three days ago is imported
    placed = (timezone.now() - timedelta(days=3)).replace(microsecond=0)
    order = placed_order(account, "260301ABC", placed_at=placed)
    # then the step is done since the order was placed, not since it was imported
    status = status_of(Milestone.FIRST_ORDER_RECEIVED, business)
    assert (status.reached, status.count, status.reached_at) == (True, 1, placed)
    assert order.imported_at > placed
    # when an older order (placed before the shop was connected) arrives later, even a cancelled one
    earlier = placed - timedelta(days=20)
    placed_order(account, "260211XYZ", placed_at=earlier, status=OrderStatus.CANCELLED)
    # then the milestone dates from the earliest order
    status = status_of(Milestone.FIRST_ORDER_RECEIVED, business)
    assert (status.count, status.reached_at) == (2, earlier)


def test_first_order_is_lost_when_the_orders_are_gone_and_never_counts_for_another_business():
    # given
    business, other = BusinessFactory(), BusinessFactory()
    order = placed_order(shop(business), "260301ABC", placed_at=timezone.now() - timedelta(hours=2))
    # then
    assert status_of(Milestone.FIRST_ORDER_RECEIVED, other) is None
    # when the order is removed (the shop and its orders deleted)
    order.account.delete()
    # then
    assert status_of(Milestone.FIRST_ORDER_RECEIVED, business) is None


def test_an_evaluator_can_be_replaced_from_settings(settings):
    # given
    business = BusinessFactory()
    settings.CMS_MILESTONE_EVALUATORS = {Milestone.FIRST_ORDER_RECEIVED: "cms.milestones.first_product"}
    product(business)
    # then
    assert status_of(Milestone.FIRST_ORDER_RECEIVED, business).reached


def test_each_milestone_costs_one_query_whatever_the_number_of_businesses(django_assert_num_queries):
    # given
    businesses = [BusinessFactory() for _ in range(6)]
    for business in businesses[:3]:
        product_with_photo(business)
        shop(business, shop_id=f"shop-{business.pk}")
    placed_order(MarketplaceAccount.objects.filter(business=businesses[0]).get(), "260301ABC",
                 placed_at=timezone.now() - timedelta(days=1))
    keys = list(Milestone.values)
    # then
    with django_assert_num_queries(len(keys)):
        results = milestones_evaluate(keys=keys, business_ids=[b.pk for b in businesses])
    assert {pk for pk, s in results[Milestone.FIRST_PRODUCT_WITH_IMAGE].items() if s.reached} == {
        b.pk for b in businesses[:3]}
    assert set(results[Milestone.FIRST_ORDER_RECEIVED]) == {businesses[0].pk}
