"""Billing forms: choosing a plan, and an officer's voucher programme."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models import Interval, Plan


class CheckoutForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), to_field_name="code", label=_("Plan"))
    interval = forms.ChoiceField(choices=Interval.choices, label=_("Billing interval"))
    voucher_code = forms.CharField(
        label=_("Voucher code (optional)"), max_length=40, required=False,
        help_text=_("From a province support programme. You can also enter it on the payment page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(is_active=True).exclude(
            price_monthly_vnd=0, price_yearly_vnd=0)


code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{3,40}$",
    _("Use 3 to 40 letters, digits, hyphens or underscores, without spaces or accents."),
)


class VoucherProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=150,
                           help_text=_("For example: 6 months of Growth free for OCOP producers"))
    description = forms.CharField(label=_("Who it is for"), max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), label=_("Plan"))
    code = forms.CharField(label=_("Promotion code"), max_length=40, validators=[code_validator],
                           help_text=_("Owners type this code when they pay, for example OCOP2026."))
    percent_off = forms.IntegerField(label=_("Discount (%)"), min_value=1, max_value=100, initial=100)
    duration_in_months = forms.IntegerField(label=_("Number of months"), min_value=1, max_value=36, initial=6)
    max_redemptions = forms.IntegerField(label=_("Maximum number of businesses (optional)"), min_value=1,
                                         required=False)
    expires_on = forms.DateField(label=_("Code valid until (optional)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(is_active=True).exclude(
            price_monthly_vnd=0, price_yearly_vnd=0)
