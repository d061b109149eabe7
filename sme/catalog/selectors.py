"""Reads of the catalog. Other floors (marketplace sync, journey progress, adoption) use these, not the models.

Every function that takes an id also takes the business, so a stranger's id is a 404, never someone's data.
"""

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property

from sme.businesses.models import Business

from .models import Category, Product, ProductDocument, ProductImage, ProductStatus, StockMovement, Variant
from .text import text_fold


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def product_list_for_business(
    *, business: Business, search: str = "", status: str = "", category_id: int | None = None
) -> QuerySet[Product]:
    """Products of ``business``, newest change first, filtered for the list page.

    ``search`` matches the name or brand ignoring case and diacritics, or part of a SKU. The list page reads it
    a page at a time through ``product_list_page``.
    """
    qs = Product.objects.filter(business=business)
    if status:
        qs = qs.filter(status=status)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if search := search.strip():
        sku_match = Variant.objects.filter(product=OuterRef("pk"), sku__icontains=search)
        qs = qs.filter(Q(search_text__contains=text_fold(search)) | Exists(sku_match))
    return qs.order_by("-updated_at", "-id")


def _row_figures(qs: QuerySet[Product]) -> QuerySet[Product]:
    variants = Variant.objects.filter(product=OuterRef("pk")).order_by().values("product")
    cover = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
    return qs.select_related("category").annotate(
        variant_count=Subquery(variants.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
        price_min=Subquery(variants.annotate(v=Min("price")).values("v")),
        price_max=Subquery(variants.annotate(v=Max("price")).values("v")),
        stock_total=Subquery(variants.annotate(v=Sum("stock")).values("v")),
        cover_thumbnail=Subquery(cover.values("thumbnail")[:1]),
    )


def product_list_page(
    *, business: Business, search: str = "", status: str = "", category_id: int | None = None,
    page_number: str | int | None = 1, per_page: int = 50,
) -> Page:
    """One page of the list page (``Paginator.get_page`` rules: a bad number gives page 1, one past the end the
    last page), each product with price range, total stock, variant count and cover thumbnail.

    One query in the usual case: the page's ids are a LIMIT/OFFSET subquery (so the row figures are computed for
    the page only, never for the rows the OFFSET skips) and the total is an uncorrelated subquery the database
    computes once. A page past the end costs a COUNT and a second try.
    """
    matching = product_list_for_business(business=business, search=search, status=status, category_id=category_id)
    try:
        number = max(1, int(page_number or 1))
    except (TypeError, ValueError):
        number = 1
    total_sq = Subquery(matching.order_by().values("business").annotate(n=Count("pk")).values("n"),
                        output_field=IntegerField())
    rows: list[Product] = []
    total = 0
    for _attempt in range(2):
        offset = (number - 1) * per_page
        page_ids = matching.values("pk")[offset : offset + per_page]
        rows = list(_row_figures(Product.objects.filter(pk__in=page_ids)).annotate(matching_total=total_sq)
                    .order_by("-updated_at", "-id"))
        if rows:
            total = rows[0].matching_total
            break
        if number == 1:
            break
        total = matching.count()
        last = max(1, -(-total // per_page))
        if number <= last:  # products went away in between: show the (empty) page asked for
            break
        number = last
    return Page(rows, number, _KnownCountPaginator(matching, per_page, count=total))


class _KnownCountPaginator(Paginator):
    """A paginator told its count (it came with the page's rows), so it never runs its own COUNT."""

    def __init__(self, object_list, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def product_get(*, business: Business, product_id: int) -> Product:
    """The product if it belongs to ``business``; Http404 otherwise."""
    return get_object_or_404(Product.objects.select_related("category"), business=business, pk=product_id)


def variant_get(*, business: Business, variant_id: int) -> Variant:
    """The variant if it belongs to ``business``; Http404 otherwise."""
    return get_object_or_404(Variant.objects.select_related("product"), business=business, pk=variant_id)


def image_get(*, business: Business, product_id: int, image_id: int) -> ProductImage:
    """The image if it belongs to the product and the product to ``business``; Http404 otherwise."""
    return get_object_or_404(
        ProductImage.objects.select_related("product"),
        product__business=business,
        product_id=product_id,
        pk=image_id,
    )


def variant_list_for_business(*, business: Business) -> QuerySet[Variant]:
    """Every variant of ``business`` with its product, ordered by product then position."""
    return Variant.objects.filter(business=business).select_related("product", "product__category", "image")


def variant_list_for_product(*, product: Product) -> QuerySet[Variant]:
    return product.variants.select_related("image").order_by("position", "id")


def product_count_active(*, business: Business) -> int:
    """How many products of ``business`` are active (on sale)."""
    return Product.objects.filter(business=business, status=ProductStatus.ACTIVE).count()


def product_count(*, business: Business) -> int:
    return Product.objects.filter(business=business).count()


def product_list_with_images(*, business: Business) -> QuerySet[Product]:
    """Products of ``business`` that have at least one photo (marketplaces refuse listings without one)."""
    return Product.objects.filter(business=business).filter(
        Exists(ProductImage.objects.filter(product=OuterRef("pk")))
    )


def product_count_with_images(*, business: Business) -> int:
    return product_list_with_images(business=business).count()


def stock_total_for_business(*, business: Business) -> int:
    return Variant.objects.filter(business=business).aggregate(total=Coalesce(Sum("stock"), 0))["total"]


def stock_movement_list_for_variant(*, variant: Variant) -> QuerySet[StockMovement]:
    """The ledger of one variant, newest first, with who made each change."""
    return variant.stock_movements.select_related("actor")


def stock_movement_list_for_business(*, business: Business, since=None) -> QuerySet[StockMovement]:
    """The ledger of a business, newest first (marketplace stock sync reads from ``since``)."""
    qs = StockMovement.objects.filter(business=business).select_related("variant", "actor")
    if since is not None:
        qs = qs.filter(created_at__gt=since)
    return qs


def product_document_list(*, product: Product) -> QuerySet[ProductDocument]:
    """The documents of ``product`` (certificates, declarations, test reports), by kind then newest issue date.

    Connectors read a file with ``document.file.open("rb")``; ``content_type`` is application/pdf, image/jpeg or
    image/png; ``kind`` is a ``DocumentKind`` value.
    """
    return product.documents.select_related("uploaded_by")


def product_document_list_valid(*, product: Product, on: datetime.date | None = None) -> QuerySet[ProductDocument]:
    """The documents of ``product`` not expired on ``on`` (today by default): what a marketplace may be sent."""
    on = on or timezone.localdate()
    return product.documents.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))


def product_document_get(*, business: Business, product_id: int, document_id: int) -> ProductDocument:
    """The document if it belongs to the product and the product to ``business``; Http404 otherwise."""
    return get_object_or_404(
        ProductDocument.objects.select_related("product"),
        product__business=business,
        product_id=product_id,
        pk=document_id,
    )
