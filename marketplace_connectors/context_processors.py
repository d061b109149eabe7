"""Template context for every page: the owner's shops that need reconnecting, so the banner shows wherever
the owner is (publishing and stock updates for those shops wait until they reconnect)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from sme.businesses.context import current_membership
from sme.businesses.models import MemberRole

from . import selectors


def reauth_banner(request) -> dict:
    def accounts() -> list:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        membership = getattr(request, "membership", None) or current_membership(request)
        if membership is None or membership.role != MemberRole.OWNER:
            return []
        return list(selectors.account_needing_reauth(business=membership.business))

    # Lazy: pages that do not render the banner (JSON, redirects) run no query.
    return {"marketplace_reauth_accounts": SimpleLazyObject(accounts)}
