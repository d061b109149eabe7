"""Throttles for actions that email other people or reveal who is registered (join requests, invitations).

Counted like allauth's sign-in limits (ACCOUNT_RATE_LIMITS, in the shared cache, per user, per client address
as allauth reads it behind the proxy, and per key), so one setting lists every limit of the site.
"""

from allauth.core import ratelimit
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.http import HttpRequest

# Actions (keys of ACCOUNT_RATE_LIMITS) throttled with throttle_allows.
BUSINESS_JOIN_REQUEST = "business_join_request"
BUSINESS_INVITATION = "business_invitation"
BUSINESS_REGISTER_LOOKUP = "business_register_lookup"
OWNERSHIP_CODE = "ownership_code"
OWNERSHIP_DISPUTE = "ownership_dispute"


def throttle_allows(*, request: HttpRequest, action: str, key: str | None = None, count_get: bool = False) -> bool:
    """Count one ``action`` by this request; False (and nothing counted) when a limit is reached.

    GET requests are not counted unless ``count_get`` (a look-up that reveals data on a GET, such as the
    registration pre-fill). Limits per ``key`` need a ``key`` (e.g. the business the action is on).
    """
    if count_get:
        return allauth_ratelimit.consume(request, app="allauth.account", action=action, key=key,
                                         limit_get=True) is not None
    return ratelimit.consume(request, action=action, key=key)
