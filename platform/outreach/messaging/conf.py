"""The messaging providers' settings: read from the environment here, resolved at call time (a Django setting
of the same name wins, so tests and the ``make run`` sandbox point a provider elsewhere).

A provider is on when its credentials are set; setting only some of them is an error the provider raises
(``ProviderNotConfigured``) instead of sending half-configured.
"""

from __future__ import annotations

from typing import Any

import environ
from django.conf import settings

env = environ.Env()

DEFAULTS: dict[str, Any] = {
    # Zalo Notification Service (docs/outreach/providers.md, Z-send): the Official Account's access token and
    # the approved template of the invitation.
    "OUTREACH_ZALO_ZNS_API_URL": env.str("OUTREACH_ZALO_ZNS_API_URL", default="https://business.openapi.zalo.me"),
    "OUTREACH_ZALO_ZNS_ACCESS_TOKEN": env.str("OUTREACH_ZALO_ZNS_ACCESS_TOKEN", default=""),
    "OUTREACH_ZALO_ZNS_TEMPLATE_ID": env.str("OUTREACH_ZALO_ZNS_TEMPLATE_ID", default=""),
    # Zalo OAuth v4 (providers.md, Z-refresh): the Official Account's app and the refresh token an OA admin's
    # authorization gave; the platform stores it encrypted and replaces it at each refresh (single-use).
    "OUTREACH_ZALO_OAUTH_URL": env.str("OUTREACH_ZALO_OAUTH_URL", default="https://oauth.zaloapp.com"),
    "OUTREACH_ZALO_APP_ID": env.str("OUTREACH_ZALO_APP_ID", default=""),
    "OUTREACH_ZALO_APP_SECRET_KEY": env.str("OUTREACH_ZALO_APP_SECRET_KEY", default=""),
    "OUTREACH_ZALO_ZNS_REFRESH_TOKEN": env.str("OUTREACH_ZALO_ZNS_REFRESH_TOKEN", default=""),
    # eSMS.vn brandname SMS (docs/outreach/providers.md, E-send).
    "OUTREACH_ESMS_API_URL": env.str("OUTREACH_ESMS_API_URL", default="https://rest.esms.vn"),
    "OUTREACH_ESMS_API_KEY": env.str("OUTREACH_ESMS_API_KEY", default=""),
    "OUTREACH_ESMS_SECRET_KEY": env.str("OUTREACH_ESMS_SECRET_KEY", default=""),
    "OUTREACH_ESMS_BRANDNAME": env.str("OUTREACH_ESMS_BRANDNAME", default=""),
    # E-callback: where eSMS calls back when a message's delivery status is known (our public
    # /outreach/esms/delivery/ address); empty: no callback, the delivery reports are polled only.
    "OUTREACH_ESMS_CALLBACK_URL": env.str("OUTREACH_ESMS_CALLBACK_URL", default=""),
}


def setting(name: str) -> Any:
    """The Django setting ``name`` when the project defines one, else the environment's (or the default)."""
    return getattr(settings, name, DEFAULTS[name])
