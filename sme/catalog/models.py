"""Products, variants, images and the stock ledger of a business's catalog.

Writes go through ``services.py`` (stock only through ``stock.py``); other floors read through ``selectors.py``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .storage import private_storage


class Category(models.Model):
    """The platform's product taxonomy (seeded by a data migration with the province's typical products)."""

    code = models.SlugField(_("code"), max_length=50)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["code"], name="uniq_category_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (translation.get_language() or "vi").split("-")[0]
        return self.name_en if language == "en" else self.name_vi


class ProductStatus(models.TextChoices):
    """A product's state in the owner's own catalog, whatever any marketplace shows (docs/statuses.md): an
    active product is one the owner sells, not one that is live on a marketplace."""

    DRAFT = "draft", pgettext_lazy("catalog status", "Draft")
    ACTIVE = "active", pgettext_lazy("catalog status", "Active")
    ARCHIVED = "archived", pgettext_lazy("catalog status", "Archived")


class Product(models.Model):
    """A product a business sells; what a buyer picks is one of its variants (at least one)."""

    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE, related_name="products")
    # The "product key" of the import sheet: groups variant rows; unique within the business.
    key = models.CharField(_("product key"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    # Sanitised HTML (services.description_sanitise): no scripts, no event handlers.
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", null=True, blank=True, verbose_name=_("category")
    )
    brand = models.CharField(_("brand"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    option1_name = models.CharField(_("option 1 name"), max_length=40, blank=True, help_text=_("For example: Size"))
    option2_name = models.CharField(_("option 2 name"), max_length=40, blank=True, help_text=_("For example: Weight"))
    ocop_stars = models.PositiveSmallIntegerField(
        _("OCOP stars"), null=True, blank=True, validators=[MinValueValidator(3), MaxValueValidator(5)]
    )
    ocop_certificate_no = models.CharField(_("OCOP certificate number"), max_length=64, blank=True)
    # Lower-case, accent-free name and brand so "quyt hong" finds "Quýt hồng".
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["business", "key"], name="uniq_product_business_key"),
            models.CheckConstraint(
                condition=Q(ocop_stars__isnull=True) | Q(ocop_stars__gte=3, ocop_stars__lte=5),
                name="product_ocop_stars_3_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["business", "status"], name="product_business_status"),
            models.Index(fields=["business", "-updated_at", "-id"], name="product_business_updated"),
        ]

    def __str__(self) -> str:
        return self.name


def _image_path(instance: "ProductImage", filename: str) -> str:
    return f"catalog/{instance.product.business_id}/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    """A product photo, re-encoded without EXIF, with its thumbnail made once at upload."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=_image_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(_("thumbnail"), upload_to=_image_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # The uploaded file's name (matched by the import's images column) and content hash (no duplicates).
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    alt_text = models.CharField(_("description of the image"), max_length=255, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        constraints = [models.UniqueConstraint(fields=["product", "sha256"], name="uniq_image_product_sha256")]

    def __str__(self) -> str:
        return self.original_name or f"image {self.pk}"


class Variant(models.Model):
    """What a buyer picks: a SKU with its price, stock and package. Stock changes only via sme.catalog.stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    # Denormalised from product so the SKU can be unique within the business by a constraint.
    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64)
    option1_value = models.CharField(_("option 1 value"), max_length=80, blank=True)
    option2_value = models.CharField(_("option 2 value"), max_length=80, blank=True)
    price = models.PositiveBigIntegerField(_("price (VND)"), validators=[MinValueValidator(1)])
    list_price = models.PositiveBigIntegerField(
        _("list price (VND)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    barcode = models.CharField(_("barcode"), max_length=32, blank=True)
    weight_g = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    length_cm = models.DecimalField(_("length (cm)"), max_digits=6, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=6, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=6, decimal_places=1, null=True, blank=True)
    image = models.ForeignKey(
        ProductImage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("image")
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product", "position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(fields=["business", "sku"], name="uniq_variant_business_sku"),
            models.CheckConstraint(condition=Q(price__gt=0), name="variant_price_positive"),
            models.CheckConstraint(
                condition=Q(list_price__isnull=True) | Q(list_price__gt=0), name="variant_list_price_positive"
            ),
            models.CheckConstraint(condition=Q(stock__gte=0), name="variant_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def option_label(self) -> str:
        return " / ".join(v for v in (self.option1_value, self.option2_value) if v)


class StockReason(models.TextChoices):
    MANUAL = "manual", _("Manual edit")
    IMPORT = "import", _("Import")
    ORDER = "order", _("Order")
    RETURN = "return", _("Return")
    SYNC = "sync", _("Marketplace sync")


class StockMovement(models.Model):
    """One change of a variant's stock: who, how much, why, and a reference (import job, order id...)."""

    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE, related_name="stock_movements")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stock_movements")
    delta = models.IntegerField(_("change"))
    quantity_after = models.PositiveIntegerField(_("stock after"))
    reason = models.CharField(_("reason"), max_length=16, choices=StockReason.choices)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [
            models.Index(fields=["variant", "-created_at"], name="stockmove_variant_created"),
            models.Index(fields=["business", "-created_at"], name="stockmove_business_created"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} {self.delta:+d} ({self.reason})"


class DocumentKind(models.TextChoices):
    """Papers marketplaces ask for in some categories (Tiki: certificates for food, cosmetics...)."""

    FOOD_SAFETY_CERTIFICATE = "food_safety_certificate", _("Food safety eligibility certificate")
    SELF_DECLARATION = "self_declaration", _("Product quality self-declaration")
    OCOP_CERTIFICATE = "ocop_certificate", _("OCOP certificate")
    TEST_REPORT = "test_report", _("Test report")
    OTHER = "other", _("Other document")


def _document_path(instance: "ProductDocument", filename: str) -> str:
    return f"catalog/documents/{instance.product.business_id}/{instance.product_id}/{filename}"


class ProductDocument(models.Model):
    """A certificate or declaration about a product (PDF, JPEG or PNG up to 5 MB, checked by content).

    Kept in private storage (never a public URL): members download it through the catalog, connectors read it
    with ``file.open()`` to attach it to a listing. Added and removed only by ``documents.py``.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_document_path)
    # What the content is (decided from the bytes, not the name) and the name the owner uploaded.
    content_type = models.CharField(max_length=32)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-issued_on", "-id"]
        verbose_name = _("product document")
        verbose_name_plural = _("product documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="productdocument_expires_after_issued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name or self.pk})"
