"""Request middleware: the user's language, two-factor enforcement and the Content-Security-Policy."""

from django.conf import settings
from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from .selectors import user_has_mfa, user_requires_mfa


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


# Paths a user who still has to set up two-factor authentication may reach.
MFA_SETUP_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz", "/language/")


class RequireMFAMiddleware:
    """Officers, content editors and staff reach nothing but the account pages until TOTP is set up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_SETUP_ALLOWED_PREFIXES)
            and user_requires_mfa(user=user)
            and not user_has_mfa(user=user)
        ):
            messages.warning(
                request, _("Your role requires two-factor authentication. Set it up to continue.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


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
