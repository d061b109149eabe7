"""The header navigation: each role sees the areas it can use."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role
from .selectors import user_roles


@dataclass(frozen=True)
class NavItem:
    key: str  # the url name, so a page can find or leave out an entry whatever the order
    label: str
    url: str


# (label, url name, roles that see it; None means every signed-in user), in the order the menu shows them:
# a business owner's guided journey first, then the daily work, then their account. Areas that later
# features add register here; a url name that does not exist yet is skipped.
NAV_ENTRIES = [
    (_("Getting started"), "cms:journey", {Role.BUSINESS_MEMBER}),
    (_("Catalog"), "catalog:product_list", {Role.BUSINESS_MEMBER}),
    (_("Marketplaces"), "marketplaces:account_list", {Role.BUSINESS_MEMBER}),
    (_("Orders"), "marketplaces:order_list", {Role.BUSINESS_MEMBER}),
    (_("My business"), "businesses:home", {Role.BUSINESS_MEMBER}),
    (_("Declared shops"), "adoption_owner:declared_shops", {Role.BUSINESS_MEMBER}),
    (_("Plan and billing"), "billing:plans", {Role.BUSINESS_MEMBER}),
    (_("Adoption dashboard"), "adoption:dashboard", {Role.TRADE_OFFICER}),
    (_("Voucher programmes"), "billing:voucher_list", {Role.TRADE_OFFICER}),
    (_("Edit content"), "wagtailadmin_home", {Role.CONTENT_EDITOR}),
    (_("My account"), "accounts:dashboard", None),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = user_roles(user=user)
    items = []
    for label, url_name, allowed in NAV_ENTRIES:
        if allowed is not None and not (roles & allowed) and not user.is_superuser:
            continue
        try:
            items.append(NavItem(key=url_name, label=str(label), url=reverse(url_name)))
        except NoReverseMatch:
            continue
    return {"nav_items": items}
