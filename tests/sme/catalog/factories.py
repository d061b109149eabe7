"""Catalog factories. Businesses are built here too (directly on the model) so catalog tests stand alone."""

import io
from decimal import Decimal

import factory
from PIL import Image

from sme.businesses.models import Business, LegalForm, MemberRole, Membership
from sme.catalog.models import Category, Product, ProductStatus, Variant
from tests.factories import owner_user


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    legal_form = LegalForm.HOUSEHOLD
    legal_name = factory.Sequence(lambda n: f"Hộ kinh doanh Sen Hồng {n}")
    identifier = factory.Sequence(lambda n: f"{87_000_000_000 + n:012d}")
    created_by = factory.LazyFunction(owner_user)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    business = factory.SubFactory(BusinessFactory)
    user = factory.LazyFunction(owner_user)
    role = MemberRole.OWNER


def member(*, role: str = MemberRole.OWNER, business: Business | None = None) -> Membership:
    """A user who belongs to ``business`` (a new one when omitted)."""
    return MembershipFactory(role=role, business=business or BusinessFactory())


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    business = factory.SubFactory(BusinessFactory)
    key = factory.Sequence(lambda n: f"SP-{n:05d}")
    name = factory.Sequence(lambda n: f"Quýt hồng Lai Vung {n}")
    status = ProductStatus.ACTIVE
    category = factory.LazyFunction(lambda: Category.objects.get(code="fruit"))
    search_text = factory.LazyAttribute(lambda o: o.name.lower())


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    business = factory.LazyAttribute(lambda o: o.product.business)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    price = 150_000
    stock = 10
    weight_g = 1000
    length_cm = Decimal("20.0")


def image_bytes(fmt: str = "JPEG", size=(640, 480), color=(200, 60, 90), exif: bool = False) -> bytes:
    """A real photo file in ``fmt``; with ``exif`` it carries a GPS-like EXIF block to be stripped."""
    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if exif:
        ex = Image.Exif()
        ex[0x010F] = "PhoneMaker"  # Make
        ex[0x0132] = "2026:01:01 10:00:00"  # DateTime
        ex[0x8825] = {2: (10.0, 20.0, 30.0)}  # GPSInfo
        kwargs["exif"] = ex
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()
