from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponsePermanentRedirect
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import sso
from accounts import views as account_views

from .health import healthz
from .metrics_view import metrics_view

# Both admins (and Wagtail's front end) sign in through allauth (password, rate limits, email verification, two-factor): their own
# login and password-reset pages redirect there. These come before the admins' own URLs.
admin_login_paths = [
    path("admin/login/", account_views.login_redirect),
    re_path(r"^admin/password_reset/", account_views.password_reset_redirect),
    path("django-admin/login/", account_views.login_redirect),
    re_path(r"^django-admin/password_reset/", account_views.password_reset_redirect),
    # Wagtail's front-end login (for pages an editor restricts to signed-in users) is Django's password form.
    path("_util/login/", account_views.login_redirect),
]


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (a downloaded file, an error page)."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.ico"))


urlpatterns = [
    *admin_login_paths,
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("favicon.ico", favicon),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The province's identity provider: allauth's own paths and names, served by its views with our checks.
    path("accounts/oidc/<str:provider_id>/login/", sso.oidc_login, name="openid_connect_login"),
    path("accounts/oidc/<str:provider_id>/login/callback/", sso.oidc_callback, name="openid_connect_callback"),
    path("accounts/oidc/<str:provider_id>/reauthenticate/", sso.oidc_reauthenticate, name="sso_reauthenticate"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("language/", account_views.language_switch, name="language_switch"),
    path("business/", include("sme.businesses.urls")),
    path("catalog/", include("sme.catalog.urls")),
    path("imports/", include("sme.imports.urls")),
    path("billing/", include("sme.billing.urls")),
    path("marketplaces/", include("marketplace_connectors.urls")),
    path("getting-started/", include("cms.urls")),
    path("officer/", include("adoption.urls")),
    path("outreach/", include("outreach.urls")),
    path("business/declared-shops/", include("adoption.owner_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path (the public home page and, later, the journey and guides).
urlpatterns += [path("", include(wagtail_urls))]
