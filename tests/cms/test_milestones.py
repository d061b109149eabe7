"""Each automatic milestone flips on and off with the business's real data (rows made by the apps' services)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.choices import Milestone
from cms.milestones import milestone_evaluator, milestones_evaluate
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


def test_first_order_reads_nothing_until_an_orders_table_exists():
    # given a business with everything but orders
    business = BusinessFactory()
    product_with_photo(business)
    # then (orders arrive with the marketplace orders feature; see cms.milestones.ORDER_MODEL_CANDIDATES)
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
    keys = [k for k in Milestone.values if k != Milestone.FIRST_ORDER_RECEIVED]
    # then
    with django_assert_num_queries(len(keys)):
        results = milestones_evaluate(keys=keys, business_ids=[b.pk for b in businesses])
    assert {pk for pk, s in results[Milestone.FIRST_PRODUCT_WITH_IMAGE].items() if s.reached} == {
        b.pk for b in businesses[:3]}
