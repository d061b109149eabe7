"""Product and variant forms: they validate input; saving goes through services."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Category, DocumentKind, Product, ProductImage, ProductStatus
from .numbers import NumberFormatError, parse_decimal_vn, parse_int_vn
from .services import ProductInput, VariantInput
from .text import text_clean


class VietnameseIntegerField(forms.CharField):
    """A whole number typed as ``150.000``, ``150000`` or ``150.000 ₫``."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, *, min_value: int | None = None, **kwargs):
        self.min_value = min_value
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_int_vn(value)
        except NumberFormatError as exc:
            raise ValidationError(_("Enter a whole number, for example 150.000."), code="invalid") from exc
        if self.min_value is not None and number < self.min_value:
            raise ValidationError(_("Enter a number of at least %(min)d.") % {"min": self.min_value}, code="min")
        return number

    def prepare_value(self, value):
        return "" if value is None else str(value)


class VietnameseDecimalField(forms.CharField):
    """A measurement typed as ``1,5`` or ``1.5``, at most one decimal place."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_decimal_vn(value)
        except NumberFormatError as exc:
            raise ValidationError(_("Enter a number, for example 12,5."), code="invalid") from exc
        if number <= 0 or number >= Decimal("100000"):
            raise ValidationError(_("Enter a size between 0 and 99999 cm."), code="range")
        return number.quantize(Decimal("0.1"))


class ProductForm(forms.ModelForm):
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, up to 10 MB. You can add more later."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Product
        fields = [
            "name", "category", "brand", "status", "description", "option1_name", "option2_name",
            "ocop_stars", "ocop_certificate_no",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"description": _("Simple formatting (bold, lists, links) is kept; scripts are removed.")}

    def __init__(self, *args, with_photo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        self.fields["category"].empty_label = _("Choose a category")
        self.fields["status"].choices = ProductStatus.choices
        if not with_photo:
            del self.fields["photo"]

    def product_input(self) -> ProductInput:
        d = self.cleaned_data
        return ProductInput(
            name=d["name"], description=d.get("description") or "", category=d.get("category"),
            brand=d.get("brand") or "", status=d["status"], option1_name=d.get("option1_name") or "",
            option2_name=d.get("option2_name") or "", ocop_stars=d.get("ocop_stars"),
            ocop_certificate_no=d.get("ocop_certificate_no") or "",
        )


class VariantForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sku = forms.CharField(label=_("SKU"), max_length=64)
    option1_value = forms.CharField(label=_("Option 1 value"), max_length=80, required=False)
    option2_value = forms.CharField(label=_("Option 2 value"), max_length=80, required=False)
    price = VietnameseIntegerField(label=_("Price (VND)"), min_value=1)
    list_price = VietnameseIntegerField(label=_("List price (VND)"), min_value=1, required=False)
    stock = VietnameseIntegerField(label=_("Stock"), min_value=0, required=False)
    barcode = forms.CharField(label=_("Barcode"), max_length=32, required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    weight_g = VietnameseIntegerField(label=_("Weight (g)"), min_value=1, required=False)
    length_cm = VietnameseDecimalField(label=_("Length (cm)"), required=False)
    width_cm = VietnameseDecimalField(label=_("Width (cm)"), required=False)
    height_cm = VietnameseDecimalField(label=_("Height (cm)"), required=False)
    image = forms.ModelChoiceField(label=_("Variant photo"), queryset=ProductImage.objects.none(), required=False)

    def __init__(self, *args, images=None, **kwargs):
        super().__init__(*args, **kwargs)
        if images is None:
            del self.fields["image"]
        else:
            self.fields["image"].queryset = images
            # The choices from the photos read once for the whole formset (a queryset would be read again by
            # every variant's form).
            field = self.fields["image"]
            field.choices = [("", field.empty_label), *((i.pk, field.label_from_instance(i)) for i in images)]

    def clean(self):
        cleaned = super().clean()
        price, list_price = cleaned.get("price"), cleaned.get("list_price")
        if price and list_price and list_price < price:
            self.add_error("list_price", _("The list price cannot be below the price."))
        return cleaned

    def variant_input(self) -> VariantInput:
        d = self.cleaned_data
        return VariantInput(
            id=d.get("id"), sku=d["sku"], option1_value=d.get("option1_value") or "",
            option2_value=d.get("option2_value") or "", price=d["price"], list_price=d.get("list_price"),
            stock=d.get("stock") or 0, barcode=d.get("barcode") or "", weight_g=d.get("weight_g"),
            length_cm=d.get("length_cm"), width_cm=d.get("width_cm"), height_cm=d.get("height_cm"),
            image=d.get("image"),
        )


class BaseVariantFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        """A row that is not an existing variant may stay empty (it is skipped), whether it was shown as
        one of the blank starting rows or added: the page says so, and a one-variant product is common."""
        form = super()._construct_form(i, **kwargs)
        if not form.initial.get("id"):
            form.empty_permitted = True
            form.use_required_attribute = False
        return form

    def clean(self):
        if any(self.errors):
            return
        skus = []
        for form in self.forms:
            if not self._form_kept(form):
                continue
            sku = text_clean(form.cleaned_data.get("sku"))
            if sku in skus:
                form.add_error("sku", _("This SKU is used twice in this product."))
            skus.append(sku)
        if not skus:
            raise ValidationError(_("Add at least one variant with a SKU and a price."), code="no_variants")

    def variant_inputs(self) -> list[VariantInput]:
        return [
            form.variant_input()
            for form in self.forms
            if self._form_kept(form)
        ]

    def _form_kept(self, form) -> bool:
        existing = bool(form.cleaned_data.get("id"))
        return (existing or form.has_changed()) and not self._should_delete_form(form)


VariantFormSet = forms.formset_factory(
    VariantForm, formset=BaseVariantFormSet, extra=1, can_delete=True, max_num=100, validate_max=True
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class ImageUploadForm(forms.Form):
    photos = MultipleFileField(
        label=_("Photos"), help_text=_("JPEG, PNG or WebP, up to 10 MB each. You can pick several."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True}),
    )


class StockSetForm(forms.Form):
    quantity = VietnameseIntegerField(label=_("New stock"), min_value=0)
    note = forms.CharField(label=_("Why (optional)"), max_length=100, required=False)


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("archive", _("Archive")), ("activate", _("Activate"))])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(v, v) for v in self.data.getlist("ids")] if self.data else []


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPEG or PNG, up to 5 MB. A clear photo of the paper is fine."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    issued_on = forms.DateField(label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    expires_on = forms.DateField(label=_("Expires on (if any)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        cleaned = super().clean()
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("The expiry date is before the issue date."))
        return cleaned
