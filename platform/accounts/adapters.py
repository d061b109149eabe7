"""allauth adapters: who may sign up, what a new sign-up becomes, who must keep two-factor, and how a sign-in
through the province's identity provider (accounts.sso) becomes an account."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from . import sso
from .roles import Role
from .selectors import user_requires_mfa
from .services import sso_apply_claims, user_set_roles


class AccountAdapter(DefaultAccountAdapter):
    """Self sign-up creates a business member; officers and editors are created by staff."""

    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_set_roles(user=user, roles=(Role.BUSINESS_MEMBER,))
        return user

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with its two-factor step replaced by one that trusts the province's provider when
        its ID token shows multi-factor (accounts.sso.ProviderMFAAuthenticateStage)."""
        return ["accounts.sso.ProviderMFAAuthenticateStage" if path == "allauth.mfa.stages.AuthenticateStage"
                else path for path in super().get_login_stages()]

    def get_reauthentication_methods(self, user) -> list[dict]:
        """allauth's methods plus "confirm with your province account" for users linked to a province provider
        (accounts.sso.reauthentication_methods): first for a user without a password, who has no other way in."""
        own = super().get_reauthentication_methods(user)
        province = sso.reauthentication_methods(request=self.request, user=user)
        return own + province if user.has_usable_password() else province + own

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Not when this session just confirmed at the province's provider: allauth itself only counts the
        methods it knows (password, code, two-factor)."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        return required and not (self.request is not None and sso.recently_reauthenticated(request=self.request))

    def get_logout_redirect_url(self, request) -> str:
        """After a session signed in through the province's provider, on to the provider's sign-out (RP-initiated
        logout), which sends the browser back to the home page."""
        home = super().get_logout_redirect_url(request)
        return sso.provider_logout_url(request=request, post_logout_redirect_uri=request.build_absolute_uri(
            "/")) or home

    def send_mail(self, template_prefix, email, context):
        """Write to a user in their saved language, whatever language the request happens to be in."""
        language = getattr(context.get("user"), "preferred_language", None)
        with translation.override(language or translation.get_language()):
            super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    """Officers, content editors and staff keep their authenticator: allauth refuses to deactivate it."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not user_requires_mfa(user=authenticator.user)


logger = logging.getLogger("accounts.sso")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in through the province's OpenID Connect provider(s), configured from SSO_PROVIDERS.

    - A first sign-in creates a business member from the verified claims; an email the provider does not mark
      verified is refused (every account here has a verified email).
    - An existing account with the same email is never taken over by a provider sign-in: its owner signs in
      with their password (and two-factor) first and links the provider under Linked accounts.
    - Each sign-in pre-fills the profile (name) and grants the roles SSO_ROLE_CLAIM/SSO_ROLE_MAP map, if set
      (accounts.services.sso_apply_claims, audited).
    """

    def _province_provider(self, request, provider):
        if isinstance(provider, OpenIDConnectProvider) and not isinstance(provider, sso.ProvinceOpenIDConnectProvider):
            return sso.ProvinceOpenIDConnectProvider(request, app=provider.app)
        return provider

    def get_provider(self, request, provider, client_id=None):
        return self._province_provider(request, super().get_provider(request, provider, client_id=client_id))

    def list_providers(self, request):
        return [self._province_provider(request, provider) for provider in super().list_providers(request)]

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.state.get(sso.REAUTHENTICATION_STATE_KEY):
            sso.complete_reauthentication(request=request, sociallogin=sociallogin)
        if sociallogin.state.get("process") == "connect":
            return
        if sociallogin.is_existing:
            sso_apply_claims(user=sociallogin.user, provider_id=sociallogin.account.provider,
                             claims=sso.sign_in_claims(sociallogin), request=request)
            return
        verified = [address for address in sociallogin.email_addresses if address.verified]
        if not verified:
            sso.refuse_sign_in(request, "unverified_email")
        from allauth.account.models import EmailAddress

        from .models import User

        email = verified[0].email.lower()
        if (User.objects.filter(email__iexact=email).exists()
                or EmailAddress.objects.filter(email__iexact=email).exists()):
            sso.refuse_sign_in(request, "email_taken")

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        user.full_name = (data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part))[:150]
        language = translation.get_language()
        user.preferred_language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        user_set_roles(user=user, roles=(Role.BUSINESS_MEMBER,))
        sso_apply_claims(user=user, provider_id=sociallogin.account.provider,
                         claims=sso.sign_in_claims(sociallogin), request=request)
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        if error == AuthError.CANCELLED:
            return
        if isinstance(exception, sso.IdTokenRefused):
            reason = exception.reason
        elif isinstance(exception, OAuth2Error):
            reason = "code"
        elif exception is None and extra_context is not None and extra_context.get("state") is None:
            reason = "state"
        else:
            reason = None
        # The reason and the exception's class only: its text may quote a token.
        logger.warning("provider sign-in refused: %s (%s) at %s", reason or "unknown", type(exception).__name__,
                       getattr(provider, "sub_id", "-"))
        response = render(request, "socialaccount/authentication_error.html",
                          {"sso_message": sso.refusal_message(reason)}, status=403)
        raise ImmediateHttpResponse(response)
