"""Forms for the business owner's pages. Validation rules live in identifiers/phones/services; forms call them
so each error shows next to its field."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sme.collation import vietnamese_sort_key

from .identifiers import identifier_normalise
from .models import (
    AdministrativeUnit,
    LegalForm,
    MainSector,
    MemberRole,
    OcopProduct,
    UnitKind,
)
from .phones import phone_normalise
from .services import BusinessProfile, OcopProductInput


def _ward_choices():
    """Wards, then communes, each in Vietnamese alphabetical order of the name after "Phường"/"Xã"."""
    units = sorted(AdministrativeUnit.objects.current(), key=lambda u: vietnamese_sort_key(_bare_name(u.name)))
    groups = {UnitKind.PHUONG: [], UnitKind.XA: []}
    for unit in units:
        groups.setdefault(unit.kind, []).append((unit.pk, unit.name))
    return [("", _("Choose…")), (_("Wards (phường)"), groups[UnitKind.PHUONG]),
            (_("Communes (xã)"), groups[UnitKind.XA])]


def _bare_name(name: str) -> str:
    for prefix in ("Phường ", "Xã ", "Thị trấn ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _legacy_district_choices():
    districts = AdministrativeUnit.objects.legacy_districts().order_by("province_name", "name")
    return [("", _("Not given"))] + [(d.pk, f"{d.name} ({d.province_name})") for d in districts]


def _legacy_commune_choices():
    communes = AdministrativeUnit.objects.legacy_communes().select_related("parent").order_by(
        "parent__province_name", "parent__name", "name")
    groups: dict[str, list] = {}
    for c in communes:
        groups.setdefault(f"{c.parent.name} ({c.province_name})", []).append((c.pk, c.name))
    return [("", _("Not given"))] + list(groups.items())


class UnitChoiceField(forms.TypedChoiceField):
    """A select of administrative units with option groups; cleans to the unit (or None)."""

    def __init__(self, *, choices, queryset, **kwargs):
        self.queryset = queryset
        super().__init__(choices=choices, coerce=self._to_unit, empty_value=None, **kwargs)

    def _to_unit(self, value):
        return self.queryset().get(pk=int(value))

    def valid_value(self, value):
        return self.queryset().filter(pk=value).exists() if str(value).isdigit() else False


class VndField(forms.CharField):
    """An amount in VND typed the Vietnamese way: ``150.000.000``, ``150 000 000 đ``, ``150000000``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        compact = re.sub(r"[\s.,₫đĐ]|VND|vnd", "", text)
        if not compact.isdigit():
            raise ValidationError(_("Enter a whole amount in đồng, for example 150.000.000."), code="invalid")
        return int(compact)


class BusinessForm(forms.Form):
    required_css_class = "required"  # the label of a field that must be filled shows a star (site.css)

    legal_form = forms.ChoiceField(label=_("Legal form"), choices=[("", _("Choose…")), *LegalForm.choices])
    legal_name = forms.CharField(label=_("Legal name"), max_length=255,
                                 help_text=_("As on the registration certificate"))
    trade_name = forms.CharField(label=_("Trade name"), max_length=255, required=False,
                                 help_text=_("The name customers know, if different"))
    identifier = forms.CharField(
        label=_("Tax code or personal ID"), max_length=32,
        help_text=_("Enterprises: the 10-digit tax code (13 digits for a branch, 0123456789-001). Household "
                    "businesses: the owner's 12-digit personal ID number."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    main_sector = forms.ChoiceField(label=_("Main sector"), choices=[("", _("Choose…")), *MainSector.choices],
                                    help_text=_("The main registered business line"))
    street = forms.CharField(label=_("Street address"), max_length=255,
                             help_text=_("House number, street, hamlet (ấp/khóm)"))
    phone = forms.CharField(label=_("Phone"), max_length=32,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("Business email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    founding_year = forms.IntegerField(label=_("Founding year (optional)"), required=False, min_value=1900,
                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    women_owned = forms.BooleanField(
        label=_("Women-owned business"), required=False,
        help_text=_("Women own at least 51 percent of the capital, or the household business owner is a woman."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"] = UnitChoiceField(
            label=_("Ward or commune (since 1 July 2025)"), choices=_ward_choices(),
            queryset=lambda: AdministrativeUnit.objects.current(),
            widget=forms.Select(attrs={"data-filter": _("Type a few letters of its name to find it"),
                                       "data-filter-count": _("%(n)s found")}))
        self.fields["legacy_district"] = UnitChoiceField(
            label=_("District before July 2025 (optional)"), choices=_legacy_district_choices(), required=False,
            queryset=lambda: AdministrativeUnit.objects.legacy_districts())
        self.fields["legacy_commune"] = UnitChoiceField(
            label=_("Commune before July 2025 (optional)"), choices=_legacy_commune_choices(), required=False,
            queryset=lambda: AdministrativeUnit.objects.legacy_communes(),
            help_text=_("Used for statistics by old district. If your old commune was split, choose the new ward "
                        "your premises are in."))
        self.fields["founding_year"].max_value = timezone.localdate().year
        self.order_fields(["legal_form", "legal_name", "trade_name", "identifier", "main_sector", "street",
                           "ward", "legacy_district", "legacy_commune", "phone", "email", "founding_year",
                           "women_owned"])

    def clean_phone(self):
        return phone_normalise(value=self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if data.get("identifier") and data.get("legal_form"):
            try:
                data["identifier"] = identifier_normalise(value=data["identifier"],
                                                          legal_form=data["legal_form"]).value
            except ValidationError as exc:
                self.add_error("identifier", exc)
        return data

    def profile(self, ocop_products=()) -> BusinessProfile:
        data = self.cleaned_data
        return BusinessProfile(
            legal_form=data["legal_form"], legal_name=data["legal_name"], trade_name=data["trade_name"],
            identifier=data["identifier"], main_sector=data["main_sector"], street=data["street"],
            ward=data["ward"], legacy_district=data.get("legacy_district"),
            legacy_commune=data.get("legacy_commune"), phone=data["phone"], email=data["email"],
            founding_year=data.get("founding_year"), women_owned=data["women_owned"],
            ocop_products=list(ocop_products),
        )


class RegistrationForm(BusinessForm):
    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree to my data being processed as it describes."),
        error_messages={"required": _("Tick the box to accept the privacy notice: we cannot register the "
                                      "business without your consent.")},
    )


class OcopProductForm(forms.ModelForm):
    class Meta:
        model = OcopProduct
        fields = ["name", "stars", "product_group", "certificate_no", "issued_on", "expires_on"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        data = super().clean()
        if data.get("issued_on") and data.get("expires_on") and data["expires_on"] <= data["issued_on"]:
            self.add_error("expires_on", _("The expiry date must be after the issue date."))
        return data

    def as_input(self) -> OcopProductInput:
        d = self.cleaned_data
        return OcopProductInput(name=d["name"], stars=d["stars"], product_group=d["product_group"],
                                certificate_no=d["certificate_no"], issued_on=d["issued_on"],
                                expires_on=d["expires_on"])


OcopFormSet = forms.formset_factory(OcopProductForm, extra=1, max_num=20)


class SizeDeclarationForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2021)
    insured_headcount = forms.IntegerField(
        label=_("Employees with social insurance (annual average)"), min_value=0)
    prior_year_revenue_vnd = VndField(
        label=_("Revenue of the previous year (VND)"), required=False,
        help_text=_("Leave empty if the enterprise is new and has no revenue yet."))
    total_capital_vnd = VndField(label=_("Total capital (VND)"),
                                 help_text=_("Tổng nguồn vốn on the balance sheet"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].max_value = timezone.localdate().year
        self.fields["fiscal_year"].initial = timezone.localdate().year


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.STAFF)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class JoinRequestForm(forms.Form):
    identifier = forms.CharField(label=_("Tax code or personal ID of the business"), max_length=32)
    message = forms.CharField(label=_("Message to the owner (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean_identifier(self):
        return identifier_normalise(value=self.cleaned_data["identifier"]).value


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    understood = forms.BooleanField(
        label=_("I understand that my account will be closed and my personal data erased."),
        error_messages={"required": _("Tick the box to confirm you understand what erasure does.")})


class OwnershipCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the e-mail"), max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class OwnershipDocumentForm(forms.Form):
    document = forms.FileField(
        label=_("Document proving you own the business"),
        help_text=_("The business registration certificate (for a household business: the household business "
                    "registration certificate) showing your name. PDF, JPEG or PNG, up to 5 MB; a clear photo is "
                    "fine. Only officers see it; it is deleted 90 days after their decision."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))


class OwnershipDisputeForm(forms.Form):
    identifier = forms.CharField(label=_("Tax code or personal ID of the business"), max_length=32)
    message = forms.CharField(
        label=_("Why is this business yours? (optional)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}))

    def clean_identifier(self):
        return identifier_normalise(value=self.cleaned_data["identifier"]).value
