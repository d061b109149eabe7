import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from sme.catalog.models import Category, Product, ProductImage, ProductStatus, StockMovement, Variant
from sme.catalog.services import (
    ProductInput,
    VariantInput,
    description_sanitise,
    image_add,
    image_delete,
    image_move,
    product_create,
    product_set_status_many,
    product_update,
)
from tests.factories import owner_user

from .factories import BusinessFactory, ProductFactory, VariantFactory, image_bytes

pytestmark = pytest.mark.django_db


def _two_variants():
    return [
        VariantInput(sku="QH-1KG", option1_value="1 kg", price=85_000, stock=20, barcode="0893000123457"),
        VariantInput(sku="QH-3KG", option1_value="3 kg", price=240_000, list_price=260_000, stock=5,
                     weight_g=3000, length_cm=Decimal("30.5")),
    ]


def test_description_loses_scripts_and_event_handlers_but_keeps_formatting():
    html = (
        '<p onclick="steal()">Quýt <strong>ngọt</strong></p><script>alert(1)</script>'
        '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a><a href="https://dongthap.gov.vn">ok</a>'
    )
    cleaned = description_sanitise(html)
    assert "script" not in cleaned
    assert "onclick" not in cleaned and "onerror" not in cleaned and "javascript" not in cleaned
    assert "<strong>ngọt</strong>" in cleaned
    assert 'href="https://dongthap.gov.vn"' in cleaned
    assert description_sanitise(cleaned) == cleaned


def test_product_create_with_two_variants_records_initial_stock():
    # given
    business = BusinessFactory()
    actor = owner_user()
    data = ProductInput(name="Quýt hồng Lai Vung", option1_name="Khối lượng", status=ProductStatus.ACTIVE,
                        category=Category.objects.get(code="fruit"), description="<p>Ngọt</p><script>x</script>")
    # when
    product = product_create(business=business, data=data, variants=_two_variants(), actor=actor)
    # then
    assert product.key == "QUYT-HONG-LAI-VUNG"
    assert product.description == "<p>Ngọt</p>"
    assert product.search_text == "quyt hong lai vung "
    variants = list(product.variants.order_by("position"))
    assert [(v.sku, v.price, v.stock, v.barcode) for v in variants] == [
        ("QH-1KG", 85_000, 20, "0893000123457"), ("QH-3KG", 240_000, 5, ""),
    ]
    assert sorted(StockMovement.objects.values_list("delta", "reason", "actor")) == [
        (5, "manual", actor.pk), (20, "manual", actor.pk),
    ]


def test_sku_must_be_unique_within_the_business_only():
    # given
    business = BusinessFactory()
    VariantFactory(product=ProductFactory(business=business), sku="QH-1KG")
    other = BusinessFactory()
    # when / then: the other business may use the same SKU
    product_create(business=other, data=ProductInput(name="Quýt", option1_name="Kg"), variants=_two_variants(),
                   actor=None)
    with pytest.raises(ValidationError) as info:
        product_create(business=business, data=ProductInput(name="Quýt", option1_name="Kg"),
                       variants=_two_variants(), actor=None)
    assert "QH-1KG" in str(info.value)
    assert Product.objects.filter(business=business).count() == 1


@pytest.mark.parametrize(
    ("variants", "option1_name"),
    [
        ([], "Kg"),
        ([VariantInput(sku="A", price=0)], ""),
        ([VariantInput(sku="A", price=1, option1_value="1"), VariantInput(sku="A", price=1, option1_value="2")], "Kg"),
        ([VariantInput(sku="A", price=1), VariantInput(sku="B", price=1)], "Kg"),
        ([VariantInput(sku="A", price=1), VariantInput(sku="B", price=1, option1_value="x")], ""),
    ],
    ids=["no-variant", "zero-price", "duplicate-sku", "duplicate-options", "no-option-name"],
)
def test_invalid_products_are_refused_and_nothing_is_written(variants, option1_name):
    business = BusinessFactory()
    with pytest.raises(ValidationError):
        product_create(business=business, data=ProductInput(name="Nem Lai Vung", option1_name=option1_name),
                       variants=variants, actor=None)
    assert Product.objects.count() == 0
    assert Variant.objects.count() == 0
    assert StockMovement.objects.count() == 0


def test_product_update_changes_variants_and_logs_stock_difference():
    # given
    product = product_create(business=BusinessFactory(), data=ProductInput(name="Quýt", option1_name="Kg"),
                             variants=_two_variants(), actor=None)
    first, second = product.variants.order_by("position")
    # when: the first variant gets a new price and stock, the second is removed, a third is added
    product_update(
        product=product,
        data=ProductInput(name="Quýt hồng", option1_name="Kg", status=ProductStatus.ACTIVE),
        variants=[VariantInput(id=first.pk, sku="QH-1KG", option1_value="1 kg", price=90_000, stock=18),
                  VariantInput(sku="QH-5KG", option1_value="5 kg", price=390_000, stock=2)],
        actor=None,
    )
    # then
    assert sorted(product.variants.values_list("sku", "price", "stock")) == [
        ("QH-1KG", 90_000, 18), ("QH-5KG", 390_000, 2),
    ]
    assert not Variant.objects.filter(pk=second.pk).exists()
    assert StockMovement.objects.filter(variant=first).order_by("id").last().delta == -2


def test_product_update_refuses_a_variant_of_another_product():
    product = product_create(business=BusinessFactory(), data=ProductInput(name="Quýt"),
                             variants=[VariantInput(sku="A", price=1)], actor=None)
    foreign = VariantFactory()
    with pytest.raises(ValidationError):
        product_update(product=product, data=ProductInput(name="Quýt"),
                       variants=[VariantInput(id=foreign.pk, sku="A", price=1)], actor=None)
    assert Variant.objects.get(pk=foreign.pk).product_id != product.pk


def test_bulk_status_change_only_touches_own_products():
    business = BusinessFactory()
    mine = ProductFactory.create_batch(3, business=business, status=ProductStatus.ACTIVE)
    theirs = ProductFactory(status=ProductStatus.ACTIVE)
    changed = product_set_status_many(business=business, product_ids=[mine[0].pk, mine[1].pk, theirs.pk],
                                      status=ProductStatus.ARCHIVED)
    assert changed == 2
    assert Product.objects.get(pk=theirs.pk).status == ProductStatus.ACTIVE
    assert Product.objects.get(pk=mine[2].pk).status == ProductStatus.ACTIVE


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_image_add_strips_exif_and_makes_a_thumbnail(fmt):
    # given
    product = ProductFactory()
    data = image_bytes(fmt, size=(1200, 900), exif=True)
    assert Image.open(io.BytesIO(data)).getexif()  # the upload does carry EXIF
    # when
    image = image_add(product=product, data=data, name="quyt.jpg")
    # then
    stored = Image.open(image.image.path)
    assert stored.format == fmt
    assert not stored.getexif()
    assert (image.width, image.height) == (1200, 900)
    thumb = Image.open(image.thumbnail.path)
    assert max(thumb.size) == 400
    assert image.original_name == "quyt.jpg"


def test_the_same_photo_twice_is_stored_once():
    product = ProductFactory()
    data = image_bytes()
    first = image_add(product=product, data=data, name="a.jpg")
    again = image_add(product=product, data=data, name="b.jpg")
    assert first.pk == again.pk
    assert ProductImage.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        b"<?php echo 1; ?>" + b"\x00" * 200,
        b"GIF89a" + image_bytes("GIF")[6:],
        image_bytes("JPEG", size=(50, 50)),
    ],
    ids=["php-named-jpg", "gif", "too-small"],
)
def test_images_are_checked_by_content(data):
    product = ProductFactory()
    with pytest.raises(ValidationError):
        image_add(product=product, data=data, name="photo.jpg")
    assert ProductImage.objects.count() == 0


def test_image_pixel_limit(settings, monkeypatch):
    import sme.catalog.images as images

    monkeypatch.setattr(images, "MAX_PIXELS", 1_000_000)
    product = ProductFactory()
    with pytest.raises(ValidationError) as info:
        image_add(product=product, data=image_bytes(size=(1200, 1000)), name="big.jpg")
    assert info.value.code == "image_pixels"
    assert ProductImage.objects.count() == 0


def test_image_size_limit(monkeypatch):
    import sme.catalog.images as images

    monkeypatch.setattr(images, "MAX_BYTES", 1000)
    with pytest.raises(ValidationError) as info:
        image_add(product=ProductFactory(), data=image_bytes(), name="big.jpg")
    assert info.value.code == "image_too_large"


def test_images_are_ordered_and_can_move():
    product = ProductFactory()
    a = image_add(product=product, data=image_bytes(color=(1, 2, 3)), name="a.jpg")
    b = image_add(product=product, data=image_bytes(color=(4, 5, 6)), name="b.jpg")
    c = image_add(product=product, data=image_bytes(color=(7, 8, 9)), name="c.jpg")
    image_move(image=c, offset=-1)
    assert list(product.images.values_list("original_name", flat=True)) == ["a.jpg", "c.jpg", "b.jpg"]
    image_delete(image=a)
    assert list(product.images.values_list("original_name", flat=True)) == ["c.jpg", "b.jpg"]
    assert b.pk


def test_a_variant_can_have_its_own_image():
    product = product_create(business=BusinessFactory(), data=ProductInput(name="Sen", option1_name="Loại"),
                             variants=[VariantInput(sku="S1", price=1, option1_value="a")], actor=None)
    img = image_add(product=product, data=image_bytes(), name="sen.jpg")
    variant = product.variants.get()
    product_update(product=product, data=ProductInput(name="Sen", option1_name="Loại"),
                   variants=[VariantInput(id=variant.pk, sku="S1", price=1, option1_value="a", image=img)],
                   actor=None)
    assert Variant.objects.get(pk=variant.pk).image == img
