"""Factories for marketplace tests. Products are made through the catalog's own services."""

import datetime as dt
import io

import factory
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from marketplace_connectors.models import AccountStatus, CategoryMapping, MarketplaceAccount
from sme.businesses.models import Business, LegalForm, MemberRole, Membership
from sme.catalog.models import Category, Product
from sme.catalog.services import ProductInput, VariantInput, image_add, product_create
from tests.factories import owner_user

LONG_DESCRIPTION = (
    "<p>Sản phẩm đặc sản Đồng Tháp, làm thủ công tại hộ kinh doanh, đóng gói cẩn thận, "
    "giao hàng toàn quốc. Bảo quản nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp.</p>"
)


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    legal_form = LegalForm.HOUSEHOLD
    legal_name = factory.Sequence(lambda n: f"Hộ kinh doanh Gạo Sen {n}")
    identifier = factory.Sequence(lambda n: f"{86_000_000_000 + n:012d}")
    created_by = factory.LazyFunction(owner_user)


def owner_membership(business: Business | None = None, **user_kwargs) -> Membership:
    business = business or BusinessFactory()
    return Membership.objects.create(business=business, user=owner_user(**user_kwargs), role=MemberRole.OWNER)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketplaceAccount

    business = factory.SubFactory(BusinessFactory)
    marketplace = "shopee"
    external_shop_id = "14701711"
    shop_name = "Shop thử nghiệm Đồng Tháp"
    status = AccountStatus.ACTIVE
    logistics_channel_id = "50011"
    access_expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=4))
    connected_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


def png_bytes(color=(30, 120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 300), color).save(out, format="PNG")
    return out.getvalue()


def rice_category() -> Category:
    # Seeded by the catalog's data migration; re-made when a transactional test flushed the tables.
    return Category.objects.get_or_create(
        code="rice-products", defaults={"name_vi": "Gạo và sản phẩm từ gạo", "name_en": "Rice and rice products"})[0]


def make_product(business: Business, *, n: int, variants: int = 2, image: bool = True, description: str = LONG_DESCRIPTION,
                 weight_g: int | None = 1000, category: Category | None = None) -> Product:
    """A product like the province's: 'Gạo ST25' with ``variants`` sizes, one photo."""
    rows = [
        VariantInput(sku=f"GAO-{n:04d}-{i + 1}", price=50_000 * (i + 1), option1_value=f"{i + 1} kg" if variants > 1 else "",
                     stock=20 + i, weight_g=weight_g * (i + 1) if weight_g else None)
        for i in range(variants)
    ]
    product = product_create(
        business=business,
        data=ProductInput(name=f"Gạo ST25 Đồng Tháp loại {n}", description=description,
                          category=category or rice_category(), option1_name="Khối lượng" if variants > 1 else "",
                          key=f"GAO-{n:04d}", status="active"),
        variants=rows, actor=None,
    )
    if image:
        image_add(product=product, data=png_bytes((n % 250, 100, 50)), name=f"gao-{n}.png")
    return product


def map_rice(account: MarketplaceAccount) -> CategoryMapping:
    """Our rice category -> the simulator's leaf 'Gạo' with its mandatory attributes filled."""
    return CategoryMapping.objects.create(
        account=account, category=rice_category(), external_category_id="100101", external_category_name="Gạo",
        attribute_values={"501": ["5011"], "502": ["12 tháng"]},
    )


def publish_form(client, account: MarketplaceAccount, product: Product):
    """The owner ticks ``product`` on the shop's listings page and presses "Publish selected"."""
    return client.post(reverse("marketplaces:listing_publish", args=[account.pk]), {"product": [product.pk]})
