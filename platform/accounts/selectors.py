"""Reads about users and their roles."""

from allauth.mfa.models import Authenticator

from .models import User
from .roles import MFA_REQUIRED_ROLES, Role


def user_roles(*, user: User) -> set[str]:
    """The role keys of ``user`` (cached on the instance for the request)."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_role_cache"):
        user._role_cache = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    return user._role_cache


def user_requires_mfa(*, user: User) -> bool:
    """Trade officers, content editors and staff must use two-factor authentication."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or bool(user_roles(user=user) & MFA_REQUIRED_ROLES)


def user_has_mfa(*, user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
