"""Extension point: panels other apps add to the product page (a marketplace's "ready to publish" checklist,
for instance) without sme importing them, since imports point one way (… -> marketplace_connectors -> sme).

``settings.CATALOG_PRODUCT_PANELS`` lists dotted paths of callables ``(*, request, product) -> str`` that return
safe HTML ("" for nothing to show). They are called in that order each time the product page is shown, so they
must be cheap: read, never call a remote service when a cached answer will do.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe

from .models import Product


def product_panels(*, request, product: Product) -> list[str]:
    """The HTML of every configured panel for ``product`` that has something to show."""
    panels = []
    for path in getattr(settings, "CATALOG_PRODUCT_PANELS", []):
        html = import_string(path)(request=request, product=product)
        if html:
            panels.append(mark_safe(html))  # noqa: S308 - the panel renders its own template, escaped there
    return panels
