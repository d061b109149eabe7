"""The plan's limit on active products is enforced by the catalog services, with a message naming the plan."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from sme.catalog.models import Category, Product, ProductStatus
from sme.catalog.services import product_set_status_many
from tests.sme.catalog.factories import member

pytestmark = pytest.mark.django_db


def _fill(business, *, active: int, drafts: int = 0) -> list[Product]:
    products = [Product(business=business, name=f"Sản phẩm {i}", key=f"SP-{i}", status=ProductStatus.ACTIVE)
                for i in range(active)]
    products += [Product(business=business, name=f"Nháp {i}", key=f"NH-{i}", status=ProductStatus.DRAFT)
                 for i in range(drafts)]
    return Product.objects.bulk_create(products)


def test_bulk_activation_over_the_free_limit_changes_nothing_and_names_the_plan():
    # given a Free business (50 active products) with 49 active and 2 drafts
    business = member().business
    products = _fill(business, active=49, drafts=2)
    drafts = [p.pk for p in products if p.status == ProductStatus.DRAFT]

    # when activating both drafts
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        product_set_status_many(business=business, product_ids=drafts, status=ProductStatus.ACTIVE)

    # then nothing changed and the owner is told which plan allows more
    assert "Growth" in " ".join(caught.value.messages)
    assert Product.objects.filter(business=business, status=ProductStatus.ACTIVE).count() == 49


def test_activating_up_to_the_limit_is_allowed_and_archiving_is_never_limited():
    business = member().business
    products = _fill(business, active=49, drafts=1)
    draft = next(p for p in products if p.status == ProductStatus.DRAFT)

    assert product_set_status_many(business=business, product_ids=[draft.pk], status=ProductStatus.ACTIVE) == 1
    assert product_set_status_many(business=business, product_ids=[p.pk for p in products],
                                   status=ProductStatus.ARCHIVED) == 50


def test_creating_an_active_product_over_the_limit_is_refused_on_the_page(client):
    owner = member()
    _fill(owner.business, active=50)
    client.force_login(owner.user)
    data = {
        "name": "Trà tim sen", "category": Category.objects.get(code="lotus-products").pk, "status": "active",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "0", "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000", "variants-0-sku": "NEW-1", "variants-0-price": "120.000",
        "variants-0-stock": "3",
    }

    response = client.post(reverse("catalog:product_create"), data)

    assert response.status_code == 200
    assert "Gói Miễn phí" in response.content.decode()
    assert not Product.objects.filter(business=owner.business, variants__sku="NEW-1").exists()
