from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessesConfig(AppConfig):
    """Businesses, their identifiers, addresses, size class, consent and team."""

    name = "sme.businesses"
    label = "businesses"
    verbose_name = _("Businesses")
