"""``{% error_summary form formset ... %}``: what to fix in a form sent back, listed at its top.

Each message links to its field (site.js moves focus to the first one), so an owner on a phone sees
what is wrong without scrolling to find it. Any page's forms can use it: it lives with the accounts app,
which every area may depend on.
"""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

register = template.Library()


def _form_items(form: BaseForm, prefix: str = "") -> list[tuple[str, str]]:
    items = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            items.extend(("", f"{prefix}{message}") for message in errors)
            continue
        bound = form[name]
        target = "" if bound.is_hidden else bound.id_for_label or bound.auto_id or ""
        label = f"{prefix}{bound.label}: " if bound.label else prefix
        items.extend((target, f"{label}{message}") for message in errors)
    return items


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms, row_label: str = ""):
    """Every error of the given forms and formsets, in page order: (field id or "", text). ``row_label``
    names a formset's rows ("Variant" gives "Variant 2 · SKU: ...")."""
    items: list[tuple[str, str]] = []
    for form in forms:
        if isinstance(form, BaseFormSet):
            if not form.is_bound:
                continue
            items.extend(("", message) for message in form.non_form_errors())
            for number, row in enumerate(form.forms, start=1):
                prefix = f"{row_label or _('Row')} {number} · "
                items.extend(_form_items(row, prefix))
        elif isinstance(form, BaseForm) and form.is_bound:
            items.extend(_form_items(form))
    return {"items": items}
