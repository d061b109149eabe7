"""Products as Lazada needs them (package size on every variant) and the rice category mapping."""

from decimal import Decimal

from marketplace_connectors.models import CategoryMapping, MarketplaceAccount
from sme.businesses.models import Business
from sme.catalog.models import Product
from sme.catalog.services import ProductInput, VariantInput, image_add, product_create

from ..factories import LONG_DESCRIPTION, png_bytes, rice_category


def lazada_product(business: Business, *, n: int, variants: int = 2, image: bool = True, dims: bool = True,
                   weight_g: int | None = 1000, prices: tuple[int, ...] | None = None, name: str = "") -> Product:
    """'Gạo ST25' in ``variants`` bag sizes with package sizes, one photo."""
    prices = prices or tuple(60_000 + 20_000 * i for i in range(variants))
    rows = [
        VariantInput(sku=f"LZ-{n:04d}-{i + 1}", price=prices[i], option1_value=f"{i + 1} kg" if variants > 1 else "",
                     stock=20 + i, weight_g=weight_g * (i + 1) if weight_g else None,
                     length_cm=Decimal(30) if dims else None, width_cm=Decimal(20) if dims else None,
                     height_cm=Decimal(5 + i) if dims else None)
        for i in range(variants)
    ]
    product = product_create(
        business=business,
        data=ProductInput(name=name or f"Gạo ST25 Đồng Tháp túi {n}", description=LONG_DESCRIPTION,
                          category=rice_category(), option1_name="Khối lượng" if variants > 1 else "",
                          key=f"LZ-{n:04d}", status="active"),
        variants=rows, actor=None,
    )
    if image:
        image_add(product=product, data=png_bytes((n % 250, 120, 60)), name=f"gao-lz-{n}.png")
    return product


def map_rice(account: MarketplaceAccount) -> CategoryMapping:
    """Our rice category -> the simulator's leaf 'Gạo & Ngũ cốc' with its mandatory attributes filled."""
    return CategoryMapping.objects.create(
        account=account, category=rice_category(), external_category_id="10000101",
        external_category_name="Gạo & Ngũ cốc", attribute_values={"origin": ["Việt Nam"], "shelf_life": ["12 tháng"]},
    )
