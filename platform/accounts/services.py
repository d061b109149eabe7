"""Writes about users: creating them with roles, and remembering their language."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import Role


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
