import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sme.businesses.models import MemberRole
from sme.catalog.models import Category, Product, ProductImage, ProductStatus, StockMovement, Variant
from sme.catalog.services import image_add

from .factories import ProductFactory, VariantFactory, image_bytes, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    membership = member()
    client.force_login(membership.user)
    return membership


def _catalog(business, n):
    for i in range(n):
        product = ProductFactory(business=business, name=f"Sen sấy {i}")
        VariantFactory.create_batch(2, product=product)
        image_add(product=product, data=image_bytes(size=(120, 120), color=(i % 255, 1, 1)), name=f"{i}.png") \
            if i < 3 else None


def _list_query_count(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("catalog:product_list"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_product_list_costs_the_same_queries_whatever_the_catalog_size(client, owner):
    # given a small catalog (and a first visit that stores the current business in the session)
    _catalog(owner.business, 3)
    client.get(reverse("catalog:product_list"))
    small, _ = _list_query_count(client)
    # when the catalog grows past one page
    _catalog(owner.business, 60)
    large, response = _list_query_count(client)
    # then
    assert small == large
    assert large <= 9
    assert len(response.context["rows"]) == 50


def test_product_list_shows_price_range_stock_and_only_own_products(client, owner):
    # given
    product = ProductFactory(business=owner.business, name="Xoài cát Hòa Lộc")
    VariantFactory(product=product, price=80_000, stock=3)
    VariantFactory(product=product, price=150_000, stock=4)
    ProductFactory(name="Someone else's mango")
    # when
    response = client.get(reverse("catalog:product_list"))
    # then
    html = response.content.decode()
    assert "Xoài cát Hòa Lộc" in html
    assert "80.000" in html and "150.000" in html
    assert "Someone else" not in html
    row = response.context["rows"][0]
    assert (row.price, row.summary) == ("80.000\xa0₫ – 150.000\xa0₫", "2 phân loại · tồn kho 7")


def test_search_ignores_diacritics_and_matches_skus(client, owner):
    a = ProductFactory(business=owner.business, name="Quýt hồng Lai Vung", search_text="quyt hong lai vung")
    b = ProductFactory(business=owner.business, name="Nem Lai Vung", search_text="nem lai vung")
    VariantFactory(product=b, sku="NEM-CHUA-10")
    names = lambda r: {p.name for p in r.context["rows"]}  # noqa: E731
    assert names(client.get(reverse("catalog:product_list"), {"q": "quyt hong"})) == {a.name}
    assert names(client.get(reverse("catalog:product_list"), {"q": "Quýt"})) == {a.name}
    assert names(client.get(reverse("catalog:product_list"), {"q": "chua-10"})) == {b.name}


def test_filter_by_status_and_category(client, owner):
    fruit = Category.objects.get(code="fruit")
    lotus = Category.objects.get(code="lotus-products")
    ProductFactory(business=owner.business, name="A", category=fruit, status=ProductStatus.ACTIVE)
    ProductFactory(business=owner.business, name="B", category=lotus, status=ProductStatus.ACTIVE)
    ProductFactory(business=owner.business, name="C", category=lotus, status=ProductStatus.DRAFT)
    response = client.get(reverse("catalog:product_list"), {"status": "active", "category": lotus.pk})
    assert [p.name for p in response.context["rows"]] == ["B"]


def test_bulk_archive_and_activate(client, owner):
    products = ProductFactory.create_batch(3, business=owner.business, status=ProductStatus.ACTIVE)
    response = client.post(reverse("catalog:product_list"),
                           {"action": "archive", "ids": [products[0].pk, products[1].pk]})
    assert response.status_code == 302
    assert sorted(Product.objects.values_list("status", flat=True)) == ["active", "archived", "archived"]
    client.post(reverse("catalog:product_list"), {"action": "activate", "ids": [products[0].pk]})
    assert Product.objects.get(pk=products[0].pk).status == "active"


def test_bulk_action_ignores_another_business_products(client, owner):
    theirs = ProductFactory(status=ProductStatus.ACTIVE)
    client.post(reverse("catalog:product_list"), {"action": "archive", "ids": [theirs.pk]})
    assert Product.objects.get(pk=theirs.pk).status == ProductStatus.ACTIVE


def _variant_post(prefix_rows, total=None):
    data = {"variants-TOTAL_FORMS": str(total or len(prefix_rows)), "variants-INITIAL_FORMS": "0",
            "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(prefix_rows):
        for k, v in row.items():
            data[f"variants-{i}-{k}"] = v
    return data


def test_create_product_with_two_variants_and_a_photo(client, owner):
    # given
    data = {
        "name": "Trà tim sen Tháp Mười", "category": Category.objects.get(code="lotus-products").pk,
        "status": "active", "option1_name": "Khối lượng", "description": "<p>Thơm</p><script>x</script>",
        "photo": SimpleUploadedFile("tra.jpg", image_bytes(), content_type="image/jpeg"),
        **_variant_post([
            {"sku": "TTS-100", "option1_value": "100 g", "price": "120.000", "stock": "30", "barcode": "0893000000017"},
            {"sku": "TTS-250", "option1_value": "250 g", "price": "250.000 ₫", "stock": "10", "length_cm": "12,5"},
            {},
        ]),
    }
    # when
    response = client.post(reverse("catalog:product_create"), data)
    # then
    product = Product.objects.get(business=owner.business)
    assert response.status_code == 302
    assert response.url == reverse("catalog:product_edit", args=[product.pk]) + "?saved=1"
    assert product.description == "<p>Thơm</p>"
    assert sorted(product.variants.values_list("sku", "price", "stock", "barcode")) == [
        ("TTS-100", 120_000, 30, "0893000000017"), ("TTS-250", 250_000, 10, ""),
    ]
    assert str(product.variants.get(sku="TTS-250").length_cm) == "12.5"
    assert product.images.count() == 1
    assert StockMovement.objects.filter(business=owner.business).count() == 2


def test_create_product_shows_errors_and_writes_nothing(client, owner):
    VariantFactory(product=ProductFactory(business=owner.business), sku="TAKEN")
    data = {"name": "Nem", "status": "draft", "option1_name": "Size",
            **_variant_post([{"sku": "TAKEN", "price": "10.000"}, {"sku": "X", "price": "abc"}])}
    response = client.post(reverse("catalog:product_create"), data)
    assert response.status_code == 200
    assert Product.objects.count() == 1
    assert "abc" in response.content.decode()


def test_staff_can_edit_products(client):
    staff = member(role=MemberRole.STAFF)
    client.force_login(staff.user)
    product = ProductFactory(business=staff.business, name="Cũ")
    variant = VariantFactory(product=product, sku="A1", stock=5)
    data = {"name": "Mới", "status": "active",
            "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1", "variants-MIN_NUM_FORMS": "0",
            "variants-MAX_NUM_FORMS": "1000", "variants-0-id": str(variant.pk), "variants-0-sku": "A1",
            "variants-0-price": "99.000", "variants-0-stock": "7"}
    response = client.post(reverse("catalog:product_edit", args=[product.pk]), data)
    assert response.status_code == 302
    variant.refresh_from_db()
    assert (variant.price, variant.stock) == (99_000, 7)
    assert Product.objects.get(pk=product.pk).name == "Mới"
    assert StockMovement.objects.get(variant=variant).actor == staff.user


def test_photos_upload_reorder_delete(client, owner):
    product = ProductFactory(business=owner.business)
    url = reverse("catalog:product_images", args=[product.pk])
    client.post(url, {"photos": [SimpleUploadedFile("a.png", image_bytes("PNG", color=(1, 1, 1))),
                                 SimpleUploadedFile("b.webp", image_bytes("WEBP", color=(9, 9, 9))),
                                 SimpleUploadedFile("c.jpg", b"not an image at all" * 20)]})
    assert list(product.images.values_list("original_name", flat=True)) == ["a.png", "b.webp"]
    b = product.images.get(original_name="b.webp")
    client.post(reverse("catalog:image_move", args=[product.pk, b.pk]), {"direction": "up"})
    assert list(product.images.values_list("original_name", flat=True)) == ["b.webp", "a.png"]
    client.post(reverse("catalog:image_delete", args=[product.pk, b.pk]))
    assert list(product.images.values_list("original_name", flat=True)) == ["a.png"]


def test_variant_stock_count_goes_to_the_ledger(client, owner):
    variant = VariantFactory(product=ProductFactory(business=owner.business), stock=5)
    client.post(reverse("catalog:variant_stock", args=[variant.pk]), {"quantity": "12", "note": "kiểm kho"})
    movement = StockMovement.objects.get(variant=variant)
    assert (movement.delta, movement.reason, movement.reference, movement.actor) == (7, "manual", "kiểm kho",
                                                                                     owner.user)


# --- Another business's ids: 404 and nothing changes ---------------------------------------------


@pytest.fixture
def foreign():
    product = ProductFactory(name="Their product")
    variant = VariantFactory(product=product, stock=5, price=1000)
    image = image_add(product=product, data=image_bytes(), name="theirs.jpg")
    return product, variant, image


def _snapshot():
    return (
        list(Product.objects.order_by("pk").values_list("pk", "name", "status")),
        list(Variant.objects.order_by("pk").values_list("pk", "sku", "price", "stock")),
        list(ProductImage.objects.order_by("pk").values_list("pk", "position")),
        StockMovement.objects.count(),
    )


@pytest.mark.parametrize(
    ("name", "method", "args", "data"),
    [
        ("catalog:product_edit", "get", lambda p, v, i: [p.pk], None),
        ("catalog:product_edit", "post", lambda p, v, i: [p.pk], {"name": "Hacked", "status": "archived"}),
        ("catalog:product_images", "get", lambda p, v, i: [p.pk], None),
        ("catalog:product_images", "post", lambda p, v, i: [p.pk], {}),
        ("catalog:image_delete", "post", lambda p, v, i: [p.pk, i.pk], {}),
        ("catalog:image_move", "post", lambda p, v, i: [p.pk, i.pk], {"direction": "up"}),
        ("catalog:variant_stock", "get", lambda p, v, i: [v.pk], None),
        ("catalog:variant_stock", "post", lambda p, v, i: [v.pk], {"quantity": "0"}),
    ],
)
def test_another_business_ids_give_404_and_change_nothing(client, owner, foreign, name, method, args, data):
    # given
    before = _snapshot()
    # when
    url = reverse(name, args=args(*foreign))
    response = client.get(url) if method == "get" else client.post(url, data)
    # then
    assert response.status_code == 404
    assert _snapshot() == before


def test_own_image_through_another_product_id_gives_404(client, owner, foreign):
    mine = ProductFactory(business=owner.business)
    _, _, their_image = foreign
    response = client.post(reverse("catalog:image_delete", args=[mine.pk, their_image.pk]))
    assert response.status_code == 404
    assert ProductImage.objects.filter(pk=their_image.pk).exists()


def test_catalog_needs_a_login(client):
    response = client.get(reverse("catalog:product_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_product_list_pages_count_all_matches_and_a_page_past_the_end_shows_the_last(client, owner):
    # given 120 products, 55 of them active
    for i in range(120):
        ProductFactory(business=owner.business, name=f"Sen {i}",
                       status=ProductStatus.ACTIVE if i < 55 else ProductStatus.DRAFT)
    url = reverse("catalog:product_list")
    # when / then: the count covers every match, pages hold 50
    first = client.get(url)
    assert (first.context["page"].paginator.count, len(first.context["rows"])) == (120, 50)
    assert "120 sản phẩm" in first.content.decode()
    third = client.get(url, {"page": 3})
    assert (third.context["page"].number, len(third.context["rows"])) == (3, 20)
    active_last = client.get(url, {"status": "active", "page": 99})
    assert (active_last.context["page"].number, active_last.context["page"].paginator.count) == (2, 55)
    assert len(active_last.context["rows"]) == 5
    assert client.get(url, {"page": "x"}).context["page"].number == 1
    # every product shows once across the pages
    seen = [r.pk for n in (1, 2, 3) for r in client.get(url, {"page": n}).context["rows"]]
    assert sorted(seen) == sorted(Product.objects.filter(business=owner.business).values_list("pk", flat=True))


def test_product_list_with_no_match_is_one_empty_page(client, owner):
    ProductFactory(business=owner.business, name="Sen", status=ProductStatus.DRAFT)
    response = client.get(reverse("catalog:product_list"), {"status": "archived", "page": 4})
    assert (response.context["page"].number, response.context["page"].paginator.count) == (1, 0)
    assert response.context["rows"] == []
