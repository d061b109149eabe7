"""What marketplace_connectors shows on sme's product page (``settings.CATALOG_PRODUCT_PANELS``, see
sme.catalog.panels): the product's "ready to publish" checklist for each connected shop."""

from __future__ import annotations

from django.template.loader import render_to_string

from sme.businesses.context import current_membership
from sme.businesses.models import MemberRole
from sme.catalog.models import Product

from . import readiness


def product_readiness_panel(*, request, product: Product) -> str:
    """The checklist per active shop, for the business's owners (the shop pages are theirs); "" when the
    business has no shop connected or the viewer is not an owner."""
    membership = getattr(request, "membership", None) or current_membership(request)
    if membership is None or membership.role != MemberRole.OWNER:
        return ""
    checks = readiness.product_readiness_list(product=product)
    if not checks:
        return ""
    readiness.product_readiness_fetch_missing(checks=checks)
    return render_to_string("marketplace_connectors/includes/product_panel.html", {"checks": checks, "loading": any(c.loading for c in checks)}, request=request)
