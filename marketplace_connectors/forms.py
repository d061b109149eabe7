"""Forms for the owner's screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import AttributeSpec, CategoryNode


def category_choices(tree: list[CategoryNode]) -> list[tuple[str, str]]:
    """Leaf categories labelled with their path ("Thực phẩm › Gạo"), sorted by label."""
    by_id = {n.external_id: n for n in tree}

    def path(node: CategoryNode) -> str:
        names, seen = [node.name], set()
        while node.parent_id in by_id and node.parent_id not in seen:
            seen.add(node.parent_id)
            node = by_id[node.parent_id]
            names.append(node.name)
        return " › ".join(reversed(names))

    return sorted(((n.external_id, path(n)) for n in tree if n.is_leaf), key=lambda c: c[1])


class CategoryMappingForm(forms.Form):
    """The marketplace category for one of our categories, then the attributes that category asks for."""

    external_category_id = forms.ChoiceField(label=_("Marketplace category"))

    def __init__(self, *args, tree: list[CategoryNode], attributes: list[AttributeSpec] = (), initial_values=None,
                 marketplace: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if marketplace:
            self.fields["external_category_id"].label = _("%(marketplace)s category") % {"marketplace": marketplace}
        self.fields["external_category_id"].choices = [("", _("Choose a category"))] + category_choices(tree)
        self.attribute_specs = list(attributes)
        initial_values = initial_values or {}
        for spec in self.attribute_specs:
            name = f"attr_{spec.external_id}"
            current = initial_values.get(spec.external_id) or []
            if spec.input_type == "text":
                field = forms.CharField(label=spec.name, required=spec.mandatory, max_length=120,
                                        initial=current[0] if current else "")
            elif spec.input_type == "multi_select":
                field = forms.MultipleChoiceField(label=spec.name, required=spec.mandatory, choices=list(spec.options),
                                                  initial=current, widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.ChoiceField(label=spec.name, required=spec.mandatory,
                                          choices=[("", _("Choose"))] + list(spec.options),
                                          initial=current[0] if current else "")
            if spec.mandatory:
                field.help_text = (_("Required by %(marketplace)s for this category.") % {"marketplace": marketplace}
                                   if marketplace else _("Required for this category."))
            self.fields[name] = field

    def attribute_values(self) -> dict[str, list[str]]:
        values = {}
        for spec in self.attribute_specs:
            raw = self.cleaned_data.get(f"attr_{spec.external_id}")
            values[spec.external_id] = [str(v) for v in raw] if isinstance(raw, list) else ([str(raw)] if raw else [])
        return values


class ListingSelectionForm(forms.Form):
    """The products ticked in the listings table."""

    product = forms.TypedMultipleChoiceField(coerce=int, required=True, label=_("Products"),
                                             error_messages={"required": _("Tick at least one product.")})

    def __init__(self, *args, product_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(pk, str(pk)) for pk in product_ids]


class AccountSettingsForm(forms.Form):
    """Per-shop settings the owner may change: the stock buffer and the shipping channel of new listings
    (offered only when the marketplace has channels to choose from)."""

    logistics_channel_id = forms.ChoiceField(label=_("Shipping channel"), required=False,
                                             help_text=_("New listings are offered with this shipping channel."))

    stock_buffer = forms.IntegerField(
        label=_("Stock buffer"), min_value=0, max_value=100_000,
        help_text=_("The shop shows this many units fewer than you have, so a sale on another channel in the "
                    "seconds before the next sync cannot sell the last units twice. 0 shows all your stock."),
    )

    def __init__(self, *args, channels: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if channels:
            self.fields["logistics_channel_id"].choices = list(channels)
            self.fields["logistics_channel_id"].required = True
        else:
            del self.fields["logistics_channel_id"]


class KeysConnectForm(forms.Form):
    """Connect a shop reached with API keys (an owner's own WooCommerce web shop)."""

    shop_url = forms.URLField(label=_("Shop address"), max_length=255, assume_scheme="https",
                              help_text=_("The address of your web shop, e.g. https://myshop.vn"))
    key = forms.CharField(label=_("Consumer key"), max_length=255, strip=True)
    secret = forms.CharField(label=_("Consumer secret"), max_length=255, strip=True,
                             widget=forms.PasswordInput(render_value=False))


class OrderFilterForm(forms.Form):
    """Filters of the orders list; every field optional."""

    marketplace = forms.ChoiceField(label=_("Marketplace"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    oversold = forms.BooleanField(label=_("Oversold only"), required=False)

    def __init__(self, *args, marketplaces: list[tuple[str, str]], statuses: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marketplace"].choices = [("", _("All"))] + marketplaces
        self.fields["status"].choices = [("", _("All"))] + statuses
