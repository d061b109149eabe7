"""``{% billing_banner %}``: the grace-period / downgraded banner for the current business, for any page.

Put it in a layout (for example base.html, under the messages) to show it everywhere; it renders nothing
for visitors, users without a business, and businesses in good standing.
"""

from babel.numbers import format_decimal
from django import template
from django.utils import translation

from sme.businesses.context import current_membership
from sme.businesses.models import MemberRole

from ..selectors import business_plan_limits

register = template.Library()


@register.inclusion_tag("billing/includes/grace_banner.html", takes_context=True)
def billing_banner(context):
    request = context.get("request")
    membership = getattr(request, "membership", None) or (current_membership(request) if request else None)
    if membership is None:
        return {"limits": None}
    return {"limits": business_plan_limits(business=membership.business),
            "show_link": membership.role == MemberRole.OWNER}


@register.filter
def count(value):
    """A whole number grouped the way the active language writes it: 1.000 (vi), 1,000 (en)."""
    if value is None:
        return ""
    language = (translation.get_language() or "vi").split("-")[0]
    return format_decimal(int(value), locale="en_US" if language == "en" else "vi_VN")
