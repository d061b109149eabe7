from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AdoptionTarget, ShopChannel


class RegisterUploadForm(forms.Form):
    sheet = forms.FileField(
        label=_("Register file (.xlsx or .csv)"),
        help_text=_("Columns: tax code or personal ID, name, legal form, ward or commune code (or old district "
                    "and commune), sector, size class, status, source, as-of date, contact e-mail (optional: "
                    "owners prove their business with a code sent there). At most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class DeclaredShopForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ShopChannel.choices)
    url = forms.URLField(label=_("Shop address (URL)"), max_length=500, assume_scheme="https",
                         help_text=_("For example https://postmart.vn/shop/… or your Facebook page."))
    evidence_image = forms.FileField(
        label=_("Screenshot of the shop (JPEG, PNG or WebP)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    evidence_link = forms.URLField(label=_("Or a link that shows the shop"), required=False, max_length=500,
                                   assume_scheme="https")

    def clean(self):
        data = super().clean()
        if not data.get("evidence_image") and not data.get("evidence_link"):
            raise forms.ValidationError(_("Add a screenshot of your shop or a link that shows it."))
        return data


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason (required to reject; the owner reads it)"), required=False,
                             max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class TargetForm(forms.ModelForm):
    class Meta:
        model = AdoptionTarget
        fields = ["name", "percent", "deadline", "legal_basis", "is_active"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100,
                           help_text=_("For example: Superset of the Department of Industry and Trade"))


class ResolveForm(forms.Form):
    ward = forms.ChoiceField(label=_("New ward or commune"))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [(u.code, u.name) for u in candidates]
