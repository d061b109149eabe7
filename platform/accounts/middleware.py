"""Request middleware: the user's language, two-factor enforcement and the Content-Security-Policy."""

from django.conf import settings
from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from .selectors import user_has_mfa, user_requires_mfa


class UserLanguageMiddleware(LocaleMiddleware):
    """A signed-in user's saved preference wins; otherwise the cookie, then the browser, then Vietnamese.

    Sits after AuthenticationMiddleware so ``request.user`` is known.
    """

    def process_request(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", None) if user and user.is_authenticated else None
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
            return
        super().process_request(request)


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
