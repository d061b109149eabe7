import pytest

from accounts.demo import seed_users
from sme.businesses.demo import DEMO_BUSINESS_IDENTIFIERS, seed_businesses
from sme.businesses.models import Business
from sme.catalog.demo import seed_catalogs
from sme.catalog.models import Product, ProductImage, StockMovement, Variant

pytestmark = pytest.mark.django_db


def _state():
    return (
        sorted(Product.objects.values_list("business__identifier", "key", "name", "status")),
        sorted(Variant.objects.values_list("sku", "price", "stock")),
        ProductImage.objects.count(),
        StockMovement.objects.count(),
    )


def test_demo_catalogs_are_realistic_and_idempotent():
    # given
    seed_users()
    seed_businesses()
    # when
    assert seed_catalogs() == []
    first = _state()
    seed_catalogs()
    # then
    assert _state() == first
    household = Business.objects.get(identifier=DEMO_BUSINESS_IDENTIFIERS["household"])
    company = Business.objects.get(identifier=DEMO_BUSINESS_IDENTIFIERS["company"])
    assert Product.objects.get(business=household, key="QUYT-HONG").name == "Quýt hồng Lai Vung"
    assert Product.objects.get(business=company, key="TRA-TIM-SEN").variants.count() == 2
    assert Product.objects.filter(business=company, key="CHIEU-DINH-YEN", option2_name="Màu").exists()
    for product in Product.objects.all():
        assert product.images.count() == 1
        assert product.variants.exists()
    assert all(price > 0 for price in Variant.objects.values_list("price", flat=True))


def test_demo_catalog_is_skipped_without_demo_businesses():
    assert seed_catalogs() == []
    assert Product.objects.count() == 0
