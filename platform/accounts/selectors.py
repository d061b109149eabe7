"""Reads about users and their roles."""

from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

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


def user_has_verified_email(*, user: User) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def session_authentication_records(*, request: HttpRequest) -> list[dict]:
    """How this session's user authenticated, as allauth records it (password, two-factor, re-authentication).

    Empty for a session that was not signed in through allauth's login flow.
    """
    return get_authentication_records(request, request.user)


# Authentication records that count as a two-factor step: allauth's own, and a sign-in through the province's
# identity provider whose ID token showed multi-factor (accounts.sso.PROVIDER_MFA_METHOD).
MFA_RECORD_METHODS = frozenset({"mfa", "sso_mfa"})


def session_passed_mfa(*, request: HttpRequest) -> bool:
    """Whether this session passed a two-factor step (at sign-in, a later two-factor re-authentication, or the
    province's identity provider's multi-factor as its ID token showed)."""
    return any(record.get("method") in MFA_RECORD_METHODS
               for record in session_authentication_records(request=request))


def session_authenticated_at(*, request: HttpRequest) -> float | None:
    """When this session's user last proved who they are (UNIX time), or None."""
    moments = [record.get("at") or 0 for record in session_authentication_records(request=request)]
    return max(moments) if moments else None


def user_sso_profile(*, user: User) -> dict[str, str]:
    """The name and phone the province's identity provider gave for ``user`` at their latest provider sign-in
    (verified claims, kept by allauth), to pre-fill their profile and business registration. Empty strings
    when the user never signed in through a provider."""
    from allauth.socialaccount.models import SocialAccount

    account = SocialAccount.objects.filter(user=user).order_by("-last_login").first()
    data = (account.extra_data or {}) if account else {}
    claims = {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}
    return {"full_name": str(claims.get("name") or ""), "phone": str(claims.get("phone_number") or "")}


def sso_providers_available(*, request: HttpRequest) -> bool:
    """Whether any identity provider is configured (SSO_PROVIDERS): the sign-in button and Linked accounts."""
    from allauth.socialaccount.adapter import get_adapter

    return bool(get_adapter(request).list_apps(request))
