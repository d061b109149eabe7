"""Single sign-on with the province's OpenID Connect identity provider (docs/sso.md).

django-allauth's ``openid_connect`` provider does the protocol (discovery, the authorisation code flow with
PKCE, the ``state`` it stashes in the session, the token request). Where it falls short of what the platform
needs, this module extends it through allauth's own extension points rather than replacing it:

- allauth sends no ``nonce`` and skips the ID token's signature when the token came from the token endpoint
  (OpenID Connect Core 3.1.3.7 allows that over TLS). We send a nonce, keep it in allauth's state, and check
  the signature, issuer, audience, ``azp``, expiry, ``iat`` and the nonce of every ID token, within
  ``SSO_CLOCK_SKEW_SECONDS``. The provider's keys (JWKS) are cached and fetched again when a token names a
  key not in the cache: a provider that rotates its keys keeps working.
- allauth asks a user with an authenticator for their code after any sign-in. ``ProviderMFAAuthenticateStage``
  lets an ID token whose ``amr``/``acr`` shows that the provider did multi-factor count as this session's
  two-factor step (accepted values: ``SSO_MFA_AMR_VALUES``, ``SSO_MFA_ACR_VALUES``).
- allauth (65.x) re-authenticates a signed-in user only by password, emailed code or two-factor (allauth issue
  #3030: no provider re-authentication yet), so a user created through the provider, who has no password, could
  not confirm it is them before a sensitive step such as setting up two-factor. ``reauthentication_methods``
  (offered through the account adapter's ``get_reauthentication_methods``) adds "confirm at the province's
  provider": ``oidc_reauthenticate`` sends the user there with ``prompt=login`` and ``max_age=0``, and
  ``complete_reauthentication`` records the answer as allauth's re-authentication once it is the same account
  and the provider did ask again (``auth_time``).
- allauth keeps no ID token for sign-out; the raw ID token is kept in the session so signing out can end the
  provider's session too (RP-initiated logout) when the provider publishes an ``end_session_endpoint``.

The SocialAccountAdapter (accounts.adapters) hands out ``ProvinceOpenIDConnectProvider`` wherever allauth asks
for an ``openid_connect`` provider, and config.urls routes the provider's login and callback URLs to the views
here (same paths and names as allauth's).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from allauth.account.internal.decorators import login_not_required
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.account.utils import get_next_redirect_url
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

logger = logging.getLogger(__name__)
# The authentication record (allauth's session list) a sign-in gets when the provider did multi-factor.
PROVIDER_MFA_METHOD = "sso_mfa"
# The raw ID token of the session's single sign-on, and its provider: the hint for RP-initiated logout.
SSO_LOGOUT_SESSION_KEY = "accounts_sso_logout"
JWKS_CACHE_SECONDS = 600
# Never accepted, whatever the header says: unsigned tokens and shared-secret (HMAC) signatures.
REFUSED_ALGORITHMS = frozenset({"none", "HS256", "HS384", "HS512"})
# The key in allauth's sign-in state that marks a round trip to the provider as a re-authentication (its value:
# when it started, UNIX time); and the id of the re-authentication method it offers.
REAUTHENTICATION_STATE_KEY = "sso_reauthenticate"
REAUTHENTICATION_METHOD_ID = "sso_reauthenticate"


class IdTokenRefused(OAuth2Error):
    """An ID token that failed a check; ``reason`` is a stable key the error page turns into a message."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _jwks(keys_url: str, *, refresh: bool) -> dict:
    cache_key = "accounts:sso:jwks:" + hashlib.sha256(keys_url.encode()).hexdigest()
    if not refresh and (cached := cache.get(cache_key)) is not None:
        return cached
    with get_social_adapter().get_requests_session() as session:
        response = session.get(keys_url)
        response.raise_for_status()
        keys = response.json()
    cache.set(cache_key, keys, JWKS_CACHE_SECONDS)
    return keys


def _signing_key(*, id_token: str, keys_url: str, algorithms: list[str]) -> jwt.PyJWK:
    """The provider's key that signed ``id_token``: from the cached JWKS, else from a fresh one (rotation)."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as error:
        raise IdTokenRefused("malformed", str(error)) from error
    if header.get("alg") not in algorithms:
        raise IdTokenRefused("algorithm", str(header.get("alg")))
    kid = header.get("kid")
    for refresh in (False, True):
        keys = [key for key in jwt.PyJWKSet.from_dict(_jwks(keys_url, refresh=refresh)).keys
                if key.public_key_use in (None, "sig")]
        matching = [key for key in keys if key.key_id == kid] if kid else keys[:1] if len(keys) == 1 else []
        if matching:
            return matching[0]
    raise IdTokenRefused("unknown_key", str(kid))


def id_token_verify(*, id_token: str, openid_config: dict, client_id: str, nonce: str | None) -> dict:
    """The claims of ``id_token`` once its signature (the provider's published keys), issuer, audience, ``azp``,
    expiry, issue time and nonce are checked (OpenID Connect Core 3.1.3.7). Raises ``IdTokenRefused``."""
    supported = openid_config.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [alg for alg in supported if alg not in REFUSED_ALGORITHMS]
    key = _signing_key(id_token=id_token, keys_url=openid_config["jwks_uri"], algorithms=algorithms)
    skew = settings.SSO_CLOCK_SKEW_SECONDS
    try:
        claims = jwt.decode(
            id_token, key=key, algorithms=algorithms, audience=client_id, issuer=openid_config["issuer"],
            leeway=skew, options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.InvalidSignatureError as error:
        raise IdTokenRefused("signature", str(error)) from error
    except jwt.InvalidIssuerError as error:
        raise IdTokenRefused("issuer", str(error)) from error
    except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as error:
        raise IdTokenRefused("expired", str(error)) from error
    except jwt.InvalidAudienceError as error:
        raise IdTokenRefused("audience", str(error)) from error
    except jwt.PyJWTError as error:
        raise IdTokenRefused("malformed", str(error)) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise IdTokenRefused("audience", "azp")
    if claims["iat"] > time.time() + skew:
        raise IdTokenRefused("expired", "issued in the future")
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise IdTokenRefused("nonce")
    jwtkit.verify_jti(claims)
    return claims


class ProvinceOpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter, verifying every ID token (``id_token_verify``) and keeping it for
    sign-out. ``state`` is the sign-in's stashed state (set by the callback view), where the nonce is."""

    state: dict | None = None

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        nonce = (self.state or {}).get("nonce")
        claims = id_token_verify(id_token=id_token, openid_config=self.openid_config, client_id=app.client_id,
                                 nonce=nonce)
        if self.state is not None:
            self.state["id_token_hint"] = id_token
        return claims

    def complete_login(self, request: HttpRequest, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise IdTokenRefused("missing")
        return super().complete_login(request, app, token, **kwargs)


class ProvinceOpenIDConnectProvider(OpenIDConnectProvider):
    """allauth's ``openid_connect`` provider with PKCE always on and a nonce in every authorisation request."""

    oauth2_adapter_class = ProvinceOpenIDConnectAdapter
    pkce_enabled_default = True

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        auth_params = {**(auth_params if auth_params is not None else self.get_auth_params()), "nonce": nonce}
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)

    def get_pkce_params(self) -> dict:
        # PKCE whatever the app's settings say: a province cannot switch it off by mistake.
        from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge

        return generate_code_challenge()


class _ProvinceCallbackView(OAuth2CallbackView):
    def _get_state(self, request: HttpRequest, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response


def _unknown_provider(request: HttpRequest):
    messages.error(request, _("This sign-in option is not available. Sign in with your email and password."))
    return redirect("account_login")


def _provider_unreachable(request: HttpRequest, error: Exception):
    logger.warning("identity provider unreachable: %s", type(error).__name__)
    return render(request, "socialaccount/authentication_error.html",
                  {"sso_message": refusal_message("unreachable")}, status=503)


@login_not_required
def oidc_login(request: HttpRequest, provider_id: str):
    """The provider's sign-in button posts here: on to the provider (allauth's view, our adapter)."""
    try:
        return OAuth2LoginView.adapter_view(ProvinceOpenIDConnectAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        return _unknown_provider(request)
    except (requests.RequestException, ValueError) as error:  # discovery unreachable, or not JSON
        return _provider_unreachable(request, error)


@login_not_required
def oidc_callback(request: HttpRequest, provider_id: str):
    """The redirect URI registered with the provider: allauth's callback, with our adapter's checks."""
    try:
        return _ProvinceCallbackView.adapter_view(ProvinceOpenIDConnectAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        return _unknown_provider(request)
    except (requests.RequestException, ValueError) as error:
        return _provider_unreachable(request, error)


def id_token_claims(sociallogin) -> dict[str, Any]:
    """The verified ID token claims of an allauth sign-in (empty for other providers): how the provider
    authenticated the user (``amr``, ``acr``) is only believed from there."""
    extra = getattr(getattr(sociallogin, "account", None), "extra_data", None) or {}
    return extra.get("id_token") or {}


def sign_in_claims(sociallogin) -> dict[str, Any]:
    """What the provider says about the user at this sign-in: its UserInfo answer (fetched with the access token
    from the token endpoint) and the verified ID token, the ID token winning."""
    extra = getattr(getattr(sociallogin, "account", None), "extra_data", None) or {}
    return {**(extra.get("userinfo") or {}), **(extra.get("id_token") or {})}


def provider_did_mfa(claims: dict[str, Any]) -> bool:
    """Whether the ID token says the provider authenticated the user with more than one factor."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(set(amr) & set(settings.SSO_MFA_AMR_VALUES)) or (
        bool(claims.get("acr")) and claims.get("acr") in settings.SSO_MFA_ACR_VALUES)


class ProviderMFAAuthenticateStage(AuthenticateStage):
    """allauth's two-factor step at sign-in, skipped when the provider's ID token shows multi-factor.

    Then the sign-in is recorded as ``PROVIDER_MFA_METHOD`` (with the ``amr``/``acr`` it rests on), which the
    session policy (accounts.middleware) counts as this session's two-factor step.
    """

    def _should_handle(self, request: HttpRequest) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        claims = id_token_claims(sociallogin)
        if self.login.user is not None and claims and provider_did_mfa(claims):
            record_authentication(request, self.login.user, PROVIDER_MFA_METHOD,
                                  provider=sociallogin.account.provider, amr=claims.get("amr"),
                                  acr=claims.get("acr"))
            return False
        return super()._should_handle(request)


def reauthentication_methods(*, request: HttpRequest, user) -> list[dict]:
    """allauth re-authentication methods (the shape of ``get_reauthentication_methods``) for ``user``: one per
    configured provider their account is linked to, "confirm with your province account"."""
    if not getattr(user, "is_authenticated", False):
        return []
    adapter = get_social_adapter(request)
    methods = []
    for provider_id in SocialAccount.objects.filter(user_id=user.pk).values_list("provider", flat=True).distinct():
        try:
            provider = adapter.get_provider(request, provider_id)
        except SocialApp.DoesNotExist:
            continue
        if isinstance(provider, ProvinceOpenIDConnectProvider):
            methods.append({"id": f"{REAUTHENTICATION_METHOD_ID}:{provider_id}", "provider_name": provider.name,
                            "description": _("Confirm with your province account (%(name)s)") % {
                                "name": provider.name},
                            "url": reverse("sso_reauthenticate", kwargs={"provider_id": provider_id})})
    return methods


def recently_reauthenticated(*, request: HttpRequest) -> bool:
    """Whether this session confirmed at a provider (``complete_reauthentication``) within allauth's
    ``ACCOUNT_REAUTHENTICATION_TIMEOUT``."""
    from allauth.account import app_settings as account_settings

    if not request.user.is_authenticated:
        return False
    moments = [record.get("at") or 0 for record in get_authentication_records(request, request.user)
               if record.get("method") == "socialaccount" and record.get("reauthenticated")]
    return bool(moments) and time.time() - max(moments) < account_settings.REAUTHENTICATION_TIMEOUT


@login_required
@require_http_methods(["GET", "POST"])
def oidc_reauthenticate(request: HttpRequest, provider_id: str):
    """allauth's "confirm it is you" step, at the province's provider: GET shows the button, POST sends the browser
    to the provider, which must ask for the password again (``prompt=login``, ``max_age=0``); the answer comes back
    to the usual callback and is finished by ``complete_reauthentication``."""
    methods = reauthentication_methods(request=request, user=request.user)
    method = next((m for m in methods if m["id"] == f"{REAUTHENTICATION_METHOD_ID}:{provider_id}"), None)
    next_url = get_next_redirect_url(request) or ""
    if method is None:
        messages.error(request, _("Your account is not linked to this province account. Confirm it is you another "
                                  "way."))
        return redirect(reverse("account_reauthenticate") + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    if request.method == "GET":
        from allauth.account.adapter import get_adapter as get_account_adapter

        alternatives = [{**m, "url": m["url"] + (f"?{urlencode({'next': next_url})}" if next_url else "")}
                        for m in get_account_adapter(request).get_reauthentication_methods(request.user)
                        if m["id"] != method["id"]]
        return render(request, "account/sso_reauthenticate.html", {
            "method": method, "next_url": next_url, "reauthentication_alternatives": alternatives})
    try:
        provider = get_social_adapter(request).get_provider(request, provider_id)
        auth_params = {**provider.get_auth_params(), "prompt": "login", "max_age": "0"}
        return provider.redirect(request, AuthProcess.REDIRECT, next_url=next_url or None, auth_params=auth_params,
                                 **{REAUTHENTICATION_STATE_KEY: time.time()})
    except (requests.RequestException, ValueError) as error:
        return _provider_unreachable(request, error)


def complete_reauthentication(*, request: HttpRequest, sociallogin) -> None:
    """Finish a re-authentication at the provider (allauth's ``pre_social_login``, before any sign-in happens):
    the answer must be for the account signed in here, and the provider must have authenticated the user after
    the round trip started. Then it is recorded as allauth's re-authentication (``reauthenticated``), and the
    browser goes back to where it was. Always raises ``ImmediateHttpResponse``: this is never a sign-in."""
    user = request.user
    if not (user.is_authenticated and sociallogin.is_existing and sociallogin.user.pk == user.pk):
        refuse_sign_in(request, "reauthenticate_other_account")
    started = float(sociallogin.state.get(REAUTHENTICATION_STATE_KEY) or 0)
    auth_time = id_token_claims(sociallogin).get("auth_time")
    if not isinstance(auth_time, (int, float)) or auth_time < started - settings.SSO_CLOCK_SKEW_SECONDS:
        refuse_sign_in(request, "reauthenticate_not_fresh")
    record_authentication(request, user, "socialaccount", reauthenticated=True,
                          provider=sociallogin.account.provider, uid=sociallogin.account.uid)
    logger.info("re-authenticated at the provider %s", sociallogin.account.provider)
    raise ImmediateHttpResponse(HttpResponseRedirect(sociallogin.get_redirect_url(request) or "/"))


def remember_sso_session(*, request: HttpRequest, sociallogin) -> None:
    """Keep the ID token of this sign-in so signing out can end the provider's session too."""
    id_token = (sociallogin.state or {}).get("id_token_hint")
    if id_token:
        request.session[SSO_LOGOUT_SESSION_KEY] = {"provider_id": sociallogin.account.provider,
                                                   "id_token": id_token}


def provider_logout_url(*, request: HttpRequest, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session URL for this session's single sign-on (RP-initiated logout 1.0), or None
    when the session was not signed in through a provider or the provider publishes no end-session endpoint."""
    remembered = request.session.get(SSO_LOGOUT_SESSION_KEY)
    if not remembered:
        return None
    try:
        provider = get_social_adapter(request).get_provider(request, remembered["provider_id"])
        endpoint = provider.get_oauth2_adapter(request).openid_config.get("end_session_endpoint")
    except (SocialApp.DoesNotExist, requests.RequestException, ValueError, KeyError):
        return None
    if not endpoint:
        return None
    query = urlencode({"id_token_hint": remembered["id_token"], "client_id": provider.app.client_id,
                       "post_logout_redirect_uri": post_logout_redirect_uri})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


# Messages of the sign-in error page, by ``IdTokenRefused.reason`` (and "state" for an unknown sign-in).
def refuse_sign_in(request: HttpRequest, reason: str):
    """Stop a provider sign-in: the error page with the reason, no session."""
    logger.warning("provider sign-in refused: %s", reason)
    raise ImmediateHttpResponse(render(request, "socialaccount/authentication_error.html",
                                       {"sso_message": refusal_message(reason)}, status=403))


def refusal_message(reason: str | None) -> str:
    """What the error page says about a refused sign-in, in the user's language."""
    token = _("The province's sign-in answer could not be verified, so you were not signed in.")
    messages_by_reason = {
        "state": _("This sign-in was not started from this browser, or it was already used. "
                   "Start again from the sign-in page."),
        "signature": token, "unknown_key": token, "algorithm": token, "malformed": token, "missing": token,
        "issuer": _("The sign-in answer came from another identity provider than the province's, "
                    "so you were not signed in."),
        "audience": _("The sign-in answer was meant for another service, so you were not signed in."),
        "nonce": _("This sign-in answer does not belong to the sign-in you started. Start again from the "
                   "sign-in page."),
        "expired": _("The sign-in answer has expired (or this computer's clock is wrong). Start again from the "
                     "sign-in page."),
        "code": _("The province's identity provider refused this sign-in (the link was already used or has "
                  "expired). Start again from the sign-in page."),
        "cancelled": _("You cancelled signing in with the province's account."),
        "reauthenticate_other_account": _(
            "You confirmed with another province account than the one linked to the account signed in here. "
            "Confirm again with your own province account."),
        "reauthenticate_not_fresh": _(
            "The province's identity provider did not ask for your password again, so this could not confirm it "
            "is you. Try again."),
        "unreachable": _("The province's identity provider cannot be reached right now. Try again in a few "
                         "minutes, or sign in with your email and password."),
        "unverified_email": _("Your province account has no verified email address, so we cannot create an "
                              "account from it. Verify your email address with the province's identity "
                              "provider, or sign up with your email address here."),
        "email_taken": _("An account with this email address already exists here. Sign in with your email and "
                         "password first, then link your province account under My account > Linked "
                         "accounts."),
    }
    return messages_by_reason.get(reason or "", _(
        "Signing in with the province's account did not work, so you were not signed in. Start again from the "
        "sign-in page."))
