"""Request middleware: the user's language, the sign-in policy (two-factor, verified email, session
lifetime) and the Content-Security-Policy."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .selectors import (
    session_authenticated_at,
    session_passed_mfa,
    user_has_mfa,
    user_has_verified_email,
    user_requires_mfa,
)


class UserLanguageMiddleware(LocaleMiddleware):
    """Vietnamese first: a signed-in user's saved preference, else the switcher's cookie, else Vietnamese.

    The browser's Accept-Language is deliberately ignored: many phones in the province are set to English
    while their owners read Vietnamese, so English is shown only when someone chooses it. Sits after
    AuthenticationMiddleware so ``request.user`` is known.
    """

    def process_request(self, request):
        languages = dict(settings.LANGUAGES)
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", None) if user and user.is_authenticated else None
        if language not in languages:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language


# Paths every signed-in session reaches whatever its state: files, the health check, the language switcher.
SESSION_POLICY_EXEMPT_PREFIXES = ("/static/", "/media/", "/healthz", "/language/")
# What a session that has to set up two-factor authentication may reach (allauth asks the user to confirm it is
# them before the set-up page: by password or, for a user without one, at the province's provider, whose answer
# comes back to the callback), and what a session that has to pass its two-factor step may reach.
MFA_SETUP_URL_NAMES = frozenset({"mfa_activate_totp", "account_reauthenticate", "sso_reauthenticate",
                                 "openid_connect_callback", "account_logout"})
MFA_STEP_URL_NAMES = frozenset({"mfa_reauthenticate", "account_logout"})
# When the session last showed activity (UNIX time); written at most once a minute.
LAST_SEEN_SESSION_KEY = "accounts_last_seen"
LAST_SEEN_WRITE_INTERVAL = 60
# Set once this session's user is known to have a verified email address (saves a query per request).
EMAIL_VERIFIED_SESSION_KEY = "accounts_email_verified"


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _sign_in_again(request, message: str):
    """End this session and send the user to allauth's login, back to the page they asked for afterwards."""
    next_url = request.get_full_path() if request.method == "GET" else "/"
    logout(request)
    messages.info(request, message)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


class SessionPolicyMiddleware:
    """The one sign-in policy every page is behind, whichever way the session was signed in.

    A signed-in session reaches a page only when:

    - it was signed in through allauth's login flow (which checks the password, rate limits, email
      verification and, for users with an authenticator, the two-factor step); a session signed in any
      other way is ended and sent to allauth's login;
    - its user has a verified email address;
    - for users who must use two-factor authentication (officers, content editors, staff): an authenticator
      is set up (else: the set-up page only), this session passed a two-factor step (else: that step only,
      allauth's two-factor re-authentication), it was active in the last ``PRIVILEGED_SESSION_IDLE_SECONDS``
      and it authenticated less than ``PRIVILEGED_SESSION_MAX_AGE_SECONDS`` ago (else: sign in again).

    Sits after allauth's AccountMiddleware and the message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(SESSION_POLICY_EXEMPT_PREFIXES):
            refusal = self.refusal(request, user)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refusal(self, request, user):
        """The response that stops this request, or None when the session may go on."""
        url_name = _url_name(request)
        if url_name == "account_logout":
            return None
        authenticated_at = session_authenticated_at(request=request)
        if authenticated_at is None:
            return _sign_in_again(request, _("Please sign in to continue."))
        privileged = user_requires_mfa(user=user)
        if privileged:
            now = time.time()
            if now - authenticated_at > settings.PRIVILEGED_SESSION_MAX_AGE_SECONDS:
                return _sign_in_again(request, _(
                    "For your security, officers, editors and staff sign in again every %(hours)d hours.")
                    % {"hours": settings.PRIVILEGED_SESSION_MAX_AGE_SECONDS // 3600})
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY, authenticated_at)
            if now - last_seen > settings.PRIVILEGED_SESSION_IDLE_SECONDS:
                return _sign_in_again(request, _(
                    "You were signed out after %(minutes)d minutes without activity. Please sign in again.")
                    % {"minutes": settings.PRIVILEGED_SESSION_IDLE_SECONDS // 60})
            if now - last_seen >= LAST_SEEN_WRITE_INTERVAL or LAST_SEEN_SESSION_KEY not in request.session:
                request.session[LAST_SEEN_SESSION_KEY] = now
        if not request.session.get(EMAIL_VERIFIED_SESSION_KEY):
            if not user_has_verified_email(user=user):
                return _sign_in_again(request, _(
                    "Verify your email address first: sign in and follow the link we send you."))
            request.session[EMAIL_VERIFIED_SESSION_KEY] = True
        if not privileged or session_passed_mfa(request=request):
            return None
        if not user_has_mfa(user=user):
            if url_name in MFA_SETUP_URL_NAMES:
                return None
            messages.warning(request, _("Your role requires two-factor authentication. Set it up to continue."))
            return redirect("mfa_activate_totp")
        if url_name in MFA_STEP_URL_NAMES:
            return None
        messages.info(request, _("Enter the code from your authenticator app to continue."))
        next_url = request.get_full_path() if request.method == "GET" else "/"
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")


# Our own pages carry no inline script or style; Wagtail's admin is left with its own policy.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'self'",
    ]
)
CSP_EXEMPT_PREFIXES = ("/admin/", "/django-admin/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(CSP_EXEMPT_PREFIXES):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
