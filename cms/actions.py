"""Platform actions a call-to-action block can point at, resolved to URLs at render time.

Other areas are built in parallel, so each action lists candidate url names in order of preference;
the first that exists wins. An action none of whose names exist yet renders no button (never a broken
link). ``settings.CMS_PLATFORM_ACTION_URLS`` may override the candidates per action.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .choices import PlatformAction

# action -> candidate url names; "{marketplace}" candidates take the marketplace code as an argument.
PLATFORM_ACTION_URLS: dict[str, tuple[str, ...]] = {
    PlatformAction.COMPLETE_PROFILE: ("businesses:edit", "businesses:home"),
    PlatformAction.ADD_PRODUCT: ("catalog:product_create", "catalog:product_list"),
    PlatformAction.IMPORT_CATALOG: ("imports:home",),
    # Connecting starts with a POST from the shops page, so the button leads there.
    PlatformAction.CONNECT_MARKETPLACE: ("marketplaces:account_list",),
    PlatformAction.PUBLISH_LISTINGS: ("marketplaces:account_list",),
    PlatformAction.CHOOSE_PLAN: ("billing:plans",),
    PlatformAction.VIEW_ORDERS: ("marketplaces:order_list", "orders:list", "marketplaces:account_list"),
}


def _candidates(action: str) -> tuple[str, ...]:
    overrides = getattr(settings, "CMS_PLATFORM_ACTION_URLS", {}) or {}
    return tuple(overrides.get(action, PLATFORM_ACTION_URLS.get(action, ())))


def platform_action_url(*, action: str, marketplace: str = "") -> str | None:
    """The URL for ``action`` (optionally for one marketplace), or None when no candidate exists yet."""
    for name in _candidates(action):
        if name.endswith("{marketplace}"):
            if not marketplace:
                continue
            base = name.removesuffix("{marketplace}")
            for kwargs in ({"marketplace": marketplace}, {"code": marketplace}, {"backend": marketplace}):
                try:
                    return reverse(base, kwargs=kwargs)
                except NoReverseMatch:
                    continue
            continue
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None
