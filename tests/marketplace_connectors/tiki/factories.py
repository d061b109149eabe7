"""Drafts as the sync layer builds them, for the Tiki tests."""

from marketplace_connectors.base import DocumentDraft, ImageDraft, ListingDraft, VariantDraft

from ..factories import png_bytes

FOOD = "4422"  # Đặc sản vùng miền: needs the food-safety certificate (document 7)
SWEETS = "4423"  # Bánh kẹo: no document


def draft(*, sku: str = "SEN-1", category: str = SWEETS, variants: int = 2, documents: tuple = (),
          price: int = 45_000, name: str = "Mứt sen Đồng Tháp") -> ListingDraft:
    image = png_bytes()
    return ListingDraft(
        product_id=1, sku=sku, name=name, description="Mứt sen làm từ hạt sen Tháp Mười.\nKhông chất bảo quản.",
        variants=tuple(VariantDraft(variant_id=i + 1, sku=f"{sku}-{i + 1}", option_name=f"{(i + 1) * 250} g" if variants > 1 else "",
                                    price_vnd=price + 10_000 * i, stock=10 + i, weight_grams=300 * (i + 1),
                                    length_cm=20, width_cm=15, height_cm=5)
                       for i in range(variants)),
        images=(ImageDraft(key="img-1", filename="mut-sen.png", size_bytes=len(image), content=image),),
        category_id=category, attributes={"origin": ["Việt Nam"]}, variation_name="Khối lượng",
        shipping_channel_id="tiki", documents=documents,
    )


def certificate(kind: str = "food_safety_certificate") -> DocumentDraft:
    content = b"%PDF-1.4 giay chung nhan ATTP"
    return DocumentDraft(key="doc-1", kind=kind, filename="attp.pdf", size_bytes=len(content), content=content)
