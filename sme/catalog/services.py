"""Writes to the catalog. Views, forms, the importer and the demo seeder call these; stock goes via stock.py."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import nh3
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from sme.billing.errors import EntitlementError
from sme.billing.models import Feature
from sme.billing.services import entitlement_check
from sme.businesses.models import Business

from .images import image_prepare
from .models import Category, Product, ProductImage, ProductStatus, StockReason, Variant
from .stock import StockSet, stock_set_many
from .text import text_clean, text_fold

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
MAX_VARIANTS = 100


def description_sanitise(html: str) -> str:
    """Keep basic formatting only: no scripts, styles, event handlers or javascript: links survive.

    Idempotent: sanitising an already sanitised description returns it unchanged.
    """
    cleaned = nh3.clean(
        text_clean(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


@dataclass
class VariantInput:
    """One variant as typed in the form or read from a sheet. ``id`` names an existing variant to update."""

    sku: str
    price: int
    option1_value: str = ""
    option2_value: str = ""
    list_price: int | None = None
    stock: int = 0
    barcode: str = ""
    weight_g: int | None = None
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    image: ProductImage | None = None
    id: int | None = None


@dataclass
class ProductInput:
    """The product fields shared by its variants."""

    name: str
    description: str = ""
    category: Category | None = None
    brand: str = ""
    status: str = ProductStatus.DRAFT
    option1_name: str = ""
    option2_name: str = ""
    ocop_stars: int | None = None
    ocop_certificate_no: str = ""
    key: str = ""


def product_search_text(*, name: str, brand: str) -> str:
    return text_fold(f"{name} {brand}")[:400]


def _product_key_free(*, business: Business, name: str) -> str:
    base = (slugify(text_fold(name)) or "product")[:50].upper()
    taken = set(
        Product.objects.filter(business=business, key__startswith=base).values_list("key", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _product_assign(product: Product, data: ProductInput) -> None:
    product.name = text_clean(data.name)
    product.description = description_sanitise(data.description)
    product.category = data.category
    product.brand = text_clean(data.brand)
    product.status = data.status
    product.option1_name = text_clean(data.option1_name)
    product.option2_name = text_clean(data.option2_name)
    product.ocop_stars = data.ocop_stars
    product.ocop_certificate_no = text_clean(data.ocop_certificate_no)
    product.search_text = product_search_text(name=product.name, brand=product.brand)


def _variants_validate(*, business: Business, product: Product, variants: Sequence[VariantInput]) -> None:
    if not variants:
        raise ValidationError(_("A product needs at least one variant."), code="no_variants")
    if len(variants) > MAX_VARIANTS:
        raise ValidationError(_("A product can have at most %(n)d variants.") % {"n": MAX_VARIANTS})
    skus = [text_clean(v.sku) for v in variants]
    if len(set(skus)) != len(skus):
        raise ValidationError(_("Each variant needs its own SKU."), code="duplicate_sku")
    combos = [(text_clean(v.option1_value), text_clean(v.option2_value)) for v in variants]
    if len(set(combos)) != len(combos):
        raise ValidationError(_("Two variants have the same option values."), code="duplicate_options")
    if len(variants) > 1 and not product.option1_name:
        raise ValidationError(_("Name option 1 (for example: Size) to have more than one variant."), code="options")
    own_ids = {v.id for v in variants if v.id}
    clash = (
        Variant.objects.filter(business=business, sku__in=skus).exclude(pk__in=own_ids).values_list("sku", flat=True)
    )
    if clash:
        raise ValidationError(
            _("SKU %(sku)s is already used by another product of this business.") % {"sku": clash[0]},
            code="sku_taken",
        )


def _variants_apply(
    *, product: Product, variants: Sequence[VariantInput], actor: User | None, delete_missing: bool
) -> None:
    existing = {v.pk: v for v in product.variants.all()} if product.pk else {}
    keep_ids = {v.id for v in variants if v.id}
    if any(v_id not in existing for v_id in keep_ids):
        raise ValidationError(_("A variant does not belong to this product."), code="foreign_variant")
    if delete_missing:
        product.variants.exclude(pk__in=keep_ids).delete()
    stock_changes = []
    for position, data in enumerate(variants):
        variant = existing.get(data.id) if data.id else Variant(product=product, business_id=product.business_id)
        if data.image is not None and data.image.product_id != product.pk:
            raise ValidationError(_("A variant image must be one of this product's images."), code="foreign_image")
        variant.sku = text_clean(data.sku)
        variant.option1_value = text_clean(data.option1_value)
        variant.option2_value = text_clean(data.option2_value)
        variant.price = data.price
        variant.list_price = data.list_price
        variant.barcode = text_clean(data.barcode)
        variant.weight_g = data.weight_g
        variant.length_cm = data.length_cm
        variant.width_cm = data.width_cm
        variant.height_cm = data.height_cm
        variant.image = data.image
        variant.position = position
        variant.full_clean(exclude=["product", "business", "stock", "image"], validate_unique=False)
        variant.save()
        stock_changes.append(StockSet(variant=variant, quantity=data.stock))
    stock_set_many(changes=stock_changes, reason=StockReason.MANUAL, actor=actor, reference=f"product:{product.pk}")


def product_active_limit_check(*, business: Business, adding: int) -> None:
    """Raise ValidationError (code ``plan_limit``) when activating ``adding`` more products would exceed the
    business's plan; the message names the plan that allows more. Reads only."""
    if adding <= 0:
        return
    current = Product.objects.filter(business=business, status=ProductStatus.ACTIVE).count()
    try:
        entitlement_check(business=business, feature=Feature.ACTIVE_PRODUCT, current_count=current, adding=adding)
    except EntitlementError as exc:
        raise ValidationError(str(exc), code="plan_limit") from exc


def product_create(
    *, business: Business, data: ProductInput, variants: Sequence[VariantInput], actor: User | None
) -> Product:
    """Create a product with its variants; initial stock is recorded in the ledger as a manual edit.

    Raises ValidationError (nothing written) for a missing variant, a SKU used elsewhere in the business,
    duplicate option values or an invalid field.
    """
    product = Product(business=business, created_by=actor)
    _product_assign(product, data)
    product.key = text_clean(data.key) or _product_key_free(business=business, name=product.name)
    product.full_clean(exclude=["business", "created_by", "category"], validate_unique=False)
    _variants_validate(business=business, product=product, variants=variants)
    if product.status == ProductStatus.ACTIVE:
        product_active_limit_check(business=business, adding=1)
    try:
        with transaction.atomic():
            product.save()
            _variants_apply(product=product, variants=variants, actor=actor, delete_missing=False)
    except IntegrityError as exc:
        raise ValidationError(_("The product could not be saved: a SKU or product key is already used."),
                              code="integrity") from exc
    return product


def product_update(
    *, product: Product, data: ProductInput, variants: Sequence[VariantInput], actor: User | None
) -> Product:
    """Update a product and its variants; variants not listed are deleted, stock changes go to the ledger.

    Raises ValidationError (nothing written) as product_create does, or when activating it exceeds the plan.
    """
    was_active = Product.objects.filter(pk=product.pk, status=ProductStatus.ACTIVE).exists()
    _product_assign(product, data)
    if data.key:
        product.key = text_clean(data.key)
    product.full_clean(exclude=["business", "created_by", "category"], validate_unique=False)
    _variants_validate(business=product.business, product=product, variants=variants)
    if product.status == ProductStatus.ACTIVE and not was_active:
        product_active_limit_check(business=product.business, adding=1)
    try:
        with transaction.atomic():
            product.save()
            _variants_apply(product=product, variants=variants, actor=actor, delete_missing=True)
    except IntegrityError as exc:
        raise ValidationError(_("The product could not be saved: a SKU or product key is already used."),
                              code="integrity") from exc
    return product


def product_set_status_many(*, business: Business, product_ids: Iterable[int], status: str) -> int:
    """Archive or activate several products of ``business`` at once; ids of other businesses are ignored.

    Returns how many products changed. Idempotent. Raises ValidationError (nothing changed) when activating
    them would exceed the business's plan.
    """
    if status not in ProductStatus.values:
        raise ValueError(status)
    selected = Product.objects.filter(business=business, pk__in=list(product_ids)).exclude(status=status)
    if status == ProductStatus.ACTIVE:
        product_active_limit_check(business=business, adding=selected.count())
    return selected.update(status=status, updated_at=timezone.now())


def image_add(*, product: Product, data: bytes, name: str = "", alt_text: str = "") -> ProductImage:
    """Check, re-encode (no EXIF) and attach a photo as the product's last image; thumbnail made now, once.

    The same photo added twice returns the existing image (idempotent). Raises ValidationError.
    """
    prepared = image_prepare(data=data, name=name)
    existing = ProductImage.objects.filter(product=product, sha256=prepared.sha256).first()
    if existing is not None:
        return existing
    position = (product.images.aggregate(m=Max("position"))["m"] or 0) + 1
    image = ProductImage(
        product=product,
        original_name=text_clean(name)[:255],
        sha256=prepared.sha256,
        alt_text=text_clean(alt_text)[:255] or product.name[:255],
        position=position,
    )
    image.image.save(prepared.image.name, prepared.image, save=False)
    image.thumbnail.save(prepared.thumbnail.name, prepared.thumbnail, save=False)
    try:
        image.save()
    except IntegrityError:
        image_files_delete(image=image)
        raise
    return image


def image_files_delete(*, image: ProductImage) -> None:
    for f in (image.image, image.thumbnail):
        if f and f.name:
            f.storage.delete(f.name)


def image_delete(*, image: ProductImage) -> None:
    """Delete a photo and its files; variants that used it fall back to the product's photos."""
    image_files_delete(image=image)
    image.delete()


def image_move(*, image: ProductImage, offset: int) -> None:
    """Move a photo up (-1) or down (+1) in its product's order; positions are renumbered 1..n."""
    images = list(image.product.images.order_by("position", "id"))
    index = next(i for i, img in enumerate(images) if img.pk == image.pk)
    target = max(0, min(len(images) - 1, index + offset))
    images.insert(target, images.pop(index))
    for position, img in enumerate(images, start=1):
        img.position = position
    ProductImage.objects.bulk_update(images, ["position"])
