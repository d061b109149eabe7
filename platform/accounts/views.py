from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .redirects import safe_redirect_target
from .selectors import sso_providers_available, user_has_mfa, user_roles
from .services import user_set_language


@require_POST
def language_switch(request):
    """Switch the interface language; remembered in a cookie, and on the user when signed in."""
    language = request.POST.get("language", "")
    next_url = safe_redirect_target(request=request, candidate=request.POST.get("next"), default="/")
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax", secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


@login_required
def dashboard(request):
    """The signed-in landing page: who you are, your roles and where to go next."""
    return render(request, "accounts/dashboard.html", {
        "roles": sorted(user_roles(user=request.user)),
        "has_mfa": user_has_mfa(user=request.user),
        "sso_available": sso_providers_available(request=request),
    })


def login_redirect(request):
    """Every other login page (Wagtail's ``/admin/login/``, Django's ``/django-admin/login/``) sends the visitor to
    allauth's login, so one flow checks the password, the rate limits, email verification and two-factor.

    A signed-in user lands here when an admin refused them a page: they go to their dashboard instead of
    round the login page again.
    """
    next_url = safe_redirect_target(request=request, candidate=request.GET.get("next"), default="")
    if request.user.is_authenticated:
        if next_url:
            messages.error(request, _("Your account cannot open that page."))
        return redirect("accounts:dashboard")
    login_url = reverse("account_login")
    return redirect(f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url)


def password_reset_redirect(request, *args, **kwargs):
    """The admins' password-reset pages (and links they once mailed) send the visitor to allauth's."""
    return redirect("account_reset_password")
