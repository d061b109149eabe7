from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .selectors import user_has_mfa, user_roles
from .services import user_set_language


@require_POST
def language_switch(request):
    """Switch the interface language; remembered in a cookie, and on the user when signed in."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
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
    })
