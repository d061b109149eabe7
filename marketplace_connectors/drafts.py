"""Build connector-neutral ListingDrafts from our catalog (read-only: nothing here writes).

This is the one place that knows both the catalog's models and the connector's plain data, so
connectors and mappers never import the catalog.
"""

from __future__ import annotations

import io
import math
import os
from decimal import Decimal

from PIL import Image

from sme.catalog.models import Product, ProductImage
from sme.catalog.selectors import product_document_list_valid

from .base import DocumentDraft, ImageDraft, ListingDraft, VariantDraft
from .models import CategoryMapping, MarketplaceAccount


def _cm(value: Decimal | None) -> int | None:
    return None if value is None else int(math.ceil(value))


def _image_bytes(image: ProductImage) -> tuple[str, bytes]:
    """The stored photo, converted to JPEG when it is not JPG/PNG (marketplaces take JPG/PNG only)."""
    with image.image.open("rb") as handle:
        content = handle.read()
    name = os.path.basename(image.image.name)
    if name.lower().endswith((".jpg", ".jpeg", ".png")):
        return name, content
    with Image.open(io.BytesIO(content)) as pic:
        out = io.BytesIO()
        pic.convert("RGB").save(out, format="JPEG", quality=90)
    return os.path.splitext(name)[0] + ".jpg", out.getvalue()


def image_draft(image: ProductImage, *, with_content: bool) -> ImageDraft:
    name = os.path.basename(image.image.name)
    convertible = not name.lower().endswith((".jpg", ".jpeg", ".png"))
    if with_content:
        filename, content = _image_bytes(image)
        return ImageDraft(key=f"{image.pk}:{image.sha256[:16]}", filename=filename, size_bytes=len(content),
                          content=content)
    try:
        size = image.image.size
    except OSError:
        size = 0
    filename = os.path.splitext(name)[0] + ".jpg" if convertible else name
    return ImageDraft(key=f"{image.pk}:{image.sha256[:16]}", filename=filename, size_bytes=size)


def document_drafts(product: Product, *, with_content: bool) -> tuple[DocumentDraft, ...]:
    """The product's documents still valid today (certificates marketplaces may ask for). Always listed, so
    validation sees which kinds the owner has; the bytes are read only ``with_content``."""
    drafts = []
    for document in product_document_list_valid(product=product):
        content = b""
        if with_content:
            with document.file.open("rb") as handle:
                content = handle.read()
        drafts.append(DocumentDraft(key=f"{document.pk}:{document.sha256[:16]}", kind=document.kind,
                                    filename=document.original_name or os.path.basename(document.file.name),
                                    size_bytes=document.size, content=content, expires_on=document.expires_on))
    return tuple(drafts)


def listing_sku(product: Product, variants: list) -> str:
    """The listing's SKU: the only variant's SKU for a simple product, else the product key."""
    if len(variants) == 1 and not variants[0].option_label:
        return variants[0].sku
    return product.key


def published_stock(*, stock: int, buffer: int) -> int:
    """What a marketplace is told: our stock minus the shop's buffer, never below zero."""
    return max(0, stock - buffer)


def listing_draft(
    *,
    account: MarketplaceAccount,
    product: Product,
    mapping: CategoryMapping | None = None,
    category_is_leaf: bool = True,
    with_images: bool = False,
) -> ListingDraft:
    """``product`` as ``account``'s marketplace should see it. ``mapping`` is its category's mapping for the
    account (looked up when not given). Reads image bytes only when ``with_images``. Stock is the catalog's
    minus the account's buffer (never below zero), as in ``published_stock``."""
    variants = list(product.variants.all())
    variants.sort(key=lambda v: (v.position, v.pk))
    if mapping is None and product.category_id:
        mapping = CategoryMapping.objects.filter(account=account, category_id=product.category_id).first()
    images = list(product.images.all())
    images.sort(key=lambda i: (i.position, i.pk))
    tier_name = " / ".join(n for n in (product.option1_name, product.option2_name) if n)
    return ListingDraft(
        product_id=product.pk,
        sku=listing_sku(product, variants),
        name=product.name,
        description=product.description,
        variants=tuple(
            VariantDraft(
                variant_id=v.pk, sku=v.sku, option_name=v.option_label, price_vnd=int(v.price),
                stock=published_stock(stock=int(v.stock), buffer=account.stock_buffer),
                weight_grams=v.weight_g, length_cm=_cm(v.length_cm), width_cm=_cm(v.width_cm),
                height_cm=_cm(v.height_cm), gtin=(v.barcode or "").strip(),
            )
            for v in variants
        ),
        images=tuple(image_draft(i, with_content=with_images) for i in images),
        category_id=mapping.external_category_id if mapping else "",
        attributes={str(k): [str(x) for x in (v if isinstance(v, list) else [v])]
                    for k, v in (mapping.attribute_values if mapping else {}).items()},
        variation_name=tier_name,
        shipping_channel_id=account.logistics_channel_id,
        category_is_leaf=category_is_leaf,
        documents=document_drafts(product, with_content=with_images),
    )
