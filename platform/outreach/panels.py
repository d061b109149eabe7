"""What outreach adds to the officers' indicator pages (adoption.panels): the dashboard figure of businesses
campaigns brought online, and the campaigns link of the officers' navigation."""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def brought_online_panel(*, request, day: datetime.date) -> str:
    """Beside the share: how many businesses campaigns brought online (one query per read, province-wide)."""
    return render_to_string("outreach/includes/dashboard_panel.html",
                            {"brought_online": selectors.brought_online_count()}, request=request)


def campaigns_nav_link() -> tuple[str, str]:
    return reverse("outreach:campaign_list"), _("Campaigns")
