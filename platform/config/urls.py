from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as account_views

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
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
    path("business/declared-shops/", include("adoption.owner_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path (the public home page and, later, the journey and guides).
urlpatterns += [path("", include(wagtail_urls))]
