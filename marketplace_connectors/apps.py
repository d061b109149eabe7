from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConnectorsConfig(AppConfig):
    """Marketplace sync: connector interface, registry, accounts, bindings, backends and simulators."""

    name = "marketplace_connectors"
    verbose_name = _("Marketplace connectors")
