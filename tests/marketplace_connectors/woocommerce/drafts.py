"""Listing drafts for the WooCommerce tests."""

import io

from PIL import Image

from marketplace_connectors.base import ImageDraft, ListingDraft, VariantDraft


def png(color=(30, 120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(out, format="PNG")
    return out.getvalue()


def variable_draft(sku: str = "BPT-1", *, variants: int = 2, category_id: str = "23") -> ListingDraft:
    content = png()
    return ListingDraft(
        product_id=1, sku=sku, name="Bánh phồng tôm Sa Đéc loại đặc biệt",
        description="Bánh phồng tôm làm thủ công ở Sa Đéc.\nTôm tươi, không chất bảo quản.",
        variants=tuple(VariantDraft(variant_id=i + 1, sku=f"{sku}-{i + 1}", option_name=f"{(i + 1) * 100} g",
                                    price_vnd=45_000 + 10_000 * i, stock=10 + i, weight_grams=250 * (i + 1),
                                    length_cm=20, width_cm=15, height_cm=6)
                       for i in range(variants)),
        images=(ImageDraft(key="img-1", filename="bánh phồng.png", size_bytes=len(content), content=content),),
        category_id=category_id, variation_name="Khối lượng",
    )


def simple_draft(sku: str = "MTS-1") -> ListingDraft:
    content = png((200, 80, 40))
    return ListingDraft(
        product_id=2, sku=sku, name="Mứt sen Đồng Tháp hộp 500 g", description="<p>Mứt sen <b>ngon</b></p>",
        variants=(VariantDraft(variant_id=9, sku=f"{sku}-V", option_name="", price_vnd=120_000, stock=7,
                               weight_grams=550, length_cm=None),),
        images=(ImageDraft(key="img-9", filename="mut-sen.png", size_bytes=len(content), content=content),),
        category_id="24",
    )
