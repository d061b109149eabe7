"""Writes about users: creating them with roles, remembering their language, and what a sign-in through the
province's identity provider changes."""

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .audit import audit_record
from .models import AuditAction, User
from .roles import Role
from .selectors import user_roles

logger = logging.getLogger(__name__)


@transaction.atomic
def user_create(*, email: str, password: str | None, full_name: str = "", roles: tuple[str, ...] = (),
                is_staff: bool = False, preferred_language: str = settings.LANGUAGE_CODE) -> User:
    """Create a user with the given roles. Raises ``ValidationError`` on a bad email or duplicate."""
    user = User(email=email.lower(), full_name=full_name, is_staff=is_staff, preferred_language=preferred_language)
    user.set_password(password) if password else user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user_set_roles(user=user, roles=roles)
    return user


def user_set_roles(*, user: User, roles: tuple[str, ...]) -> None:
    """Make ``user`` a member of exactly these role groups (other groups are left alone)."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*[g for g in role_groups if g.name not in roles])
    user.groups.add(*[g for g in role_groups if g.name in roles])
    if hasattr(user, "_role_cache"):
        del user._role_cache


def user_set_language(*, user: User, language: str) -> None:
    """Remember ``language`` as the user's preference. Unknown codes raise ``ValueError``."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language: {language}")
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language", "updated_at"])


def sso_roles_from_claims(*, claims: dict[str, Any]) -> set[str]:
    """The roles SSO_ROLE_MAP gives the values of the SSO_ROLE_CLAIM claim (none when either is unset)."""
    claim = settings.SSO_ROLE_CLAIM
    if not claim or not settings.SSO_ROLE_MAP:
        return set()
    values = claims.get(claim) or []
    if isinstance(values, str):
        values = [values]
    roles = {settings.SSO_ROLE_MAP[value] for value in values if isinstance(value, str) and value in settings.SSO_ROLE_MAP}
    if unknown := roles - set(Role.values):
        logger.error("SSO_ROLE_MAP names roles that do not exist, ignored: %s", sorted(unknown))
    return roles & set(Role.values)


@transaction.atomic
def sso_apply_claims(*, user: User, provider_id: str, claims: dict[str, Any], request=None) -> set[str]:
    """After a verified sign-in through ``provider_id``: fill an empty name from the claims, and grant the roles
    the role mapping gives (never from claims without SSO_ROLE_CLAIM and SSO_ROLE_MAP). Roles are only added:
    a role taken away from the user here is taken away by staff. Each grant is in the audit trail.

    Returns the roles granted by this call.
    """
    name = str(claims.get("name") or "").strip()[:150]
    if name and not user.full_name:
        user.full_name = name
        user.save(update_fields=["full_name", "updated_at"])
    mapped = sso_roles_from_claims(claims=claims)
    granted = mapped - user_roles(user=user)
    if granted:
        user_set_roles(user=user, roles=tuple(user_roles(user=user) | granted))
        audit_record(action=AuditAction.SSO_ROLES_GRANTED, actor=user, target=user.email, request=request,
                     details={"provider": provider_id, "claim": settings.SSO_ROLE_CLAIM,
                              "values": claims.get(settings.SSO_ROLE_CLAIM), "roles": sorted(granted)})
    return granted
