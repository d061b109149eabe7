"""Catalog pages an owner meets on their first day: a product with one variant, errors listed at the top,
the stock history after a marketplace order, and the journey's next step after saving."""

import pytest
from django.urls import reverse

from cms.demo import seed_journey
from sme.catalog.models import Category, Product, StockReason
from sme.catalog.stock import stock_adjust

from .factories import ProductFactory, VariantFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    membership = member()
    client.force_login(membership.user)
    return membership


def _as_the_page_sends_it(**fields):
    """The new-product form as the browser posts it: two blank variant rows were shown (INITIAL_FORMS=2)
    and one extra; the owner fills only the first."""
    data = {"name": "Xoài sấy dẻo Cao Lãnh", "status": "active", "category": "",
            "variants-TOTAL_FORMS": "3", "variants-INITIAL_FORMS": "2", "variants-MIN_NUM_FORMS": "0",
            "variants-MAX_NUM_FORMS": "100", "variants-0-sku": "XOAI-200", "variants-0-price": "65.000",
            "variants-0-stock": "20"}
    for row in (1, 2):
        for name in ("sku", "option1_value", "option2_value", "price", "list_price", "stock", "barcode",
                     "weight_g", "length_cm", "width_cm", "height_cm"):
            data.setdefault(f"variants-{row}-{name}", "")
    data.update(fields)
    return data


def test_a_product_with_one_variant_is_saved_and_the_empty_rows_are_skipped(client, owner):
    response = client.post(reverse("catalog:product_create"), _as_the_page_sends_it())

    product = Product.objects.get(business=owner.business)
    assert response.status_code == 302
    assert list(product.variants.values_list("sku", "price", "stock")) == [("XOAI-200", 65_000, 20)]


def test_a_product_with_no_variant_at_all_is_refused_with_the_reason_at_the_top(client, owner):
    response = client.post(reverse("catalog:product_create"),
                           _as_the_page_sends_it(**{"variants-0-sku": "", "variants-0-price": "",
                                                    "variants-0-stock": ""}))

    assert response.status_code == 200
    assert not Product.objects.exists()
    summary = response.content.decode().split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert "Hãy thêm ít nhất một phân loại có SKU và giá bán." in summary


def test_errors_are_listed_at_the_top_each_linking_to_its_field(client, owner):
    response = client.post(reverse("catalog:product_create"),
                           _as_the_page_sends_it(name="", **{"variants-0-price": "sáu mươi"}))

    html = response.content.decode()
    assert response.status_code == 200
    summary_at = html.index("data-error-summary")
    assert summary_at < html.index('name="name"')  # above the form's first field
    summary = html[summary_at:].split("</div>", 1)[0]
    assert 'href="#id_name"' in summary
    assert 'href="#id_variants-0-price"' in summary
    assert "Phân loại 1 · Giá bán (VND): Hãy nhập số nguyên, ví dụ 150.000." in summary
    assert 'aria-invalid="true"' in html


def test_the_category_list_starts_with_a_prompt_not_dashes(client, owner):
    html = client.get(reverse("catalog:product_create")).content.decode()

    assert "---------" not in html
    assert '<option value="" selected>Chọn danh mục</option>' in html


def test_stock_history_after_a_marketplace_order_names_the_order_not_a_person(client, owner):
    variant = VariantFactory(product=ProductFactory(business=owner.business), stock=10)
    stock_adjust(variant=variant, reason=StockReason.ORDER, actor=None, delta=-2, reference="Shopee #240812ABC")
    stock_adjust(variant=variant, reason=StockReason.SYNC, actor=None, delta=1)
    stock_adjust(variant=variant, reason=StockReason.MANUAL, actor=owner.user, new_quantity=12)

    response = client.get(reverse("catalog:variant_stock", args=[variant.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Shopee #240812ABC" in html
    assert "Đơn hàng trên sàn" in html
    assert "Nền tảng" in html
    assert (owner.user.get_full_name() or owner.user.email) in html


def test_after_saving_a_product_the_page_says_the_journeys_next_step(client, owner):
    seed_journey()
    product = ProductFactory(business=owner.business, category=Category.objects.get(code="fruit"))
    VariantFactory(product=product)

    saved = client.get(reverse("catalog:product_edit", args=[product.pk]) + "?saved=1").content.decode()
    later = client.get(reverse("catalog:product_edit", args=[product.pk])).content.decode()

    # the profile of the factory's business is incomplete, so the next thing to do is to complete it
    assert "data-next-step" in saved
    assert "Bước tiếp theo" in saved
    assert "data-next-step" not in later
