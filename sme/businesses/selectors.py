"""Reads about businesses and who may see them. Every view that takes a business id goes through here."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User

from .models import AdministrativeUnit, Business, LegacyToNewUnit, MemberRole, Membership


def business_list_for_user(*, user: User) -> QuerySet[Business]:
    """Businesses ``user`` belongs to, in any role."""
    return Business.objects.filter(memberships__user=user).distinct()


def membership_get(*, user: User, business_id: int, roles: tuple[str, ...] | None = None) -> Membership:
    """The user's membership in ``business_id``; raises Http404 when they have none (or not in ``roles``).

    404 rather than 403 so a stranger cannot learn which ids exist.
    """
    qs = Membership.objects.select_related("business").filter(user=user, business_id=business_id)
    if roles is not None:
        qs = qs.filter(role__in=roles)
    membership = qs.first()
    if membership is None:
        raise Http404("No such business")
    return membership


def membership_is_owner(*, membership: Membership) -> bool:
    return membership.role == MemberRole.OWNER


def legacy_unit_candidates(*, legacy: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The current unit(s) an old commune became, the package's default guess first."""
    return [
        row.new for row in LegacyToNewUnit.objects.filter(legacy=legacy).select_related("new")
        .order_by("-is_default", "new__name")
    ]
