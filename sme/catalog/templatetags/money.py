from django import template

from sme.money import format_vnd

register = template.Library()


@register.filter(name="vnd")
def vnd(amount):
    """``{{ variant.price|vnd }}`` -> ``150.000 ₫`` (Vietnamese) or ``₫150,000`` (English)."""
    return format_vnd(amount)
