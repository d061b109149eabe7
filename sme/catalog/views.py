"""Catalog pages. Views only orchestrate: selectors read, services write, every id is checked against the
current business (a stranger's id is a 404)."""

from dataclasses import dataclass
from functools import lru_cache

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sme.businesses.context import business_required
from sme.money import format_vnd

from . import selectors
from .documents import product_document_add, product_document_delete
from .forms import (
    BulkActionForm,
    DocumentUploadForm,
    ImageUploadForm,
    ProductForm,
    StockSetForm,
    VariantFormSet,
)
from .models import ProductStatus, StockReason
from .panels import product_panels
from .services import (
    image_add,
    image_delete,
    image_move,
    product_create,
    product_set_status_many,
    product_update,
)
from .stock import stock_adjust

PAGE_SIZE = 50


def _errors_to_form(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@dataclass(frozen=True)
class ProductRow:
    """One line of the list page, formatted in Python: the template only places strings (50 rows render fast)."""

    pk: int
    id_text: str  # the pk as typed in forms (no number localisation in the template)
    name: str
    select_label: str
    edit_url: str
    thumbnail_url: str
    details: str
    price: str
    summary: str
    status: str
    status_label: str
    ocop_label: str


@lru_cache(maxsize=4096)
def _vnd(amount: int, language: str) -> str:
    return format_vnd(amount, language=language)


def _product_rows(products) -> list[ProductRow]:
    """The list page's rows, formatted here: a page of 50 renders in a few milliseconds."""
    language = get_language() or "vi"
    edit_prefix = reverse("catalog:product_edit", args=[0])[:-2]
    statuses = dict(ProductStatus.choices)
    rows = []
    for p in products:
        if p.price_min is None:
            price = ""
        elif p.price_min == p.price_max:
            price = _vnd(p.price_min, language)
        else:
            price = f"{_vnd(p.price_min, language)} – {_vnd(p.price_max, language)}"
        count = p.variant_count or 0
        summary = ngettext("%(n)d variant", "%(n)d variants", count) % {"n": count} + " · " + (
            _("stock %(n)d") % {"n": p.stock_total or 0}
        )
        details = " · ".join(x for x in (p.category.name if p.category_id else "", p.brand) if x)
        rows.append(ProductRow(
            pk=p.pk, id_text=str(p.pk), name=p.name, select_label=_("Select %(name)s") % {"name": p.name},
            edit_url=f"{edit_prefix}{p.pk}/",
            thumbnail_url=default_storage.url(p.cover_thumbnail) if p.cover_thumbnail else "",
            details=details, price=price, summary=summary, status=p.status,
            status_label=str(statuses.get(p.status, p.status)),
            ocop_label=f"OCOP {p.ocop_stars}★" if p.ocop_stars else "",
        ))
    return rows


@business_required
def product_list(request):
    """Search, filter (status, category), 50 per page, bulk archive/activate."""
    if request.method == "POST":
        form = BulkActionForm(request.POST)
        if form.is_valid():
            status = ProductStatus.ARCHIVED if form.cleaned_data["action"] == "archive" else ProductStatus.ACTIVE
            try:
                changed = product_set_status_many(
                    business=request.business, product_ids=form.cleaned_data["ids"], status=status
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, ngettext("%(n)d product updated.", "%(n)d products updated.", changed)
                                 % {"n": changed})
        else:
            messages.warning(request, _("Tick at least one product and choose what to do."))
        return redirect(f"{reverse('catalog:product_list')}?{request.GET.urlencode()}")

    search = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    status = status if status in ProductStatus.values else ""
    try:
        category_id = int(request.GET.get("category") or 0) or None
    except ValueError:
        category_id = None
    page = selectors.product_list_page(
        business=request.business, search=search, status=status, category_id=category_id,
        page_number=request.GET.get("page"), per_page=PAGE_SIZE,
    )
    rows = _product_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "catalog/product_list.html", {
        "page": page,
        "rows": rows,
        "search": search,
        "status": status,
        "category_id": category_id,
        "categories": list(selectors.category_list()),
        "statuses": ProductStatus.choices,
        "query": query.urlencode(),
    })


def _saved_redirect(product):
    """Back to the product page, which then shows the journey's next step above the form."""
    return redirect(reverse("catalog:product_edit", args=[product.pk]) + "?saved=1")


@business_required
def product_create_view(request):
    form = ProductForm(request.POST or None, request.FILES or None, with_photo=True)
    formset = VariantFormSet(request.POST or None, prefix="variants", initial=[{}, {}])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        photo = form.cleaned_data.get("photo")
        try:
            with transaction.atomic():
                product = product_create(
                    business=request.business, data=form.product_input(), variants=formset.variant_inputs(),
                    actor=request.user,
                )
                if photo:
                    image = image_add(product=product, data=photo.read(), name=photo.name)
                    if product.variants.count() == 1:
                        product.variants.update(image=image)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": product.name})
            return _saved_redirect(product)
    return render(request, "catalog/product_form.html", {"form": form, "formset": formset, "product": None})


@business_required
def product_edit(request, product_id: int):
    product = selectors.product_get(business=request.business, product_id=product_id)
    images = product.images.all()
    initial = [
        {
            "id": v.pk, "sku": v.sku, "option1_value": v.option1_value, "option2_value": v.option2_value,
            "price": v.price, "list_price": v.list_price, "stock": v.stock, "barcode": v.barcode,
            "weight_g": v.weight_g, "length_cm": v.length_cm, "width_cm": v.width_cm, "height_cm": v.height_cm,
            "image": v.image_id,
        }
        for v in selectors.variant_list_for_product(product=product)
    ]
    form = ProductForm(request.POST or None, instance=product)
    formset = VariantFormSet(request.POST or None, prefix="variants", initial=initial,
                             form_kwargs={"images": images})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            product_update(product=product, data=form.product_input(), variants=formset.variant_inputs(),
                           actor=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": product.name})
            return _saved_redirect(product)
    return render(request, "catalog/product_form.html", {
        "form": form, "formset": formset, "product": product, "images": images, "just_saved": "saved" in request.GET,
        "documents": selectors.product_document_list(product=product), "document_form": DocumentUploadForm(),
        "panels": product_panels(request=request, product=product),
    })


@business_required
def product_images(request, product_id: int):
    product = selectors.product_get(business=request.business, product_id=product_id)
    form = ImageUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        added, problems = 0, []
        for upload in request.FILES.getlist("photos"):
            try:
                image_add(product=product, data=upload.read(), name=upload.name)
                added += 1
            except ValidationError as exc:
                problems.extend(exc.messages)
        for problem in problems:
            messages.error(request, problem)
        if added:
            messages.success(request, ngettext("%(n)d photo added.", "%(n)d photos added.", added) % {"n": added})
        return redirect("catalog:product_images", product_id=product.pk)
    return render(request, "catalog/product_images.html", {
        "product": product, "images": product.images.all(), "form": form,
    })


@require_POST
@business_required
def image_delete_view(request, product_id: int, image_id: int):
    image = selectors.image_get(business=request.business, product_id=product_id, image_id=image_id)
    image_delete(image=image)
    messages.success(request, _("Photo deleted."))
    return redirect("catalog:product_images", product_id=product_id)


@require_POST
@business_required
def image_move_view(request, product_id: int, image_id: int):
    image = selectors.image_get(business=request.business, product_id=product_id, image_id=image_id)
    image_move(image=image, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("catalog:product_images", product_id=product_id)


@business_required
def variant_stock(request, variant_id: int):
    """A variant's stock ledger, and a form to count stock by hand (recorded as a manual edit)."""
    variant = selectors.variant_get(business=request.business, variant_id=variant_id)
    form = StockSetForm(request.POST or None, initial={"quantity": variant.stock})
    if request.method == "POST" and form.is_valid():
        movement = stock_adjust(
            variant=variant, new_quantity=form.cleaned_data["quantity"], reason=StockReason.MANUAL,
            actor=request.user, reference=form.cleaned_data["note"],
        )
        if movement is None:
            messages.info(request, _("The stock was already %(n)d.") % {"n": variant.stock})
        else:
            messages.success(request, _("Stock of %(sku)s is now %(n)d.") % {"sku": variant.sku, "n": variant.stock})
        return redirect("catalog:variant_stock", variant_id=variant.pk)
    movements = selectors.stock_movement_list_for_variant(variant=variant)[:100]
    return render(request, "catalog/variant_stock.html", {"variant": variant, "form": form, "movements": movements})


def _documents_url(product_id: int) -> str:
    return reverse("catalog:product_edit", args=[product_id]) + "#documents"


@require_POST
@business_required
def document_add_view(request, product_id: int):
    """Upload a certificate or declaration for the product (section on the product page)."""
    product = selectors.product_get(business=request.business, product_id=product_id)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_documents_url(product.pk))
    upload = form.cleaned_data["file"]
    try:
        product_document_add(
            product=product, kind=form.cleaned_data["kind"], data=upload.read(), name=upload.name,
            issued_on=form.cleaned_data["issued_on"], expires_on=form.cleaned_data["expires_on"], actor=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Document added."))
    return redirect(_documents_url(product.pk))


@require_POST
@business_required
def document_delete_view(request, product_id: int, document_id: int):
    document = selectors.product_document_get(business=request.business, product_id=product_id,
                                              document_id=document_id)
    product_document_delete(document=document, actor=request.user)
    messages.success(request, _("Document deleted."))
    return redirect(_documents_url(product_id))


@business_required
def document_download_view(request, product_id: int, document_id: int):
    """The document's file, to members of the business only (the storage has no public URL)."""
    document = selectors.product_document_get(business=request.business, product_id=product_id,
                                              document_id=document_id)
    filename = f"{document.kind}-{document.issued_on:%Y%m%d}.{document.file.name.rsplit('.', 1)[-1]}"
    response = FileResponse(document.file.open("rb"), content_type=document.content_type, as_attachment=True,
                            filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
