"""Extension points: what the floors above the indicator add to the officers' pages (outreach campaigns, for
instance) without adoption importing them, since imports point one way (outreach -> adoption).

- ``settings.ADOPTION_DASHBOARD_PANELS``: dotted paths of callables ``(*, request, day) -> str`` returning safe
  HTML shown beside the headline ("" for nothing). Called on every dashboard view: they must be cheap reads.
- ``settings.ADOPTION_NAV_LINKS``: dotted paths of callables ``() -> (url, label)`` added to the officers'
  navigation after adoption's own pages.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe


def dashboard_panels(*, request, day: datetime.date) -> list[str]:
    """The HTML of every configured dashboard panel that has something to show, in the configured order."""
    panels = []
    for path in getattr(settings, "ADOPTION_DASHBOARD_PANELS", []):
        html = import_string(path)(request=request, day=day)
        if html:
            panels.append(mark_safe(html))  # noqa: S308 - the panel renders its own template, escaped there
    return panels


def nav_links() -> list[tuple[str, str]]:
    """(url, label) of every configured extra link of the officers' navigation."""
    return [import_string(path)() for path in getattr(settings, "ADOPTION_NAV_LINKS", [])]
